"""A Ray cluster of several nodes on one machine, every listener on loopback: for tests and benches.

The nodes run inside a network namespace that has only `lo` (Ray 2.60 binds to the machine's routable
address when it can, whatever it is asked), with token authentication on, each node with its own temp
dir (short: Ray's socket paths may not exceed 107 bytes). The driver runs in the same namespace
(`Cluster.in_ns`). Needs root and iproute2. This is the README's cluster set-up, on one machine.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
PORT = 6390  # inside the namespace: no other listener can hold it


def _sh(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False, **kw)


class Cluster:
    """`Cluster().start(nodes=2)`, then `digitize(...)` as a driver; `stop()` ends every process."""

    def __init__(self, root: Path | None = None) -> None:
        if os.geteuid() != 0 or shutil.which("ip") is None:
            raise RuntimeError("a Ray cluster on loopback needs root and iproute2 (`ip netns`), as CI has")
        self.root = root or Path(tempfile.mkdtemp(prefix="hr-ray-", dir="/tmp"))
        self.ns = f"huren-ray-{os.getpid()}"
        self.address = f"127.0.0.1:{PORT}"
        self.env = {
            **os.environ,
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN": secrets.token_hex(32),
            "RAY_USAGE_STATS_ENABLED": "0",
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        self.nodes: list[subprocess.Popen[bytes]] = []
        check = _sh("ip", "netns", "add", self.ns)
        assert check.returncode == 0, check.stderr
        _sh("ip", "netns", "exec", self.ns, "ip", "link", "set", "lo", "up")

    def in_ns(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns, *args]

    def start_node(self, name: str, *args: str) -> None:
        log = (self.root / f"{name}.log").open("wb")
        cmd = self.in_ns(
            str(BIN / "ray"), "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
            f"--temp-dir={self.root / name}", "--disable-usage-stats", *args,
        )  # fmt: skip
        self.nodes.append(subprocess.Popen(cmd, env=self.env, stdout=log, stderr=log, start_new_session=True))

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")[-3000:]

    def wait_started(self, name: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while "Ray runtime started" not in self.log(name):
            assert self.nodes[-1].poll() is None, f"ray start {name} ended: {self.log(name)}"
            assert time.monotonic() < deadline, f"ray start {name} did not start: {self.log(name)}"
            time.sleep(0.5)

    def alive_nodes(self) -> int:
        probe = (
            f"import ray; ray.init(address='{self.address}', log_to_driver=False); "
            "print(sum(1 for n in ray.nodes() if n['Alive']))"
        )
        out = _sh(*self.in_ns(sys.executable, "-c", probe), env=self.env, timeout=120)
        return int(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 and out.stdout.strip() else 0

    def digitize(self, box: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """`huren digitize run BOX --out OUT --engine ray` as a driver in the namespace."""
        cmd = self.in_ns(
            sys.executable, "-m", "huren", "digitize", "run", str(box), "--out", str(out),
            "--engine", "ray", "--ray-address", self.address, *extra,
        )  # fmt: skip
        return subprocess.Popen(cmd, env=env or self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop(self) -> None:
        for p in self.nodes:
            with_suppressed(os.killpg, p.pid, signal.SIGTERM)
        for p in self.nodes:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                with_suppressed(os.killpg, p.pid, signal.SIGKILL)
        # anything Ray spawned outside the nodes' sessions, found by this cluster's own temp dirs
        for line in _sh("ps", "-eo", "pid=,args=").stdout.splitlines():
            pid, _, args = line.strip().partition(" ")
            if str(self.root) in args:
                with_suppressed(os.kill, int(pid), signal.SIGKILL)
        _sh("ip", "netns", "delete", self.ns)
        shutil.rmtree(self.root, ignore_errors=True)


def with_suppressed(fn: Any, *args: Any) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        fn(*args)


def start(cluster: Cluster, nodes: int) -> Cluster:
    """The head and `nodes - 1` more raylets, one CPU each, all alive in the cluster."""
    cluster.start_node("head", "--head", f"--port={PORT}", "--include-dashboard=false")
    cluster.wait_started("head")
    for i in range(1, nodes):
        cluster.start_node(f"node{i}", f"--address={cluster.address}")
        cluster.wait_started(f"node{i}")
    deadline = time.monotonic() + 60
    while (alive := cluster.alive_nodes()) < nodes:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{alive} of {nodes} Ray node(s) alive; {cluster.log(f'node{nodes - 1}')}")
        time.sleep(1)
    return cluster
