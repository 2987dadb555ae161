"""Field-by-field evidence: how a document compares with a registry record, and its authenticity score.

Comparisons are declared as data (`COMPARISONS`): for each field, a comparator giving a similarity in
[0, 1], a weight, the thresholds between match / uncertain / mismatch, and the cap that an uncertain or
mismatching value puts on the score.

The authenticity score in [0, 1]
--------------------------------
    score = min(weighted mean of the similarities of the fields both sides have,
                the caps of every field judged uncertain or mismatch,
                0.85 unless the certificate number or the ID number is a match)

* **≥ 0.90** — the document agrees with the record on every key field up to OCR noise (look-alike
  glyphs such as 0/O, 己/已), and at least one identifier (certificate number, ID number) matches.
* **0.60 – 0.90, grey zone** — the right record is very likely found but some field differs by more
  than a look-alike (one real character in an identifier, one character of a name, a date digit):
  OCR error or alteration, a person must look.
* **< 0.60** — the document does not agree with the record: another person's ID number (≤ 0.40), a
  certificate number that was never issued (≤ 0.30), a changed name (≤ 0.50), level, validity or
  practice categories (≤ 0.55).

The certificate and ID numbers weigh 4, the name 2, everything else 1 or ½: a same-named person or a
certificate number one digit away cannot outscore the record that shares the identifiers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from huren.domain import (
    DOC_TYPE_TO_CERT_TYPE,
    Evidence,
    Extraction,
    FieldEvidence,
    FieldValueType,
    RegistryRecord,
    Verdict,
)
from huren.normalize import clean_value, parse_categories, parse_date, parse_gender, parse_level
from matching import grounded
from matching.authorities import canonical_authority
from matching.normalize import (
    clean_cert_number,
    clean_id_number,
    clean_name,
    fold_text,
    identifier_similarity,
    text_similarity,
)
from matching.search import Query, RecordSource, find_candidates


class Comparator(Protocol):
    """(value a, value b) → similarity in [0, 1]; `fold=False` when neither value was read by OCR."""

    def __call__(self, a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float: ...


def read_by_ocr(extraction: Extraction) -> bool:
    """Whether the page's values were read by OCR (look-alikes possible), not typed or a PDF text layer."""
    return not extraction.quality.text_layer


# --- comparators: (extracted, registry) → similarity in [0, 1] ------------------------------------


def cert_number_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    return identifier_similarity(clean_cert_number(str(a)), clean_cert_number(str(b)), fold=fold)


def id_number_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    return identifier_similarity(clean_id_number(str(a)), clean_id_number(str(b)), fold=fold)


def name_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    return text_similarity(clean_name(str(a)), clean_name(str(b)), fold=fold)


def _as_date(value: FieldValueType | date) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return parse_date(str(value))


def date_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    """Dates as YYYYMMDD identifiers: a misread digit is one edit, a look-alike a quarter."""
    da, db = _as_date(a), _as_date(b)
    if da is None or db is None:
        return identifier_similarity(fold_text(str(a)), fold_text(str(b)), fold=fold)
    return identifier_similarity(da.strftime("%Y%m%d"), db.strftime("%Y%m%d"), fold=fold)


def level_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    la = a if isinstance(a, int) else parse_level(str(a))
    lb = b if isinstance(b, int) else parse_level(str(b))
    return 1.0 if la is not None and la == lb else 0.0


def gender_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    ga, gb = parse_gender(str(a)), parse_gender(str(b))
    return 1.0 if ga is not None and ga == gb else 0.0


def _as_list(value: FieldValueType) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [p for p in str(value).replace("；", ";").split(";") if p] if value else []


def categories_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    """Jaccard index of the two sets of practice categories."""
    sa = set(parse_categories("、".join(_as_list(a))))
    sb = set(parse_categories("、".join(_as_list(b))))
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def items_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    """Each item's best OCR-aware match on the other side, averaged both ways (lists differ in order)."""
    la = [fold_text(clean_value(x)) for x in _as_list(a)]
    lb = [fold_text(clean_value(x)) for x in _as_list(b)]
    if not la or not lb:
        return 1.0 if la == lb else 0.0

    def best(xs: list[str], ys: list[str]) -> float:
        return sum(max(text_similarity(x, y, fold=fold) for y in ys) for x in xs) / len(xs)

    return min(best(la, lb), best(lb, la))


