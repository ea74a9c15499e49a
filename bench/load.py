"""Web capacity (issue 17): the real stack under a headless Locust load, on loopback only.

    python bench/load.py                                   # this checkout: 200 users, 5 s think time, then none
    python bench/load.py --compare e0c820c                 # ...and another commit, in the same run
    python bench/load.py --users 50 --duration 20 --photos 300 --scenarios nothink   # a quick look

What runs: for each checkout, the stack as ``make run`` starts it (``webapp.devstack.Stack``: its
own redis-server, one Celery worker with SSDLite, the sweeper, gunicorn 2 workers x 4 threads,
DEBUG=0) on free loopback ports, with one user owning ``--photos`` done photos imported with the
app's own COCO importer (``manage.py import_coco``) from ../shared/coco-train-mini (copies under new
names past its 343). Another commit is exported with ``git archive`` (no worktree) and seeded the
same way; seeded data folders are kept in var/bench-load/<commit>/ and reused. Scenarios are run
in turn on each checkout (A, B, A, B), so both see the same machine.

Figures per scenario: requests/s, failures, p50/p95 per endpoint (Locust), the web server's CPU
time (utime+stime of gunicorn's processes, from /proc, over the whole run) per request, and
requests per CPU-second of the web server ("requests/s per core": what one core would serve).
The load generator runs on the same machine (its CPU is reported too): on 2 cores, it competes.
Where the tail comes from: p95 after the warm-up and per 5 s window (from the locustfile's
per-request log), the time each request spent inside gunicorn (its access log), and once a second
the cores kept busy by the web server, Locust, the rest of the stack and everything else on the
machine (other jobs on a shared machine show up there, not as a slower server).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.devstack import Stack, free_port  # noqa: E402

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
COCO = SHARED / "coco-train-mini"
WEIGHTS = SHARED / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth"
USERNAME = "bench"
ENDPOINTS = ["library page", "photo page", "search page", "API list", "API detail"]
SESSION_CODE = """
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(username={username!r})
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.save()
print(s.session_key)
"""
IDS_CODE = (
    "import json; from webapp.photos.models import Photo as P; "
    "print(json.dumps(list(P.objects.values_list('pk', flat=True))))"
)
USER_CODE = "from django.contrib.auth import get_user_model as g; g().objects.get_or_create(username={username!r})"


def commit_of(rev: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", rev], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def export(rev: str, into: Path) -> Path:
    """The tree of ``rev`` in ``into`` (git archive: no worktree, no change to the repository)."""
    if not (into / "manage.py").exists():
        into.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, check=True, capture_output=True)
        with tempfile.TemporaryFile() as tar_file:
            tar_file.write(archive.stdout)
            tar_file.seek(0)
            with tarfile.open(fileobj=tar_file) as tar:
                tar.extractall(into, filter="data")
    return into


def stack_for(root: Path, data_dir: Path) -> Stack:
    env = {
        "DEBUG": "0",
        "SHARED_DIR": str(SHARED),
        "SEGMENTER": "ssdlite320_mobilenet_v3_large",
        "SEGMENTER_WEIGHTS": str(WEIGHTS),
        "SEGMENTER_THREADS": "1",
        "LOG_LEVEL": "WARNING",
        # Each access-log line ends with the time the request spent inside gunicorn (ms), so the
        # report can tell time in the server from time waiting for it.
        "GUNICORN_CMD_ARGS": "--access-logformat='%(m)s %(U)s%(q)s %(s)s %(M)s'",
    }
    return Stack(data_dir=data_dir, web_port=free_port(), redis_port=free_port(), env=env, root=root)


def seed(stack: Stack, photos: int) -> None:
    """``photos`` done photos of one user, through the app's own COCO importer."""
    marker = stack.data_dir / f"seeded-{photos}"
    if marker.exists():
        return
    stack.data_dir.mkdir(parents=True, exist_ok=True)
    stack.manage("migrate", "--noinput")
    stack.manage("shell", "-c", USER_CODE.format(username=USERNAME))
    data = json.loads((COCO / "instances.json").read_text())
    folder = stack.data_dir / "coco-copies"
    folder.mkdir(exist_ok=True)
    images, annotations = [], []
    for copy in range(math.ceil(photos / len(data["images"]))):
        for image in data["images"]:
            if len(images) == photos:
                break
            name = f"c{copy}-{image['file_name']}"
            link = folder / name
            if not link.exists():
                link.symlink_to(COCO / "images" / image["file_name"])
            new_id = copy * 10_000_000 + image["id"]
            images.append({**image, "id": new_id, "file_name": name})
            annotations += [
                {**a, "id": copy * 100_000_000 + a["id"], "image_id": new_id}
                for a in data["annotations"]
                if a["image_id"] == image["id"]
            ]
    (folder / "instances.json").write_text(json.dumps({**data, "images": images, "annotations": annotations}))
    started = time.monotonic()
    out = stack.manage("import_coco", str(folder / "instances.json"), str(folder), "--user", USERNAME)
    print(f"  seeded: {out.stdout.strip()} ({time.monotonic() - started:.0f} s)", flush=True)
    marker.touch()


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def group_pids(leader: int) -> list[int]:
    """The process and its descendants (gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [leader]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (what Locust reports, without its rounding of large values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def timeline(log: Path, *, warmup: float, window: float = 5.0) -> dict:
    """Where the slow requests are, from the locustfile's per-request log: p50/p95 per endpoint over
    the whole run and after the first ``warmup`` seconds, and per ``window`` seconds of the run
    (a stall shows as one bad window, warm-up as the first ones, one slow endpoint in every one)."""
    rows = [line.split() for line in log.read_text().splitlines() if line.strip()]
    if not rows:
        return {}
    start = min(float(r[0]) for r in rows)
    requests = [(float(t) - start, name.replace("_", " "), float(ms)) for t, name, ms, _status in rows]
    out: dict = {"warmup_s": warmup, "endpoints": {}, "windows": []}
    for name in sorted({r[1] for r in requests}):
        every = [ms for _t, n, ms in requests if n == name]
        steady = [ms for t, n, ms in requests if n == name and t >= warmup]
        out["endpoints"][name] = {
            "p50_ms": round(percentile(every, 50), 1),
            "p95_ms": round(percentile(every, 95), 1),
            "p99_ms": round(percentile(every, 99), 1),
            "p95_after_warmup_ms": round(percentile(steady, 95), 1),
            "over_100ms": sum(ms > 100 for ms in every),
        }
    every = [ms for *_, ms in requests]
    out["all"] = {
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "p95_after_warmup_ms": round(percentile([ms for t, _n, ms in requests if t >= warmup], 95), 1),
    }
    for w in range(math.ceil(max(t for t, *_ in requests) / window)):
        inside = [ms for t, _n, ms in requests if w * window <= t < (w + 1) * window]
        if inside:
            out["windows"].append(
                {
                    "from_s": w * window,
                    "requests": len(inside),
                    "p50_ms": round(percentile(inside, 50), 1),
                    "p95_ms": round(percentile(inside, 95), 1),
                    "max_ms": round(max(inside), 1),
                    "over_100ms": sum(ms > 100 for ms in inside),
                }
            )
    return out


def server_times(access_log: Path, since: int) -> dict:
    """Time inside gunicorn per endpoint kind (its access log's last field, ``%(M)s`` ms, from the
    worker thread taking the request to the response written), for lines after byte ``since``: the
    difference to Locust's times is waiting before a thread takes the request, or in the client."""
    kinds = {"library page": [], "photo page": [], "search page": [], "API list": [], "API detail": []}
    with access_log.open("rb") as f:
        f.seek(since)
        for line in f.read().decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) < 3 or not parts[-1].isdigit() or parts[0] != "GET":
                continue
            path, ms = parts[1], float(parts[-1])
            kind = (
                "API list" if path.startswith("/api/photos/?") or path == "/api/photos/"
                else "API detail" if path.startswith("/api/photos/")
                else "search page" if path.startswith("/search/")
                else "photo page" if path.startswith("/photos/")
                else "library page" if path == "/" else None
            )  # fmt: skip
            if kind:
                kinds[kind].append(ms)
    return {
        name: {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms)}
        for name, ms in kinds.items()
        if ms
    }


