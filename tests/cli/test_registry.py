"""`huren registry import|export` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.registry import registry_app
from tests.matching.test_registry_files import GOOD, HEADER, valid_id, write

runner = CliRunner()


@pytest.fixture(autouse=True)
def _data_dir_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import writes the audit log and makes its key under the data folder: the test's own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HUREN_DATA_DIR", raising=False)


def test_import_then_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUREN_DATABASE_URL", raising=False)
    path = write(tmp_path / "r.csv", [HEADER, *GOOD], "gbk")
    result = runner.invoke(registry_app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "inserted: 3  updated: 0  unchanged: 0  rejected: 0" in result.output
    assert (tmp_path / "data" / "huren.sqlite3").exists(), "default SQLite file created on first use"

    again = runner.invoke(registry_app, ["import", str(path)])
    assert "inserted: 0  updated: 0  unchanged: 3  rejected: 0" in again.output

    out = tmp_path / "out" / "export.jsonl"
    exported = runner.invoke(registry_app, ["export", "--format", "jsonl", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["cert_number"] for r in rows) == ["沪ZC2019000123", "浙JD2003000045", "苏KH2020000007"]

    csv_out = runner.invoke(registry_app, ["export"])
    assert csv_out.stdout.splitlines()[0].startswith("cert_type,cert_number,name")


def test_rejected_rows_exit_1_and_nothing_lands_unless_partial(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    bad_id = valid_id()[:-1] + ("0" if valid_id()[-1] != "0" else "1")
    bad = f"registration,沪ZC2019000999,张伟,{bad_id},,,,,,,,,"
    path = write(tmp_path / "r.csv", [HEADER, GOOD[0], bad, "licence,X1,张三,,,,,,,,,,"], "utf-8")
    result = runner.invoke(registry_app, ["import", str(path), "--database-url", url])
    assert result.exit_code == 1
    assert "inserted: 1  updated: 0  unchanged: 0  rejected: 2" in result.output
    assert "nothing written: 2 row error(s)" in result.output
    assert f"{path}:3: id_number: invalid check digit" in result.output
    assert f"{path}:4: cert_type: unknown cert_type 'licence'" in result.output
    assert bad_id not in result.output, "ID numbers are masked"
    partial = runner.invoke(registry_app, ["import", str(path), "--database-url", url, "--partial"])
    assert partial.exit_code == 1 and "nothing written" not in partial.output
    again = runner.invoke(registry_app, ["import", str(path), "--database-url", url, "--partial"])
    assert "inserted: 0  updated: 0  unchanged: 1  rejected: 2" in again.output, "the good row landed"


def test_unknown_column_is_noted_not_imported(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", ["cert_type,cert_number,name,phone", "registration,A1,张三,138"], "utf-8")
    result = runner.invoke(registry_app, ["import", str(path), "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 0, result.output
    assert "column(s) not imported: phone" in result.output
    assert "inserted: 1" in result.output


def test_import_shows_progress_at_a_terminal_only(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *GOOD], "utf-8")
    args = ["import", str(path), "--database-url", f"sqlite:///{tmp_path / 'p.db'}", "--dry-run"]
    at_terminal = runner.invoke(registry_app, args, env={"TTY_COMPATIBLE": "1"})
    assert at_terminal.exit_code == 0 and "r.csv" in at_terminal.stderr, at_terminal.stderr
    dry_run_lines = [line for line in at_terminal.stdout.splitlines() if line.startswith("+ ")]
    assert len(dry_run_lines) == len(GOOD), "the output stays on stdout (a pipe), not under the bar on stderr"
    assert "r.csv" not in runner.invoke(registry_app, [*args, "--quiet"], env={"TTY_COMPATIBLE": "1"}).stderr
    assert "r.csv" not in runner.invoke(registry_app, args).stderr, "not a terminal: no bar"
