"""Run the whole app as real processes: Redis broker, Celery worker, sweeper, web server.

Used by ``manage.py runstack`` (what ``make run`` starts) and by the end-to-end tests, so the
tests exercise exactly what a person runs. Redis is a ``redis-server`` of its own (never one that
something else already runs: that one holds another app's data and queues) when one is installed,
or the one ``REDIS_URL`` names; otherwise the worker and web share kombu's filesystem transport, an embedded
broker that needs nothing installed (fine for one machine, not for production).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def render_nginx_conf(*, listen: str, upstream: str, run_dir: Path, max_body: str) -> str:
    """deploy/nginx.conf with its ``@PLACEHOLDERS@`` filled (the file says what each is)."""
    text = NGINX_CONF.read_text()
    for name, value in {"LISTEN": listen, "UPSTREAM": upstream, "RUN_DIR": str(run_dir), "MAX_BODY": max_body}.items():
        text = text.replace(f"@{name}@", value)
    return text


@dataclass(frozen=True)
class ProcessState:
    pid: int
    state: str  # "R" running, "S" sleeping, "T" stopped, "Z" zombie, ...
    ppid: int
    pgrp: int


def process_table() -> list[ProcessState]:
    """Every process on this machine, from ``/proc/<pid>/stat``."""
    table = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        table.append(ProcessState(int(stat.parent.name), fields[0], int(fields[1]), int(fields[2])))
    return table


_handed_out: set[int] = set()
_handed_out_lock = threading.Lock()


def _ephemeral_floor() -> int:
    """The lowest port the kernel gives outgoing connections (Linux: 32768 unless configured)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port that is free now and was not handed out before by this process. Picked
    below the kernel's ephemeral range: a port from ``bind(0)`` is an ephemeral one, which an
    outgoing connection (or the next ``bind(0)``) can take between this call and the server's
    bind, or after a server restarts on it; and two calls before either port is bound must not
    answer the same port."""
    low, high = 20000, max(20000 + 1000, _ephemeral_floor() - 1)
    with _handed_out_lock:
        for _ in range(2000):
            port = random.randint(low, high)
            if port in _handed_out:
                continue
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue  # in use (or in TIME_WAIT): another
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free loopback port in {low}-{high}")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for(check: object, *, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} before it was ready")
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


@dataclass
class Stack:
    """The app's processes, each in its own process group, logging to ``data_dir/logs``.

    ``env`` overrides the environment of every process (``SEGMENTER``, ``DEBUG``...).
    """

    data_dir: Path
    web_port: int = 8000
    redis_port: int | None = None
    env: dict[str, str] = field(default_factory=dict)
    worker_concurrency: int = 1
    echo: bool = False  # copy every process's output to our stdout with a prefix
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    broker: str = ""
    broker_note: str = ""
    root: Path = ROOT  # the checkout whose code runs (bench/load.py compares two)

    # -- environment ---------------------------------------------------------------------------
    def base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "webapp.settings",
                "DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.env)
        return env

    def choose_broker(self) -> str:
        """A configured ``REDIS_URL`` wins; else a Redis of our own; else the embedded broker.

        Never silently someone else's Redis: without ``REDIS_URL`` we start our own redis-server
        (data in ``data_dir/redis``) on ``redis_port``, or on a free port when that one is taken by
        anything but our own Redis (``start_broker``); ``broker_note`` says which, for the banner.
        """
        configured = self.env.get("REDIS_URL") or os.environ.get("REDIS_URL")
        if configured:
            self.redis_port = None  # not ours to start
            self.broker_note = "REDIS_URL from the environment (not started by this command)"
            return configured
        if shutil.which("redis-server"):
            self.redis_port = self.redis_port or free_port()
            self.broker_note = f"its own redis-server, data in {self.data_dir / 'redis'}"
            return f"redis://127.0.0.1:{self.redis_port}/0"
        self.broker_note = f"embedded filesystem broker in {self.data_dir / 'broker'} (redis-server not installed)"
        return "filesystem://"

    def start_broker(self) -> None:
        """Choose the broker and start our redis-server unless it already runs (left by an
        earlier run on the same data folder). A port held by anything else (a system Redis with
        another app's data and queues) is left alone: ours moves to a free port, and says so."""
        self.broker = self.choose_broker()
        if not self.redis_port:
            return
        if port_open(self.redis_port):
            if _redis_dir(self.redis_port) == str((self.data_dir / "redis").resolve()):
                self.broker_note += " (already running, reused)"
                return
            taken = self.redis_port
            self.redis_port = free_port()
            self.broker = f"redis://127.0.0.1:{self.redis_port}/0"
            self.broker_note += f"; port {taken} is taken by another program, so it runs on {self.redis_port}"
            print(f"WARNING: port {taken} is in use by another program; not using it as the broker.", file=sys.stderr)
        self.start_redis()

    # -- processes ------------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = (logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            argv,
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE if self.echo else log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() takes its children too
        )
        if self.echo:
            threading.Thread(target=_pump, args=(name, proc.stdout, log), daemon=True).start()
        self.processes[name] = proc
        return proc

    def start_redis(self) -> None:
        assert self.redis_port is not None
        directory = self.data_dir / "redis"
        directory.mkdir(parents=True, exist_ok=True)
        proc = self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(directory),
                # Append-only persistence: queued photos survive a Redis restart.
                "--appendonly",
                "yes",
                "--save",
                "",
                # Never drop a queued message to make room (Celery's advice for Redis brokers).
                "--maxmemory-policy",
                "noeviction",
            ],
            self.base_env(),
        )
        wait_for(lambda: port_open(self.redis_port), timeout=20, what="redis-server", proc=proc)

    def worker_argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "webapp",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={self.worker_concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"worker-{self.web_port}@%h",
        ]

    def start_worker(self) -> subprocess.Popen:
        return self._spawn("worker", self.worker_argv(), self.env_for_apps())

    def start_sweeper(self) -> subprocess.Popen:
        """``manage.py sweep --loop``: a plain loop process rather than celery beat, because it
        must work exactly when the queue does not (Redis restarted empty, worker busy or dead):
        it reads the rows and publishes directly, instead of waiting in the queue behind photos."""
        return self._spawn("sweeper", [sys.executable, "manage.py", "sweep", "--loop"], self.env_for_apps())

    def worker_children(self) -> list[int]:
        """Process ids of the worker's pool processes (the ones that run photos)."""
        return self.children("worker")

    def children(self, name: str) -> list[int]:
        """Process ids of the children of process ``name`` (gunicorn's workers for ``"web"``)."""
        proc = self.processes.get(name)
        if proc is None or proc.poll() is not None:
            return []
        return [p.pid for p in process_table() if p.ppid == proc.pid]

    def start_web(self) -> None:
        proc = self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "webapp.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
            ],
            self.env_for_apps(),
        )
        wait_for(lambda: _http_ok(f"{self.url}/accounts/login/"), timeout=60, what="web server", proc=proc)

    def start_proxy(self, port: int, *, max_body: str = "501m") -> str:
        """nginx from deploy/nginx.conf on ``port`` in front of the web server (the production
        layout: slow clients wait in nginx, not in gunicorn's threads). Returns its URL."""
        run_dir = self.data_dir / "nginx"
        run_dir.mkdir(parents=True, exist_ok=True)
        conf = run_dir / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{self.web_port}", run_dir=run_dir, max_body=max_body
            )
        )
        # As root nginx would run its workers as 'nobody', which cannot write a private run folder.
        directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        proc = self._spawn("proxy", [binary, "-p", str(run_dir), "-c", str(conf), "-g", directives], self.base_env())
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _http_ok(f"{url}/accounts/login/"), timeout=30, what="nginx", proc=proc)
        return url

    def env_for_apps(self) -> dict[str, str]:
        env = self.base_env()
        env["REDIS_URL"] = self.broker
        env["CELERY_BROKER_URL"] = self.broker
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env_for_apps(),
            check=check,
            capture_output=True,
            text=True,
        )

    def start(self) -> Stack:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.start_broker()
        self.manage("migrate", "--noinput")
        self.start_worker()
        self.start_sweeper()
        self.start_web()
        return self

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()

    def stop(self) -> None:
        for name in ("proxy", "web", "sweeper", "worker", "redis"):
            self.stop_process(name)

    def log(self, name: str) -> str:
        path = self.data_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _redis_dir(port: int) -> str | None:
    """The data folder of the Redis on ``port`` (``CONFIG GET dir``), or None when what listens
    there is not a Redis that answers it."""
    import redis

    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, socket_connect_timeout=2)
        try:
            return str(Path(client.config_get("dir")["dir"]).resolve())
        finally:
            client.close()
    except (redis.RedisError, KeyError, OSError):
        return None


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _pump(name: str, stream: IO[bytes], log: IO[bytes]) -> None:
    for line in iter(stream.readline, b""):
        log.write(line)
        log.flush()
        sys.stdout.write(f"[{name}] {line.decode(errors='replace')}")
        sys.stdout.flush()


def wait_forever(stack: Stack, watch: Iterable[str] = ("web", "worker", "sweeper")) -> None:
    """Block until Ctrl-C or until a watched process dies; then stop everything."""
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    try:
        while not stopping.is_set():
            for name in watch:
                proc = stack.processes.get(name)
                if proc is not None and proc.poll() is not None:
                    print(f"{name} exited with code {proc.returncode}; stopping", file=sys.stderr)
                    stopping.set()
            stopping.wait(1)
    finally:
        stack.stop()
