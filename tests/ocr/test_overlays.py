"""Overlays (复印无效, 仅供…使用, diagonal repeats) kept out of values; lines they cross read again."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from huren.domain import TextLine
from ocr.engine import get_engine
from ocr.overlays import (
    blobs,
    colour_spread,
    find_overlays,
    grey_counts,
    look_again,
    mid_greys,
    misdeskewed,
    overlay_share,
    percentile_u8,
    reread,
    strip_overlay,
    swollen,
    tinted_regions,
    without_overlays,
)
from ocr.pipeline import extract_page
from ocr.reader import read_image
from tests.conftest import SAMPLES

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
H = 30.0


def line(text: str, x: float, y: float, char_x: bool = False) -> TextLine:
    width = H * sum(2 if ord(c) > 0x2E80 else 1 for c in text) / 2
    centres = [x + (i + 0.5) * width / len(text) for i in range(len(text))] if char_x else None
    return TextLine(text, (x, y, x + width, y + H), 0.99, centres)


@pytest.mark.parametrize(
    ("text", "overlay"),
    [
        ("复印无效", True),
        ("再次复印无效", True),
        ("仅供办理互认使用", True),
        ("此件与原件一致", True),
        ("SPECIMEN", True),
        ("姓名金辉钟", False),
        ("公民身份号码310115199003070028", False),
        ("身份证复印件", False),
        # A copy mark with one character misread (a grey, slanted overlay reads worse than the print).
        ("此复糊件", True),
        ("复印无郊", True),
        ("与原件一玫", True),
        ("苏州市公安局吴中分局", False),
        ("复印件", False),
    ],
)
def test_overlay_wording(text: str, overlay: bool) -> None:
    assert (overlay_share(text) >= 0.6) is overlay


def test_copy_mark_words_merged_into_a_line_are_cut_out_keeping_positions() -> None:
    merged = line("住址上海市青浦区复印无效", 100, 100, char_x=True)
    stripped = strip_overlay(merged)
    assert stripped is not None and stripped.text == "住址上海市青浦区"
    assert stripped.char_x is not None and len(stripped.char_x) == len(stripped.text)
    assert stripped.bbox[2] < merged.bbox[2]
    assert strip_overlay(line("复印无效", 0, 0)) is None


def test_a_misread_copy_mark_merged_into_the_start_of_a_value_is_cut_out() -> None:
    merged = line("此复糊件苏州市公安局吴中分局", 100, 100, char_x=True)
    stripped = strip_overlay(merged)
    assert stripped is not None and stripped.text == "苏州市公安局吴中分局"
    assert stripped.bbox[0] > merged.bbox[0]
    # The document's own words that share three characters with a mark stay whole.
    assert strip_overlay(line("身份证复印件", 0, 0)).text == "身份证复印件"  # type: ignore[union-attr]


def test_repeated_and_tilted_fragments_are_overlays_but_a_lone_tilted_seal_line_is_not() -> None:
    lines = [
        line("姓名金辉钟", 100, 100),
        line("共审核使用", 600, 300),
        line("审核使用", 300, 500),
        line("核使用", 450, 700),
        line("上海市公安局", 800, 800),  # a seal's ring, tilted, said once
        line("合格", 100, 900),
        line("合格", 100, 950),
        line("合格", 100, 1000),
    ]
    tilts = [0.0, 25.0, 24.0, 26.0, 30.0, 0.0, 0.0, 0.0]
    found = find_overlays(lines, tilts)
    assert set(found) == {1, 2, 3}, found
    kept = without_overlays(
        [line("姓名金辉钟", 100, 100), line("仅供审核使用", 100, 300), line("□是□否", 100, 400)] * 3
    )
    assert [ln.text for ln in kept] == ["□是□否"] * 3, "a line said thrice is laid over the page, a tick box is not"


def test_grey_words_are_found_by_their_tint_and_black_print_is_not() -> None:
    image = Image.new("RGB", (1200, 600), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 48, index=2)
    draw.text((100, 100), "公民身份号码 3101151990", font=font, fill=(20, 20, 20))
    assert tinted_regions(np.asarray(image)[:, :, ::-1].copy()) == []
    draw.text((300, 400), "复印无效", font=font, fill=(150, 150, 150))
    regions = tinted_regions(np.asarray(image)[:, :, ::-1].copy())
    assert len(regions) == 1
    x0, y0, x1, y1 = regions[0]
    assert 280 <= x0 < x1 <= 520 and 390 <= y0 < y1 <= 480, regions


def watermarked(path: Path, *, grey: int, alpha: int) -> np.ndarray:
    """A sample ID card twice its size with a copy mark across the number, words beside the name,
    and diagonal repeats over everything."""
    card = Image.open(path).convert("RGB")
    card = card.resize((card.width * 2, card.height * 2), Image.Resampling.LANCZOS).convert("RGBA")
    layer = Image.new("RGBA", card.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.text((450, 615), "复印无效", font=ImageFont.truetype(FONT, 56, index=2), fill=(grey, grey, grey, alpha))
    draw.text((560, 140), "仅供办理互认使用", font=ImageFont.truetype(FONT, 30, index=2), fill=(90, 90, 200, 200))
    card = Image.alpha_composite(card, layer)
    tile = Image.new("RGBA", card.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    font = ImageFont.truetype(FONT, 34, index=2)
    for y in range(-200, card.height + 200, 220):
        for x in range(-200, card.width + 200, 420):
            draw.text((x, y), "仅供审核使用", font=font, fill=(150, 150, 150, 110))
    card = Image.alpha_composite(card, tile.rotate(25, resample=Image.Resampling.BICUBIC))
    return cv2.cvtColor(np.asarray(card.convert("RGB")), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize(("grey", "alpha"), [(150, 230), (110, 200)], ids=["light", "dark"])
def test_an_id_card_under_watermarks_reads_whole(grey: int, alpha: int) -> None:
    """The copy mark hides or garbles the number on a first reading; the second pass reads it."""
    import json

    path = SAMPLES / "idf_001.bmp"
    truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))["pages"][0]["fields"]
    page = read_image(get_engine(), watermarked(path, grey=grey, alpha=alpha), source="wm.png")
    extraction = extract_page(page)
    for key in ("name", "id_number", "address", "birth_date"):
        assert extraction.value(key) == truth[key], (key, extraction.value(key), truth[key])
    assert extraction.fields["name"].confidence > 0.9
    assert {why for _, _, why in page.marks["overlays"]} >= {"wording", "tilt"}
    assert not any("仅供" in ln.text or "复印" in ln.text for ln in page.lines)


def test_a_page_levelled_to_a_watermark_is_levelled_again_to_its_own_lines() -> None:
    own = ("姓名王晓明", "身份证号码", "注册证编号", "执业类别长度", "聘用单位", "发证机关", "有效期限", "级别一级")
    lines = [line(text, 100, 100 + 50 * i) for i, text in enumerate(own)] + [line("仅供审核使用", 0, 0)]
    tilts = [-30.0] * 8 + [0.0]
    assert misdeskewed(lines, tilts) == -30.0
    assert misdeskewed(lines, [0.5] * 8 + [30.0]) is None


def test_a_page_levelled_to_a_shallow_watermark_is_levelled_again_when_its_lines_agree() -> None:
    """A watermark tiled at 10–12° lies below an overlay's tilt: the page levelled to it stands its
    own lines all that far off, together. A photo's perspective tilts lines as far, but not together."""
    own = ("姓名王晓明", "身份证号码", "注册证编号", "执业类别长度", "聘用单位", "发证机关", "有效期限", "级别一级")
    lines = [line(text, 100, 100 + 50 * i) for i, text in enumerate(own)]
    assert misdeskewed(lines, [11.6, 11.2, 11.9, 11.5, 11.4, 11.8, 11.6, 11.3]) == 11.6
    assert misdeskewed(lines, [-11.0, -11.5, -11.2, -10.9, -11.3, -11.1, -11.4, -11.2]) == -11.2
    assert misdeskewed(lines, [7.0, -8.0, 9.5, -6.5, 10.0, -7.5, 8.0, 6.5]) is None  # this way and that
    assert misdeskewed(lines, [6.5, 11.0, 7.0, 10.5, 8.0, 9.5, 6.8, 11.4]) is None  # no one skew
    assert misdeskewed(lines, [1.0, -0.5, 0.3, 0.0, 0.8, -1.2, 0.4, 0.1]) is None  # level


