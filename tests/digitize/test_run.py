"""`huren digitize run` end to end on the local engine, and the bad inputs of a scanning room."""

from __future__ import annotations

import csv
import errno
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from digitize import outdir
from digitize.pages import PageTask, process_task, read_raw_page
from digitize.records import RECORD_COLUMNS
from ocr.ingest import iter_pages
from tests.conftest import SAMPLES

runner = CliRunner()


def _journal(out: Path) -> list[dict]:
    return list(outdir.read_jsonl(out / outdir.PAGES))


def test_local_run_end_to_end(scan_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["digitize", "run", str(scan_folder), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 1, result.output  # some files failed, the run still finished
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))

    # every page of every readable file once, in pages.jsonl
    entries = _journal(out)
    ok = [e for e in entries if e["status"] == "ok"]
    assert len(ok) == summary["pages"] == 1 + 3 + 3 + 1 + 1 + 1  # asm, 2 bundles, unk, ver photo, blank
    assert len({e["key"] for e in ok}) == len(ok)
    for e in ok:
        assert {"source", "page", "doc_type", "fields", "warnings", "quality"} <= set(e)
        for f in e["fields"].values():
            assert set(f) == {"value", "confidence", "bbox"}

    assert summary["doc_types"]["blank"] == 1
    assert summary["doc_types"]["verifier_certificate"] == 1
    assert summary["doc_types"]["unknown"] == 1
    failures = {(Path(f["source"]).name, f["code"]) for f in summary["failures"]}
    assert failures == {("corrupt.pdf", "corrupt_pdf"), ("locked.pdf", "encrypted_pdf"), ("empty.png", "empty_file")}
    assert [Path(d["source"]).name for d in summary["duplicates"]] == ["asm_005_again.pdf"]

    with (out / "records.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == RECORD_COLUMNS
        rows = list(reader)
    # only certificates become records: 1 assessment, 2 registration, 1 verifier
    assert Counter(r["cert_type"] for r in rows) == {"registration": 2, "assessment": 1, "verifier": 1}
    verifier = next(r for r in rows if r["cert_type"] == "verifier")
    assert verifier["name"] == "孙艳" and verifier["cert_number"]
    assert "pages/s" in result.output or "digitize" in result.output
    assert "corrupt_pdf" in result.output


def test_output_exists_needs_resume(text_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["digitize", "run", str(text_folder), "--out", str(out)]).exit_code == 0
    again = runner.invoke(app, ["digitize", str(text_folder), "--out", str(out)])  # `run` is the default
    assert again.exit_code == 2 and "output_exists" in again.output
    resumed = runner.invoke(app, ["digitize", str(text_folder), "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert len(_journal(out)) == 8  # nothing redone


def test_full_disk_stops_cleanly_and_resumes(
    text_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills after the first batch: a clear error, the journal whole, --resume finishes."""
    from digitize import run as run_module

    out = tmp_path / "out"
    real_append = outdir.append_jsonl
    calls = {"n": 0}

    def append_until_full(path: Path, objects: Any) -> int:
        objects = list(objects)
        if objects and objects[0].get("status") == "ok":
            calls["n"] += 1
            if calls["n"] > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_append(path, objects)

    monkeypatch.setattr(run_module, "JOURNAL_BATCH", 2)
    monkeypatch.setattr(outdir, "append_jsonl", append_until_full)
    full = runner.invoke(app, ["digitize", str(text_folder), "--out", str(out)])
    assert full.exit_code == 2 and "output_write_failed" in full.output, full.output
    kept = _journal(out)
    assert 1 <= len(kept) < 8
    assert (out / outdir.PAGES).read_bytes().endswith(b"\n")

    monkeypatch.setattr(outdir, "append_jsonl", real_append)
    resumed = runner.invoke(app, ["digitize", str(text_folder), "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    keys = [e["key"] for e in _journal(out)]
    assert len(keys) == 8 == len(set(keys))


def test_unwritable_output_is_refused_before_any_work(text_folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    result = runner.invoke(app, ["digitize", "run", str(text_folder), "--out", str(blocker / "out")])
    assert result.exit_code == 2 and "output_not_writable" in result.output
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        result = runner.invoke(app, ["digitize", "run", str(text_folder), "--out", str(ro)])
        assert result.exit_code == 2 and "output_not_writable" in result.output


def test_read_raw_page_matches_iter_pages() -> None:
    path = SAMPLES / "bundle_001.pdf"
    whole = list(iter_pages(path))
    for expected in whole:
        got = read_raw_page(path, expected.number)
        assert [ln.text for ln in got.lines] == [ln.text for ln in expected.lines]
        assert got.image is not None and expected.image is not None
        assert got.image.shape == expected.image.shape


def test_file_removed_mid_run_is_a_page_failure(tmp_path: Path) -> None:
    task = PageTask(str(tmp_path / "gone.pdf"), 3, "0" * 64)
    result = process_task(task)
    assert result["status"] == "failed" and result["error"]["code"] == "file_not_found"
    assert (result["source"], result["page"]) == (task.source, 3)


def test_page_beyond_the_end_is_a_page_failure() -> None:
    result = process_task(PageTask(str(SAMPLES / "asm_005.pdf"), 9, "0" * 64))
    assert result["error"]["code"] == "page_missing"


@pytest.mark.parametrize("kind", ["pdf", "image"])
def test_truncated_file_fails_with_a_code(tmp_path: Path, kind: str) -> None:
    name = "asm_005.pdf" if kind == "pdf" else "ver_001.jpg"
    broken = tmp_path / name
    broken.write_bytes((SAMPLES / name).read_bytes()[:1500])
    result = process_task(PageTask(str(broken), 1, "0" * 64))
    assert result["status"] == "failed"
    assert result["error"]["code"] in {"corrupt_pdf", "corrupt_image"}
