"""`huren extract` on the command line: every file named gets a line of output."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from cli.app import app


def test_files_named_with_a_leading_dot_are_never_skipped(tmp_path: Path) -> None:
    upload = tmp_path / "..%2f..%2fetc%2fpasswd.jpg"  # a name an upload can carry
    Image.new("RGB", (300, 200), "white").save(upload, "JPEG")
    empty = tmp_path / ".env.jpg"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["extract", str(upload), str(empty), "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [Path(line["source"]).name for line in lines] == [upload.name, empty.name], result.stdout
    assert lines[0]["doc_type"] == "unknown" and lines[0]["index"] == 0 and lines[0]["region"] == [0, 0, 1200, 800]
    assert "quality: no_text" in lines[0]["warnings"]
    assert lines[1]["error"]["code"] == "empty_file"
    assert result.exit_code == 1


def test_a_folder_shows_progress_at_a_terminal_only(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.png"):
        (tmp_path / name).write_bytes(b"")  # refused before any OCR: the bar is what is tested
    args = ["extract", str(tmp_path), "--json"]
    at_terminal = CliRunner().invoke(app, args, env={"TTY_COMPATIBLE": "1"})
    assert "extract" in at_terminal.stderr and "2/2" in at_terminal.stderr, at_terminal.stderr
    assert len(at_terminal.stdout.splitlines()) == 2, "stdout carries only the results"
    assert "2/2" not in CliRunner().invoke(app, [*args, "--quiet"], env={"TTY_COMPATIBLE": "1"}).stderr
    assert "2/2" not in CliRunner().invoke(app, args).stderr, "not a terminal: no bar"