def test_a_certificate_under_diagonal_copy_marks_is_read_level() -> None:
    import json

    path = SAMPLES / "reg_003.jpg"
    truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))["pages"][0]["fields"]
    card = Image.open(path).convert("RGBA")
    scale = max(card.size) / 1200
    tile = Image.new("RGBA", card.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    font = ImageFont.truetype(FONT, int(34 * scale), index=2)
    for y in range(-int(200 * scale), card.height + int(200 * scale), int(240 * scale)):
        for x in range(-int(200 * scale), card.width + int(200 * scale), int(460 * scale)):
            draw.text((x, y), "仅供互认审核使用，复印无效", font=font, fill=(150, 150, 150, 120))
    card = Image.alpha_composite(card, tile.rotate(30, resample=Image.Resampling.BICUBIC))
    image = cv2.cvtColor(np.asarray(card.convert("RGB")), cv2.COLOR_RGB2BGR)
    page = read_image(get_engine(), image, source="wm.jpg")
    assert abs(page.quality.skew) < 5, page.quality.skew
    extraction = extract_page(page)
    for key in ("name", "gender", "id_number", "issuing_authority", "valid_until", "employer"):
        assert extraction.value(key) == truth[key], (key, extraction.value(key), truth[key])


class _BandReader:
    """An engine whose second pass over a band reads what it is told, and whose detector finds nothing."""

    def __init__(self, text: str, confidence: float) -> None:
        self.text, self.confidence = text, confidence

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        return [(self.text, self.confidence, []) for _ in crops]

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0)


