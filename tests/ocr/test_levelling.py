"""Levelling a page whose diagonal watermark outweighs its own lines, by the page's straight edges."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr import levelling
from ocr.reader import _skew_degrees

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
W, H = 1400, 1900
LINES = [
    "姓名 张三丰",
    "性别 男  民族 汉",
    "出生 1985年3月12日",
    "住址 江苏省苏州市吴江区松陵镇",
    "签发机关 吴江市公安局",
]
WATERMARK = "仅供申请使用 他用无效"


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill: int) -> np.ndarray:
    """Draw `text` and return its box as a level quad (tl, tr, br, bl)."""
    font = ImageFont.truetype(FONT, size)
    draw.text(xy, text, font=font, fill=fill)
    x0, y0, x1, y1 = draw.textbbox(xy, text, font=font)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _rotate(image: np.ndarray, quads: np.ndarray, degrees: float, border: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """Turn image and boxes so that level lines run at `degrees` in image coordinates (y down)."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    turned = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    pts = np.concatenate([quads.reshape(-1, 2), np.ones((quads.size // 2, 1), np.float32)], axis=1)
    return turned, (pts @ matrix.T).reshape(-1, 4, 2).astype(np.float32)


def _card_page() -> tuple[np.ndarray, np.ndarray]:
    """A white page holding an ID-card-like outline with level text lines inside it."""
    page = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(page)
    draw.rounded_rectangle((250, 300, 1150, 870), radius=30, outline=90, width=3)
    draw.rounded_rectangle((250, 1050, 1150, 1620), radius=30, outline=90, width=3)
    quads = [_text(draw, (300, 360 + 95 * i), text, 40, 20) for i, text in enumerate(LINES)]
    quads += [_text(draw, (300, 1400), "有效期限 2019.09.02-2039.09.02", 40, 20)]
    return np.array(page), np.array(quads)


def _watermark(page: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The page under `WATERMARK` repeated in rows running at `degrees`, and the watermark's boxes."""
    layer = Image.new("L", (W, H), 0)
    draw = ImageDraw.Draw(layer)
    quads = np.array(
        [
            _text(draw, (x + (row % 2) * 250, y), WATERMARK, 46, 255)
            for row, y in enumerate(range(-200, H + 200, 170))
            for x in range(-300, W, 640)
        ]
    )
    layer_turned, quads = _rotate(np.array(layer), quads, degrees, border=0)
    inside = (quads[:, :, 0].min(axis=1) > 0) & (quads[:, :, 0].max(axis=1) < W)
    inside &= (quads[:, :, 1].min(axis=1) > 0) & (quads[:, :, 1].max(axis=1) < H)
    grey = np.where(layer_turned > 128, np.minimum(page, 170), page).astype(np.uint8)
    return grey, quads[inside]


def test_watermark_at_25_degrees_does_not_set_the_level() -> None:
    page, own = _card_page()
    page, marks = _watermark(page, -25.0)
    quads = np.concatenate([own, marks])
    text_skew = _skew_degrees(quads)
    assert abs(text_skew + 25.0) < 1.5  # the watermark's boxes outweigh the page's own lines
    edges = levelling.edge_angle(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR))
    assert edges is not None and abs(edges) < 1.0
    assert abs(levelling.checked_skew(page, quads, text_skew)) < 1.0


def test_a_page_turned_as_a_whole_keeps_its_skew() -> None:
    page, own = _card_page()
    page, marks = _watermark(page, 0.0)  # level watermark rows: everything on the page at one angle
    turned, quads = _rotate(page, np.concatenate([own, marks]), 8.0)
    text_skew = _skew_degrees(quads)
    assert abs(text_skew - 8.0) < 1.0
    assert abs(levelling.checked_skew(turned, quads, text_skew) - 8.0) < 1.0


def test_a_small_skew_is_taken_as_it_is() -> None:
    page, own = _card_page()
    turned, quads = _rotate(page, own, 2.0)
    assert levelling.checked_skew(turned, quads, 2.0) == 2.0


def test_a_page_without_a_card_keeps_the_texts_skew() -> None:
    """No outline to contradict the text: the watermark's rows are the only long straight runs."""
    page = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(page)
    own = np.array([_text(draw, (200, 300 + 90 * i), text, 40, 20) for i, text in enumerate(LINES)])
    image, marks = _watermark(np.array(page), -25.0)
    quads = np.concatenate([own, marks])
    assert levelling.checked_skew(image, quads, _skew_degrees(quads)) == _skew_degrees(quads)
