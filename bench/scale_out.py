"""Throughput with 1 and 2 worker hosts, and what each photo costs the shared services (issue 20).

Usage (as root: network namespaces)::

    .venv/bin/python bench/scale_out.py [--hosts 1 2] [--photos 40] [--repeat 1] [--json OUT]

Each run starts the scale-out test's layout (``tests/webapp/cluster.py``: PostgreSQL, Redis, the
S3 server, gunicorn and the sweeper here; each worker in its own network namespace, one process,
one thread, the YOLO11n-seg TFLite model, ``TEXT_READER`` as shipped), warms every worker up with
two photos each, then uploads ``--photos`` held-out COCO photos (``../shared/coco-val-calib``)
through the API in requests of 20 and waits until every one is done. Measured over that window:

* photos/s end to end: from the first upload request to the last photo done (the workers' logs
  say when; nothing polls the database, which would count in its cost);
* the broker: Redis ``INFO commandstats`` (calls per command), ``total_commands_processed``,
  ``total_net_input_bytes`` / ``total_net_output_bytes`` deltas;
* the database: ``pg_stat_statements`` (statements the app sent, by kind, and PostgreSQL's own
  foreign-key checks, one per row written with a foreign key) and ``pg_stat_database``
  (transactions, rows read/written) deltas; the final snapshot waits 11 s, past PostgreSQL's
  10 s flush of an idle backend's counters;
* storage: one ``serve s3: <OPERATION>`` line per request in rclone's DEBUG log, counted; bytes
  stored from the bucket's listing, bytes read as the sizes of the objects the GET lines name;
* each worker host's link: bytes both ways (``/sys/class/net/<veth>/statistics``): everything a
  worker exchanges with the broker, the database and storage;
* CPU seconds of each service (its process tree, from ``/proc``), to size the shared parts.

Everything is divided by the number of photos. Idle polling (each worker's blocking pop on the
queue, the sweeper's rounds every 30 s) is part of the cost, as it is in production.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import psycopg  # noqa: E402
import redis  # noqa: E402
import requests  # noqa: E402

from tests.conftest import SHARED  # noqa: E402
from tests.webapp.cluster import BUCKET, Cluster  # noqa: E402
from tests.webapp.stack import Browser  # noqa: E402

PHOTOS = SHARED / "coco-val-calib" / "images"
PER_REQUEST = 20  # UPLOAD_MAX_FILES
#: A worker's log line for a photo done: "[2026-12-06 06:11:18,718: INFO/ForkPoolWorker-1] Task ... succeeded".
SUCCEEDED = re.compile(r"^\[([\d-]+ [\d:]+,\d+): INFO/[^\]]+\] Task photos\.segment_photo\[[^\]]+\] succeeded")
#: rclone's DEBUG line per request: "serve s3: GET OBJECT Bucket: ...", "serve s3: HEAD OBJECT b k".
S3_OP = re.compile(r"serve s3: ([A-Z]+(?: [A-Z]+)*)\b")
#: The statement PostgreSQL runs for each row a foreign key checks (its RI triggers): not sent by the app.
FK_CHECK = re.compile(r'^SELECT \S+ FROM ONLY "[^"]+"\."[^"]+" x WHERE .* FOR KEY SHARE OF x$')
GET_OBJECT = re.compile(r"serve s3: GET OBJECT Bucket: (\S+) Object: (\S+)")


# -- counters -------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and every process under it (children that ended included, as
    their parent's ``cutime``)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        times[child] = sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(p, 0.0) for p in tree)


def service_pids(cluster: Cluster) -> dict[str, int]:
    assert cluster.pg is not None and cluster.s3 is not None and cluster.stack is not None
    pids = {
        "postgres": int((cluster.pg.data / "postmaster.pid").read_text().split()[0]),
        "redis": cluster.redis.pid,
        "s3": cluster.s3.process.pid,
        "web": cluster.stack.processes["web"].pid,
        "sweeper": cluster.stack.processes["sweeper"].pid,
    }
    for worker in cluster.workers:
        pids[f"worker {worker.name}"] = worker.process.pid
    return pids


def link_bytes(cluster: Cluster) -> dict[str, int]:
    total = {}
    for worker in cluster.workers:
        stats = Path("/sys/class/net") / worker.host.link / "statistics"
        total[worker.name] = int((stats / "rx_bytes").read_text()) + int((stats / "tx_bytes").read_text())
    return total


def snapshot(cluster: Cluster, broker: redis.Redis) -> dict[str, Any]:
    info = broker.info("all")
    with psycopg.connect(cluster.database_url(), autocommit=True) as connection:
        database = connection.execute(
            "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched, tup_inserted + tup_updated + tup_deleted "
            "FROM pg_stat_database WHERE datname = %s",
            [cluster.database],
        ).fetchone()
    assert cluster.s3 is not None and cluster.pg is not None and cluster.pg.directory is not None
    return {
        "time": time.monotonic(),
        "pg_log_offset": (cluster.pg.directory / "log").stat().st_size,
        "redis_commands": info["total_commands_processed"],
        "redis_in": info["total_net_input_bytes"],
        "redis_out": info["total_net_output_bytes"],
        "redis_calls": {k.removeprefix("cmdstat_"): v["calls"] for k, v in info.items() if k.startswith("cmdstat_")},
        "pg": dict(zip(("transactions", "rows_returned", "rows_fetched", "rows_written"), database, strict=True)),
        "s3_log_offset": cluster.s3.log_path.stat().st_size,
        "link": link_bytes(cluster),
        "cpu": {name: cpu_seconds(pid) for name, pid in service_pids(cluster).items()},
    }


def statements(cluster: Cluster) -> list[tuple[str, bool, int, int, float]]:
    """(query, sent by the app?, calls, rows, milliseconds executing): not sent by the app are
    PostgreSQL's own foreign-key checks, one per row written with a foreign key
    (pg_stat_statements counts them like the rest)."""
    with psycopg.connect(cluster.database_url(), autocommit=True) as connection:
        found = connection.execute(
            "SELECT query, calls, rows, total_exec_time FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = %s AND query NOT LIKE '%%pg_stat_statements%%' ORDER BY calls DESC",
            [cluster.database],
        ).fetchall()
    return [(query, not FK_CHECK.match(query), calls, rows, ms) for query, calls, rows, ms in found]


def statement_kind(query: str) -> str:
    words = query.split()
    kind = words[0].upper() if words else "?"
    if kind == "SELECT" and " FOR UPDATE" in query.upper():
        return "SELECT FOR UPDATE"
    return kind


def object_sizes(cluster: Cluster) -> dict[str, int]:
    assert cluster.s3 is not None
    sizes = {}
    for page in cluster.s3.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        sizes |= {o["Key"]: o["Size"] for o in page.get("Contents", [])}
    return sizes


# -- one run --------------------------------------------------------------------------------------
def succeeded_times(cluster: Cluster) -> list[float]:
    """When each photo task succeeded, from the workers' logs (their clocks are this machine's, in UTC)."""
    stamps = []
    for index in range(len(cluster.workers)):
        for line in cluster.worker_log(index).splitlines():
            if found := SUCCEEDED.match(line):
                day, millis = found.group(1).split(",")
                stamps.append(calendar.timegm(time.strptime(day, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000)
    return sorted(stamps)


def upload(url: str, headers: dict, files: list[Path]) -> None:
    for start in range(0, len(files), PER_REQUEST):
        chunk = files[start : start + PER_REQUEST]
        parts = [("image", (p.name, p.read_bytes(), "image/jpeg")) for p in chunk]
        response = requests.post(f"{url}/api/photos/", files=parts, headers=headers, timeout=300)
        response.raise_for_status()


def wait_succeeded(cluster: Cluster, count: int, timeout: float) -> list[float]:
    deadline = time.monotonic() + timeout
    while len(stamps := succeeded_times(cluster)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(stamps)} of {count} photos done after {timeout} s\n{cluster.logs()}")
        time.sleep(0.5)
    return stamps


def run(hosts: int, photos: list[Path], warmup: list[Path], *, keep: bool = False) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix=f"bench-scale-out-{hosts}-"))
    cluster = Cluster(
        root,
        hosts=hosts,
        env={"TZ": "UTC"},
        s3_log_level="DEBUG",
        pg_settings=("shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all"),
    )
    try:
        cluster.start()
        assert cluster.stack is not None and cluster.s3 is not None
        with psycopg.connect(cluster.database_url(), autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        browser = Browser(cluster.stack.url)
        browser.sign_up("bench")
        headers = {"Authorization": f"Bearer {cluster.stack.manage('issue_token', 'bench').stdout.strip()}"}
        # Warm-up: every worker loads its model and text reader, and has done a photo or two.
        upload(cluster.stack.url, headers, warmup[: 2 * hosts])
        wait_succeeded(cluster, 2 * hosts, 300)
        broker = redis.Redis.from_url(cluster.redis_url())
        # 11 s idle (idle backends flush their statistics after 10 s): also what the layout costs
        # doing nothing (workers' blocking pops, Redis' and PostgreSQL's timers), per second.
        idle = snapshot(cluster, broker)
        time.sleep(11)
        with psycopg.connect(cluster.database_url(), autocommit=True) as connection:
            connection.execute("SELECT pg_stat_statements_reset()")
        before_sizes = object_sizes(cluster)
        before = snapshot(cluster, broker)
        started = time.time()
        upload(cluster.stack.url, headers, photos)
        uploaded = time.time()
        stamps = wait_succeeded(cluster, 2 * hosts + len(photos), 600)
        ended = stamps[-1]
        time.sleep(11)
        after = snapshot(cluster, broker)
        executed = statements(cluster)
        with psycopg.connect(cluster.database_url(), autocommit=True) as connection:
            statuses = dict(connection.execute("SELECT status, count(*) FROM photos_photo GROUP BY status").fetchall())
        after_sizes = object_sizes(cluster)
        s3_log = cluster.s3.log_path.read_bytes()[before["s3_log_offset"] : after["s3_log_offset"]]
        s3_lines = s3_log.decode(errors="replace")
        pg_log = (cluster.pg.directory / "log").read_bytes()[before["pg_log_offset"] : after["pg_log_offset"]]
        connections = pg_log.decode(errors="replace").count("connection received:")
    finally:
        cluster.stop()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    n = len(photos)
    ops: dict[str, int] = {}
    read_bytes = 0
    for line in s3_lines.splitlines():
        if found := S3_OP.search(line):
            ops[found.group(1).strip()] = ops.get(found.group(1).strip(), 0) + 1
        if found := GET_OBJECT.search(line):
            read_bytes += after_sizes.get(found.group(2), 0)
    kinds: dict[str, int] = {}
    for query, toplevel, calls, _, _ in executed:
        if toplevel:
            kinds[statement_kind(query)] = kinds.get(statement_kind(query), 0) + calls
    calls = {
        k: v - before["redis_calls"].get(k, 0)
        for k, v in after["redis_calls"].items()
        if v - before["redis_calls"].get(k, 0)
    }
    per = lambda value: round(value / n, 3)  # noqa: E731
    window = after["time"] - before["time"]
    idle_seconds = before["time"] - idle["time"]
    idle_redis_rate = (before["redis_commands"] - idle["redis_commands"]) / idle_seconds

    def idle_rate(name: str) -> float:
        return (before["cpu"][name] - idle["cpu"].get(name, before["cpu"][name])) / idle_seconds

    return {
        "hosts": hosts,
        "photos": n,
        "statuses": statuses,
        "seconds": round(ended - started, 2),
        "upload_seconds": round(uploaded - started, 2),
        "photos_per_s": round(n / (ended - started), 3),
        "load_average": [round(x, 1) for x in os.getloadavg()],  # 1/5/15 min, at the end: the machine is shared
        "per_photo": {
            "redis_commands": per(after["redis_commands"] - before["redis_commands"]),
            "redis_commands_by_name": {k: per(v) for k, v in sorted(calls.items(), key=lambda kv: -kv[1])},
            "redis_bytes_in": per(after["redis_in"] - before["redis_in"]),
            "redis_bytes_out": per(after["redis_out"] - before["redis_out"]),
            "pg_statements": per(sum(c for _, top, c, _, _ in executed if top)),
            "pg_foreign_key_checks": per(sum(c for _, top, c, _, _ in executed if not top)),
            # Milliseconds the server spent executing: the app's statements, and with the FK checks.
            "pg_exec_ms": per(sum(ms for _, top, _, _, ms in executed if top)),
            "pg_exec_ms_all": per(sum(ms for *_, ms in executed)),
            "pg_connections": per(connections),
            "pg_statements_by_kind": {k: per(v) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])},
            **{f"pg_{k}": per(after["pg"][k] - before["pg"][k]) for k in after["pg"]},
            "s3_requests": per(sum(ops.values())),
            "s3_requests_by_op": {k: per(v) for k, v in sorted(ops.items(), key=lambda kv: -kv[1])},
            "s3_bytes_stored": per(sum(after_sizes.values()) - sum(before_sizes.values())),
            "s3_bytes_read": per(read_bytes),
            "link_bytes_per_worker_photo": per(sum(after["link"].values()) - sum(before["link"].values())),
            "cpu_ms": {k: round(1000 * (after["cpu"][k] - before["cpu"].get(k, 0.0)) / n, 1) for k in after["cpu"]},
            # The same less what the layout burns idle (measured just before) over this window.
            "cpu_ms_beyond_idle": {
                k: round(1000 * (after["cpu"][k] - before["cpu"].get(k, 0.0) - idle_rate(k) * window) / n, 1)
                for k in after["cpu"]
            },
            "redis_commands_beyond_idle": per(
                after["redis_commands"] - before["redis_commands"] - idle_redis_rate * window
            ),
        },
        "idle_per_s": {
            "redis_commands": round(idle_redis_rate, 1),
            "cpu_ms": {k: round(1000 * idle_rate(k), 1) for k in before["cpu"]},
        },
        # (statement, sent by the app, calls per photo, rows per photo, ms per photo)
        "top_statements": [(q[:160], top, per(c), per(r), per(ms)) for q, top, c, r, ms in executed[:15]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep each run's folder (logs, bucket) in the temp dir")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench/scale_out.py needs root (network namespaces)")
    every = sorted(PHOTOS.glob("*.jpg"))
    warmup, photos = every[:4], every[4 : 4 + args.photos]
    if len(photos) < args.photos:
        raise SystemExit(f"only {len(photos)} photos in {PHOTOS}")
    results = []
    for round_ in range(args.repeat):
        for hosts in args.hosts if round_ % 2 == 0 else list(reversed(args.hosts)):
            result = run(hosts, photos, warmup, keep=args.keep)
            results.append(result)
            print(json.dumps(result, indent=1), flush=True)
    for result in results:
        per = result["per_photo"]
        redis_bytes = per["redis_bytes_in"] + per["redis_bytes_out"]
        print(
            f"{result['hosts']} host(s): {result['photos_per_s']:.2f} photos/s "
            f"({result['photos']} in {result['seconds']} s); "
            f"per photo: redis {per['redis_commands']} commands, {redis_bytes:.0f} B; "
            f"postgres {per['pg_statements']} statements, {per['pg_transactions']} transactions; "
            f"s3 {per['s3_requests']} requests, {per['s3_bytes_stored'] / 1024:.0f} KiB stored, "
            f"{per['s3_bytes_read'] / 1024:.0f} KiB read; link {per['link_bytes_per_worker_photo'] / 1024:.0f} KiB"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