def authority_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    """1 for the same bureau under any of its names, ½ for another bureau of the same province."""
    ca, cb = canonical_authority(str(a)), canonical_authority(str(b))
    if ca is not None and cb is not None:
        if ca.canonical == cb.canonical:
            return 1.0
        if ca.province is not None and ca.province == cb.province:
            return 0.5
        return text_similarity(ca.canonical, cb.canonical, fold=fold) * 0.5
    return text_similarity(fold_text(str(a)), fold_text(str(b)), fold=fold)


def text_field_similarity(a: FieldValueType, b: FieldValueType, /, *, fold: bool = True) -> float:
    return text_similarity(fold_text(clean_value(str(a))), fold_text(clean_value(str(b))), fold=fold)


# --- the comparisons --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    field: str
    comparator: Comparator
    weight: float
    match_at: float  # similarity ≥ match_at → match
    mismatch_below: float  # similarity < mismatch_below → mismatch; in between → uncertain
    cap_uncertain: float = 1.0  # the score can be at most this when the field is uncertain
    cap_mismatch: float = 1.0

    def verdict(self, similarity: float) -> Verdict:
        if similarity >= self.match_at:
            return Verdict.MATCH
        if similarity < self.mismatch_below:
            return Verdict.MISMATCH
        return Verdict.UNCERTAIN


COMPARISONS: tuple[Comparison, ...] = (
    # identifiers: similarity = 1 − weighted edits / 4 → 0.9375 one look-alike, 0.75 one real error
    Comparison("cert_number", cert_number_similarity, 4.0, 0.875, 0.625, cap_uncertain=0.85, cap_mismatch=0.30),
    Comparison("id_number", id_number_similarity, 4.0, 0.875, 0.625, cap_uncertain=0.85, cap_mismatch=0.40),
    # a name: one look-alike in three characters → 0.92; one other character → 0.67 (另一人 or OCR)
    Comparison("name", name_similarity, 2.0, 0.85, 0.5, cap_uncertain=0.85, cap_mismatch=0.50),
    Comparison("level", level_similarity, 1.0, 1.0, 1.0, cap_mismatch=0.50),
    Comparison("valid_from", date_similarity, 1.0, 0.875, 0.625, cap_uncertain=0.89, cap_mismatch=0.55),
    Comparison("valid_until", date_similarity, 1.0, 0.875, 0.625, cap_uncertain=0.89, cap_mismatch=0.55),
    Comparison("categories", categories_similarity, 1.0, 1.0, 0.5, cap_uncertain=0.85, cap_mismatch=0.55),
    Comparison("items", items_similarity, 1.0, 0.85, 0.6, cap_mismatch=0.75),
    Comparison("gender", gender_similarity, 0.5, 1.0, 1.0, cap_mismatch=0.85),
    Comparison("issuing_authority", authority_similarity, 1.0, 0.9, 0.5, cap_mismatch=0.85),
    # employers change (变更执业单位 is the point of the form): evidence, never a cap
    Comparison("employer", text_field_similarity, 0.5, 0.85, 0.5),
)
COMPARISON_BY_FIELD: dict[str, Comparison] = {c.field: c for c in COMPARISONS}

IDENTIFIERS: tuple[str, ...] = ("cert_number", "id_number")
NO_IDENTIFIER_CAP = 0.85
"""Without a matching certificate or ID number, a document cannot be a match however well the rest agrees."""

MATCH_SCORE = 0.9
GREY_ZONE_FLOOR = 0.6


def _registry_value(record: RegistryRecord, field: str) -> FieldValueType:
    value = getattr(record, field, None)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value) or None
    return value


def _present(value: FieldValueType) -> bool:
    return value is not None and value != "" and value != []


@dataclass(frozen=True, slots=True)
class Scored:
    record: RegistryRecord
    score: float
    mean: float  # before caps; breaks ties between capped candidates
    fields: list[FieldEvidence]

    def verdict(self, field: str) -> Verdict | None:
        return next((f.verdict for f in self.fields if f.field == field), None)


