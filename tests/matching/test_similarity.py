"""OCR-aware similarity: a look-alike glyph costs less than another character."""

from __future__ import annotations

import pytest

from matching.evidence import COMPARISON_BY_FIELD
from matching.normalize import cert_key, id_key, identifier_similarity, name_key, ocr_distance, text_similarity


@pytest.mark.parametrize(
    ("a", "b", "look_alike", "other"),
    [
        ("沪ZC2019000123", "沪ZC2O19000123", True, False),
        ("沪ZC2019000123", "沪ZC2019000128", False, True),
        ("王己明", "王已明", True, False),
        ("王己明", "王小明", False, True),
        ("未来", "末来", True, False),
        ("土木", "士木", True, False),
        ("5B1", "S81", True, False),
        ("5B1", "S8l", True, False),
        ("冼峰磊", "洗峰磊", True, False),  # 冫 and 氵 differ by one dot: a desk photo's 冼 was read 洗
        ("冼峰磊", "冼倩磊", False, True),
    ],
)
def test_look_alikes_cost_less(a: str, b: str, look_alike: bool, other: bool) -> None:
    d = ocr_distance(a, b)
    assert (d < 1) is look_alike, (a, b, d)


def test_a_name_read_with_a_look_alike_matches_the_record_and_another_character_does_not() -> None:
    name = COMPARISON_BY_FIELD["name"]
    assert name.verdict(name.comparator("洗峰磊", "冼峰磊")).value == "match"
    assert name.verdict(name.comparator("冼倩磊", "冼峰磊")).value != "match"
    assert name.verdict(name.comparator("洗峰磊", "冼峰磊", fold=False)).value != "match"  # typed: another name


def test_identifier_similarity_is_length_independent() -> None:
    assert identifier_similarity("1234", "1235") == 0.75
    assert identifier_similarity("1234567890123456", "1234567890123457") == 0.75
    assert identifier_similarity("A0", "AO") == pytest.approx(0.9375)
    assert identifier_similarity("12345678", "87654321") == 0.0


def test_text_similarity_normalised() -> None:
    assert text_similarity("张伟", "张伟") == 1.0
    assert text_similarity("张伟", "张玮") == 0.5


def test_keys_fold_width_spaces_and_look_alikes() -> None:
    assert cert_key("沪 ZC-2O19 000123") == cert_key("沪ZC2019000123")
    assert cert_key("ＮＯ．沪ZC2019000123") == cert_key("沪ZC2019000123")
    assert id_key("310229 19850312 001x") == id_key("31022919850312001X")
    assert id_key("31O2291985O312OO1X") == id_key("31022919850312001X")
    assert name_key("王 己 明") == name_key("王已明")


def test_verdict_thresholds_are_data() -> None:
    cert = COMPARISON_BY_FIELD["cert_number"]
    assert cert.verdict(1.0).value == "match"
    assert cert.verdict(0.9375).value == "match"
    assert cert.verdict(0.75).value == "uncertain"
    assert cert.verdict(0.5).value == "mismatch"
    assert COMPARISON_BY_FIELD["id_number"].weight > COMPARISON_BY_FIELD["name"].weight
