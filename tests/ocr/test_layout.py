"""Rows of characters from text lines: where each character stands, and the blanks between them."""

import re

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


def test_a_box_edge_bounds_a_value_like_a_blank() -> None:
    """Two boxes on one row run together in its key (an ID number, then a certificate number): a
    pattern that must not start after a digit finds the second in its own box, at the row's place."""
    layout = Layout(
        [
            TextLine("332122197105248728", (100.0, 200.0, 350.0, 226.0), 1.0),
            TextLine("沪注计20238751", (420.0, 199.0, 620.0, 227.0), 1.0),
        ]
    )
    pattern = re.compile(r"(?<![0-9])沪注计\d{8}")
    assert len(layout.rows) == 1 and layout.find(pattern) == []
    ((span, match),) = layout.find(pattern, each_box=True)
    assert match.group() == "沪注计20238751"
    assert layout.text(span) == "沪注计20238751"
    assert layout.x_range(span)[0] >= 420.0


def test_a_value_split_over_two_boxes_is_still_found_in_the_row() -> None:
    layout = Layout(
        [TextLine("沪注计2023", (100.0, 0.0, 220.0, 30.0), 1.0), TextLine("8751", (224.0, 0.0, 280.0, 30.0), 1.0)]
    )
    ((span, match),) = layout.find(re.compile(r"沪注计\d{8}"), each_box=True)
    assert match.group() == "沪注计20238751" and (span.start, span.end) == (0, 11)


def test_a_narrow_blank_splits_a_list_but_the_pitch_jitter_does_not() -> None:
    """Asked for a list's gaps (`narrow`), a blank of 0.4 of a character or more is a space; the columns
    the recogniser puts characters on (6.8 px here: pitches of 4 or 5 columns within a word) are not."""
    text = "电子天平砝码压力表"
    pitches = [27.2, 34.0, 27.2, 40.8, 27.2, 40.8, 27.2, 27.2]  # 40.8: a blank before 砝码 and before 压力表
    centres = [100.0]
    for p in pitches:
        centres.append(centres[-1] + p)
    line = TextLine(text, (86.0, 0.0, centres[-1] + 14, 43.0), 1.0, char_x=centres)
    layout = Layout([line])
    span = Span(0, 0, len(layout.rows[0].chars))
    assert layout.text(span) == text
    assert layout.text(span, narrow=True).split() == ["电子天平", "砝码", "压力表"]
