"""Search speed on a synthetic library: 100k photos / 1M instances, in SQLite and in PostgreSQL.

    .venv/bin/python bench/search_bench.py                       # both databases, full size
    .venv/bin/python bench/search_bench.py --photos 5000 --repeat 20 --backend sqlite   # quick

Photos and their index rows are generated (labels with a long-tailed frequency, sizes, places,
relations, alt-text words) and written straight to the tables; the index rows come from the same
``webapp.search.terms.photo_terms`` the app uses, and the per-owner key totals from
``services.recount_keys``. 99 % of the photos belong to one user (the worst case: every query
scans that user's whole library), 1 % to a second user whose photos must never match. Each query
runs through ``webapp.search.services.search`` (total, first page of 24 photos, scores), so the
figures are what the page and the API wait for, minus template rendering.

PostgreSQL: Debian's server binaries (``apt-get install -y postgresql``) are started by this script
on 127.0.0.1 in a temporary folder (``initdb`` + ``pg_ctl``, as the ``postgres`` user when run as
root) and removed afterwards; ``psycopg`` must be installed in the venv.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES: dict[str, list[str]] = {
    "one label": ["dog", "person", "giraffe", "cars"],
    "three terms with a count": [
        "two people and dog -cat",
        "at least 3 cars and bus or truck",
        "2 dogs person frisbee",
    ],
    "supercategory": ["animal"],
    "size and place": ["large dog on the left"],
    "relation": ["person next to car", "person riding horse"],
    "negation only": ["no people"],
    "alt-text word": ["beach"],
}

# Long-tailed label frequencies, roughly COCO's: people everywhere, then cars, chairs, ...
COMMON = ["person"] * 30 + ["car"] * 6 + ["chair"] * 5 + ["cup", "bottle", "dog", "cat", "bird"] * 2
WORDS = "beach street kitchen park table snow grass sky water field road city room night sunset market".split()
PREDICATES = ["riding", "on", "holding", "in front of", "behind", "next to"]
POSITIONS = ["left", "centre", "right", "upper left", "top", "upper right", "lower left", "bottom", "lower right"]


# -- parent: databases ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in versions:
        if (folder / name).exists():
            return str(folder / name)
    raise SystemExit(f"{name} not found: apt-get install -y postgresql")


class Postgres:
    """A throwaway PostgreSQL server on loopback, in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")

    def run(self, *argv: str) -> None:
        subprocess.run([*self.as_user, *argv], check=True, capture_output=True, text=True)

    def __enter__(self) -> Postgres:
        self.run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.folder / "pg.log"
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")
        self.run(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bench")
        return self

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/bench"

    def __exit__(self, *exc: object) -> None:
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


def run_child(database_url: str, folder: Path, args: argparse.Namespace) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(folder), "DEBUG": "0"}
    argv = [sys.executable, __file__, "--child", "--photos", str(args.photos), "--repeat", str(args.repeat)]
    argv += ["--instances", str(args.instances), "--seed", str(args.seed)]
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- child: generate and measure ------------------------------------------------------------------
def generate(n_photos: int, mean_instances: float, seed: int) -> tuple[int, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from captioning.model import Description, DetectedObject, Relation
    from captioning.vocabulary import COCO_LABELS
    from webapp.photos.models import Photo
    from webapp.search.models import SearchTerm
    from webapp.search.services import recount_keys
    from webapp.search.terms import photo_terms

    rng = random.Random(seed)
    if connection.vendor == "sqlite":  # a throwaway database: no waiting on the disk while loading
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -400000")
    users = get_user_model().objects
    owner = users.create_user("bench")
    stranger = users.create_user("stranger")
    labels = COMMON + list(COCO_LABELS)
    now = timezone.now()
    n_instances = 0
    photo_table = Photo._meta.db_table
    term_table = SearchTerm._meta.db_table
    batch = 5000
    for start in range(0, n_photos, batch):
        photos = [
            Photo(
                owner=owner if i % 100 else stranger,
                image=f"bench/{i}.jpg",
                thumbnail=f"bench/{i}_t.jpg",
                original_name=f"{i}.jpg",
                width=640,
                height=480,
                status=Photo.Status.DONE,
                created_at=now - timezone.timedelta(minutes=n_photos - i),  # uploaded in id order
                model_name="synthetic",
            )
            for i in range(start, min(start + batch, n_photos))
        ]
        with transaction.atomic():
            Photo.objects.bulk_create(photos, batch_size=1000)
            rows = []
            for photo in photos:
                k = max(1, min(40, int(rng.expovariate(1 / mean_instances) + 0.5)))
                n_instances += k
                objects = tuple(
                    DetectedObject(  # (the random draws in the order of earlier runs: same data)
                        index=j,
                        label=rng.choice(labels),
                        certainty="stated" if rng.random() < 0.9 else "possible",
                        area_fraction=rng.betavariate(1.2, 12),
                        position=rng.choice(POSITIONS),
                        score=1.0,  # not indexed
                        box=(0.0, 0.0, 0.0, 0.0),  # not indexed
                        centre=(0.5, 0.5),  # not indexed
                        size="",  # not indexed (sizes come from area_fraction)
                    )
                    for j in range(k)
                )
                relations = tuple(
                    Relation(subject=rng.randrange(k), predicate=rng.choice(PREDICATES), object=rng.randrange(k))
                    for _ in range(rng.choice((0, 0, 1, 2)))
                )
                description = Description("", "", objects=objects, mentions=(), relations=relations)
                terms = photo_terms(description, " ".join(rng.sample(WORDS, 3)))
                rows.extend((photo.pk, photo.owner_id, key, count) for key, count in terms.items())
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {term_table} (photo_id, owner_id, key, count) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(
                        f"INSERT INTO {term_table} (photo_id, owner_id, key, count) VALUES (%s, %s, %s, %s)", rows
                    )
    recount_keys()  # the per-owner key totals, as index_photo keeps them
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else f"VACUUM ANALYZE {photo_table}")
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {term_table}")
            cursor.execute("VACUUM ANALYZE search_searchkeycount")
    return n_instances, SearchTerm.objects.count()


