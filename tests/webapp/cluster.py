"""The app on many hosts, on one machine: services here, each Celery worker on its own "host".

What runs, as ``deploy/systemd`` lays it out for production (README, Production: many hosts):

- here (the "service host"): a throwaway PostgreSQL (``tests.pg``), a Redis broker, the S3 server
  (``tests.s3``), gunicorn and the sweeper (``webapp.devstack.Stack``, as ``make run`` starts them),
  each service listening on loopback and on this machine's end of every namespace's link only;
- one worker per network namespace (``tests.netns``): ``celery -A webapp worker``, one process,
  one thread, the real development model, its own empty working directory, ``DATA_DIR`` inside it
  and no ``MEDIA_ROOT``, reaching the database, the broker and storage over its link only.

Used by ``tests/webapp/test_scale_out.py`` and ``bench/scale_out.py``. Needs root.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import DEV_WEIGHTS, ROOT
from tests.netns import Host, Namespaces
from tests.pg import PostgresCluster
from tests.s3 import S3Server
from webapp.devstack import Stack, free_port, port_open, process_table, wait_for

BUCKET = "alt-photos"
DEPLOY = ROOT / "deploy"
#: Settings this harness decides for a worker host; the rest of the caller's environment must not
#: leak in (a developer's MEDIA_ROOT, the DATABASE_URL of CI's TEST_DATABASE=postgres pass...).
OWN = {
    "DATA_DIR", "MEDIA_ROOT", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY",
    "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "TEST_DATABASE",
}  # fmt: skip


@dataclass
class Worker:
    host: Host
    directory: Path  # its working directory: must stay empty
    log: Path
    process: subprocess.Popen | None = None

    @property
    def name(self) -> str:
        return f"host{self.host.index}"


def group_states(pgid: int) -> list[str]:
    """The state letters (``R``, ``S``, ``T`` stopped, ...) of the processes in group ``pgid``."""
    return [p.state for p in process_table() if p.pgrp == pgid]


@dataclass
class Cluster:
    """``start()`` / ``stop()``; ``workers`` as many as namespaces. ``env`` goes to every app
    process (web, sweeper, workers): the sweeper's clocks, for instance."""

    root: Path
    hosts: int = 3
    env: dict[str, str] = field(default_factory=dict)
    s3_log_level: str = "INFO"
    pg_settings: tuple[str, ...] = ()
    net: Namespaces | None = None
    pg: PostgresCluster | None = None
    s3: S3Server | None = None
    redis: subprocess.Popen | None = None
    redis_port: int = field(default_factory=free_port)
    stack: Stack | None = None
    workers: list[Worker] = field(default_factory=list)
    database: str = "alt"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    #: Redis listens beyond loopback only with a password (else its protected mode refuses).
    redis_password: str = field(default_factory=lambda: secrets.token_hex(16))

    # -- addresses ---------------------------------------------------------------------------------
    def database_url(self, host: str = "127.0.0.1") -> str:
        assert self.pg is not None
        return self.pg.url(self.database, host=host)

    def redis_url(self, host: str = "127.0.0.1") -> str:
        return f"redis://:{self.redis_password}@{host}:{self.redis_port}/0"

    def app_env(self, host: str = "127.0.0.1") -> dict[str, str]:
        """Every setting an app process needs, with the services reached at ``host`` (loopback
        here, the link's address in a namespace): the same names as ``deploy/systemd/alt.env.example``."""
        assert self.s3 is not None
        return {
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url(host),
            "REDIS_URL": self.redis_url(host),
            **self.s3.settings_env(BUCKET, host),
            "SEGMENTER": "auto",
            "SEGMENTER_WEIGHTS": str(DEV_WEIGHTS),
            "SEGMENTER_THREADS": "1",
            **self.env,
        }

    # -- life --------------------------------------------------------------------------------------
    def start(self) -> Cluster:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        (self.root / "logs").mkdir(parents=True, exist_ok=True)
        self.net = Namespaces(self.hosts).create()
        listen = ("127.0.0.1", *self.net.gateways)
        # Every connection logged with its address: the test checks each worker host's came over its link.
        settings = ("log_connections=on", *self.pg_settings)
        self.pg = PostgresCluster(listen=listen, allow=(str(self.net.subnet),), settings=settings).start()
        self.pg.create_database(self.database)
        self.start_redis()
        self.s3 = S3Server(self.root / "s3", also_listen=self.net.gateways, log_level=self.s3_log_level).start()
        self.s3.create_bucket(BUCKET)
        # Web and sweeper as `make run` starts them (Stack), with every setting above overriding
        # the caller's environment; REDIS_URL set, so Stack starts no Redis of its own.
        self.stack = Stack(data_dir=self.root / "web", web_port=free_port(), env=self.app_env())
        self.stack.broker = self.stack.choose_broker()
        self.stack.manage("migrate", "--noinput")
        self.stack.start_sweeper()
        self.stack.start_web()
        for host in self.net.hosts:
            directory = self.root / f"host{host.index}" / "work"
            directory.mkdir(parents=True)
            self.workers.append(Worker(host, directory, self.root / "logs" / f"worker-host{host.index}.log"))
            self.start_worker(host.index)

    def start_redis(self) -> None:
        assert self.net is not None
        directory = self.root / "redis"
        directory.mkdir(exist_ok=True)
        log = (self.root / "logs" / "redis.log").open("ab")
        config = directory / "redis.conf"  # deploy/redis.conf, as production fills it in
        config.write_text(
            fill(
                DEPLOY / "redis.conf",
                BIND=" ".join(("127.0.0.1", *self.net.gateways)),
                PORT=str(self.redis_port),
                DIR=str(directory),
                PASSWORD=self.redis_password,
            )
        )
        config.chmod(0o600)
        argv = ["redis-server", str(config)]
        self.redis = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.redis_port), timeout=20, what="redis-server", proc=self.redis)

    def worker_env(self, worker: Worker) -> dict[str, str]:
        """A worker host's environment: no MEDIA_ROOT, DATA_DIR inside its (empty) working
        directory, HOME and TMPDIR beside it (a library's cache or a spooled download is not a
        file the app kept), the services at this machine's end of its link."""
        home = worker.directory.parent
        (home / "tmp").mkdir(exist_ok=True)
        base = {k: v for k, v in os.environ.items() if k not in OWN}
        return {
            **base,
            **self.app_env(worker.host.gateway),
            "DATA_DIR": str(worker.directory / "data"),
            "HOME": str(home),
            "TMPDIR": str(home / "tmp"),
            "PYTHONPATH": str(ROOT),  # the code, not the working directory, is the checkout
            "PYTHONUNBUFFERED": "1",
        }

    def start_worker(self, index: int) -> None:
        """The worker as ``deploy/systemd/alt-worker@.service`` runs it (its ExecStart's arguments,
        ``%i`` = the host's index), inside the host's namespace."""
        worker = self.workers[index]
        argv = [sys.executable, "-m", "celery", *unit_arguments("alt-worker@.service", "celery", instance=str(index))]
        with worker.log.open("ab") as log:
            worker.process = subprocess.Popen(
                worker.host.argv(argv),
                cwd=worker.directory,
                env=self.worker_env(worker),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def pause_worker(self, index: int, *, paused: bool) -> None:
        """Freeze (SIGSTOP) or resume (SIGCONT) a worker host's every process: while frozen it can
        neither finish nor acknowledge a photo, so what its log says it holds is what it holds."""
        proc = self.workers[index].process
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGSTOP if paused else signal.SIGCONT)
        if paused:  # the signal is sent, not yet taken: wait until every process is stopped
            wait_for(lambda: all(state in "tTZX" for state in group_states(proc.pid)), timeout=10, what="frozen worker")

    def kill_worker(self, index: int, sig: int = signal.SIGKILL) -> None:
        """The whole worker host goes: its main process and its pool, at once (power loss)."""
        proc = self.workers[index].process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def worker_log(self, index: int) -> str:
        path = self.workers[index].log
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, tail: int = 3000) -> str:
        """The end of every process's log, for a failure message."""
        parts = []
        for path in sorted((self.root / "logs").glob("*.log")) + sorted((self.root / "web" / "logs").glob("*.log")):
            parts.append(f"--- {path.name} ---\n{path.read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        for index in range(len(self.workers)):
            self.kill_worker(index, signal.SIGTERM)
        if self.stack is not None:
            self.stack.stop()
        if self.s3 is not None:
            self.s3.stop()
        if self.redis is not None and self.redis.poll() is None:
            os.killpg(self.redis.pid, signal.SIGTERM)
            try:
                self.redis.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.redis.pid, signal.SIGKILL)
                self.redis.wait()
        if self.pg is not None:
            self.pg.stop()
        if self.net is not None:
            self.net.remove()  # and any process still in a namespace

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fill(template: Path, **values: str) -> str:
    """A ``deploy/`` file with its ``@PLACEHOLDERS@`` filled in; every one must be given."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = sorted(set(re.findall(r"^[^#]*?@([A-Z_]+)@", text, re.M)))
    assert not left, f"{template.name}: no value for {left}"
    return text


def unit_arguments(unit: str, program: str, *, instance: str) -> list[str]:
    """The arguments ``program`` gets in a systemd unit's ``ExecStart`` (``%i`` = ``instance``;
    ``%H``, the host name, left to the program as ``%h``: Celery expands it itself)."""
    text = (DEPLOY / "systemd" / unit).read_text()
    line = re.search(r"^ExecStart=(.+)$", text, re.M)
    assert line, f"{unit}: no ExecStart"
    argv = shlex.split(line.group(1))
    assert Path(argv[0]).name == program, f"{unit} runs {argv[0]}, not {program}"
    return [a.replace("%i", instance).replace("%H", "%h") for a in argv[1:]]


def tree_files(directory: Path) -> list[str]:
    """Everything under ``directory`` (files and folders), relative; [] when it is empty or gone."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")) if directory.exists() else []
