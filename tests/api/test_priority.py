"""Background work runs at `HUREN_BACKGROUND_NICE`: the worker thread and the password-hashing threads (Linux)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from api.priority import thread_nice

from .conftest import Service

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")


def _base() -> int:
    return thread_nice(threading.get_native_id())


def _lower(by: int) -> int:
    return min(_base() + by, 19)


def _nice_of(thread: threading.Thread, expected: int) -> int:
    """The thread's niceness once it has had a moment to set it (it starts with its creator's)."""
    deadline = time.monotonic() + 5
    while True:
        nice = thread_nice(thread.native_id or 0) if thread.native_id else _base()
        if nice == expected or time.monotonic() > deadline:
            return nice


def test_the_worker_thread_runs_niced(make_service: Callable[..., Service]) -> None:
    base = _base()
    service = make_service(background_nice=_lower(7), worker_poll_seconds=0.05)
    service.worker.start()
    try:
        thread = service.worker._thread
        assert thread is not None
        assert _nice_of(thread, _lower(7)) == _lower(7)
        assert _base() == base  # the caller's thread (the server's) keeps its priority
    finally:
        service.worker.stop()


def test_nice_zero_leaves_the_worker_at_the_normal_priority(make_service: Callable[..., Service]) -> None:
    base = _base()
    service = make_service(background_nice=0, worker_poll_seconds=0.05)
    service.worker.start()
    try:
        thread = service.worker._thread
        assert thread is not None
        time.sleep(0.2)
        assert thread_nice(thread.native_id or 0) == base
    finally:
        service.worker.stop()


def test_passwords_are_hashed_in_niced_threads_and_the_request_thread_is_not(
    make_service: Callable[..., Service],
) -> None:
    base = _base()
    service = make_service(background_nice=_lower(5), login_concurrency=2)
    seen: list[int] = []
    gate = service.app.state.login_gate
    checked = gate.hash(lambda: seen.append(thread_nice(threading.get_native_id())) or True)
    r = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": "wrong password"})
    assert (checked, r.status_code) == (True, 401)
    hashing = gate.pool.native_ids
    assert hashing and threading.get_native_id() not in hashing
    assert seen == [_lower(5)]
    assert {thread_nice(tid) for tid in hashing} == {_lower(5)}
    assert _base() == base


def test_huren_worker_runs_every_thread_niced(tmp_path: Path) -> None:
    """The threads a process has before the worker starts (numeric libraries' pools) are lowered too."""
    nice = _lower(6)
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "HUREN_DATA_DIR": str(tmp_path / "data"),
        "HUREN_CERT_SECRET": "test-secret",
        "HUREN_VERIFY_BASE_URL": "https://verify.huren.test",
        "HUREN_BACKGROUND_NICE": str(nice),
    }
    proc = subprocess.Popen([sys.executable, "-m", "huren", "worker"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # "worker w-… polling every …s": the priority is set by then
            if "polling every" in line:
                break
        tasks = Path(f"/proc/{proc.pid}/task")
        found = {int(s.read_text().rsplit(")", 1)[1].split()[16]) for s in tasks.glob("*/stat")}
        assert found == {nice}
    finally:
        proc.terminate()
        proc.wait(30)