def score_record(
    extraction: Extraction, record: RegistryRecord, comparisons: Sequence[Comparison] = COMPARISONS
) -> Scored:
    """Compare every declared field of a document with a record and combine them into the score."""
    fields: list[FieldEvidence] = []
    total = weights = 0.0
    cap = 1.0
    fold = read_by_ocr(extraction)  # the registry is typed: look-alikes are forgiven only on an OCR'd page
    for comparison in comparisons:
        extracted = extraction.value(comparison.field)
        registry = _registry_value(record, comparison.field)
        if not _present(extracted) and not _present(registry):
            continue
        if not _present(extracted) or not _present(registry):
            fields.append(FieldEvidence(comparison.field, extracted, registry, 0.0, Verdict.MISSING))
            continue
        similarity = comparison.comparator(extracted, registry, fold=fold)
        verdict = comparison.verdict(similarity)
        fields.append(FieldEvidence(comparison.field, extracted, registry, similarity, verdict))
        total += comparison.weight * similarity
        weights += comparison.weight
        if verdict is Verdict.UNCERTAIN:
            cap = min(cap, comparison.cap_uncertain)
        elif verdict is Verdict.MISMATCH:
            cap = min(cap, comparison.cap_mismatch)
    if not any(f.field in IDENTIFIERS and f.verdict is Verdict.MATCH for f in fields):
        cap = min(cap, NO_IDENTIFIER_CAP)
    mean = total / weights if weights else 0.0
    return Scored(record, min(mean, cap), mean, fields)


def _unmatched_fields(extraction: Extraction, comparisons: Sequence[Comparison] = COMPARISONS) -> list[FieldEvidence]:
    return [
        FieldEvidence(c.field, extraction.value(c.field), None, 0.0, Verdict.MISSING)
        for c in comparisons
        if _present(extraction.value(c.field))
    ]


def _linked(scored: Scored) -> bool:
    """The record shares an identifier with the document (up to one real error); a name alone is no link."""
    return any(f.field in IDENTIFIERS and f.verdict in (Verdict.MATCH, Verdict.UNCERTAIN) for f in scored.fields)


def rank_candidates(extraction: Extraction, records: Sequence[RegistryRecord]) -> list[Scored]:
    scored = [score_record(extraction, r) for r in records]
    scored.sort(key=lambda s: (-s.score, -s.mean, s.record.cert_number))
    return scored


def build_evidence(extraction: Extraction, registry: RecordSource) -> Evidence:
    """Find the record a certificate claims to be and compare it field by field."""
    return build_grounded_evidence(extraction, registry)[1]


def build_grounded_evidence(
    extraction: Extraction, registry: RecordSource, known_id_numbers: Sequence[str] = ()
) -> tuple[Extraction, Evidence]:
    """As `build_evidence`, and the record's values extraction missed looked for on the page
    (`matching.grounded`): the extraction with what was found, and the evidence over it.

    A certificate whose identifiers were both missed can still be grounded through the holder's ID
    number read on the application's other documents (`known_id_numbers`): a record of that holder
    counts only when one of its identifiers is then found on this page.
    """
    query = Query.from_extraction(extraction)
    cert_type = query.cert_type or DOC_TYPE_TO_CERT_TYPE.get(extraction.doc_type)
    query = Query(cert_type, query.cert_number, query.id_number, query.name)
    candidates = find_candidates(query, registry)
    ranked = [s for s in rank_candidates(extraction, candidates) if _linked(s)]
    if ranked:
        extraction, best = ground(extraction, ranked[0])
    else:
        holders = [
            r for id_number in known_id_numbers for r in find_candidates(Query(cert_type, None, id_number), registry)
        ]
        grounded_ranked = sorted(
            (g for g in (ground(extraction, s) for s in rank_candidates(extraction, holders)) if _linked(g[1])),
            key=lambda g: (-g[1].score, -g[1].mean, g[1].record.cert_number),
        )
        if not grounded_ranked:
            unmatched = _unmatched_fields(extraction)
            return extraction, Evidence(
                extraction.source, extraction.page, extraction.doc_type, None, 0.0, unmatched, extraction.index
            )
        extraction, best = grounded_ranked[0]
    evidence = Evidence(
        extraction.source, extraction.page, extraction.doc_type, best.record, best.score, best.fields, extraction.index
    )
    return extraction, evidence


def ground(extraction: Extraction, scored: Scored) -> tuple[Extraction, Scored]:
    """Close the misses of a scored document from its page; a found text that disagrees is no find."""
    record = scored.record
    found = [
        f
        for f in grounded.find_on_page(extraction, record, grounded.missed(extraction, record))
        if f.field not in COMPARISON_BY_FIELD
        or COMPARISON_BY_FIELD[f.field].verdict(
            COMPARISON_BY_FIELD[f.field].comparator(f.value, _registry_value(record, f.field))
        )
        is not Verdict.MISMATCH
    ]
    if not found:
        return extraction, scored
    extraction = grounded.with_found(extraction, found)
    rescored = score_record(extraction, record)
    boxes = {f.field: f.bbox for f in found}
    for evidence in rescored.fields:
        if evidence.field in boxes:
            evidence.found_via_registry = True
            evidence.bbox = boxes[evidence.field]
    return extraction, rescored
