"""Tick boxes read from the pixels where OCR did not spell them (☑ / □ lost in a photo)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from huren.domain import CATEGORIES, Page, TextLine
from ocr.layout import Layout, Span
from ocr.marks import SEAL_SHAPE_CONFIDENCE, checked_options, read_sealed

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SIZE = 36


def _form(
    options: list[tuple[str, bool]],
    *,
    label: str = "",
    one_line: bool = False,
    outline: tuple[tuple[int, int, int], int] = ((30, 30, 30), 4),
) -> tuple[np.ndarray, list[TextLine]]:
    """One row of options, each after a drawn box; a ticked box's tick pokes out of it up and right,
    as a pen's does.  OCR read the words only.  `outline`: the boxes' ink and line width."""
    image = Image.new("RGB", (1400, 160), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    lines, x, y = [], 40, 60
    if label:  # a grey label column on the left, as the form's table prints it
        draw.rectangle((0, 0, 200, 160), fill=(175, 180, 180))
        draw.line([(200, 0), (200, 160)], fill=(30, 30, 30), width=3)
        draw.text((40, y), label, font=font, fill=(30, 30, 30))
        lines.append(TextLine(label, (40, y, 40 + font.getlength(label), y + 42), 0.95))
        x = 230
    for word, ticked in options:
        # A small box with a thick border, as a phone photo of a printed form shows it: the tick
        # fills it, leaving no hole inside to find it by.
        draw.rectangle((x, y + 12, x + 21, y + 33), outline=outline[0], width=outline[1])
        if ticked:
            draw.line([(x + 4, y + 21), (x + 9, y + 28), (x + 23, y + 7)], fill=(40, 40, 140), width=5)
        tx = x + 32
        draw.text((tx, y), word, font=font, fill=(30, 30, 30))
        width = font.getlength(word)
        centres = [tx + (i + 0.5) * width / len(word) for i in range(len(word))]
        lines.append(TextLine(word, (tx, y, tx + width, y + 42), 0.95, centres))
        x = int(tx + width + 50)
    if one_line:  # OCR read the row of options as one line, box glyphs dropped
        words = lines[1:] if label else lines
        row = TextLine(
            " ".join(w.text for w in words),
            (words[0].bbox[0], y, words[-1].bbox[2], y + 42),
            0.95,
            [c for w in words for c in [*(w.char_x or []), w.bbox[2] + 25]][:-1],
        )
        lines = [*lines[: len(lines) - len(words)], row]
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR), lines


def test_ticked_boxes_are_read_from_the_pixels_even_where_the_tick_pokes_out() -> None:
    options = [("长度", True), ("力学", False), ("电磁", False), ("无线电", True), ("时间频率", False)]
    image, lines = _form(options)
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == [word for word, on in options if on]
    assert certainty == 1.0


def test_boxes_in_a_shaded_photo_are_read_against_the_paper_around_them() -> None:
    """A phone photo darkens the page towards one side: a box in the shade is not ink through and
    through, nor is an empty one there read as ticked."""
    options = [("长度", True), ("力学", False), ("声学", False), ("温度", True), ("电磁", False), ("光学", False)]
    image, lines = _form(options, label="执业类别", one_line=True)
    light = np.linspace(0.45, 1.0, image.shape[1], dtype=np.float32)[None, :, None]
    shaded = (image.astype(np.float32) * light).astype(np.uint8)
    page = Page("t", 1, shaded.shape[1], shaded.shape[0], lines, image=shaded)
    layout = Layout(lines)
    ticked, certainty, _ = checked_options(layout, page, None, list(CATEGORIES))
    assert ticked == [word for word, on in options if on]
    assert certainty == 1.0


def test_a_light_watermark_across_an_empty_box_is_not_a_tick() -> None:
    """A watermark's pale stroke crosses an empty box: it is darker than the paper, but far lighter
    than the pen or the box's printed outline, so the box stays unticked."""
    options = [("长度", True), ("力学", False), ("温度", False), ("电磁", False)]
    image, lines = _form(options)
    x = int(lines[2].bbox[0]) - 32  # 温度's box
    mark = np.full_like(image, 255)
    cv2.line(mark, (x - 30, 150), (x + 50, 40), (180, 160, 150), 12)
    image = np.minimum(image, mark)  # printed over the page: the ink under it stays as dark
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == ["长度"]
    assert certainty == 1.0


def test_a_square_inside_the_words_before_is_not_the_next_options_box() -> None:
    """On a blurred page an empty box can vanish; a filled square at the end of the option before's
    words (a character's enclosed stroke, a blot) is then not taken for its box: the option is unsure."""
    image, lines = _form([("时间频率", False), ("化学", False)])
    box = int(lines[1].bbox[0]) - 32  # 化学's box, faded away on the photo
    image[50:110, box - 2 : box + 26] = 250
    end = int(lines[0].bbox[2])  # the last character of 时间频率 blurred into a blot
    image[55:105, end - 24 : end + 2] = 250
    cv2.rectangle(image, (end - 21, 72), (end - 1, 92), (30, 30, 30), -1)
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == []
    assert certainty < 1.0


def test_a_broad_watermark_band_over_an_empty_box_is_not_a_tick() -> None:
    """A watermark's broad band (a phone photo's lavender letters) covers half of an empty box and runs
    along its outline: the shape found is then the outline's inner edge among the band's pixels, and
    those pixels are not how dark the outline is — the band, far lighter than the outline, stays no tick."""
    options = [("长度", False), ("力学", True), ("声学", False), ("温度", False)]
    image, lines = _form(options)
    x = int(lines[2].bbox[0]) - 32  # 声学's box
    mark = np.full_like(image, 255)
    cv2.line(mark, (x + 2, 170), (x + 70, -40), (190, 150, 150), 34)
    image = np.minimum(image, mark)
    image = cv2.GaussianBlur(image, (5, 5), 0)  # a photo's softness
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == ["力学"]
    assert certainty == 1.0


