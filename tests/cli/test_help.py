"""`--help` names the `HUREN_*` variable behind each option a setting also sets, lists choices, shows dates."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from api.auth import ROLES
from api.settings import Settings
from cli.app import app
from huren.zone import areas

runner = CliRunner()


def _help(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"TERMINAL_WIDTH": "240"})
    assert result.exit_code == 0, result.output
    return result.output


def _line(text: str, option: str) -> str:
    return next(line for line in text.splitlines() if f" {option} " in line)


def test_serve_help_names_the_variables_and_choices() -> None:
    text = _help("serve")
    assert "[env var: HUREN_WORKER]" in _line(text, "--worker")
    log_format = _line(text, "--log-format")
    assert "[env var: HUREN_LOG_FORMAT]" in log_format and "<text|json>" in log_format
    assert "env var" not in _line(text, "--port"), "no setting sets the port: no variable is claimed"


def test_eval_help_names_the_engine_variables_and_their_defaults() -> None:
    text = _help("eval")
    backend = _line(text, "--backend")
    assert "[env var: HUREN_OCR_BACKEND]" in backend and "<rapidocr|paddle>" in backend
    det_side = _line(text, "--det-side")
    assert "[env var: HUREN_OCR_DET_SIDE]" in det_side
    assert f"({Settings.model_fields['ocr_det_side'].default})" in det_side, "the setting's default, shown"
    assert "[env var: HUREN_OCR_THREADS]" in _line(text, "--threads")


def test_dates_and_zone_choices() -> None:
    reissue = _help("reissue")
    assert "<%Y-%m-%d>" in _line(reissue, "--as-of")
    assert f"<{'|'.join(areas())}>" in _line(reissue, "--area")
    assert "[env var: HUREN_VERIFY_BASE_URL]" in _line(reissue, "--base-url")
    assert f"<{'|'.join(ROLES)}>" in _line(_help("user", "create"), "--role")
    expiring = _help("recognitions", "expiring")
    assert "<%Y-%m-%d>" in _line(expiring, "--as-of") and "[env var: HUREN_AS_OF]" in _line(expiring, "--as-of")
    assert f"<{'|'.join(areas())}>" in _line(expiring, "--area")


def _options(command: Any, path: str = "huren") -> list[tuple[str, Any]]:
    """Every parameter of every command under `command` (a group has `commands`), with its command's path."""
    found = [(path, p) for p in command.params]
    for name, sub in (getattr(command, "commands", None) or {}).items():
        found += _options(sub, f"{path} {name}")
    return found


def test_every_variable_an_option_names_is_a_setting() -> None:
    named = [(where, p.name, p.envvar) for where, p in _options(typer.main.get_command(app)) if p.envvar]
    assert len(named) >= 10
    fields = {f"HUREN_{field.upper()}" for field in Settings.model_fields}
    assert [n for n in named if n[2] not in fields] == []


def test_an_enum_refuses_a_wrong_choice_before_the_command_runs() -> None:
    result = runner.invoke(app, ["reissue", "x.pdf", "--area", "pudong", "--out", "out"])
    assert result.exit_code == 2 and "pudong" in result.output


@pytest.mark.parametrize("value", ["2025-13-01", "1.6.2025"])
def test_a_date_is_checked_as_a_date(value: str) -> None:
    result = runner.invoke(app, ["verify", "x.pdf", "--as-of", value])
    assert result.exit_code == 2 and "--as-of" in result.output
