"""The scale-out test's "other hosts" (``tests/netns.py``): each namespace reaches this machine only
at its own link's address, and nothing of them is left behind, also after a killed run."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.netns import POOL, PREFIX, Namespaces, ip, remove_leftovers, skip_or_fail_unless_root


@pytest.fixture(autouse=True)
def root() -> None:
    skip_or_fail_unless_root("The network namespace tests")


def connects(argv_prefix: list[str], host: str, port: int) -> bool:
    code = f"import socket; s = socket.socket(); s.settimeout(2); raise SystemExit(s.connect_ex(({host!r}, {port})))"
    return subprocess.run([*argv_prefix, sys.executable, "-c", code], capture_output=True, timeout=30).returncode == 0


def names(kind: str) -> str:
    return ip("netns", "list").stdout if kind == "netns" else ip("-o", "link").stdout


def test_each_namespace_reaches_only_its_own_link_and_all_is_removed() -> None:
    with Namespaces(2) as net:
        first, second = net.hosts
        assert net.subnet is not None and net.subnet.subnet_of(POOL)
        with (
            socket.create_server((first.gateway, 0)) as on_link,
            socket.create_server(("127.0.0.1", 0)) as on_loopback,
            socket.create_server((second.gateway, 0)) as on_other_link,
        ):
            assert connects(first.argv([]), first.gateway, on_link.getsockname()[1])
            assert not connects(first.argv([]), "127.0.0.1", on_loopback.getsockname()[1])
            assert not connects(first.argv([]), second.gateway, on_other_link.getsockname()[1])
            # This machine reaches a namespace's address over the link (the other way round).
            assert connects([], first.gateway, on_link.getsockname()[1])
        made = [h.name for h in net.hosts], [h.link for h in net.hosts]
        assert all(name in names("netns") for name in made[0])
    assert not any(name in names("netns") for name in made[0])
    assert not any(link in names("link") for link in made[1])


def test_namespaces_of_a_run_that_died_are_removed_and_live_ones_kept() -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()  # its pid belongs to no process now (reuse within this test is unlikely and harmless)
    stale = f"{PREFIX}{dead.pid}-0"
    with Namespaces(1) as live:
        ip("netns", "add", stale)
        try:
            removed = remove_leftovers()
            assert stale in removed
            assert live.hosts[0].name not in removed and live.hosts[0].name in names("netns")
        finally:
            ip("netns", "del", stale, check=False)
    assert stale not in names("netns")
