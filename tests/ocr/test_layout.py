"""Rows of characters from text lines: where each character stands, and the blanks between them."""

from huren.domain import TextLine
from ocr.layout import Layout, Span


def _row_text(line: TextLine) -> str:
    layout = Layout([line])
    return layout.text(Span(0, 0, len(layout.rows[0].chars)))


def test_a_blank_the_recogniser_did_not_write_is_seen_between_quantised_character_centres() -> None:
    """Items set apart by a space (玻璃液体温度计  心电图机  酸度计) read as one run of characters: the
    recogniser places each character on an 8-px output column, so pitches alternate (30, 38, 30, 39…)
    and a blank one character wide shows only as a pitch of 54 among them."""
    text = "项目名称：玻璃液体温度计心电图机酸度计"
    centres = [93, 123, 162, 192, 223, 269, 299, 337, 368, 399, 437, 467, 521, 551, 590, 620, 674, 704, 743]
    line = TextLine(text, (74.0, 547.0, 762.0, 593.0), 1.0, char_x=[float(c) for c in centres])
    assert _row_text(line).split() == ["项目名称", "玻璃液体温度计", "心电图机", "酸度计"]


def test_evenly_set_characters_stay_one_word() -> None:
    text = "浙江省市场监督管理局"
    centres = [100.0 + 34 * i + (4 if i % 2 else 0) for i in range(len(text))]
    line = TextLine(text, (83.0, 0.0, 100.0 + 34 * len(text), 46.0), 1.0, char_x=centres)
    assert _row_text(line) == text
