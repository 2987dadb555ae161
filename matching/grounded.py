"""Registry-grounded reading: a value extraction missed, looked for on the page once the record is known.

When the record a document claims to be is found (by its certificate or ID number), each of the
record's values that extraction did not read is searched for in the page's lines — OCR-aware
(look-alike glyphs folded, `rapidfuzz` partial alignment), beside or under one of the field's labels,
or, with no label read, anywhere on the page for a long value that agrees exactly.  A date is looked
for as certificates print it, in figures or in words (二〇二九年二月十四日), and a value near its label
may run on to the line under it in its cell (a wrapped date or issuer).  A value found becomes
evidence with its box, marked as found through the registry.

Only the document's own lines are searched: on a page holding several documents (a certificate and
an ID card on one A4, both ID sides on one copy) a line whose centre lies outside the document's
`region` belongs to another document, whatever lines the extraction was handed.

Only misses are closed: a field extraction read — rightly or wrongly — is never searched for again,
so a value read clearly as something else stays a mismatch.  Overlay lines (复印无效 …) are not
searched, and a found text must itself compare as a match or uncertain with the registry's value.

A value read but UNSURE (below the review threshold) is `confirmed` when it is exactly the record's
value once cleaned (width, spaces, separators — never look-alikes folded: 硕 is not 頔) and another
document of the application read that same value clearly. Its confidence is left as read; it carries
`confirmed_via_registry: FIELD`, and the rules do not hold it for its confidence. A value that differs
from the record in any way is never confirmed, however close.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from rapidfuzz import fuzz

from huren.domain import BBox, ExtractedField, Extraction, FieldValueType, RegistryRecord, TextLine
from huren.normalize import fold_width, parse_date, parse_gender, parse_level, squash
from matching.normalize import clean_cert_number, clean_id_number, clean_name, fold_confusables
from ocr.documents import BY_TYPE
from ocr.overlays import without_overlays

NEAR_LABEL_SCORE = 85.0  # partial-alignment score (0–100) beside a label: one look-alike in a short value
ANYWHERE_SCORE = 100.0  # with no label read, the folded value must appear whole
MIN_SPAN = 0.8  # a match covers at least this share of the value's characters
ANYWHERE_MIN_CHARS = 8  # … and be long enough not to turn up by chance (identifiers, authorities)
GROUNDED_CERTAINTY = 0.9  # a value found through the registry is less sure than one read at its label
WARNING = "found_via_registry"
CONFIRMED = "confirmed_via_registry"

# Fields searched for: single values written on the page as the registry holds them (or as dates).
SEARCHED = ("name", "id_number", "cert_number", "issuing_authority", "valid_from", "valid_until", "level", "employer")
_LEVELS = {1: ("一级",), 2: ("二级",)}


@dataclass(frozen=True, slots=True)
class Found:
    field: str
    value: FieldValueType  # what the page says there, typed like the field
    text: str  # … as printed
    bbox: BBox
    confidence: float


_HAN_DIGITS = "〇一二三四五六七八九"


def _han_number(n: int) -> str:
    """1–31 as a certificate writes a month or a day in words: 二, 十, 十四, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    return ("" if tens < 2 else _HAN_DIGITS[tens]) + ("十" if tens else "") + (_HAN_DIGITS[ones] if ones else "")


def _printed_forms(value: FieldValueType) -> tuple[str, ...]:
    """How a registry value is printed: dates in the ways certificates write them (in figures or in
    words, 二〇二九年二月十四日), levels in words."""
    if isinstance(value, date):
        d = value
        year = "".join(_HAN_DIGITS[int(c)] for c in str(d.year))
        return (
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.year}年{d.month:02d}月{d.day:02d}日",
            f"{d.year}.{d.month:02d}.{d.day:02d}",
            f"{d.year}-{d.month:02d}-{d.day:02d}",
            f"{d.year}/{d.month:02d}/{d.day:02d}",
            f"{d.year}.{d.month}.{d.day}",
            f"{year}年{_han_number(d.month)}月{_han_number(d.day)}日",
        )
    if isinstance(value, int):
        return _LEVELS.get(value, ())
    return (squash(str(value)),) if value else ()


def _labels(extraction: Extraction, field: str) -> tuple[str, ...]:
    spec = BY_TYPE.get(extraction.doc_type)
    if spec is None:
        return ()
    return tuple(label for fs in spec.fields if field in fs.keys for label in fs.labels if not label.isascii())


