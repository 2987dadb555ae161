"""Document specs are data: every field's kind is a `FieldKind`, and every kind has its reader."""

from __future__ import annotations

import pytest

from ocr.documents import SPECS
from ocr.documents.base import DocSpec, FieldKind, FieldSpec, f
from ocr.extract import AS_READ, LISTS
from ocr.fields import READERS
from ocr.marks import LABEL_OPTIONAL_MARKS, MARK_READERS


@pytest.mark.parametrize("spec", SPECS, ids=[str(s.doc_type) for s in SPECS])
def test_every_spec_kind_exists(spec: DocSpec) -> None:
    for fs in spec.fields:
        assert isinstance(fs.kind, FieldKind), f"{spec}: {fs.keys} has kind {fs.kind!r}"
        assert fs.kind in READERS or fs.kind in MARK_READERS, f"{fs.keys}: no reader for {fs.kind}"


def test_every_kind_has_one_reader_and_every_reader_a_kind() -> None:
    assert not set(READERS) & set(MARK_READERS), "a kind is read one way"
    assert set(READERS) | set(MARK_READERS) == set(FieldKind)
    for group in (AS_READ, LISTS, LABEL_OPTIONAL_MARKS):
        assert set(group) <= set(FieldKind), set(group) - set(FieldKind)


def test_an_unknown_kind_fails_at_once_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"valid_from/valid_until: unknown kind 'daterange'"):
        f(("valid_from", "valid_until"), "daterange", "有效期")
    assert f("name", "name", "姓名").kind is FieldKind.NAME
    assert FieldSpec(("phone",), FieldKind.PHONE).kind is FieldKind.PHONE


def test_an_unlabelled_authority_read_a_character_short_is_found_and_mended_over_a_note_s_words() -> None:
    """注：本证须加盖发证机关印章方为有效 puts the label 发证机关 before words that are no authority; the
    authority at the foot, its suffix read a character short (市场监有理局), is the value, mended and doubted."""
    from huren.domain import DocType, Page, TextLine
    from ocr.documents import BY_TYPE
    from ocr.extract import extract_fields

    def box(text: str, x: float, y: float) -> TextLine:
        return TextLine(text, (x, y, x + 30.0 * len(text), y + 30.0), 0.99)

    lines = [
        box("注册计量师注册证", 300, 40),
        box("姓名：王晓明", 100, 150),
        box("证书编号：沪注计20210001", 100, 200),
        box("上海市市场监有理局", 700, 800),
        box("注：本证须加盖发证机关印章方为有效。", 100, 900),
    ]
    page = Page(source="t", number=1, width=1400, height=1000, lines=lines)
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], page)
    assert fields["issuing_authority"].value == "上海市市场监督管理局"
    assert fields["issuing_authority"].confidence < 0.7
    assert any(w.startswith("authority_mended: issuing_authority") for w in warnings)
