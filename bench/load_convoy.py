"""The GIL convoy in a gunicorn worker (issue 17): a cheap request's latency beside CPU-heavy ones,
with Python's default GIL switch interval (5 ms) and the web server's (``WEB_GIL_SWITCH_INTERVAL_US``).

    python bench/load_convoy.py                     # after bench/load.py has seeded var/bench-load/data-worktree
    python bench/load_convoy.py --intervals 5000,1000,500 --rounds 3 --hammers 4

What runs: gunicorn as ``make run`` starts it (2 workers x 4 threads) once per interval, on this
checkout and the data folder ``bench/load.py`` seeded; ``--hammers`` client processes request the
API list (48 photos, the costliest page) back to back, while one more client requests one photo
through the API (``/api/photos/<id>/``, a few ms of CPU) ``--samples`` times, 20 ms apart. The
servers take turns, round by round. Reported: that cheap request's p50/p95 per interval.

Why: threads of one worker share the GIL. A thread that gave it up for a query or a socket write
waits for the holder's switch interval to take it back: with CPU-heavy requests beside it, a
cheap request collects that wait at each of its queries.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.devstack import _http_ok, free_port, wait_for  # noqa: E402

DATA = ROOT / "var" / "bench-load" / "data-worktree"
PHOTO_CODE = "from webapp.photos.models import Photo; print(Photo.objects.order_by('pk')[500].pk)"


def get(port: int, path: str, token: str) -> float:
    """One GET on a new connection (as the load's users make them); milliseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    conn.getresponse().read()
    conn.close()
    return (time.perf_counter() - started) * 1000


def hammer(port: int, token: str, stop: object, done: object) -> None:
    while not stop.is_set():  # type: ignore[attr-defined]
        get(port, "/api/photos/", token)
        with done.get_lock():  # type: ignore[attr-defined]
            done.value += 1  # type: ignore[attr-defined]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intervals", default="5000,1000", help="GIL switch intervals to compare (microseconds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hammers", type=int, default=4, help="client processes requesting the API list")
    parser.add_argument("--samples", type=int, default=60, help="cheap requests per round and interval")
    args = parser.parse_args()
    if not (DATA / "db.sqlite3").exists():
        sys.exit(f"no data in {DATA}: run bench/load.py once first")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webapp.settings", "DATA_DIR": str(DATA), "DEBUG": "0"}
    manage = [sys.executable, "manage.py"]
    token = subprocess.run(
        [*manage, "issue_token", "bench"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    photo = json.loads(
        subprocess.run(
            [*manage, "shell", "-c", PHOTO_CODE],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    servers: list[tuple[int, subprocess.Popen, int]] = []
    try:
        for interval in map(int, args.intervals.split(",")):
            port = free_port()
            argv = [sys.executable, "-m", "gunicorn", "webapp.wsgi:application", "--bind", f"127.0.0.1:{port}",
                    "--workers", "2", "--threads", "4", "--timeout", "120"]  # fmt: skip
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**env, "WEB_GIL_SWITCH_INTERVAL_US": str(interval)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((interval, proc, port))
        for _interval, proc, port in servers:
            wait_for(
                lambda port=port: _http_ok(f"http://127.0.0.1:{port}/healthz"), timeout=60, what="gunicorn", proc=proc
            )
        # Per server (one interval may be listed twice, to see the spread between two servers alike).
        times: list[list[float]] = [[] for _ in servers]
        # The price of switching more often: API-list pages served per second beside the samples.
        lists: list[list[float]] = [[] for _ in servers]
        for _ in range(args.rounds):
            for i, (_interval, _proc, port) in enumerate(servers):
                stop, done = multiprocessing.Event(), multiprocessing.Value("i", 0)
                hammers = [
                    multiprocessing.Process(target=hammer, args=(port, token, stop, done)) for _ in range(args.hammers)
                ]
                for h in hammers:
                    h.start()
                time.sleep(0.5)
                started, before = time.monotonic(), done.value
                for _ in range(args.samples):
                    times[i].append(get(port, f"/api/photos/{photo}/", token))
                    time.sleep(0.02)
                lists[i].append((done.value - before) / (time.monotonic() - started))
                stop.set()
                for h in hammers:
                    h.join()
        load = os.getloadavg()[0]
        for (interval, _proc, _port), values, pages in zip(servers, times, lists, strict=True):
            print(
                f"switch interval {interval:>5} us: one photo through the API beside {args.hammers} API-list loops: "
                f"p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} ms ({len(values)} requests); "
                f"API-list pages/s meanwhile {sum(pages) / len(pages):.1f}"
            )
        print(f"load average at the end: {load:.1f}")
    finally:
        for _interval, proc, _port in servers:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
