"""`huren eval --seed`: a randomised set drawn into a temporary folder and scored, reliability included."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from huren.thresholds import REVIEW_CONFIDENCE


def test_eval_needs_a_folder_or_a_seed() -> None:
    assert CliRunner().invoke(app, ["eval"]).exit_code == 2
    assert CliRunner().invoke(app, ["eval", ".", "--seed", "3"]).exit_code == 2


def test_eval_names_an_unknown_layout_family() -> None:
    result = CliRunner().invoke(app, ["eval", "--seed", "3", "--count", "1", "--family", "no_such_family"])
    assert result.exit_code == 2
    assert "no_such_family" in result.output and "id_photocopy" in result.output


@pytest.mark.slow
def test_eval_by_seed_scores_a_drawn_set() -> None:
    result = CliRunner().invoke(app, ["eval", "--seed", "5", "--count", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pages"] == 2 and not data["errors"]
    assert data["documents_found"]["total"] >= 2 and data["fields"]["total"] > 0
    assert len(data["by_family"]) == 2
    assert sum(b["total"] for b in data["reliability"]) <= data["fields"]["total"]
    assert data["review_threshold"]["confidence"] == REVIEW_CONFIDENCE


@pytest.mark.slow
def test_eval_measures_photocopied_id_cards_under_copy_marks_on_their_own() -> None:
    result = CliRunner().invoke(app, ["eval", "--seed", "5", "--count", "1", "--family", "id_photocopy", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    subset = data["by_subset"]["id_photocopy_watermark"]
    assert subset["documents_found"]["total"] == 2  # both sides of the card on the one page
    assert subset["fields"]["total"] == data["fields"]["total"] > 0