def _near(label: TextLine, line: TextLine) -> bool:
    """The same line, a line to its right on its row, or one of the next two lines under it."""
    if line is label:
        return True
    h = label.height
    same_row = min(label.bbox[3], line.bbox[3]) - max(label.bbox[1], line.bbox[1]) > 0.5 * min(h, line.height)
    if same_row:
        return line.bbox[0] >= label.bbox[0]
    below = 0 < line.bbox[1] - label.bbox[1] <= 3.5 * h
    return below and line.bbox[0] < label.bbox[2] + 6 * h and line.bbox[2] > label.bbox[0] - 6 * h


def _box(line: TextLine, start: int, end: int) -> BBox:
    """The part of a line's box that holds characters start…end of its squashed text (by proportion)."""
    n = max(1, len(squash(line.text)))
    x0, y0, x1, y1 = line.bbox
    w = x1 - x0
    return (x0 + w * start / n, y0, x0 + w * end / n, y1)


def _wrapped(lines: list[TextLine], among: list[TextLine]) -> list[TextLine]:
    """`lines`, and each of them joined with the line `among` that continues it in its cell: starting
    under its start, just below it (a date or an issuer wrapped onto a second line)."""
    out = list(lines)
    for ln in lines:
        h = ln.height
        under = [
            m
            for m in among
            if m is not ln and 0 <= m.bbox[1] - ln.bbox[3] + 0.3 * h < 0.9 * h and abs(m.bbox[0] - ln.bbox[0]) < h
        ]
        if under:
            m = min(under, key=lambda m: m.bbox[1])
            box = (min(ln.bbox[0], m.bbox[0]), ln.bbox[1], max(ln.bbox[2], m.bbox[2]), m.bbox[3])
            out.append(TextLine(ln.text + m.text, box, min(ln.confidence, m.confidence)))
    return out


def _search(forms: tuple[str, ...], lines: list[TextLine], cutoff: float) -> tuple[TextLine, str, int, int] | None:
    """The best place a form of the value is printed: the highest score, then the most of it. A line
    holding only part of the value (the first line of a wrapped date) aligns perfectly with that part,
    so a match must span most of the value's length."""
    best: tuple[tuple[float, int], TextLine, str, int, int] | None = None
    for form in forms:
        key = fold_confusables(form)
        for line in lines:
            text = squash(line.text)
            hit = fuzz.partial_ratio_alignment(key, fold_confusables(text), score_cutoff=cutoff)
            if hit is None or (span := hit.dest_end - hit.dest_start) < math.ceil(MIN_SPAN * len(key)):
                continue
            if best is None or (hit.score, span) > best[0]:
                best = ((hit.score, span), line, text[hit.dest_start : hit.dest_end], hit.dest_start, hit.dest_end)
    return best[1:] if best else None


def own_lines(extraction: Extraction) -> list[TextLine]:
    """The extraction's lines that lie in its document's region (all of them when it has none), overlays out."""
    region = extraction.region
    lines = without_overlays(extraction.lines)
    if region is None:
        return lines
    x0, y0, x1, y1 = region
    return [ln for ln in lines if x0 <= ln.cx <= x1 and y0 <= ln.cy <= y1]


def find_on_page(extraction: Extraction, record: RegistryRecord, fields: tuple[str, ...]) -> list[Found]:
    """The record's values for `fields` that the document's part of the page bears out, each with its box."""
    lines = own_lines(extraction)
    out: list[Found] = []
    for field in fields:
        value = getattr(record, field, None)
        forms = _printed_forms(value)
        if not forms:
            continue
        labels = _labels(extraction, field)
        anchors = [ln for ln in lines if any(label in squash(ln.text) for label in labels)]
        hit = None
        if anchors:
            near = [ln for ln in lines if any(_near(a, ln) for a in anchors)]
            hit = _search(forms, _wrapped(near, lines), NEAR_LABEL_SCORE)
        if hit is None and max(len(f) for f in forms) >= ANYWHERE_MIN_CHARS:
            hit = _search(forms, lines, ANYWHERE_SCORE)
        if hit is None:
            continue
        line, text, start, end = hit
        read = _as_value(value, text)
        if read is not None:
            out.append(Found(field, read, text, _box(line, start, end), line.confidence * GROUNDED_CERTAINTY))
    return out


def _as_value(registry: object, text: str) -> FieldValueType:
    """What the page says, typed like the field (an ISO date, a level number): compared, never assumed."""
    if isinstance(registry, date):
        found = parse_date(text)
        return found.isoformat() if found else None
    if isinstance(registry, int):
        return parse_level(text)
    return text


def _blank(value: object) -> bool:
    """Nothing there: no value, an empty text, an empty list."""
    return value is None or value == "" or value == []


