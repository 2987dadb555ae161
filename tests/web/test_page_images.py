"""Page images are rebuilt in the screened page's coordinates without running OCR."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from api.web.pages import page_png, redact, working_image

from .conftest import APPROVABLE


def test_turns_and_deskew_follow_the_recorded_quality() -> None:
    raw = np.full((1500, 1000, 3), 255, np.uint8)  # portrait, within the working bounds
    upright = working_image(raw, {"rotation": 270, "width": 1500, "height": 1000}, text_layer=False, exif_rotation=0)
    assert upright.shape[:2] == (1000, 1500)
    exif_only = working_image(raw, {"rotation": 90}, text_layer=False, exif_rotation=90)
    assert exif_only.shape[:2] == (1500, 1000)  # ingest already applied the EXIF turn
    skewed = working_image(raw, {"skew": -2.8}, text_layer=False, exif_rotation=0)
    assert skewed.shape == raw.shape
    assert working_image(raw, {"rotation": 90}, text_layer=True, exif_rotation=0) is raw


def test_redaction_blacks_out_the_box_in_page_coordinates() -> None:
    image = np.full((100, 200, 3), 255, np.uint8)
    out = redact(image, [[100.0, 100.0, 200.0, 140.0]], (400.0, 200.0))  # the page was screened at twice the size
    assert out[60, 75].max() < 100 and out[10, 10].min() == 255 and image.min() == 255


def test_pdf_page_is_rendered_and_cached(tmp_path: Path) -> None:
    png = page_png(APPROVABLE, tmp_path, "k", 1, None, redacted=False)
    assert png is not None and png.startswith(b"\x89PNG")
    assert (tmp_path / "k-1.png").read_bytes() == png
    assert page_png(APPROVABLE, tmp_path, "k", 9, None, redacted=False) is None
    assert page_png(APPROVABLE, tmp_path, "k", 1, None, redacted=True) is None  # nowhere to know the ID is


def test_every_document_of_a_page_has_its_id_number_blacked_out(tmp_path: Path) -> None:
    import cv2

    scan = tmp_path / "copy.png"
    cv2.imwrite(str(scan), np.full((1000, 1400, 3), 255, np.uint8))
    quality = {"width": 1400, "height": 1000, "text_layer": False}
    first = {"page": 1, "index": 0, "quality": quality, "fields": {"id_number": {"bbox": [100, 100, 500, 140]}}}
    second = {"page": 1, "index": 1, "quality": quality, "fields": {"id_number": {"bbox": [100, 700, 500, 740]}}}
    png = page_png(scan, tmp_path / "cache", "k", 1, {**first, "documents": [first, second]}, redacted=True)
    assert png is not None
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert image[120, 300].max() < 100 and image[720, 300].max() < 100 and image[400, 300].min() == 255
