"""A run killed at any point continues with --resume: no page redone, none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from digitize import outdir, run
from digitize.pages import PageTask, process_task
from tests.conftest import ROOT, SAMPLES
from tests.digitize.conftest import TEXT_PDFS, repeat_pages

PAGES = 120


class _CrashingEngine:
    """Runs pages in-process and dies (Ctrl-C) after `crash_after` results; counts every page it runs."""

    name = "fake"
    workers = 1

    def __init__(self, ran: list[str], crash_after: int | None) -> None:
        self.notes: list[str] = []
        self.ran = ran
        self.crash_after = crash_after

    def run(self, tasks: Iterable[PageTask]) -> Iterator[dict[str, Any]]:
        for n, task in enumerate(tasks):
            if self.crash_after is not None and n == self.crash_after:
                raise KeyboardInterrupt
            self.ran.append(task.key)
            yield process_task(task)

    def close(self) -> None:
        pass


def test_resume_after_interrupt_redoes_nothing(
    text_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    ran: list[str] = []
    crash_after: list[int | None] = [5]
    monkeypatch.setattr(run, "make_engine", lambda *a, **k: _CrashingEngine(ran, crash_after[0]))
    monkeypatch.setattr(run, "JOURNAL_BATCH", 2)
    options = run.RunOptions(inputs=[text_folder], out=out)
    with pytest.raises(KeyboardInterrupt):
        run.run(options)
    first = list(outdir.read_jsonl(out / outdir.PAGES))
    assert len(first) == 5  # the pages finished before the interrupt are kept, even the unflushed batch

    crash_after[0] = None
    options.resume = True
    summary = run.run(options)
    assert summary["pages"] == 8
    assert len(ran) == 8 and len(set(ran)) == 8  # each page ran exactly once over both runs
    keys = Counter(e["key"] for e in outdir.read_jsonl(out / outdir.PAGES))
    assert set(keys.values()) == {1}


def test_torn_last_line_is_cut_on_resume(text_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run.run(run.RunOptions(inputs=[text_folder], out=out))["pages"] == 8
    pages = out / outdir.PAGES
    lines = pages.read_bytes().splitlines(keepends=True)
    pages.write_bytes(b"".join(lines[:-1]) + lines[-1][:40])  # kill -9 in the middle of a write
    summary = run.run(run.RunOptions(inputs=[text_folder], out=out, resume=True))
    assert summary["pages"] == 8
    assert summary["run"]["pages_processed"] == 1 and summary["run"]["pages_skipped"] == 7
    assert pages.read_bytes().endswith(b"\n")


def test_kill_9_then_resume(tmp_path: Path) -> None:
    """A real process killed with SIGKILL while its workers are busy (PAGES is far more than it can do
    before the first journal lines appear, so the kill always lands mid-run)."""
    box = tmp_path / "box"
    box.mkdir()
    repeat_pages([SAMPLES / n for n in TEXT_PDFS], box / "long.pdf", PAGES)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cli", "digitize", "run", str(box), "--out", str(out), "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    pages = out / outdir.PAGES
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if pages.exists() and pages.read_bytes().count(b"\n") >= 4:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished (or died) before it could be killed: make PAGES larger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = [e["key"] for e in outdir.read_jsonl(pages)]
    assert 4 <= len(before) < PAGES

    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    after = [e["key"] for e in outdir.read_jsonl(pages)]
    assert after[: len(before)] == before
    assert len(after) == PAGES and len(set(after)) == PAGES  # nothing redone, nothing twice