def with_found(extraction: Extraction, found: list[Found]) -> Extraction:
    """The extraction with the values found through the registry added (never replacing one it read)."""
    fields = dict(extraction.fields)
    warnings = list(extraction.warnings)
    for f in found:
        if f.field in fields and not _blank(fields[f.field].value):
            continue
        fields[f.field] = ExtractedField(f.value, f.confidence, f.bbox)
        warnings = [w for w in warnings if w != f"missing_field: {f.field}"]
        warnings.append(f"{WARNING}: {f.field}")
    return replace(extraction, fields=fields, warnings=warnings)


def missed(extraction: Extraction, record: RegistryRecord) -> tuple[str, ...]:
    """The searched fields the record has and the extraction did not read."""
    return tuple(f for f in SEARCHED if _blank(extraction.value(f)) and not _blank(getattr(record, f, None)))


# --- confirming an unsure value ---------------------------------------------------------------------


def _exact_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_date(text)


# How a read value and the record's are brought to one form before they must be EQUAL: cleaning only
# (width, spaces, separators, a date's spelling), never the look-alike folding that forgives misreadings.
_CLEANED: dict[str, Callable[[object], object]] = {
    "name": lambda v: clean_name(str(v)),
    "id_number": lambda v: clean_id_number(str(v)),
    "cert_number": lambda v: clean_cert_number(str(v)),
    "issuing_authority": lambda v: squash(fold_width(str(v))),
    "valid_from": _exact_date,
    "valid_until": _exact_date,
    "level": lambda v: v if isinstance(v, int) else parse_level(str(v)),
    "gender": lambda v: parse_gender(str(v)),
}
CONFIRMABLE: tuple[str, ...] = tuple(_CLEANED)


def agrees_exactly(field: str, read: FieldValueType, record: RegistryRecord) -> bool:
    """Whether `read` is the record's value for `field` exactly, once both are cleaned (never folded)."""
    clean = _CLEANED.get(field)
    registry = getattr(record, field, None)
    if clean is None or _blank(read) or _blank(registry):
        return False
    value = clean(read)
    return not _blank(value) and value == clean(registry)


def _read_clearly_as(extraction: Extraction, field: str, record: RegistryRecord, threshold: float) -> bool:
    """`extraction` read `field` itself (not found through the registry), clearly, as the record's value."""
    f = extraction.fields.get(field)
    return (
        f is not None
        and f.confidence >= threshold
        and f"{WARNING}: {field}" not in extraction.warnings
        and agrees_exactly(field, f.value, record)
    )


PERSON_FIELDS = ("name", "id_number", "gender")  # the holder's: the same on every record of theirs

Claim = tuple[RegistryRecord, tuple[str, ...]]
"""The registry record a document is checked against, and the fields it prints that are that record's."""


def _bears_out(claim: Claim, other: Claim, field: str) -> bool:
    """Whether a document checked as `other` prints `field` meaning what it means on one checked as `claim`."""
    (record, _), (other_record, other_keys) = claim, other
    same = field in PERSON_FIELDS or (record.cert_type, record.cert_number) == (
        other_record.cert_type,
        other_record.cert_number,
    )
    return field in other_keys and same


def confirmed(documents: Sequence[Extraction], claims: Sequence[Claim | None], threshold: float) -> list[Extraction]:
    """The documents, each unsure value (read below `threshold`) that is exactly its record's value and
    that another document read clearly as that value marked `confirmed_via_registry: FIELD`.

    `claims[i]` says which record document i is checked against and for which fields (None: not
    checked). Another document bears a value out only for a field it prints of the same record — or of
    the same holder (name, ID number, gender): an ID card's expiry is not a certificate's.
    """
    out = []
    for i, (extraction, claim) in enumerate(zip(documents, claims, strict=True)):
        if claim is None:
            out.append(extraction)
            continue
        record, keys = claim
        others = [(d, c) for j, (d, c) in enumerate(zip(documents, claims, strict=True)) if j != i and c is not None]
        fields = [
            key
            for key, f in extraction.fields.items()
            if key in keys
            and key in CONFIRMABLE
            and not _blank(f.value)
            and f.confidence < threshold
            and agrees_exactly(key, f.value, record)
            and any(_bears_out(claim, c, key) and _read_clearly_as(d, key, record, threshold) for d, c in others)
        ]
        warnings = [*extraction.warnings, *(f"{CONFIRMED}: {key}" for key in fields)]
        out.append(replace(extraction, warnings=warnings) if fields else extraction)
    return out
