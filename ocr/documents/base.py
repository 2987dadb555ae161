"""The shape of a document-type spec: what identifies the document, which labels lead to which fields.

A spec is data.  Adding a province's new layout or a label synonym means editing a spec module in
this package, never the extraction code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from huren.domain import DocType


class FieldKind(StrEnum):
    """How a field's value is read: the reader in `ocr.fields.READERS`, or a mark in `ocr.marks.MARK_READERS`."""

    NAME = "name"
    TEXT = "text"
    ORGANISATION = "organisation"  # read as text; a company's legal form cut off at its end is written out
    ADDRESS = "address"  # read as text; its own rule in `ocr.validators` (no label or stamp word at its end)
    ETHNICITY = "ethnicity"
    GENDER = "gender"
    ID_NUMBER = "id_number"
    DATE = "date"
    LOOSE_DATE = "loose_date"  # 年/月/日 may be lost (a faxed ID card)
    DATE_RANGE = "date_range"
    DATE_RANGE_ID = "date_range_id"  # an ID card's validity: 长期 for no end
    LEVEL = "level"
    CATEGORIES = "categories"
    ITEMS = "items"
    CERT_NUMBER = "cert_number"
    AUTHORITY = "authority"
    PHONE = "phone"
    # marks on a form, read from the image around their label
    CHECKBOX_LEVEL = "checkbox_level"
    CHECKBOX_CATEGORIES = "checkbox_categories"
    SIGNED = "signed"
    SEALED = "sealed"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field (or a pair, for a date range) and how to find and read it.

    `kind` names a reader (a `FieldKind`); `labels` are the printed labels in any layout, spaces
    ignored; `fallback` is a regular expression searched over the page when no label leads to a
    valid value (a certificate number printed as `No. 沪2023…`, an authority under its seal);
    `headline` says the value may be printed with no label at all, alone in large type near the top
    (a holder's name under a certificate's title).
    """

    keys: tuple[str, ...]
    kind: FieldKind
    labels: tuple[str, ...] = ()
    multiline: bool = False
    fallback: str | None = None
    fallback_last: bool = False  # take the last fallback match on the page (an authority at the foot)
    fallback_whole: bool = False  # the fallback's match is the value whole: no line under it runs on
    required: bool = True
    headline: bool = False

    def __post_init__(self) -> None:
        try:  # a spec writes "text"; the record holds FieldKind.TEXT, and a misspelt kind fails at import
            kind = FieldKind(self.kind)
        except ValueError:
            known = ", ".join(FieldKind)
            raise ValueError(f"field {'/'.join(self.keys)}: unknown kind {self.kind!r} (one of: {known})") from None
        object.__setattr__(self, "kind", kind)


@dataclass(frozen=True, slots=True)
class DocSpec:
    doc_type: DocType
    title: str  # the document's name in Chinese, for messages
    keywords: dict[str, float]  # text that identifies the document → weight (negative: speaks against)
    fields: tuple[FieldSpec, ...]
    stop_labels: tuple[str, ...] = ()  # printed labels that end a value but are not fields (照片, 备注)
    filler_labels: tuple[str, ...] = ()  # sub-labels to skip at a value's start (单位名称)
    patterns: dict[str, float] = field(default_factory=dict)  # regular expressions → weight, for shapes
    # Value shapes that, all found together, identify the document when its printed words are not read
    # (an ID back's police bureau and validity range): recognised by content, at a lower confidence.
    content: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for f in self.fields for k in f.keys)


def f(keys: str | tuple[str, ...], kind: FieldKind | str, *labels: str, **options: object) -> FieldSpec:
    """Compact constructor so spec modules read like the tables they are."""
    return FieldSpec(keys=(keys,) if isinstance(keys, str) else keys, kind=kind, labels=labels, **options)  # type: ignore[arg-type]
