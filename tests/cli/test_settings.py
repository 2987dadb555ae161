"""One `Settings`, built once per run of `huren` at the top, and handed down as plain values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cli.settings
from api.settings import Settings
from cli.app import app
from cli.options import DetSideOpt
from ocr.engine import EngineConfig

runner = CliRunner()


def test_the_root_command_builds_the_settings_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Settings] = []

    class Counted(Settings):
        def __init__(self) -> None:
            super().__init__()
            built.append(self)

    monkeypatch.setattr(cli.settings, "Settings", Counted)
    monkeypatch.setenv("HUREN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUREN_DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    monkeypatch.setenv("HUREN_AUDIT_KEY", "k" * 32)
    result = runner.invoke(app, ["user", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert len(built) == 1, "read once, at the top"
    assert (tmp_path / "h.sqlite3").exists(), "the command used the settings the root read"


def test_an_option_given_wins_over_the_setting_and_none_means_not_given() -> None:
    settings = Settings(ocr_det_side=640, ocr_threads=2, paddle_model_cache="/srv/paddle")
    config = settings.engine_config(det_side=None, threads=3)
    assert (config.det_side, config.threads, config.paddle_model_cache) == (640, 3, "/srv/paddle")


def test_the_engine_defaults_are_written_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for field in Settings.model_fields:
        monkeypatch.delenv(f"HUREN_{field.upper()}", raising=False)
    assert Settings().engine_config() == EngineConfig()


def test_a_variable_reaches_the_option_and_the_settings_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer reads an option's `HUREN_*` variable; Settings reads the same one: one value either way."""
    monkeypatch.setenv("HUREN_OCR_DET_SIDE", "768")
    seen: dict[str, object] = {}
    probe = typer.Typer()

    @probe.command()
    def show(ctx: typer.Context, det_side: DetSideOpt = None) -> None:
        seen["option"] = det_side
        seen["config"] = cli.settings.with_options(ctx).engine_config(det_side=det_side).det_side

    assert runner.invoke(probe, []).exit_code == 0
    assert seen == {"option": 768, "config": 768}