@pytest.mark.parametrize(
    ("first", "again", "kept"),
    [
        (0.99, ("性制男正工門", 0.84), "男"),  # a blurred table row's soft edges looked like grey strokes
        (0.62, ("320102199912282498", 0.97), "320102199912282498"),  # the line whole under a watermark
    ],
    ids=["worse_second_pass_dropped", "better_second_pass_kept"],
)
def test_a_second_pass_replaces_a_line_only_when_it_reads_it_about_as_surely(
    monkeypatch: pytest.MonkeyPatch, first: float, again: tuple[str, float], kept: str
) -> None:
    import ocr.overlays as overlays_module

    text = "男" if kept == "男" else "3201021999"
    own = TextLine(text, (560.0, 312.0, 620.0 if kept == "男" else 760.0, 366.0), first)
    monkeypatch.setattr(overlays_module, "tinted_regions", lambda image: [(200.0, 310.0, 1360.0, 368.0)])
    image = np.full((800, 1600, 3), 255, dtype=np.uint8)
    lines, _ = reread(_BandReader(*again), image, [own], [0.0])
    assert [ln.text for ln in lines] == [kept]


@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_histogram_percentiles_are_numpys(size: int) -> None:
    rng = np.random.default_rng(size)
    grey = rng.integers(0, 256, size, dtype=np.uint8)
    counts = grey_counts(grey)
    for q in (0, 3, 5, 37.5, 80, 90, 100):
        assert percentile_u8(counts, q) == pytest.approx(float(np.percentile(grey, q)), abs=1e-9), q


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_masked_histogram_s_median_is_numpy_s_median_of_the_masked_pixels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    grey = rng.integers(0, 256, (31, 40 + seed), dtype=np.uint8)  # odd and even counts either side
    inside = np.where(rng.random(grey.shape) < 0.4, 255, 0).astype(np.uint8)
    for mask in (inside, cv2.bitwise_not(inside)):
        assert percentile_u8(grey_counts(grey, mask), 50) == float(np.median(grey[mask > 0]))


