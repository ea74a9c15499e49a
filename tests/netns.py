"""Other hosts on this machine, for tests: Linux network namespaces joined to this one by veth pairs.

Each ``Host`` is a namespace with only loopback and one point-to-point link (a /30) to the test's
own end of the link here. A process started in it with ``host.argv([...])`` (``ip netns exec``)
sees no other network: it reaches a service here only if the service listens on that link's
address (``host.gateway``), exactly as a worker on another machine reaches the broker over the
network. Nothing is routed beyond the link, and no address outside the test's namespaces and
loopback is touched.

The addresses come from one /24 of ``10.231.0.0/16`` that no interface or route on this machine
uses yet, chosen at random so parallel runs rarely meet (and re-chosen when they do). Names carry
the creating process's id, so ``Namespaces.create`` also removes what a killed earlier run left
behind (namespaces whose process is gone). Needs root (``ip netns``, from iproute2).
"""

from __future__ import annotations

import ipaddress
import os
import random
import re
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

#: Every subnet the harness uses lies in here (one /24 per run, one /30 per host).
POOL = ipaddress.ip_network("10.231.0.0/16")
#: Namespace names: ``<PREFIX><creator pid>-<index>``.
PREFIX = "alt-net-"


def skip_or_fail_unless_root(what: str) -> None:
    """A test that needs root and ``ip``: skipped with the reason on a developer's machine, a
    failure under CI (``CI=true``), where it must run."""
    problem = None
    if os.geteuid() != 0:
        problem = f"{what} needs root (network namespaces): run it as root, as .ci/run does"
    elif not shutil.which("ip"):
        problem = f"{what} needs `ip` from iproute2 (apt-get install iproute2; `make system-deps`)"
    else:  # root, yet a container may still refuse namespaces (no CAP_SYS_ADMIN / CAP_NET_ADMIN)
        probe = f"{PREFIX}{os.getpid()}-probe"
        made = ip("netns", "add", probe, check=False)
        ip("netns", "del", probe, check=False)
        if made.returncode != 0:
            problem = f"{what} cannot make a network namespace here: {made.stderr.strip()}"
    if problem is None:
        return
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(problem, pytrace=False)
    pytest.skip(problem)


def ip(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["ip", *argv], capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(argv)}: {done.stderr.strip() or f'exit code {done.returncode}'}")
    return done


@dataclass(frozen=True)
class Host:
    """One namespace: ``address`` is its end of the link, ``gateway`` this machine's end (where
    the services it may use listen)."""

    name: str
    index: int
    link: str  # the veth on this machine's side
    peer: str  # the veth inside the namespace
    gateway: str
    address: str

    def argv(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside the namespace (``ip netns exec`` execs it: the pid is the program's)."""
        return ["ip", "netns", "exec", self.name, *argv]


def _in_use() -> list[ipaddress.IPv4Network]:
    """Every IPv4 network this machine has an address or a route in."""
    networks = []
    for line in ip("-4", "-o", "addr", "show").stdout.splitlines():
        if found := re.search(r"inet (\S+)", line):
            networks.append(ipaddress.ip_interface(found.group(1)).network)
    for line in ip("-4", "route", "show", "table", "all").stdout.splitlines():
        first = line.split()[1] if line.split()[0] in {"local", "broadcast", "unicast"} else line.split()[0]
        try:
            networks.append(ipaddress.ip_network("0.0.0.0/0" if first == "default" else first, strict=False))
        except ValueError:
            continue
    return [n for n in networks if n.prefixlen > 0]  # a default route covers everything: not a use


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_namespace(name: str, link: str | None = None) -> None:
    """Kill whatever still runs in the namespace, delete it (which deletes the veth pair)."""
    pids = ip("netns", "pids", name, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    ip("netns", "del", name, check=False)
    if link:
        ip("link", "del", link, check=False)  # gone with its peer already; harmless if so


def remove_leftovers() -> list[str]:
    """Namespaces this harness made in a process that no longer runs (a run killed before its
    finaliser): removed. Returns their names."""
    removed = []
    for line in ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if found := re.fullmatch(rf"{re.escape(PREFIX)}(\d+)-(\d+|probe)", name):
            if not _pid_alive(int(found.group(1))):
                _remove_namespace(name)
                removed.append(name)
    return removed


@dataclass
class Namespaces:
    """``count`` namespaces, each linked to this machine: ``create()``, then ``hosts``; ``remove()``
    (also after a failed ``create``) takes them and every process left in them away."""

    count: int
    hosts: list[Host] = field(default_factory=list)
    subnet: ipaddress.IPv4Network | None = None

    def _pick_subnet(self) -> ipaddress.IPv4Network:
        used = _in_use()
        candidates = list(POOL.subnets(new_prefix=24))
        random.shuffle(candidates)
        for candidate in candidates:
            if not any(candidate.overlaps(n) for n in used):
                return candidate
        raise RuntimeError(f"no free /24 left in {POOL} for test namespaces")

    def create(self) -> Namespaces:
        assert 0 < self.count <= 63, "one /30 per host in a /24"
        remove_leftovers()
        pid = os.getpid()
        self.subnet = self._pick_subnet()
        links = list(self.subnet.subnets(new_prefix=30))
        try:
            for index in range(self.count):
                gateway, address = (str(a) for a in list(links[index].hosts()))
                # Interface names: at most 15 characters ("alt" + pid (<= 7 digits) + "h"/"n" + index).
                host = Host(
                    name=f"{PREFIX}{pid}-{index}",
                    index=index,
                    link=f"alt{pid}h{index}",
                    peer=f"alt{pid}n{index}",
                    gateway=gateway,
                    address=address,
                )
                ip("netns", "add", host.name)
                self.hosts.append(host)
                ip("link", "add", host.link, "type", "veth", "peer", "name", host.peer)
                ip("link", "set", host.peer, "netns", host.name)
                ip("addr", "add", f"{gateway}/30", "dev", host.link)
                ip("link", "set", host.link, "up")
                ip("-n", host.name, "addr", "add", f"{address}/30", "dev", host.peer)
                ip("-n", host.name, "link", "set", host.peer, "up")
                ip("-n", host.name, "link", "set", "lo", "up")
        except BaseException:
            self.remove()
            raise
        return self

    @property
    def gateways(self) -> tuple[str, ...]:
        """This machine's ends of the links: where a service for the namespaces listens."""
        return tuple(h.gateway for h in self.hosts)

    def remove(self) -> None:
        for host in self.hosts:
            _remove_namespace(host.name, host.link)
        self.hosts = []

    def __enter__(self) -> Namespaces:
        return self.create()

    def __exit__(self, *exc: object) -> None:
        self.remove()
