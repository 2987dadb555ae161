"""`huren verify` / `huren reissue` through Typer, on text-layer PDFs (no OCR model needed)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.verify import reissue_cli, verify_cli
from matching.files import write_records
from matching.verify import verify_documents
from recognition.decide import decide
from recognition.reissue import reissue
from tests.recognition.builders import AS_OF, ID, Application, record, registry

app = typer.Typer()
app.command("verify")(verify_cli)
app.command("reissue")(reissue_cli)
runner = CliRunner()


@pytest.fixture(scope="module")
def pdf_and_registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("cli")
    result = verify_documents(Application().extractions(), registry(), AS_OF)
    cert = reissue(
        decide(result, as_of=AS_OF),
        result,
        area="qingpu",
        out_dir=out,
        base_url="https://x",
        issued_on=date(2025, 6, 2),
        secret_key="k",
    )
    csv_path = out / "registry.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        write_records([record()], fh, "csv")
    return cert.path, csv_path


def test_verify_json_lists_every_reason(pdf_and_registry: tuple[Path, Path]) -> None:
    pdf, csv_path = pdf_and_registry
    res = runner.invoke(app, ["verify", str(pdf), "--registry", str(csv_path), "--as-of", "2025-06-01", "--json"])
    assert res.exit_code == 1, res.output
    out = json.loads(res.stdout)
    assert {"documents", "evidence", "consistency", "decision", "reasons", "decision_record"} <= set(out)
    assert out["decision"] == "reject"
    codes = {r["code"] for r in out["reasons"]}
    assert {"id_card_front_missing", "id_card_back_missing"} <= codes
    assert out["decision_record"]["as_of"] == "2025-06-01"
    assert out["decision_record"]["versions"]["ocr_engine"] == "text layer only (no OCR)"


def test_verify_readable_masks_id_numbers(pdf_and_registry: tuple[Path, Path]) -> None:
    pdf, csv_path = pdf_and_registry
    res = runner.invoke(app, ["verify", str(pdf), "--registry", str(csv_path), "--as-of", "2025-06-01"])
    assert res.exit_code == 1
    assert "不予互认" in res.output and "id_card_front_missing" in res.output
    assert ID not in res.output


def test_bad_date_and_missing_registry(pdf_and_registry: tuple[Path, Path], tmp_path: Path) -> None:
    pdf, _ = pdf_and_registry
    assert runner.invoke(app, ["verify", str(pdf), "--as-of", "1.6.2025"]).exit_code == 2
    res = runner.invoke(app, ["verify", str(pdf), "--registry", str(tmp_path / "none.csv")])
    assert res.exit_code == 2


def test_reissue_refuses_a_rejected_application(pdf_and_registry: tuple[Path, Path], tmp_path: Path) -> None:
    pdf, csv_path = pdf_and_registry
    res = runner.invoke(
        app,
        [
            "reissue",
            str(pdf),
            "--registry",
            str(csv_path),
            "--area",
            "jiashan",
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2025-06-01",
            "--database-url",
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ],
    )
    assert res.exit_code == 1
    assert "一次性告知" in res.output
    assert not (tmp_path / "out").exists()
    assert runner.invoke(app, ["reissue", str(pdf), "--area", "shanghai", "--out", str(tmp_path)]).exit_code == 2


def test_the_command_line_dates_decisions_in_the_configured_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import Settings
    from cli import verify
    from huren import clock

    monkeypatch.setenv("HUREN_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: the date differs from UTC's after 10:00
    assert verify._local_today(Settings()) == clock.today("Pacific/Kiritimati")


def test_a_progress_bar_at_a_terminal_only(pdf_and_registry: tuple[Path, Path]) -> None:
    pdf, csv_path = pdf_and_registry
    args = ["verify", str(pdf), "--registry", str(csv_path), "--as-of", "2025-06-01", "--json"]
    at_terminal = runner.invoke(app, args, env={"TTY_COMPATIBLE": "1"})
    assert "verify" in at_terminal.stderr and "1/1" in at_terminal.stderr, at_terminal.stderr
    assert json.loads(at_terminal.stdout)["decision"], "stdout carries only the result"
    assert "1/1" not in runner.invoke(app, [*args, "--quiet"], env={"TTY_COMPATIBLE": "1"}).stderr
    assert "1/1" not in runner.invoke(app, args).stderr, "not a terminal: no bar"
