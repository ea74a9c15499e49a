"""A throwaway PostgreSQL cluster for tests: Debian's ``postgresql`` binaries, a temp directory,
a free loopback port, a password, gone when stopped.

``TEST_DATABASE=postgres pytest ...`` runs a suite against it (see ``use_postgres_for_tests``,
called by the root ``tests/conftest.py``): pytest-django creates its test database there, and every
stack the tests start (``tests.webapp.stack.start_stack``) gets a fresh database of its own there
(``fresh_database_url``). SQLite stays the default everywhere else.

PostgreSQL refuses to run as root, so when the tests are root (CI) the server runs as the
``postgres`` OS user that Debian's package creates, on a directory handed to it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from webapp.devstack import free_port

#: Where Debian puts the server binaries (one folder per major version).
DEBIAN_PG = Path("/usr/lib/postgresql")
#: The OS user the server runs as when the tests run as root.
SERVER_USER = "postgres"


def pg_bin() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder, or a clear error naming the package."""
    candidates = sorted(
        (p for p in DEBIAN_PG.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not candidates:
        on_path = shutil.which("initdb")
        if on_path:
            return Path(on_path).parent
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (.ci/run does it)")
    return candidates[-1]


@dataclass
class PostgresCluster:
    """One ``initdb`` cluster: ``start()``, then ``url(name)`` / ``create_database()``; ``stop()``
    stops the server and deletes its directory."""

    port: int = field(default_factory=free_port)
    user: str = "alt"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    directory: Path | None = None
    bin: Path = field(default_factory=pg_bin)
    #: Where the server listens, and other networks (CIDRs) allowed to log in with the password:
    #: loopback only by default; a test with network namespaces adds its veth addresses.
    listen: tuple[str, ...] = ("127.0.0.1",)
    allow: tuple[str, ...] = ()
    #: More server settings, as ``name=value`` (bench/scale_out.py: pg_stat_statements).
    settings: tuple[str, ...] = ()

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:  # the server refuses root: run it as the package's own user
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    @property
    def data(self) -> Path:
        assert self.directory is not None, "start() first"
        return self.directory / "data"

    def start(self) -> PostgresCluster:
        # Our own folder under the system temp dir: pytest's tmp folders are 0700 root-owned,
        # which the postgres user could not enter.
        self.directory = Path(tempfile.mkdtemp(prefix="alt-pg-"))
        pwfile = self.directory / "pw"
        pwfile.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(self.directory, SERVER_USER)
            shutil.chown(pwfile, SERVER_USER)
        self._run(
            "initdb", "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}", "--auth=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        if self.allow:  # initdb's rules cover loopback only
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.writelines(f"host all all {net} scram-sha-256\n" for net in self.allow)
        # TCP on ``listen`` only, the socket in our folder (not /run/postgresql, which may not exist),
        # and no durability: a test cluster trades crash safety for speed.
        options = (
            f"-p {self.port} -c listen_addresses={','.join(self.listen)} -k {self.directory} -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        ) + "".join(f" -c {setting}" for setting in self.settings)
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.directory / "log"),
                  "-o", options)  # fmt: skip
        return self

    def stop(self) -> None:
        if self.directory is None:
            return
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass  # already gone; the folder goes anyway
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def log(self) -> str:
        path = self.directory / "log" if self.directory else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def url(self, database: str = "postgres", host: str | None = None) -> str:
        return f"postgres://{self.user}:{self.password}@{host or self.listen[0]}:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        return fresh_database_url(self.url(), name)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fresh_database_url(server_url: str, name: str | None = None) -> str:
    """Create a new database on the server of ``server_url`` (any database there) and return
    the same URL naming the new one: each stack a test starts gets its own."""
    import psycopg

    name = name or f"stack_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def wants_postgres() -> bool:
    """``TEST_DATABASE=postgres``: this run's tests use a throwaway PostgreSQL."""
    return os.environ.get("TEST_DATABASE", "").strip().lower() in {"postgres", "postgresql"}


def use_postgres_for_tests() -> Callable[[], None]:
    """Start a cluster and point this process (Django's settings, if already loaded, and the
    environment every child process inherits) at it; returns the function that stops it.

    pytest-django then creates its ``test_…`` database on the cluster. Called from
    ``pytest_configure``, before any test touches the database.
    """
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    cluster = PostgresCluster().start()
    url = cluster.url("alt")
    os.environ["DATABASE_URL"] = url
    # settings.py read DATABASE_URL when pytest-django loaded it (before any conftest): update
    # that same dict in place (Django's connection handler holds it) and drop a connection
    # made from the SQLite one.
    configured = dj_database_url.parse(url, conn_max_age=0)
    default = settings.DATABASES["default"]
    default.clear()
    default.update(configured)
    connections.configure_settings(settings.DATABASES)
    try:
        del connections["default"]
    except AttributeError:
        pass  # no connection made yet
    deadline = time.monotonic() + 30
    while True:  # pg_ctl -w returned: the server accepts connections; one quick proof
        try:
            fresh_database_url(url, "alt")
            break
        except Exception:
            if time.monotonic() > deadline:
                cluster.stop()
                raise
            time.sleep(0.5)
    return cluster.stop
