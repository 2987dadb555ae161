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
