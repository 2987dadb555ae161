"""Reviewed crops with their confirmed text, in PPOCRLabel's and Label Studio's formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
from typer.testing import CliRunner

from cli.app import app
from digitize import outdir

from .test_review import finished_run  # noqa: F401  (the module's finished run, with flagged rows)

runner = CliRunner()


def _flagged(out: Path) -> list[dict[str, str]]:
    with (out / outdir.RECORDS).open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["needs_review"] == "true"]


def test_only_reviewed_text_fields_become_training_data(finished_run: Path, tmp_path: Path) -> None:  # noqa: F811
    out = finished_run
    row = _flagged(out)[0]
    corrected = "上海市市场监督管理局"
    reviewed = runner.invoke(
        app,
        [
            "digitize", "review", str(out), "--reviewer", "王",
            "--set", f"{row['row_id']}:issuing_authority={corrected}",
            "--confirm", f"{row['row_id']}:valid_until",  # a date: stored normalised, never training text
        ],
    )  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output

    dest = tmp_path / "ppocr"
    result = runner.invoke(app, ["digitize", "export", str(out), "--format", "ppocrlabel", "--out", str(dest)])
    assert result.exit_code == 0, result.output
    lines = (dest / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [f"crop_img/{row['row_id']}_issuing_authority.png\t{corrected}"]
    crop = cv2.imread(str(dest / "crop_img" / f"{row['row_id']}_issuing_authority.png"))
    assert crop is not None and crop.shape[0] > 10 and crop.shape[1] > 50

    dest = tmp_path / "ls"
    result = runner.invoke(app, ["digitize", "export", str(out), "--format", "labelstudio", "--out", str(dest)])
    assert result.exit_code == 0, result.output
    tasks = json.loads((dest / "tasks.json").read_text(encoding="utf-8"))
    assert len(tasks) == 1
    assert tasks[0]["data"]["image"] == f"images/{row['row_id']}_issuing_authority.png"
    assert (dest / tasks[0]["data"]["image"]).exists()
    assert tasks[0]["annotations"][0]["result"][0]["value"]["text"] == [corrected]


def test_training_export_needs_a_folder(finished_run: Path) -> None:  # noqa: F811
    result = runner.invoke(app, ["digitize", "export", str(finished_run), "--format", "labelstudio"])
    assert result.exit_code == 2 and "out_required" in result.output
    result = runner.invoke(app, ["digitize", "export", str(finished_run), "--format", "coco"])
    assert result.exit_code == 2