def test_colour_spread_is_brightest_minus_darkest_channel() -> None:
    image = np.random.default_rng(3).integers(0, 256, (40, 30, 3), dtype=np.uint8)
    expected = image.max(axis=2).astype(np.int16) - image.min(axis=2).astype(np.int16)
    assert np.array_equal(colour_spread(image), expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blobs_labelled_in_the_marked_rectangle_are_the_whole_page_s(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask = np.zeros((300, 400), np.uint8)
    for _ in range(12):  # blobs anywhere, touching the borders too, some merging into one
        x, y = int(rng.integers(0, 390)), int(rng.integers(0, 290))
        mask[y : y + int(rng.integers(2, 40)), x : x + int(rng.integers(2, 40))] = 255
    mask[130:170, 180:220] = 0  # a ring: a blob inside another's hole is a blob of its own
    cv2.rectangle(mask, (180, 130), (219, 169), 255, 2)
    mask[145:155, 195:205] = 255
    stats, x0, y0 = blobs(mask)
    expected = cv2.connectedComponentsWithStats(mask)[2][1:]
    shifted = stats.copy()
    shifted[:, 0] += x0
    shifted[:, 1] += y0
    assert sorted(map(tuple, shifted.tolist())) == sorted(map(tuple, expected.tolist()))
    assert blobs(np.zeros((50, 60), np.uint8))[0].shape == (0, 5)


@pytest.mark.parametrize(("ink", "paper"), [(20.0, 250.0), (30.0, 230.0), (37.5, 231.25), (0.0, 255.0), (140.0, 201.0)])
def test_mid_greys_are_the_grey_pixels_strictly_between_ink_and_paper(ink: float, paper: float) -> None:
    image = np.random.default_rng(int(ink)).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    image[::3] = image[::3, :, :1]  # a third of the rows grey
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    spread = colour_spread(image)
    lo, hi = ink + 0.35 * (paper - ink), paper - 0.25 * (paper - ink)
    expected = (grey > lo) & (grey < hi) & (spread < 40)
    assert expected.any()
    assert np.array_equal(mid_greys(grey, spread, ink, paper), expected.astype(np.uint8) * 255)


class _CropReader:
    """An engine that reads what a crop holds: each first-pass line is painted on the image in a
    grey of its own, and a crop reads as the lines whose grey it contains, left to right."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines

    @staticmethod
    def paint(image: np.ndarray, lines: list[TextLine]) -> None:
        for i, ln in enumerate(lines):
            x0, y0, x1, y1 = (int(v) for v in ln.bbox)
            image[y0 + 5 : y1 - 5, x0 + 2 : x1 - 2] = 20 + 10 * i

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        out = []
        for crop in crops:
            grey = crop[:, :, 0]
            held = [i for i in range(len(self.lines)) if (grey == 20 + 10 * i).any()]
            held.sort(key=lambda i: self.lines[i].bbox[0])
            out.append(("".join(self.lines[i].text for i in held), 0.98, []))
        return out

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0)


def test_a_row_of_cells_under_one_tint_is_read_again_cell_by_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grey label cells of a blurred table row look like one tint across the row: each line on it is
    read again up to its neighbours only, so a spaced label (学　历) and its value stay what they were."""
    import ocr.overlays as overlays_module

    row = [
        TextLine("联系电话", (180.0, 576.0, 316.0, 631.0), 1.0),
        TextLine("13778555909", (503.0, 581.0, 687.0, 626.0), 1.0),
        TextLine("学", (872.0, 579.0, 923.0, 628.0), 1.0),
        TextLine("历", (952.0, 581.0, 1003.0, 628.0), 1.0),
        TextLine("本科", (1243.0, 576.0, 1321.0, 631.0), 1.0),
    ]
    image = np.full((800, 1600, 3), 255, dtype=np.uint8)
    _CropReader.paint(image, row)
    monkeypatch.setattr(overlays_module, "tinted_regions", lambda image: [(206.0, 581.0, 1312.0, 629.0)])
    lines, _ = reread(_CropReader(row), image, row, [0.0] * len(row))
    assert sorted(ln.text for ln in lines) == sorted(ln.text for ln in row)


def test_a_line_read_again_runs_on_under_a_watermark_into_blank_but_not_into_the_next_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The part of a line a watermark hid is read with the line on its left; the line beyond stays its own."""
    import ocr.overlays as overlays_module

    shown = [TextLine("姓名张", (100.0, 100.0, 250.0, 150.0), 0.9), TextLine("男", (900.0, 100.0, 950.0, 150.0), 1.0)]
    hidden = TextLine("三丰", (260.0, 100.0, 360.0, 150.0), 1.0)  # under the watermark, not detected
    image = np.full((400, 1200, 3), 255, dtype=np.uint8)
    _CropReader.paint(image, [*shown, hidden])
    monkeypatch.setattr(overlays_module, "tinted_regions", lambda image: [(240.0, 95.0, 1000.0, 155.0)])
    lines, _ = reread(_CropReader([*shown, hidden]), image, shown, [0.0, 0.0])
    assert sorted(ln.text for ln in lines) == ["姓名张三丰", "男"]


def test_pieces_of_a_slanted_copy_mark_are_overlays_by_their_words_and_their_box() -> None:
    def slant(text: str, x: float, y: float, height: float = 4 * H) -> TextLine:
        return TextLine(text, (x, y, x + 3 * H * len(text), y + height), 0.7)

    lines = [
        line("姓名金辉钟", 100, 100),
        line("有效期", 100, 200),
        slant("仅供互认", 300, 150),  # the opening of 仅供…使用
        slant("请使用", 600, 300),  # its closing
        slant("此复", 200, 500),  # part of 此复印件
        slant("原代", 500, 700),  # 原件 with one character misread, in a slant's tall box
        slant("上海市公安局", 800, 800),  # a seal's ring, tilted, said once
        line("地址", 100, 1100),
        line("邮编", 100, 1200),
    ]
    tilts = [0.0, 0.0, 28.0, 28.0, 28.0, 28.0, 30.0, 0.0, 0.0]
    found = find_overlays(lines, tilts)
    assert set(found) == {2, 3, 4, 5}, found
    # Two characters with one misread, in a box no taller than a line: too little to call an overlay.
    alone = [line("姓名金辉钟", 100, 100), line("有效期", 100, 200), slant("原代", 500, 700, height=H)]
    assert find_overlays(alone, [0.0, 0.0, 28.0]) == {}
    # Scraps of a slant read unsure (护, 用用) in tall tilted boxes are overlays; a short tilted box
    # or one read surely (a seal's characters) is not.
    scraps = [
        line("姓名金辉钟", 100, 100),
        line("有效期", 100, 200),
        TextLine("护", (300, 150, 500, 300), 0.45),
        TextLine("用用", (600, 300, 800, 450), 0.6),
        TextLine("监督", (600, 600, 660, 630), 0.5),
        TextLine("局", (700, 600, 800, 750), 0.97),
    ]
    assert set(find_overlays(scraps, [0.0, 0.0, 30.0, -25.0, 30.0, 30.0])) == {2, 3}


def test_a_line_a_dark_stamp_hid_from_the_detector_is_read_from_the_blank_beside_its_label(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ocr.overlays as overlays_module

    value = "二〇二二年三月十九日至二〇二七年三月十八日"
    monkeypatch.setattr(overlays_module, "tinted_regions", lambda image: [(566.0, 716.0, 896.0, 844.0)])
    image = np.full((1547, 1110, 3), 255, dtype=np.uint8)
    label = TextLine("有效期限", (136.0, 730.0, 258.0, 775.0), 0.99)
    employer = [
        TextLine("执业单位", (133.0, 671.0, 260.0, 719.0), 0.99),
        TextLine("嘉善西塘检测技术有限公司", (365.0, 675.0, 701.0, 717.0), 0.99),
    ]
    lines, _ = reread(_BandReader(value, 0.95), image, [*employer, label], [0.0, 0.0, 0.0])
    again = [ln for ln in lines if ln.text == value]
    assert len(again) == 1, [ln.text for ln in lines]
    x0, y0, x1, y1 = again[0].bbox
    assert 258 < x0 < 300 and y0 == 730.0 and y1 == 775.0 and x1 > 896
    # A label whose value was found beside it has no blank to read: nothing is added.
    found = TextLine(value, (280.0, 730.0, 973.0, 775.0), 0.98)
    lines, _ = reread(_BandReader("样本", 0.95), image, [*employer, label, found], [0.0] * 4)
    assert [ln.text for ln in lines] == [*(ln.text for ln in employer), "有效期限", value]


class _HiddenLineReader:
    """An engine whose detector finds the line at `box` only where the watermark over it is washed
    away (its pixels turned to paper), and whose recogniser reads `text` in any crop."""

    def __init__(self, box: tuple[int, int, int, int], watermark: tuple[int, int, int, int], text: str) -> None:
        self.box, self.watermark, self.text = box, watermark, text
        self.detections = 0

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.detections += 1
        x0, y0, x1, y1 = self.watermark
        if (image[y0:y1, x0:x1] < 255).any():  # the watermark left on: merged with the line, dropped
            return np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0)
        bx0, by0, bx1, by1 = self.box
        quad = np.array([[[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]]], dtype=np.float32)
        return quad, np.ones(1)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        return [(self.text, 0.95, []) for _ in crops]


def hidden_line_card() -> tuple[np.ndarray, _HiddenLineReader]:
    """A card with a grey pattern over a tenth of it (so its darkest pixels are not all ink), one line
    of black print, and a watermark darker than the pattern is light crossing the line's start."""
    image = np.full((600, 1000, 3), 240, dtype=np.uint8)
    image[::10, :] = 170  # the card's guilloche: a tenth of its pixels, mid-grey
    image[400:440, 120:560] = 0  # the line's print
    image[380:460, 60:200] = 190  # the watermark's glyphs over the line's label
    image[400:440, 120:200] = 0
    return image, _HiddenLineReader((110, 395, 570, 445), (60, 380, 120, 460), "签发机关 嘉善县公安局")


def test_a_line_a_watermark_hid_from_the_detector_is_found_by_looking_again_washed() -> None:
    image, engine = hidden_line_card()
    found = look_again(engine, image, [TextLine("有效期限2019.06.02-2029.06.02", (120.0, 500.0, 700.0, 540.0), 0.99)])
    assert [(ln.text, ln.bbox) for ln in found] == [("签发机关 嘉善县公安局", (110.0, 395.0, 570.0, 445.0))]
    # A line the first pass read already is not read twice.
    assert look_again(engine, image, [TextLine("签发机关 嘉善县公安局", (112.0, 398.0, 566.0, 442.0), 0.99)]) == []


def test_a_line_box_is_swollen_when_far_higher_than_its_text_is_wide_per_character() -> None:
    assert not swollen(TextLine("苏州市公安局吴江分局", (300, 200, 880, 260)))  # 58 px a character, 60 high
    assert swollen(TextLine("苏州市公安局分局", (300, 150, 960, 320)))  # grown over a stamp's frame
    assert not swollen(TextLine("2017.08.20-2037.08.20", (330, 330, 800, 380)))  # digits: half a character wide
    assert not swollen(TextLine("居民身份证", (340, 240, 1100, 390)))  # a spaced title, as high as wide


def _stamped_authority(grey: int = 130) -> np.ndarray:
    img = Image.new("RGB", (1400, 700), (235, 235, 235))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44, index=2)
    draw.text((100, 200), "签发机关", font=font, fill=(90, 90, 90))
    draw.text((340, 200), "苏州市公安局吴江分局", font=font, fill=(15, 15, 15))
    draw.text((100, 320), "有效期限", font=font, fill=(90, 90, 90))
    draw.text((340, 320), "2017.08.20-2037.08.20", font=font, fill=(15, 15, 15))
    stamp = Image.new("RGBA", (330, 130), (0, 0, 0, 0))
    ink = (grey, grey, grey, 255)
    ImageDraw.Draw(stamp).rectangle((3, 3, 326, 126), outline=ink, width=8)
    ImageDraw.Draw(stamp).text((165, 65), "样本", font=ImageFont.truetype(FONT, 80, index=1), fill=ink, anchor="mm")
    page = img.convert("RGBA")
    page.alpha_composite(stamp.rotate(-8, resample=Image.Resampling.BICUBIC, expand=True), (620, 150))
    return cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2BGR)


def test_a_line_the_detector_merged_with_a_grey_stamp_is_read_again_from_its_band_of_print() -> None:
    """A photocopied stamp (样本 in a frame) over the authority: the detector gave one box for both, far
    higher than the line, read with the characters under the stamp lost. The stamp's grey glyphs under
    that box are an overlay, and the line is read again from its own rows."""
    image = _stamped_authority()
    merged = TextLine("苏州市公安局分局", (313, 150, 965, 322), 0.99)
    lines = [
        TextLine("签发机关", (95, 207, 285, 264), 1.0),
        merged,
        TextLine("有效期限", (93, 327, 286, 384), 1.0),
        TextLine("2017.08.20-2037.08.20", (329, 329, 804, 379), 1.0),
    ]
    out, found = reread(get_engine(), image, lines, [0.0] * len(lines))
    assert [o.why for o in found] == ["tint"]
    authority = [ln for ln in out if "公安局" in ln.text]
    assert len(authority) == 1
    assert re.sub(r"[^\u4e00-\u9fff]", "", authority[0].text) == "苏州市公安局吴江分局"
    assert authority[0].bbox[3] - authority[0].bbox[1] < 0.5 * merged.height  # its own rows, not the stamp's
