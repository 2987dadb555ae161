"""`huren eval --html`: the report page — tables, the worst pages drawn, a wrong field marked, no ID number whole.

The samples are copied with their truth into `tmp_path` and one truth value is altered, so the
reading of that field is wrong against it whatever the OCR does.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app
from huren.domain import TextLine
from ocr.evaluate import DocumentCheck, FieldCheck, PageCheck, Picture, Report, evaluate_files
from ocr.report import masked, render_html

from ..conftest import SAMPLES

ID_FRONT = "idf_002.pdf"  # text layer: read without OCR
ID_FRONT_2 = "idf_004.pdf"  # text layer
SCANNED = "asm_004.pdf"  # a PDF of an image: read by OCR
_IMAGE = re.compile(r'<image href="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"')
_ID_SHAPE = re.compile(r"\d{17}[\dXx]")


def _copy(folder: Path, sample: str, **wrong: str) -> Path:
    """A sample and its truth in `folder`, the truth's fields in `wrong` replaced."""
    shutil.copy(SAMPLES / sample, folder / sample)
    truth = json.loads((SAMPLES / f"{sample}.json").read_text(encoding="utf-8"))
    truth["pages"][0]["fields"].update(wrong)
    (folder / f"{sample}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return folder / sample


def _id_numbers(folder: Path) -> list[str]:
    return [
        str(json.loads(p.read_text(encoding="utf-8"))["pages"][0]["fields"]["id_number"]) for p in folder.glob("*.json")
    ]


def _without_images(html: str) -> str:
    return _IMAGE.sub("<image>", html)


def test_masked_hides_an_id_number_wherever_it_is() -> None:
    assert masked("320525198305088126", "id_number") == "3205**********8126"
    assert masked("号码320525198305088126住址", "address") == "号码3205**********8126住址"
    assert masked(["电子天平", "燃气表"], "items") == "电子天平、燃气表"
    assert masked("2020.01.01-2040.01.01", "validity") == "2020.01.01-2040.01.01"


def _embedded(html: str) -> np.ndarray:
    encoded = _IMAGE.search(html)
    assert encoded is not None
    return cv2.imdecode(np.frombuffer(base64.b64decode(encoded.group(1)), np.uint8), cv2.IMREAD_GRAYSCALE)


def test_an_id_number_cut_in_two_or_misread_is_blacked_out_all_the_same() -> None:
    lines = {
        "cut, first half": TextLine("公民身份号码 3205251983", (20, 100, 300, 130)),
        "cut, second half": TextLine("05088126", (310, 100, 420, 130)),
        "misread": TextLine("33O4211983O2O81O42", (20, 200, 400, 230)),
        "a name": TextLine("姓名 王小明", (20, 20, 200, 50)),
        "a validity": TextLine("有效期限 2020.01.01-2040.01.01", (20, 300, 400, 330)),
    }
    wrong = FieldCheck("id_number", "320525198305088126", None, False, False)  # not read: no box to go by
    page = PageCheck("x.png", 1, "scan", "-", [DocumentCheck("id_card_front", "id_card_front", None, [wrong])])
    page.picture = Picture(np.full((400, 500, 3), 255, np.uint8), 1000, 800, list(lines.values()))  # pixels halved
    report = Report()
    report.checks.append(page)
    image = _embedded(render_html(report, subject="test"))
    for what, line in lines.items():
        x0, y0, x1, y1 = (round(v / 2) for v in line.bbox)
        dark = image[y0:y1, x0:x1].mean() < 60
        assert dark == (what not in ("a name", "a validity")), what


def test_progress_and_the_worst_pages_pictures(tmp_path: Path) -> None:
    once = _copy(tmp_path, ID_FRONT, name="王小明")
    twice = _copy(tmp_path, ID_FRONT_2, name="李四", birth_date="1900-01-01")
    calls: list[tuple[int, int, str]] = []
    report = evaluate_files(
        [once, twice], progress=lambda done, total, path: calls.append((done, total, path.name)), keep_pictures=1
    )
    assert calls == [(1, 2, ID_FRONT), (2, 2, ID_FRONT_2)]
    worst = report.worst(2)
    assert [Path(c.source).name for c in worst] == [ID_FRONT_2, ID_FRONT]  # two mistakes before one
    assert worst[0].picture is not None and worst[1].picture is None  # only the worst page's pixels are kept
    name = next(f for d in worst[1].documents for f in d.fields if f.field == "name")
    assert not name.ok and name.expected == "王小明" and name.bbox is not None


def test_the_report_draws_a_wrong_field_red_and_blacks_out_the_id_number(tmp_path: Path) -> None:
    path = _copy(tmp_path, ID_FRONT, name="王小明")
    report = evaluate_files([path], keep_pictures=1)
    html = render_html(report, subject=str(tmp_path), engine="test")
    for number in _id_numbers(tmp_path):
        assert number not in html
    page = html[html.index('id="worst"') :]
    wrong_rect = re.search(
        r'<rect class="wrong" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>([^<]*)', page
    )
    assert wrong_rect is not None and "name" in wrong_rect.group(5) and "王小明" in wrong_rect.group(5)
    assert re.search(r'<tr class="wrong"><td class="name">姓名<span class="en">name</span></td><td>王小明</td>', page)
    assert re.search(
        r'<tr class="right"><td class="name">身份证号码<span class="en">ID number</span></td><td>3205\*+8126', page
    )

    # In the pixels: where the ID number was read, the embedded image is blacked out.
    view = re.search(r'<svg viewBox="0 0 (\d+) (\d+)"', page)
    id_rect = re.search(
        r'<rect class="right" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>✓ 身份证号码 id_number',
        page,
    )
    encoded = _IMAGE.search(page)
    assert view is not None and id_rect is not None and encoded is not None
    image = cv2.imdecode(np.frombuffer(base64.b64decode(encoded.group(1)), np.uint8), cv2.IMREAD_GRAYSCALE)
    scale = image.shape[1] / int(view.group(1))
    x, y, w, h = (float(v) * scale for v in id_rect.groups())
    assert image[int(y) : int(y + h), int(x) : int(x + w)].mean() < 60


@pytest.mark.slow  # one page read by OCR
def test_eval_html_writes_a_report_page(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    _copy(samples, ID_FRONT, name="王小明")
    _copy(samples, SCANNED)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["eval", str(samples), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert "evaluating" not in result.output  # no progress bar where output is captured
    html = out.read_text(encoding="utf-8")

    by_type = html[html.index('id="by-type"') : html.index('id="by-field"')]
    assert "身份证人像面" in by_type and "考核合格证" in by_type and "找到" in by_type
    reliability = html[html.index('id="reliability"') :]
    assert "置信度区间" in reliability and "[0.995, 1.000]" in reliability
    images = _IMAGE.findall(html)
    assert images and cv2.imdecode(np.frombuffer(base64.b64decode(images[0]), np.uint8), cv2.IMREAD_COLOR) is not None
    assert re.search(r'<tr class="wrong"><td class="name">姓名<span class="en">name</span></td><td>王小明</td>', html)
    assert '<rect class="wrong"' in html
    assert "北京时间" in html
    text = _without_images(html)
    assert not _ID_SHAPE.search(text), _ID_SHAPE.search(text)
    for number in _id_numbers(samples):
        assert number not in html


def test_the_goals_subsets_get_a_table_of_their_own() -> None:
    report = Report()
    assert 'id="by-subset"' not in render_html(report, subject="test")
    report.by_subset["id_photocopy_watermark"].add(True)
    report.by_subset["id_photocopy_watermark"].add(False)
    report.found_by_subset["id_photocopy_watermark"].add(True)
    html = render_html(report, subject="test")
    section = html[html.index('id="by-subset"') :]
    section = section[: section.index("</section>")]
    assert "身份证灰度复印件（带水印）" in section and "1/2" in section and "1/1" in section
