"""Cross-document consistency: do the applicant's documents tell the same story, and are they valid?

Checks are declared as data where they are comparisons (`PAIR_CHECKS`: which document types, which
field, compared with the field's comparator from `matching.evidence.COMPARISONS`); validity at the
decision date and what an ID number implies (gender, birth date) are small functions.

Every check yields one `ConsistencyCheck` per pair of documents it applies to; `documents` names them
as `source#page`. A check that cannot be made because a value is absent says `missing`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from huren.domain import (
    CERTIFICATE_TYPES,
    ConsistencyCheck,
    DocType,
    Evidence,
    Extraction,
    FieldValueType,
    RecordStatus,
    RegistryRecord,
    Verdict,
)
from huren.normalize import (
    id_number_birth_date,
    id_number_gender,
    id_number_valid,
    mask_id_number,
    parse_date,
    parse_gender,
)
from matching.evidence import COMPARISON_BY_FIELD, read_by_ocr
from matching.normalize import clean_id_number


def doc_ref(extraction: Extraction) -> str:
    """`file#page`, and `file#page/index` for the second and later documents of a page."""
    ref = f"{extraction.source}#{extraction.page}"
    return f"{ref}/{extraction.index}" if extraction.index else ref


def _shown(field: str, value: FieldValueType) -> str:
    if field == "id_number" and value:
        return mask_id_number(clean_id_number(str(value)))
    if isinstance(value, list):
        return "、".join(value)
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class PairCheck:
    check: str
    field: str
    left: frozenset[DocType]
    right: frozenset[DocType]
    right_field: str | None = None  # when the two documents name the field differently


_ID_FRONT = frozenset({DocType.ID_CARD_FRONT})
_FORM = frozenset({DocType.APPLICATION_FORM})
_CERTS = frozenset(CERTIFICATE_TYPES)
_REGISTRATION = frozenset({DocType.REGISTRATION_CERTIFICATE})

PAIR_CHECKS: tuple[PairCheck, ...] = (
    PairCheck("id_card_name_matches_certificate", "name", _ID_FRONT, _CERTS),
    PairCheck("id_card_id_number_matches_certificate", "id_number", _ID_FRONT, _CERTS),
    PairCheck("form_name_matches_id_card", "name", _FORM, _ID_FRONT),
    PairCheck("form_id_number_matches_id_card", "id_number", _FORM, _ID_FRONT),
    PairCheck("form_gender_matches_id_card", "gender", _FORM, _ID_FRONT),
    PairCheck("form_name_matches_certificate", "name", _FORM, _CERTS),
    PairCheck("form_id_number_matches_certificate", "id_number", _FORM, _CERTS),
    # the form's 注册证信息 block describes the registration certificate
    PairCheck("form_cert_number_matches_registration", "cert_number", _FORM, _REGISTRATION),
    PairCheck("form_level_matches_registration", "level", _FORM, _REGISTRATION),
    PairCheck("form_issuing_authority_matches_registration", "issuing_authority", _FORM, _REGISTRATION),
    PairCheck("form_valid_from_matches_registration", "valid_from", _FORM, _REGISTRATION),
    PairCheck("form_valid_until_matches_registration", "valid_until", _FORM, _REGISTRATION),
    PairCheck("form_categories_matches_registration", "categories", _FORM, _REGISTRATION),
)


def _present(value: FieldValueType) -> bool:
    return value is not None and value != "" and value != []


def _pair_checks(extractions: Sequence[Extraction]) -> list[ConsistencyCheck]:
    out: list[ConsistencyCheck] = []
    for spec in PAIR_CHECKS:
        comparison = COMPARISON_BY_FIELD[spec.field]
        for left in (e for e in extractions if e.doc_type in spec.left):
            for right in (e for e in extractions if e.doc_type in spec.right):
                a, b = left.value(spec.field), right.value(spec.right_field or spec.field)
                refs = [doc_ref(left), doc_ref(right)]
                if not _present(a) or not _present(b):
                    absent = doc_ref(left) if not _present(a) else doc_ref(right)
                    out.append(ConsistencyCheck(spec.check, Verdict.MISSING, f"{spec.field} absent on {absent}", refs))
                    continue
                # look-alikes are forgiven only where OCR read one of the two (issue 15: never typed vs typed)
                similarity = comparison.comparator(a, b, fold=read_by_ocr(left) or read_by_ocr(right))
                verdict = comparison.verdict(similarity)
                shown = f"{_shown(spec.field, a)} vs {_shown(spec.field, b)}"
                detail = f"{spec.field}: {shown} (similarity {similarity:.2f})"
                out.append(ConsistencyCheck(spec.check, verdict, detail, refs))
    return out


def _record_value(record: RegistryRecord, field: str) -> FieldValueType:
    value = getattr(record, field, None)
    if isinstance(value, date):
        return value.isoformat()
    return list(value) if isinstance(value, list) else value


def support(field: str, document: Extraction, extractions: Sequence[Extraction], evidence: Sequence[Evidence]) -> int:
    """How many other sources agree with `document` on `field`: the other documents that show it, and
    the registry records the certificates were found to be (each record once)."""
    value = document.value(field)
    if not _present(value) or field not in COMPARISON_BY_FIELD:
        return 0
    comparison = COMPARISON_BY_FIELD[field]
    others: list[tuple[FieldValueType, bool]] = [
        (e.value(field), read_by_ocr(e)) for e in extractions if e is not document and _present(e.value(field))
    ]
    records = {(str(ev.record.cert_type), ev.record.cert_number): ev.record for ev in evidence if ev.record}
    others += [(_record_value(r, field), False) for r in records.values() if _present(_record_value(r, field))]
    agreeing = 0
    for other, other_ocr in others:
        fold = read_by_ocr(document) or other_ocr
        if comparison.verdict(comparison.comparator(value, other, fold=fold)) is Verdict.MATCH:
            agreeing += 1
    return agreeing


def odd_one_out(
    field: str, compared: Sequence[Extraction], extractions: Sequence[Extraction], evidence: Sequence[Evidence]
) -> Extraction | None:
    """Of the documents a check found disagreeing on `field`, the one the rest of the application bears out
    least (the other documents and the registry); None when they are borne out equally.

    Another person's ID card among a holder's certificate and form agrees with nothing, while the
    certificate agrees with its registry record and the form: the ID card is the odd one out.
    """
    if len(compared) < 2:
        return None
    scored = sorted(((support(field, d, extractions, evidence), i) for i, d in enumerate(compared)))
    if scored[0][0] == scored[1][0]:
        return None
    return compared[scored[0][1]]


def _implied_by_id_number(extractions: Sequence[Extraction]) -> list[ConsistencyCheck]:
    """Gender and birth date that an ID number implies, against what the same document says."""
    out: list[ConsistencyCheck] = []
    implied: list[tuple[str, str, Callable[[str], object], Callable[[FieldValueType], object]]] = [
        ("gender_matches_id_number", "gender", id_number_gender, lambda v: parse_gender(str(v))),
        ("birth_date_matches_id_number", "birth_date", id_number_birth_date, lambda v: parse_date(str(v))),
    ]
    for extraction in extractions:
        raw = extraction.value("id_number")
        if not _present(raw):
            continue
        number = clean_id_number(str(raw))
        if not id_number_valid(number):
            out.append(
                ConsistencyCheck(
                    "id_number_check_digit",
                    Verdict.MISMATCH,
                    f"{mask_id_number(number)} does not pass the GB 11643 check digit",
                    [doc_ref(extraction)],
                )
            )
            continue
        for check, field, from_id, parse in implied:
            said = extraction.value(field)
            if not _present(said):
                continue
            expected, got = from_id(number), parse(said)
            if got is None:
                verdict, detail = Verdict.UNCERTAIN, f"{field} {said!r} not understood"
            else:
                verdict = Verdict.MATCH if expected == got else Verdict.MISMATCH
                detail = f"{field}: document says {got}, ID number implies {expected}"
            out.append(ConsistencyCheck(check, verdict, detail, [doc_ref(extraction)]))
    return out


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return parse_date(str(value)) if value else None


def _validity(
    valid_from: date | None, valid_until: date | None, as_of: date, *, open_ended: bool
) -> tuple[Verdict, str]:
    if valid_from is None and valid_until is None:
        return Verdict.MISSING, "no validity dates"
    if valid_from is not None and as_of < valid_from:
        return Verdict.MISMATCH, f"not valid before {valid_from.isoformat()} (decision date {as_of.isoformat()})"
    if valid_until is None:
        if open_ended:
            return Verdict.MATCH, f"valid from {valid_from.isoformat() if valid_from else '?'}, 长期 (no end)"
        return Verdict.UNCERTAIN, "end of validity not read"
    if as_of > valid_until:
        return Verdict.MISMATCH, f"expired on {valid_until.isoformat()} (decision date {as_of.isoformat()})"
    return Verdict.MATCH, f"valid until {valid_until.isoformat()} (decision date {as_of.isoformat()})"


def _id_card_validity(extractions: Sequence[Extraction], as_of: date) -> list[ConsistencyCheck]:
    backs = [e for e in extractions if e.doc_type is DocType.ID_CARD_BACK]
    if not backs:
        detail = "no ID card back (有效期限) supplied"
        return [ConsistencyCheck("id_card_valid_at_decision_date", Verdict.MISSING, detail)]
    out = []
    for back in backs:
        valid_from, valid_until = _as_date(back.value("valid_from")), _as_date(back.value("valid_until"))
        # valid_until absent next to a read valid_from is the card's 长期 (long-term) validity
        verdict, detail = _validity(valid_from, valid_until, as_of, open_ended=valid_from is not None)
        out.append(ConsistencyCheck("id_card_valid_at_decision_date", verdict, detail, [doc_ref(back)]))
    return out


def _certificate_validity(
    extractions: Sequence[Extraction], evidence: Sequence[Evidence], as_of: date
) -> list[ConsistencyCheck]:
    """Each certificate valid at the decision date: the registry's dates and status when a record was found."""
    by_doc = {(e.source, e.page, e.index): e for e in evidence}
    out = []
    for extraction in (e for e in extractions if e.doc_type in CERTIFICATE_TYPES):
        found = by_doc.get((extraction.source, extraction.page, extraction.index))
        record = found.record if found else None
        refs = [doc_ref(extraction)]
        if record is not None and record.status is not RecordStatus.VALID:
            out.append(
                ConsistencyCheck(
                    "certificate_valid_at_decision_date",
                    Verdict.MISMATCH,
                    f"registry status {record.status} ({record.cert_type} {record.cert_number})",
                    refs,
                )
            )
            continue
        if record is not None and (record.valid_from or record.valid_until):
            verdict, detail = _validity(record.valid_from, record.valid_until, as_of, open_ended=False)
            detail = "registry: " + detail
        else:
            valid_from = _as_date(extraction.value("valid_from"))
            valid_until = _as_date(extraction.value("valid_until"))
            verdict, detail = _validity(valid_from, valid_until, as_of, open_ended=False)
            detail = "document: " + detail
        out.append(ConsistencyCheck("certificate_valid_at_decision_date", verdict, detail, refs))
    return out


def check_consistency(
    extractions: Sequence[Extraction], evidence: Sequence[Evidence], as_of: date
) -> list[ConsistencyCheck]:
    """Every cross-document check for one application, in a stable order."""
    return [
        *_pair_checks(extractions),
        *_implied_by_id_number(extractions),
        *_id_card_validity(extractions, as_of),
        *_certificate_validity(extractions, evidence, as_of),
    ]