class CpuSampler(threading.Thread):
    """Once a second: the cores each party kept busy (web server, load generator, the rest of the
    stack, everything else on the machine, and the hypervisor's steal), so a slow window can be
    put down to the server, the load generator, or another job on the shared machine."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        super().__init__(daemon=True)
        self.groups, self.samples, self.stop = groups, [], threading.Event()

    @staticmethod
    def machine() -> tuple[float, float]:
        """Busy and steal CPU seconds of the whole machine since boot (/proc/stat)."""
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
        tick = os.sysconf("SC_CLK_TCK")
        return (user + nice + system + irq + softirq) / tick, steal / tick

    def run(self) -> None:
        start = time.monotonic()
        before = {name: cpu_seconds(pids()) for name, pids in self.groups.items()}
        busy_before, steal_before = self.machine()
        while not self.stop.wait(1.0):
            now = {name: cpu_seconds(pids()) for name, pids in self.groups.items()}
            busy, steal = self.machine()
            sample = {name: round(now[name] - before[name], 2) for name in now}
            sample["others"] = round(max(0.0, busy - busy_before - sum(sample.values())), 2)
            sample["steal"] = round(steal - steal_before, 2)
            sample["t"] = round(time.monotonic() - start, 1)
            self.samples.append(sample)
            before, busy_before, steal_before = now, busy, steal


def run_load(stack: Stack, cookie: str, token: str, ids: list[int], *, users: int, think: float, duration: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="load-"))
    env = {
        **os.environ,
        "LOAD_THINK": str(think),
        "LOAD_COOKIE": cookie,
        "LOAD_TOKEN": token,
        "LOAD_IDS": json.dumps(ids),
        "LOAD_LOG": str(out / "requests.log"),
    }
    access_log = stack.data_dir / "logs" / "web.log"
    access_since = access_log.stat().st_size if access_log.exists() else 0
    spawn_rate = max(1, users // 4)
    web = group_pids(stack.processes["web"].pid)
    web_before, wall_before, locust_before = cpu_seconds(web), time.monotonic(), children_cpu()
    load_before = os.getloadavg()[0]
    locust = subprocess.Popen(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
            "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{duration}s",
            "--host", stack.url, "--csv", str(out / "run"), "--only-summary", "--stop-timeout", "10",
            "--exit-code-on-error", "0",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stack_rest = [p.pid for name, p in stack.processes.items() if name != "web"]
    sampler = CpuSampler(
        {"web": lambda: web, "locust": lambda: [locust.pid], "stack": lambda: sum(map(group_pids, stack_rest), [])}
    )
    sampler.start()
    _out, errors = locust.communicate()
    sampler.stop.set()
    sampler.join()
    wall = time.monotonic() - wall_before
    web_cpu = cpu_seconds(web) - web_before
    if locust.returncode != 0:
        raise RuntimeError(f"locust failed:\n{errors[-3000:]}")
    rows = {row["Name"]: row for row in csv.DictReader((out / "run_stats.csv").open())}
    total = rows["Aggregated"]
    requests = int(total["Request Count"])
    return {
        "users": users,
        "think_s": think,
        "wall_s": round(wall, 1),
        "requests": requests,
        "failures": int(total["Failure Count"]),
        "rps": round(requests / wall, 1),
        "web_cpu_s": round(web_cpu, 1),
        "cpu_ms_per_request": round(1000 * web_cpu / max(requests, 1), 2),
        "requests_per_cpu_second": round(requests / web_cpu, 1) if web_cpu else None,
        "web_cores_busy": round(web_cpu / wall, 2),
        "locust_cpu_s": round(children_cpu() - locust_before, 1),
        "loadavg_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "endpoints": {
            name: {
                "requests": int(rows[name]["Request Count"]),
                "failures": int(rows[name]["Failure Count"]),
                "p50_ms": float(rows[name]["50%"]),
                "p95_ms": float(rows[name]["95%"]),
                "avg_bytes": round(float(rows[name]["Average Content Size"])),
            }
            for name in ENDPOINTS
            if name in rows
        },
        # Warm-up for the figures "after warm-up": the spawn (users / spawn rate) plus one think
        # time, so every user has made its first request; the headline figures include it.
        "timeline": timeline(out / "requests.log", warmup=users / spawn_rate + think),
        "server": server_times(access_log, access_since) if access_log.exists() else {},
        "cpu_per_second": sampler.samples,
        # One line per request ("start_s name ms status"), kept (in the temporary folder) to look at.
        "request_log": str(out / "requests.log"),
    }


def endpoint_costs(stack: Stack, cookie: str, token: str, ids: list[int], *, repeat: int) -> dict:
    """One client, one request at a time: the web server's CPU ms per request of each endpoint
    (what a cost cut changes; much less sensitive to other jobs on the machine than latency)."""
    import requests

    pages, api = {"Cookie": f"sessionid={cookie}"}, {"Authorization": f"Bearer {token}"}
    middle = ids[len(ids) // 2]
    paths = {
        "library page": ("/", pages),
        "photo page": (f"/photos/{middle}/", pages),
        "search page": ("/search/?q=dog", pages),
        "API list": ("/api/photos/", api),
        "API detail": (f"/api/photos/{middle}/", api),
    }
    web = group_pids(stack.processes["web"].pid)
    costs = {}
    with requests.Session() as session:
        for name, (path, headers) in paths.items():
            for _ in range(2):  # warm: templates, caches, connections
                session.get(stack.url + path, headers=headers, timeout=120).raise_for_status()
            cpu_before, wall_before = cpu_seconds(web), time.monotonic()
            for _ in range(repeat):
                response = session.get(stack.url + path, headers=headers, timeout=120)
                response.raise_for_status()
            costs[name] = {
                "cpu_ms": round(1000 * (cpu_seconds(web) - cpu_before) / repeat, 1),
                "wall_ms": round(1000 * (time.monotonic() - wall_before) / repeat, 1),
                "bytes": len(response.content),
            }
    return costs


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the Locust run, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prepare(label: str, root: Path, data_dir: Path, photos: int) -> tuple[Stack, str, str, list[int]]:
    print(f"[{label}] {root} data in {data_dir}", flush=True)
    stack = stack_for(root, data_dir)
    stack.data_dir.mkdir(parents=True, exist_ok=True)
    stack.start_broker()
    seed(stack, photos)
    stack.start()
    cookie = stack.manage("shell", "-c", SESSION_CODE.format(username=USERNAME)).stdout.strip().splitlines()[-1]
    token = stack.manage("issue_token", USERNAME).stdout.strip()
    ids = json.loads(stack.manage("shell", "-c", IDS_CODE).stdout.strip().splitlines()[-1])
    return stack, cookie, token, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="", help="measure this commit instead of the working tree")
    parser.add_argument("--compare", default="", help="also measure this commit (the baseline), in the same run")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=5.0, help="seconds between a user's requests (think scenario)")
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario and checkout")
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--scenarios", default="think,nothink", help="think,nothink (or empty: costs only)")
    parser.add_argument("--repeat", type=int, default=20, help="sequential requests per endpoint for the CPU costs")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench-load" / "results.json")
    args = parser.parse_args()

    checkouts = {}
    cache = ROOT / "var" / "bench-load"
    for label, rev in [("this", args.rev), ("baseline", args.compare)]:
        if label == "baseline" and not rev:
            continue
        if rev:
            sha = commit_of(rev)
            checkouts[f"{label} {sha[:8]}"] = (export(rev, cache / f"src-{sha[:12]}"), cache / f"data-{sha[:12]}")
        else:
            checkouts[f"{label} (working tree)"] = (ROOT, cache / "data-worktree")
    stacks = {}
    results: dict = {"cores": os.cpu_count(), "photos": args.photos, "runs": {}}
    try:
        for label, (root, data_dir) in checkouts.items():
            stacks[label] = prepare(label, root, data_dir, args.photos)
        for label, (stack, cookie, token, ids) in stacks.items():
            costs = endpoint_costs(stack, cookie, token, ids, repeat=args.repeat)
            results.setdefault("costs", {})[label] = costs
            print(f"[{label}] one client, {args.repeat} requests each: web CPU ms per request (wall ms, bytes)")
            for name, c in costs.items():
                print(f"    {name:<13} {c['cpu_ms']:>7.1f} ms CPU  ({c['wall_ms']:.0f} ms, {c['bytes']} B)")
        for scenario in filter(None, args.scenarios.split(",")):
            think = args.think if scenario == "think" else 0.0
            for label, (stack, cookie, token, ids) in stacks.items():
                print(f"[{label}] {scenario}: {args.users} users, {think} s think time, {args.duration} s", flush=True)
                run = run_load(stack, cookie, token, ids, users=args.users, think=think, duration=args.duration)
                results["runs"].setdefault(scenario, {})[label] = run
                report(label, scenario, run)
    finally:
        for stack, *_ in stacks.values():
            stack.stop()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"results: {args.json}")


def report(label: str, scenario: str, run: dict) -> None:
    print(
        f"  {run['requests']} requests in {run['wall_s']} s = {run['rps']}/s, {run['failures']} failed; web CPU "
        f"{run['web_cpu_s']} s = {run['cpu_ms_per_request']} ms/request = {run['requests_per_cpu_second']} "
        f"requests per CPU-second ({run['web_cores_busy']} cores busy); load average {run['loadavg_before_after']}"
    )
    tl, server = run.get("timeline", {}), run.get("server", {})
    for name, e in run["endpoints"].items():
        steady = tl.get("endpoints", {}).get(name, {}).get("p95_after_warmup_ms", float("nan"))
        inside = server.get(name, {})
        print(
            f"    {name:<13} {e['requests']:>6} req  {e['failures']:>4} failed  p50 {e['p50_ms']:>7.0f} ms"
            f"  p95 {e['p95_ms']:>7.0f} ms (after warm-up {steady:.0f})  {e['avg_bytes']:>7} B;"
            f"  in gunicorn p50 {inside.get('p50_ms', float('nan')):.0f} p95 {inside.get('p95_ms', float('nan')):.0f}"
            f" max {inside.get('max_ms', float('nan')):.0f} ms"
        )
    if tl:
        print(
            f"    all: p50 {tl['all']['p50_ms']} ms, p95 {tl['all']['p95_ms']} ms "
            f"(after the first {tl['warmup_s']:.0f} s: {tl['all']['p95_after_warmup_ms']} ms); per 5 s window "
            "(requests, p95 ms, max ms, over 100 ms):"
        )
        cells = [
            f"{w['from_s']:.0f}s:{w['requests']}/{w['p95_ms']:.0f}/{w['max_ms']:.0f}/{w['over_100ms']}"
            for w in tl["windows"]
        ]
        print("      " + "  ".join(cells))
    samples = run.get("cpu_per_second", [])
    if samples:
        print("    cores busy per 5 s (web/locust/stack/others/steal):")
        cells = []
        for i in range(0, len(samples), 5):
            chunk = samples[i : i + 5]
            avg = {k: sum(c[k] for c in chunk) / len(chunk) for k in ("web", "locust", "stack", "others", "steal")}
            cells.append(f"{i}s:" + "/".join(f"{avg[k]:.2f}" for k in ("web", "locust", "stack", "others", "steal")))
        print("      " + "  ".join(cells))


if __name__ == "__main__":
    main()