def test_thin_outlines_a_blur_turned_light_grey_are_still_boxes() -> None:
    """A blurred photo of a form printed with thin outlines: the empty boxes are light grey, far paler
    than the words and the pen's ticks, yet each option's box is found and read."""
    options = [("长度", False), ("力学", True), ("声学", False), ("化学", False), ("专用类", True)]
    image, lines = _form(options, outline=((120, 120, 120), 1))
    image = cv2.GaussianBlur(image, (7, 7), 1.6)
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == ["力学", "专用类"]
    assert certainty == 1.0


def _opinion_block(draw_mark: str) -> tuple[np.ndarray, Layout, Span]:
    """A grey photocopy's employer block: the opinion's label, then something drawn where the stamp goes."""
    image = Image.new("RGB", (1200, 700), (214, 214, 214))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((60, 100), "现执业单位意见：", font=font, fill=(40, 40, 40))
    draw.text((560, 330), "单位（盖章）", font=font, fill=(40, 40, 40))
    cx, cy, r = 640, 360, 120
    if draw_mark in ("seal", "logo", "oval"):
        rx = r * (1.12 if draw_mark == "oval" else 1.0)
        draw.ellipse((cx - rx, cy - r, cx + rx, cy + r), outline=(150, 150, 150), width=8)
    if draw_mark in ("seal", "oval"):  # rim text along the upper arc, a star in the middle
        small = ImageFont.truetype(FONT, 30)
        for i, ch in enumerate("吴江盛泽精测计量有限公司"):
            ang = np.radians(-200 + 220 * (i + 0.5) / 12)
            draw.text(
                (cx + 0.75 * r * np.cos(ang), cy + 0.75 * r * np.sin(ang)),
                ch,
                font=small,
                fill=(150, 150, 150),
                anchor="mm",
            )
        star = [
            (cx + 30 * np.cos(np.radians(-90 + 72 * k)), cy + 30 * np.sin(np.radians(-90 + 72 * k)))
            for k in (0, 2, 4, 1, 3)
        ]
        draw.polygon(star, fill=(150, 150, 150))
    if draw_mark == "qr":  # a QR code's modules where the stamp goes
        rng = np.random.default_rng(3)
        for i in range(21):
            for j in range(21):
                if rng.random() < 0.5:
                    draw.rectangle(
                        (cx - r + 11 * i, cy - r + 11 * j, cx - r + 11 * i + 10, cy - r + 11 * j + 10),
                        fill=(40, 40, 40),
                    )
    if draw_mark == "signature":  # a scribbled name's loops
        pts = [(500 + 14 * k, 360 + (35 if k % 2 else -35) + 10 * np.sin(k)) for k in range(22)]
        draw.line(pts, fill=(30, 30, 30), width=5)
    label = TextLine("现执业单位意见：", (60, 100, 60 + font.getlength("现执业单位意见："), 148), 0.95)
    stamp = TextLine("单位（盖章）", (560, 330, 560 + font.getlength("单位（盖章）"), 378), 0.95)
    layout = Layout([label, stamp])
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR), layout, Span(0, 0, 7)


@pytest.mark.parametrize("mark", ["seal", "oval"])
def test_a_seal_on_a_grey_photocopy_is_found_by_its_ring(mark: str) -> None:
    """A photocopy has no red: the seal is its ring with text along the rim (slightly oval on a photo)."""
    image, layout, label = _opinion_block(mark)
    page = Page("t", 1, image.shape[1], image.shape[0], layout.lines, image=image)
    sealed, confidence, _ = read_sealed(layout, page, label)
    assert sealed
    assert confidence == SEAL_SHAPE_CONFIDENCE


@pytest.mark.parametrize("mark", ["none", "logo", "qr", "signature"])
def test_no_seal_on_a_grey_photocopy_is_not_taken_from_a_logo_a_code_or_a_signature(mark: str) -> None:
    """A round logo without rim text, a QR code or a signature where the stamp goes is not a seal; the
    answer stays unsure (no colour to see a seal by)."""
    image, layout, label = _opinion_block(mark)
    page = Page("t", 1, image.shape[1], image.shape[0], layout.lines, image=image)
    assert read_sealed(layout, page, label) == (False, 0.4, None)


def test_a_blot_in_a_merged_runs_word_is_not_the_next_options_box_on_a_tall_line() -> None:
    """A blurred page: OCR merged the options into one run with a line box far taller than its
    characters, and the empty boxes faded away. The enclosed stroke of 度 (a filled blot)
    starts less than a line's height into 长度 but past its first character: it is 长度's, not 力学's box."""
    image, lines = _form([("长度", False), ("力学", False)], one_line=True)
    words = lines[0]
    lines = [TextLine(words.text, (words.bbox[0], 10, words.bbox[2], 112), 0.95, words.char_x)]
    start = int(words.bbox[0])
    second = start + 36  # 度, the second character of 长度
    for box in (start - 32, int(words.char_x[3] - 18) - 32):  # both boxes faded away on the photo
        image[50:110, box - 2 : box + 26] = 250
    image[55:105, second : second + 36] = 250
    cv2.rectangle(image, (second + 4, 70), (second + 30, 96), (30, 30, 30), -1)
    page = Page("t", 1, image.shape[1], image.shape[0], lines, image=image)
    ticked, certainty, _ = checked_options(Layout(lines), page, None, list(CATEGORIES))
    assert ticked == []
    assert certainty < 1.0
