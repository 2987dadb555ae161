"""Digitisation on a real two-node Ray cluster, every listener on loopback, with a node's actor killed.

The cluster (`tests/digitize/raycluster.py`) runs inside a network namespace that has only `lo`, with
token authentication on, a head and a second raylet with their own temp dirs: what the README's
cluster section tells an operator to do, on one machine. The driver (`huren digitize … --engine ray
--ray-address`) runs in the same namespace. Needs root and iproute2, as CI has: without them this
fails with the reason, it never skips.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from digitize import outdir
from tests.conftest import SAMPLES

from .raycluster import Cluster, start

IMAGES = ("ver_001.jpg", "reg_003.jpg", "asm_001.jpg", "idf_003.jpg", "form_001.jpg", "idb_004.jpg")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    try:
        c = Cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield start(c, nodes=2)
    finally:
        c.stop()


def _box(root: Path, copies: int) -> Path:
    box = root / "box"
    box.mkdir()
    for i in range(copies):
        for name in IMAGES:
            # a distinct file per copy (the journal is keyed by content): one byte after the image's end
            (box / f"{i:02d}_{name}").write_bytes((SAMPLES / name).read_bytes() + bytes([i]))
    return box


def _actor_busy() -> int | None:
    """The pid of a Ray actor process that is reading a page right now (Ray titles it so)."""
    ps = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, check=False)
    for line in ps.stdout.splitlines():
        pid, _, args = line.strip().partition(" ")
        if args.startswith("ray::_PageActor.process"):
            return int(pid)
    return None


def test_a_killed_actor_loses_no_page(cluster: Cluster, tmp_path: Path) -> None:
    box, out = _box(tmp_path, 3), tmp_path / "out"
    pages = len(list(box.iterdir()))
    run = cluster.digitize(box, out, "--workers", "2")
    killed = None
    deadline = time.monotonic() + 240
    while killed is None and run.poll() is None and time.monotonic() < deadline:
        pid = _actor_busy()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            killed = pid
        time.sleep(0.2)
    stdout, stderr = run.communicate(timeout=300)
    assert killed is not None, f"no actor was ever seen working: {stdout}\n{stderr}"
    assert run.returncode == 0, f"{stdout}\n{stderr}"

    entries = list(outdir.read_jsonl(out / outdir.PAGES))
    ok = Counter(e["key"] for e in entries if e.get("status") == "ok")
    assert len(ok) == pages and set(ok.values()) == {1}, "every page once, none failed or done twice"
    summary = json.loads((out / outdir.SUMMARY).read_text(encoding="utf-8"))
    assert summary["failed"] == 0
    assert len(summary["workers_by_node"]) == 2, "the pages ran on both nodes"
    done = [e for e in entries if e.get("status") == "ok"]
    assert all(e["worker"]["threads"] == 1 for e in done), "threads from the CPUs Ray gave the actor on its node"


def test_more_workers_than_cpus_is_said_and_runs(cluster: Cluster, tmp_path: Path) -> None:
    box, out = _box(tmp_path, 1), tmp_path / "out"
    run = cluster.digitize(box, out, "--workers", "3")
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, f"{stdout}\n{stderr}"
    summary = json.loads((out / outdir.SUMMARY).read_text(encoding="utf-8"))
    assert summary["run"]["workers"] == 2
    assert "2 CPU" in stdout + stderr and "not the 3 asked for" in stdout + stderr
    assert summary["pages"] == len(IMAGES)


def test_wrong_token_is_ray_unreachable(cluster: Cluster, tmp_path: Path) -> None:
    box, out = _box(tmp_path, 1), tmp_path / "out"
    run = cluster.digitize(box, out, env={**cluster.env, "RAY_AUTH_TOKEN": secrets.token_hex(32)})
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 2
    assert "[ray_unreachable]" in stderr and cluster.address in stderr, stderr
    assert "output_write_failed" not in stderr
