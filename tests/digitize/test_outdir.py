"""Atomic writes and the append-only journal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digitize import outdir
from digitize.errors import DigitizeError


def test_atomic_write_keeps_the_old_file_when_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "records.csv"
    outdir.atomic_write_text(target, "old\n")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        outdir.atomic_write_text(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["records.csv"]  # no temporary left behind


def test_journal_drops_a_torn_line(tmp_path: Path) -> None:
    journal = tmp_path / "pages.jsonl"
    outdir.append_jsonl(journal, [{"key": "a"}, {"key": "b"}])
    with journal.open("a") as fh:
        fh.write('{"key": "c", "sta')
    assert [e["key"] for e in outdir.read_jsonl(journal)] == ["a", "b"]
    assert outdir.repair_jsonl(journal) > 0
    outdir.append_jsonl(journal, [{"key": "c"}])
    assert [e["key"] for e in outdir.read_jsonl(journal)] == ["a", "b", "c"]


def test_one_run_per_folder(tmp_path: Path) -> None:
    with outdir.locked(tmp_path), pytest.raises(DigitizeError) as exc, outdir.locked(tmp_path):
        pass
    assert exc.value.code == "output_locked"
