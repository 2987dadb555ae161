"""The whole OCR reader on a committed sample turned every way: the page comes back upright and reads the same."""

import json

import cv2
import numpy as np
import pytest

from ocr.engine import get_engine
from ocr.ingest import iter_pages
from ocr.pipeline import extract_page
from ocr.reader import read_image
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "reg_003.jpg"
TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@pytest.fixture(scope="module")
def upright() -> np.ndarray:
    page = next(iter_pages(SAMPLE))
    assert page.image is not None
    return page.image


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_turned_page_is_read_upright(upright: np.ndarray, turn: int) -> None:
    truth = json.loads(SAMPLE.with_name(SAMPLE.name + ".json").read_text(encoding="utf-8"))["pages"][0]
    image = upright if turn == 0 else cv2.rotate(upright, TURNS[turn])
    page = read_image(get_engine(), image, source=str(SAMPLE))
    # The page was turned `turn` clockwise; the reader turns it back by the rest of the circle.
    assert page.quality.rotation == (360 - turn) % 360
    got = extract_page(page)
    assert str(got.doc_type) == truth["doc_type"]
    for key, expected in truth["fields"].items():
        assert got.value(key) == expected, f"{key} after turning {turn}°"


def _quad(x: float, y: float, length: float, height: float, degrees: float) -> list[list[float]]:
    """A text box of `length` × `height` whose top-left corner is at (x, y), slanted by `degrees`."""
    a = np.radians(degrees)
    along, down = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    p0 = np.array([x, y])
    return [list(p) for p in (p0, p0 + length * along, p0 + length * along + height * down, p0 + height * down)]


def test_which_way_up_is_voted_by_the_pages_level_lines_not_a_diagonal_watermark() -> None:
    """Repeated slanted copy marks are the longest boxes on the page; the level lines vote."""
    from ocr.reader import _orientation_sample

    own = [_quad(100, 100 + 60 * i, 300 + 20 * i, 30, 0.5) for i in range(5)]
    marks = [_quad(50 + 40 * i, 900, 900, 40, -35.0) for i in range(6)]
    quads = np.array(own + marks, dtype=np.float32)
    assert set(_orientation_sample(quads).tolist()) == set(range(5))
    only_slanted = np.array(marks, dtype=np.float32)
    assert len(_orientation_sample(only_slanted)) == 6, "a page with no level line still votes"
