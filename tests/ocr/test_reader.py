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


@pytest.mark.parametrize("seed", [0, 1])
def test_a_line_is_cut_out_as_rapidocr_warps_it(seed: int) -> None:
    from rapidocr.utils.process_img import get_rotate_crop_image

    from ocr.reader import crop_line

    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (120, 200, 3), dtype=np.uint8)
    boxes = [(0, 0, 200, 120), (0, 0, 7, 30), (150, 100, 200, 120), (13, 40, 170, 61), (190, 5, 200, 90)]
    for _ in range(20):
        (x0, x1), (y0, y1) = np.sort(rng.choice(201, 2, replace=False)), np.sort(rng.choice(121, 2, replace=False))
        boxes.append((int(x0), int(y0), int(x1), int(y1)))
    for x0, y0, x1, y1 in boxes:  # tall ones come turned a quarter, as RapidOCR turns them
        quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
        assert np.array_equal(crop_line(image, quad), get_rotate_crop_image(image, quad.copy())), (x0, y0, x1, y1)
    slanted = np.array([[10.5, 20], [150, 24.25], [149, 50], [9, 46]], np.float32)  # warped, not sliced
    assert np.array_equal(crop_line(image, slanted), get_rotate_crop_image(image, slanted.copy()))


def test_a_page_without_washed_seals_is_turned_and_levelled_once_to_the_same_pixels() -> None:
    from huren.domain import Quality
    from ocr.reader import _deskew, _rotate_both

    image = np.random.default_rng(4).integers(0, 256, (90, 140, 3), dtype=np.uint8)
    quads = np.array([[[10, 10], [100, 12], [100, 30], [10, 28]]], np.float32)
    (turned, turned_work), _ = _rotate_both(image, image, quads, 1)
    assert turned_work is turned
    assert np.array_equal(turned, _rotate_both(image, image.copy(), quads, 1)[0][1])
    to_work = np.eye(3)
    (level, level_work), _, _ = _deskew(image, image, quads, 2.0, Quality(), to_work)
    assert level_work is level
    assert np.array_equal(level, _deskew(image, image.copy(), quads, 2.0, Quality(), to_work)[0][1])


def test_unread_lines_are_the_level_boxes_of_print_not_specks_or_a_watermarks_slant() -> None:
    """A level box several glyphs wide that read as nothing is kept aside; a square speck and a
    diagonal watermark's box are not."""
    from ocr.reader import unread_lines

    level = [[100, 200], [400, 200], [400, 240], [100, 240]]
    speck = [[500, 500], [540, 500], [540, 540], [500, 540]]
    slant = [[100, 900], [400, 700], [420, 730], [120, 930]]
    quads = np.array([level, speck, slant], np.float32)
    assert unread_lines(quads) == [(100.0, 200.0, 400.0, 240.0)]