def measure(repeat: int) -> dict[str, dict[str, float]]:
    from django.contrib.auth import get_user_model

    from webapp.search import services

    owner = get_user_model().objects.get(username="bench")
    stranger = get_user_model().objects.get(username="stranger")
    out: dict[str, dict[str, float]] = {}
    for kind, queries in QUERIES.items():
        timings: list[float] = []
        totals = []
        for query in queries:
            for attempt in range(repeat + 2):
                started = time.perf_counter()
                result = services.search(owner, query)
                elapsed = (time.perf_counter() - started) * 1000
                assert not result.error, (query, result.error)
                assert all(hit.photo.owner_id == owner.pk for hit in result.hits)
                if attempt >= 2:  # two warm-up runs per query
                    timings.append(elapsed)
            totals.append(result.total)
            assert all(h.photo.owner_id == stranger.pk for h in services.search(stranger, query).hits)
        timings.sort()
        out[kind] = {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 2),
            "runs": len(timings),
            "matches": totals,
        }
    return out


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from webapp.search.models import SearchTerm

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if get_user_model().objects.filter(username="bench").exists():  # --sqlite-file kept from a run
        n_instances, n_terms = -1, SearchTerm.objects.count()
    else:
        n_instances, n_terms = generate(args.photos, args.instances, args.seed)
    built = time.perf_counter() - started
    load_before = os.getloadavg()[0]
    figures = measure(args.repeat)
    load_after = os.getloadavg()[0]
    print(
        json.dumps(
            {
                "database": f"{connection.vendor} {connection.Database.__name__}",
                "photos": args.photos,
                "instances": n_instances,
                "index_rows": n_terms,
                "generate_s": round(built, 1),
                "load_average_1min": [round(load_before, 2), round(load_after, 2)],  # before / after timing
                "queries": figures,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--instances", type=float, default=10.0, help="mean instances per photo")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per query")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="keep the SQLite database here and reuse it when it exists (generated once; for trying changes)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        tmp_path = Path(tmp)
        os.chmod(tmp_path, 0o755)
        if args.backend in ("sqlite", "both"):
            folder = tmp_path / "sqlite"
            folder.mkdir()
            db = args.sqlite_file.resolve() if args.sqlite_file else folder / "bench.sqlite3"
            results.append(run_child(f"sqlite:///{db}", folder, args))
        if args.backend in ("postgres", "both"):
            folder = tmp_path / "postgres"
            folder.mkdir()
            with Postgres(folder) as pg:
                results.append(run_child(pg.url, folder, args))
    for res in results:
        print(
            f"\n{res['database']}: {res['photos']} photos, {res['instances']} instances, "
            f"{res['index_rows']} index rows (generated in {res['generate_s']} s); "
            f"1-min load average {res['load_average_1min'][0]} before, {res['load_average_1min'][1]} after timing "
            f"on {os.cpu_count()} CPUs"
        )
        print(f"  {'query kind':<26} {'p50 ms':>8} {'p95 ms':>8}  runs  matches")
        for kind, fig in res["queries"].items():
            print(f"  {kind:<26} {fig['p50_ms']:>8} {fig['p95_ms']:>8}  {fig['runs']:>4}  {fig['matches']}")
    print("\n" + json.dumps(results))


if __name__ == "__main__":
    main()
