"""The recognition rules: declared checks over one application's evidence, each giving `Reason`s.

A rule is a row of `RULES` — a stable `code` (written out in full, so that every code a reason can
carry is found by grep), a `severity` (`fail`: the application cannot be recognised as submitted;
`doubt`: a person must look), a Chinese and an English message template, a `finder`, its `params`
and whether the failure `softens` — and nothing else. A finder is a small named function
`finder(facts, params)` that says where the rule fires: which document, which field, and the values
the message names; whatever distinguishes one rule from another that shares its finder (the document
type, the verdict, the check, the field) is in `params`, so `rules_digest` sees it. `evaluate` runs
every rule over the application and returns every finding, never only the first (一次性告知).

Rules read what `matching.verify_documents` produced: the extractions (`documents`), one `Evidence`
per certificate (the registry record it is and the field-by-field verdicts) and the cross-document
`ConsistencyCheck`s. A consistency check this module does not know yet still counts: a mismatch
becomes `consistency_check_failed`, an uncertain verdict `consistency_check_unclear`, so a check
added to `matching` can never be silently ignored.

Message templates use `str.format` with these names: `doc` / `doc_en` (the document as 注册证（reg.jpg
第1页） / registration certificate (reg.jpg, page 1)), `field` / `field_en`, `other` / `other_en` (a
second document), `value`, `expected`, `as_of`, plus rule-specific ones. ID numbers are masked
before they reach a message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

from huren import zone
from huren.domain import (
    CERTIFICATE_FIELDS,
    CERTIFICATE_TYPES,
    ConsistencyCheck,
    DocType,
    Evidence,
    Extraction,
    FieldValueType,
    FileError,
    Reason,
    RecordStatus,
    Severity,
    Verdict,
)
from huren.labels import DOC_NAMES, FIELD_NAMES
from huren.normalize import mask_id_number, parse_date
from huren.thresholds import REVIEW_CONFIDENCE
from matching.authorities import canonical_authority
from matching.consistency import PAIR_CHECKS, odd_one_out
from matching.evidence import COMPARISON_BY_FIELD, read_by_ocr
from matching.grounded import CONFIRMED
from matching.normalize import clean_id_number, clean_name, name_key
from ocr.classify import CONTENT_WARNING
from recognition.notices import applicant_notice

RULES_VERSION = "1.0"
"""Bumped by hand when a rule's meaning changes; `rules_digest()` changes with any edit of the table."""


@dataclass(frozen=True, slots=True)
class DecisionConfig:
    """Everything a decision depends on besides the evidence; recorded with every decision."""

    # At least one of these certificates must be submitted (the guide: 已取得…注册计量师注册证书的申请人).
    required_certificates: frozenset[DocType] = frozenset({DocType.REGISTRATION_CERTIFICATE})
    require_id_card_front: bool = True
    require_id_card_back: bool = True
    require_application_form: bool = False
    approve_score: float = 0.90  # every certificate's authenticity score (matching.evidence) at least this
    min_field_confidence: float = REVIEW_CONFIDENCE  # OCR confidence of every key field (huren.thresholds)
    min_doc_type_confidence: float = 0.50
    min_page_confidence: float = 0.75  # mean OCR confidence of a page's lines
    doubtful_quality_flags: tuple[str, ...] = ("blurred", "low_resolution", "glare", "cut_off", "no_text")
    # Flags about how a picture looks (soft, a bright patch) that its reading can clear: a phone photo on a
    # desk is softer than a scan, yet read clearly. A document flagged only with these whose every key and
    # decisive field was read at or above min_field_confidence is not held for its looks; the values it
    # was read with still face the registry and the other documents.
    quality_flags_cleared_by_reading: tuple[str, ...] = ("blurred", "glare")
    zone_provinces: tuple[str, ...] = dc_field(default_factory=lambda: tuple(zone.provinces()))
    # The area applied for (else the typed form's `target_area`), and the place names an employer of each
    # area bears: an employer that names none of them is a point for the reviewer.
    target_area: str | None = None
    # The district and its towns (镇/街道): an employer's name often bears only its town (上海朱家角…).
    area_places: tuple[tuple[str, tuple[str, ...]], ...] = dc_field(
        default_factory=lambda: tuple((a.key, a.places) for a in zone.areas().values())
    )
    # Fields each document must show for the decision to rest on it (an unread one is a doubt).
    key_fields: tuple[tuple[DocType, tuple[str, ...]], ...] = (
        (DocType.ID_CARD_FRONT, ("name", "id_number")),
        (DocType.ID_CARD_BACK, ("valid_from",)),
        (
            DocType.REGISTRATION_CERTIFICATE,
            ("name", "cert_number", "level", "categories", "issuing_authority", "valid_until"),
        ),
        (DocType.ASSESSMENT_CERTIFICATE, ("name", "cert_number")),
        (DocType.VERIFIER_CERTIFICATE, ("name", "cert_number")),
        (DocType.APPLICATION_FORM, ("name", "id_number")),
    )

    # Fields a rule reads from the page itself besides the key fields (the ID card's expiry, the issuer's
    # province), which may be absent without doubt (an ID card valid 长期): read under min_field_confidence,
    # the decision would rest on a value the reliability table (README, "Confidence") says is often wrong.
    decisive_fields: tuple[tuple[DocType, tuple[str, ...]], ...] = (
        (DocType.ID_CARD_BACK, ("valid_until",)),
        (DocType.ASSESSMENT_CERTIFICATE, ("issuing_authority",)),
        (DocType.VERIFIER_CERTIFICATE, ("issuing_authority",)),
    )

    def key_fields_of(self, doc_type: DocType) -> tuple[str, ...]:
        return next((keys for t, keys in self.key_fields if t is doc_type), ())

    def confidence_fields_of(self, doc_type: DocType) -> tuple[str, ...]:
        """The fields whose OCR confidence the decision depends on: key fields, then decisive ones."""
        decisive = next((keys for t, keys in self.decisive_fields if t is doc_type), ())
        return tuple(dict.fromkeys(self.key_fields_of(doc_type) + decisive))

    def thresholds(self) -> dict[str, float]:
        return {
            "approve_score": self.approve_score,
            "min_field_confidence": self.min_field_confidence,
            "min_doc_type_confidence": self.min_doc_type_confidence,
            "min_page_confidence": self.min_page_confidence,
        }

    def settings(self) -> dict[str, Any]:
        return {
            "required_certificates": sorted(str(t) for t in self.required_certificates),
            "require_id_card_front": self.require_id_card_front,
            "require_id_card_back": self.require_id_card_back,
            "require_application_form": self.require_application_form,
            "doubtful_quality_flags": list(self.doubtful_quality_flags),
            "quality_flags_cleared_by_reading": list(self.quality_flags_cleared_by_reading),
            "zone_provinces": list(self.zone_provinces),
            "target_area": self.target_area,
            "key_fields": {str(t): list(keys) for t, keys in self.key_fields},
            "decisive_fields": {str(t): list(keys) for t, keys in self.decisive_fields},
        }


@dataclass(slots=True)
class Facts:
    """One application as the rules see it."""

    documents: list[Extraction]
    evidence: list[Evidence]
    consistency: list[ConsistencyCheck]
    as_of: date
    config: DecisionConfig
    file_errors: list[FileError] = dc_field(default_factory=list)

    def document(self, ref: str) -> Extraction | None:
        return next((d for d in self.documents if doc_ref(d) == ref), None)

    def evidence_for(self, extraction: Extraction) -> Evidence | None:
        key = (extraction.source, extraction.page, extraction.index)
        return next((e for e in self.evidence if (e.source, e.page, e.index) == key), None)

    def of_type(self, *types: DocType) -> list[Extraction]:
        return [d for d in self.documents if d.doc_type in types]


@dataclass(slots=True)
class Finding:
    """Where a rule fires, and the values its message names."""

    document: Extraction | None = None
    field: str | None = None
    params: dict[str, str] = dc_field(default_factory=dict)
    ref: str | None = None  # a document known only by name (a file that could not be read)
    other: Extraction | None = None  # the document it was compared with, if any


Params: TypeAlias = Mapping[str, Any]
"""A rule's parameters: plain values (strings, numbers, StrEnums, tuples and dicts of them), so that
`rules_digest` can write them down."""

Finder = Callable[[Facts, Params], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    message_zh: str
    message_en: str
    finder: Finder
    params: Params = dc_field(default_factory=dict, hash=False)  # a dict: compared, not hashed
    # A failure about a value OCR was unsure of (on either document compared: under `min_field_confidence`)
    # may be a misreading, not a fault: it becomes a doubt. A blurred 苏 read as 荔 is a misreading to look
    # at, not a reason to refuse. Validity, status and missing documents never soften.
    softens: bool = False

    def find(self, facts: Facts) -> Iterable[Finding]:
        return self.finder(facts, self.params)

    def row(self) -> str:
        """The whole row as text (the finder by name, the parameters as sorted JSON), for the digest."""
        params = json.dumps(self.params, sort_keys=True, ensure_ascii=False)
        fields = (self.code, self.severity, self.message_zh, self.message_en, self.finder.__qualname__, params)
        return "|".join((*fields, f"softens={self.softens}"))

    def severity_for(self, finding: Finding, config: DecisionConfig) -> Severity:
        if self.severity == Severity.FAIL and self.softens and finding.field:
            for d in (finding.document, finding.other):
                f = d.fields.get(finding.field) if d is not None else None
                if f is not None and f.confidence < config.min_field_confidence:
                    return Severity.DOUBT
        return self.severity

    def reasons(self, facts: Facts) -> Iterator[Reason]:
        for finding in self.find(facts):
            yield self.reason(finding, facts)

    def reason(self, finding: Finding, facts: Facts) -> Reason:
        params = {"as_of": facts.as_of.isoformat(), "doc": "", "doc_en": "", "field": "", "field_en": ""}
        # the applicant's text names documents by kind only, and never a value (recognition.notices)
        public = {"as_of": params["as_of"], "doc": "材料", "doc_en": "document"}
        ref = finding.ref
        if finding.document is not None:
            ref = doc_ref(finding.document)
            params["doc"], params["doc_en"] = doc_label(finding.document)
            public["doc"], public["doc_en"] = doc_kind(finding.document)
        elif finding.ref is not None:
            params["doc"], params["doc_en"] = Path(finding.ref).name, Path(finding.ref).name
        if finding.field:
            params["field"], params["field_en"] = FIELD_NAMES.get(finding.field, (finding.field, finding.field))
            public["field"], public["field_en"] = params["field"], params["field_en"]
        if finding.other is not None:
            public["other"], public["other_en"] = doc_kind(finding.other)
        params.update(finding.params)
        for key in ("required", "required_en"):
            if key in finding.params:
                public[key] = finding.params[key]
        severity = self.severity_for(finding, facts.config)
        zh, en = self.message_zh.format(**params), self.message_en.format(**params)
        if severity != self.severity:
            zh += "（识别置信度低，可能为识别错误，需人工核对）"
            en += " (read with low OCR confidence: possibly a misreading; a person must check)"
        told_zh, told_en = applicant_notice(self.code, public)
        return Reason(self.code, severity, ref, finding.field, zh, en, told_zh, told_en)


# --- helpers ----------------------------------------------------------------------------------------


def doc_ref(extraction: Extraction) -> str:
    """`file#page`, and `file#page/index` for the second and later documents of a page."""
    ref = f"{extraction.source}#{extraction.page}"
    return f"{ref}/{extraction.index}" if extraction.index else ref


def doc_kind(extraction: Extraction) -> tuple[str, str]:
    """The kind of document as an applicant reads it: 身份证人像面, 注册证."""
    return DOC_NAMES.get(extraction.doc_type, (str(extraction.doc_type), str(extraction.doc_type)))


def doc_label(extraction: Extraction) -> tuple[str, str]:
    zh, en = DOC_NAMES.get(extraction.doc_type, (str(extraction.doc_type), str(extraction.doc_type)))
    name = Path(extraction.source).name
    if extraction.index:
        n = extraction.index + 1
        return f"{zh}（{name} 第{extraction.page}页第{n}件）", f"{en} ({name}, page {extraction.page}, document {n})"
    return f"{zh}（{name} 第{extraction.page}页）", f"{en} ({name}, page {extraction.page})"


def shown(field_name: str, value: object) -> str:
    """A value as a message shows it: ID numbers masked, lists joined, levels as 一级/二级."""
    if value is None or value == "" or value == []:
        return "（空）"
    if field_name == "id_number":
        return mask_id_number(clean_id_number(str(value)))
    if field_name == "level" and str(value) in ("1", "2"):
        return "一级" if str(value) == "1" else "二级"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _present(value: FieldValueType) -> bool:
    return value is not None and value != "" and value != []


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return parse_date(str(value)) if value else None


# --- finders: required documents --------------------------------------------------------------------


def _certificate_missing(facts: Facts, _: Params) -> Iterator[Finding]:
    required = facts.config.required_certificates
    if required and not facts.of_type(*required):
        names = "或".join(DOC_NAMES[t][0] for t in sorted(required))
        names_en = " or ".join(DOC_NAMES[t][1] for t in sorted(required))
        yield Finding(params={"required": names, "required_en": names_en})


def _missing(facts: Facts, p: Params) -> Iterator[Finding]:
    """`doc_type` is missing and `DecisionConfig.<required_by>` asks for it."""
    if getattr(facts.config, p["required_by"]) and not facts.of_type(p["doc_type"]):
        yield Finding()


# --- finders: readability ---------------------------------------------------------------------------


def _file_unreadable(facts: Facts, _: Params) -> Iterator[Finding]:
    for error in facts.file_errors:
        ref = error.source if error.page is None else f"{error.source}#{error.page}"
        yield Finding(ref=ref, params={"error": f"{error.code}: {error.message}"})


def _unrecognised(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.of_type(DocType.UNKNOWN):
        yield Finding(d)


def _type_uncertain(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.documents:
        if d.doc_type is not DocType.UNKNOWN and d.doc_type_confidence < facts.config.min_doc_type_confidence:
            yield Finding(d, params={"confidence": f"{d.doc_type_confidence:.2f}"})


def _typed_by_content(facts: Facts, _: Params) -> Iterator[Finding]:
    """A type no title or label bore out (`ocr.classify`: from the shapes of its values alone): its
    fields were read by that type's labels, so the decision cannot rest on them unseen."""
    for d in facts.documents:
        if d.doc_type is not DocType.UNKNOWN and CONTENT_WARNING in d.warnings:
            yield Finding(d)


def _read_clearly(d: Extraction, config: DecisionConfig, unless: str) -> bool:
    """Every field the decision reads on `d` was read at or above the review threshold (or is marked
    `unless`: exactly the registry's and read clearly on another document): its key fields, and its
    decisive ones unless their absence is what the page says (an ID card valid 长期)."""
    keys = config.key_fields_of(d.doc_type)
    if not keys:
        return False  # a document the decision reads nothing from (unknown): its looks are all there is
    for key in config.confidence_fields_of(d.doc_type):
        f = d.fields.get(key)
        if f is None or not _present(f.value):
            if key in keys or not _absence_printed(d, key):
                return False
        elif f.confidence < config.min_field_confidence and f"{unless}: {key}" not in d.warnings:
            return False
    return True


def _absence_printed(d: Extraction, key: str) -> bool:
    """A field with no value that the page itself says has none: an ID card's expiry printed as 长期."""
    return key == "valid_until" and any("长期" in ln.text for ln in d.lines)


def _poor_scan(facts: Facts, p: Params) -> Iterator[Finding]:
    config = facts.config
    for d in facts.documents:
        flags = [f for f in d.quality.flags if f in config.doubtful_quality_flags]
        cleared = not (set(flags) - set(config.quality_flags_cleared_by_reading)) and _read_clearly(
            d, config, p["unless"]
        )
        if flags and not cleared:
            yield Finding(d, params={"flags": ", ".join(flags)})


def _page_low_confidence(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.documents:
        mean = d.quality.mean_confidence
        if mean is not None and mean < facts.config.min_page_confidence:
            yield Finding(d, params={"confidence": f"{mean:.2f}"})


def _field_low_confidence(facts: Facts, p: Params) -> Iterator[Finding]:
    """Key and decisive values read below the threshold, but not one marked `unless` (a value that is
    exactly the registry's and that another document read clearly: `matching.grounded.confirmed`)."""
    for d in facts.documents:
        for key in facts.config.confidence_fields_of(d.doc_type):
            f = d.fields.get(key)
            if f is None or not _present(f.value) or f.confidence >= facts.config.min_field_confidence:
                continue
            if f"{p['unless']}: {key}" not in d.warnings:
                yield Finding(d, key, {"confidence": f"{f.confidence:.2f}"})


def _field_unread(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.documents:
        for key in facts.config.key_fields_of(d.doc_type):
            if not _present(d.value(key)):
                yield Finding(d, key)


# --- finders: consistency checks (matching.consistency) ----------------------------------------------

_PAIR_FIELD: dict[str, str] = {p.check: p.field for p in PAIR_CHECKS}
IDENTITY_FIELDS = ("name", "id_number", "gender")
# Checks the rules below read directly (or recompute, to name dates in their messages).
_HANDLED_ELSEWHERE = ("certificate_valid_at_decision_date", "id_card_valid_at_decision_date")
_IMPLIED_BY_ID = {"gender_matches_id_number": "gender", "birth_date_matches_id_number": "birth_date"}
# Checks (besides the pair checks) that a rule reads by name; any other one is `consistency_check_*`.
_KNOWN_CHECKS = (*_IMPLIED_BY_ID, *_HANDLED_ELSEWHERE, "id_number_check_digit")


def _pair_documents(
    facts: Facts, check: ConsistencyCheck, field_name: str
) -> tuple[Extraction | None, Extraction | None]:
    """The document to blame and the other one: the odd one out against the registry and the other
    documents (`matching.consistency.odd_one_out`); when the evidence cannot tell, a form, else a
    certificate, else the ID card."""
    docs = [d for d in (facts.document(r) for r in check.documents) if d is not None]
    rank = {DocType.APPLICATION_FORM: 0, **dict.fromkeys(CERTIFICATE_TYPES, 1)}
    docs.sort(key=lambda d: rank.get(d.doc_type, 2))
    odd = odd_one_out(field_name, docs, facts.documents, facts.evidence)
    if odd is not None:
        docs.remove(odd)
        docs.insert(0, odd)
    return (docs[0] if docs else None), (docs[1] if len(docs) > 1 else None)


def _pair_finding(facts: Facts, check: ConsistencyCheck, field_name: str) -> Finding:
    blamed, other = _pair_documents(facts, check, field_name)
    params = {"value": "", "expected": "", "other": "", "other_en": ""}
    if blamed is not None:
        params["value"] = shown(field_name, blamed.value(field_name))
    if other is not None:
        params["other"], params["other_en"] = doc_label(other)
        params["expected"] = shown(field_name, other.value(field_name))
    return Finding(blamed, field_name, params, other=other)


def _pairs(facts: Facts, p: Params) -> Iterator[Finding]:
    """Pair checks (`matching.consistency.PAIR_CHECKS`) of `field` with this `verdict`."""
    for check in facts.consistency:
        field_name = _PAIR_FIELD.get(check.check)
        if field_name is not None and field_name == p["field"] and check.verdict is p["verdict"]:
            yield _pair_finding(facts, check, field_name)


def _name_sources(facts: Facts) -> dict[str, dict[str, list[Extraction | None]]]:
    """Every name the application shows (documents; registry records as None), grouped by what they
    read after folding look-alikes, then by exact spelling."""
    sources: list[tuple[str, Extraction | None]] = [
        (clean_name(str(d.value("name"))), d) for d in facts.documents if _present(d.value("name"))
    ]
    records = {(str(e.record.cert_type), e.record.cert_number): e.record for e in facts.evidence if e.record}
    sources += [(clean_name(r.name), None) for r in records.values() if r.name]
    groups: dict[str, dict[str, list[Extraction | None]]] = {}
    for exact, d in sources:
        if exact:
            groups.setdefault(name_key(exact) or exact, {}).setdefault(exact, []).append(d)
    return groups


def _name_agrees_only_after_folding(facts: Facts, _: Params) -> Iterator[Finding]:
    """Spellings of a name that agree only once look-alikes (峰/锋, 杨/扬) are folded.

    Folding forgives what OCR may have misread, so it explains a difference only when the odd spelling
    is a single OCR-read document and the spelling it should have been is borne out by at least two
    other sources (the registry and the ID card, say). A typed look-alike, or two spellings each borne
    out, is a different name until a person looks: never an on-the-spot approval.
    """
    for spellings in _name_sources(facts).values():
        if len(spellings) < 2:
            continue
        ranked = sorted(spellings.items(), key=lambda kv: -len(kv[1]))
        top_name, top = ranked[0]
        established = len(top) >= 2 and len(ranked[1][1]) < len(top)
        misread = [len(docs) == 1 and docs[0] is not None and read_by_ocr(docs[0]) for _, docs in ranked[1:]]
        if established and all(misread):
            continue
        if not established:  # no spelling prevails: the registry's (if any) is the reference
            top_name, top = next(((n, ds) for n, ds in ranked if None in ds), ranked[0])
        other = next((d for d in top if d is not None), None)
        if other is not None:
            other_zh, other_en = doc_label(other)
        else:
            other_zh, other_en = "发证机关登记记录", "the issuing authority's record"
        for name, docs in ranked:
            if name == top_name:
                continue
            for d in docs:
                if d is not None:
                    params = {"value": name, "expected": top_name, "other": other_zh, "other_en": other_en}
                    yield Finding(d, "name", params, other=other)


def _form_details(facts: Facts, p: Params) -> Iterator[Finding]:
    """Pair checks of any field but `except_fields` with one of these `verdicts`."""
    for check in facts.consistency:
        field_name = _PAIR_FIELD.get(check.check)
        if field_name is not None and field_name not in p["except_fields"] and check.verdict in p["verdicts"]:
            yield _pair_finding(facts, check, field_name)


def _single(facts: Facts, p: Params) -> Iterator[Finding]:
    """The consistency check `check` with this `verdict`, about `field` of its first document."""
    field_name = p["field"]
    for check in facts.consistency:
        if check.check == p["check"] and check.verdict is p["verdict"]:
            d = facts.document(check.documents[0]) if check.documents else None
            value = shown(field_name, d.value(field_name)) if d is not None else ""
            yield Finding(d, field_name, {"value": value, "detail": check.detail})


def _implied_by_id(facts: Facts, p: Params) -> Iterator[Finding]:
    """The `checks` (check → the field the ID number implies) with this `verdict`."""
    for check in facts.consistency:
        field_name = p["checks"].get(check.check)
        if field_name is None or check.verdict is not p["verdict"]:
            continue
        d = facts.document(check.documents[0]) if check.documents else None
        value = shown(field_name, d.value(field_name)) if d is not None else ""
        yield Finding(d, field_name, {"value": value, "detail": check.detail})


def _unknown_checks(facts: Facts, p: Params) -> Iterator[Finding]:
    """Checks with this `verdict` that are neither a pair check nor one of the `known` ones."""
    for check in facts.consistency:
        known = check.check in _PAIR_FIELD or check.check in p["known"]
        if not known and check.verdict is p["verdict"]:
            d = facts.document(check.documents[0]) if check.documents else None
            yield Finding(d, None, {"check": check.check, "detail": check.detail})


# --- finders: the form's employer (guide: 现执业单位 with its 单位公章) ----------------------------------


def _typed_forms(facts: Facts) -> list[Extraction]:
    return [d for d in facts.of_type(DocType.APPLICATION_FORM) if not read_by_ocr(d)]


def _scanned_forms(facts: Facts) -> list[Extraction]:
    return [d for d in facts.of_type(DocType.APPLICATION_FORM) if read_by_ocr(d)]


def _form_unsealed(facts: Facts, _: Params) -> Iterator[Finding]:
    """A scanned form without its employer's seal (单位公章): the new employer is not vouched for."""
    for d in _scanned_forms(facts):
        if d.value("employer_sealed") is not True:
            yield Finding(d, "employer_sealed")


def _employer_differs_from_scan(facts: Facts, _: Params) -> Iterator[Finding]:
    """The employer typed on the portal against the one the scanned (sealed) form shows."""
    comparison = COMPARISON_BY_FIELD["employer"]
    for typed in _typed_forms(facts):
        value = typed.value("current_employer")
        for scan in _scanned_forms(facts):
            seen = scan.value("current_employer")
            if not _present(value) or not _present(seen):
                continue
            if comparison.verdict(comparison.comparator(value, seen, fold=True)) is not Verdict.MATCH:
                params = {"value": str(value), "expected": str(seen)}
                params["other"], params["other_en"] = doc_label(scan)
                yield Finding(typed, "current_employer", params, other=scan)


def target_area(facts: Facts) -> str | None:
    if facts.config.target_area:
        return facts.config.target_area
    typed = next((str(d.value("target_area")) for d in _typed_forms(facts) if _present(d.value("target_area"))), None)
    return typed


def _employer_outside_area(facts: Facts, _: Params) -> Iterator[Finding]:
    area = target_area(facts)
    places = dict(facts.config.area_places).get(area or "")
    if not places:
        return
    for d in facts.of_type(DocType.APPLICATION_FORM):
        employer = d.value("current_employer")
        if _present(employer) and not any(p in str(employer) for p in places):
            yield Finding(d, "current_employer", {"value": str(employer), "places": places[0], "area": area or ""})


# --- finders: validity --------------------------------------------------------------------------------


def _id_card_validity(facts: Facts, p: Params) -> Iterator[Finding]:
    """An ID card back `when`: "expired", "not_yet" (valid) or "unread" at the decision date."""
    when = p["when"]
    for back in facts.of_type(DocType.ID_CARD_BACK):
        start, end = _as_date(back.value("valid_from")), _as_date(back.value("valid_until"))
        if when == "expired" and end is not None and facts.as_of > end:
            yield Finding(back, "valid_until", {"valid_until": end.isoformat()})
        elif when == "not_yet" and start is not None and facts.as_of < start:
            yield Finding(back, "valid_from", {"valid_from": start.isoformat()})
        elif (
            when == "unread"
            and start is None
            and end is None
            and (_present(back.value("valid_from")) or _present(back.value("valid_until")))
        ):
            yield Finding(back, "valid_until")


def _certificate_dates(facts: Facts, d: Extraction) -> tuple[date | None, date | None, str]:
    """Validity from the registry when the record is found, else as printed; and which it was."""
    found = facts.evidence_for(d)
    record = found.record if found else None
    if record is not None and (record.valid_from or record.valid_until):
        return record.valid_from, record.valid_until, "registry"
    return _as_date(d.value("valid_from")), _as_date(d.value("valid_until")), "document"


def _cert_validity(facts: Facts, p: Params) -> Iterator[Finding]:
    """A certificate `when`: "expired", "not_yet" (valid) or of "unknown" validity at the decision date."""
    when = p["when"]
    for d in facts.of_type(*CERTIFICATE_TYPES):
        start, end, source = _certificate_dates(facts, d)
        src_zh = "登记库记录" if source == "registry" else "证面"
        params = {"source": src_zh, "source_en": source}
        if when == "expired" and end is not None and facts.as_of > end:
            yield Finding(d, "valid_until", {**params, "valid_until": end.isoformat()})
        elif when == "not_yet" and start is not None and facts.as_of < start:
            yield Finding(d, "valid_from", {**params, "valid_from": start.isoformat()})
        elif when == "unknown" and start is None and end is None:
            yield Finding(d, "valid_until", params)


def _cert_status(facts: Facts, p: Params) -> Iterator[Finding]:
    """A certificate whose registry record has this `status`."""
    for d in facts.of_type(*CERTIFICATE_TYPES):
        found = facts.evidence_for(d)
        if found is not None and found.record is not None and found.record.status is p["status"]:
            yield Finding(d, "cert_number", {"value": found.record.cert_number})


# --- finders: registry (matching.evidence) -------------------------------------------------------------


def _not_in_registry(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.of_type(*CERTIFICATE_TYPES):
        found = facts.evidence_for(d)
        if found is None or found.record is None:
            yield Finding(d, "cert_number", {"value": shown("cert_number", d.value("cert_number"))})


REGISTRY_FIELDS: tuple[str, ...] = tuple(f for f in CERTIFICATE_FIELDS if f != "employer")
"""Fields that must agree with the registry record. The employer is not among them: a change of
employer (变更执业单位) is what the application is about."""


def _registry_field(facts: Facts, p: Params) -> Iterator[Finding]:
    """A certificate's `field` judged with this `verdict` against its registry record."""
    field_name = p["field"]
    for d in facts.of_type(*CERTIFICATE_TYPES):
        found = facts.evidence_for(d)
        if found is None or found.record is None:
            continue
        for fe in found.fields:
            if fe.field == field_name and fe.verdict is p["verdict"]:
                params = {
                    "value": shown(field_name, fe.extracted),
                    "expected": shown(field_name, fe.registry),
                    "similarity": f"{fe.similarity:.2f}",
                }
                yield Finding(d, field_name, params)


def _registry_other_field(facts: Facts, p: Params) -> Iterator[Finding]:
    """A compared field not in `except_fields` (matching added one) with this `verdict`: it still counts."""
    for d in facts.of_type(*CERTIFICATE_TYPES):
        found = facts.evidence_for(d)
        if found is None or found.record is None:
            continue
        for fe in found.fields:
            if fe.field not in p["except_fields"] and fe.verdict is p["verdict"]:
                yield Finding(
                    d, fe.field, {"value": shown(fe.field, fe.extracted), "expected": shown(fe.field, fe.registry)}
                )


def _score_below(facts: Facts, _: Params) -> Iterator[Finding]:
    for d in facts.of_type(*CERTIFICATE_TYPES):
        found = facts.evidence_for(d)
        if found is not None and found.record is not None and found.score < facts.config.approve_score:
            params = {"score": f"{found.score:.2f}", "threshold": f"{facts.config.approve_score:.2f}"}
            yield Finding(d, None, params)


def _authority_text(facts: Facts, d: Extraction) -> str | None:
    value = d.value("issuing_authority")
    if _present(value):
        return str(value)
    found = facts.evidence_for(d)
    if found is not None and found.record is not None:
        return found.record.issuing_authority
    return None


def _authority(facts: Facts, p: Params) -> Iterator[Finding]:
    """A certificate's issuing authority `when`: "out_of_zone" or "unrecognised"."""
    for d in facts.of_type(*CERTIFICATE_TYPES):
        text = _authority_text(facts, d)
        if not text:
            continue
        authority = canonical_authority(text)
        if authority is None:
            fires = p["when"] == "unrecognised"
        else:
            fires = p["when"] == "out_of_zone" and authority.province not in facts.config.zone_provinces
        if fires:
            yield Finding(d, "issuing_authority", {"value": text})


# --- the table ------------------------------------------------------------------------------------------


# One message for every field of the registry record (REGISTRY_FIELDS), each field its own pair of rows.
_DIFFERS_FROM_REGISTRY = (
    "{doc}的{field}“{value}”与发证机关登记记录“{expected}”不符",
    "{doc_en}: {field_en} '{value}' differs from the issuing authority's record '{expected}'",
)
_UNCLEAR_AGAINST_REGISTRY = (
    "{doc}的{field}“{value}”与登记记录“{expected}”近似但不一致（相似度{similarity}），需人工核对",
    "{doc_en}: {field_en} '{value}' is close to but not the record's '{expected}' "
    "(similarity {similarity}); a person must check",
)

RULES: tuple[Rule, ...] = (
    # 资格审核: the documents the guide asks for
    Rule(
        "certificate_missing", Severity.FAIL, "未提交{required}", "no {required_en} was submitted", _certificate_missing
    ),
    Rule(
        "id_card_front_missing",
        Severity.FAIL,
        "未提交身份证人像面",
        "the front of the ID card (holder's side) is missing",
        _missing,
        {"doc_type": DocType.ID_CARD_FRONT, "required_by": "require_id_card_front"},
    ),
    Rule(
        "id_card_back_missing",
        Severity.FAIL,
        "未提交身份证国徽面（有效期限）",
        "the back of the ID card (validity) is missing",
        _missing,
        {"doc_type": DocType.ID_CARD_BACK, "required_by": "require_id_card_back"},
    ),
    Rule(
        "application_form_missing",
        Severity.FAIL,
        "未提交注册计量师注册资质互认申请表",
        "the application form is missing",
        _missing,
        {"doc_type": DocType.APPLICATION_FORM, "required_by": "require_application_form"},
    ),
    # readability
    Rule(
        "file_unreadable",
        Severity.DOUBT,
        "文件{doc}无法读取（{error}），请人工查看或重新提交",
        "file {doc_en} could not be read ({error})",
        _file_unreadable,
    ),
    Rule(
        "document_unrecognised",
        Severity.DOUBT,
        "{doc}无法识别材料类型",
        "{doc_en}: the kind of document was not recognised",
        _unrecognised,
    ),
    Rule(
        "document_type_uncertain",
        Severity.DOUBT,
        "{doc}材料类型识别置信度低（{confidence}）",
        "{doc_en}: document type recognised with low confidence ({confidence})",
        _type_uncertain,
    ),
    Rule(
        "document_type_from_content",
        Severity.DOUBT,
        "{doc}未读到材料标题或栏目名称，类型仅由内容推断，需人工核对",
        "{doc_en}: no title or labels read, the type was inferred from the values alone; a person must check",
        _typed_by_content,
    ),
    Rule(
        "scan_quality_poor",
        Severity.DOUBT,
        "{doc}扫描质量差（{flags}），需人工核对",
        "{doc_en}: poor scan ({flags}); a person must check",
        _poor_scan,
        {"unless": CONFIRMED},
    ),
    Rule(
        "page_low_confidence",
        Severity.DOUBT,
        "{doc}整体识别置信度低（{confidence}）",
        "{doc_en}: low mean OCR confidence ({confidence})",
        _page_low_confidence,
    ),
    Rule(
        "field_low_confidence",
        Severity.DOUBT,
        "{doc}的{field}识别置信度低（{confidence}），需人工核对",
        "{doc_en}: {field_en} read with low confidence ({confidence}); a person must check",
        _field_low_confidence,
        {"unless": CONFIRMED},
    ),
    Rule(
        "field_unread",
        Severity.DOUBT,
        "{doc}未能读取{field}，需人工核对",
        "{doc_en}: {field_en} could not be read; a person must check",
        _field_unread,
    ),
    # the holder: ID number, identity across documents
    Rule(
        "id_number_invalid",
        Severity.FAIL,
        "{doc}的身份证号{value}校验位不符",
        "{doc_en}: ID number {value} fails the GB 11643 check digit",
        _single,
        {"check": "id_number_check_digit", "verdict": Verdict.MISMATCH, "field": "id_number"},
        softens=True,
    ),
    Rule(
        "name_disagrees",
        Severity.FAIL,
        "{doc}的姓名“{value}”与{other}的姓名“{expected}”不一致",
        "{doc_en}: name '{value}' differs from '{expected}' on the {other_en}",
        _pairs,
        {"field": "name", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "name_unclear",
        Severity.DOUBT,
        "{doc}的姓名“{value}”与{other}的“{expected}”近似但不一致，需人工核对",
        "{doc_en}: name '{value}' is close to but not '{expected}' on the {other_en}",
        _pairs,
        {"field": "name", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "name_agrees_only_after_folding",
        Severity.DOUBT,
        "{doc}的姓名“{value}”与{other}的“{expected}”仅在归并形近字后一致，不能即办，需人工核对",
        "{doc_en}: name '{value}' agrees with '{expected}' on the {other_en} only after folding look-alike "
        "characters; not approved on the spot, a person must check",
        _name_agrees_only_after_folding,
    ),
    Rule(
        "id_number_disagrees",
        Severity.FAIL,
        "{doc}的身份证号{value}与{other}的{expected}不一致",
        "{doc_en}: ID number {value} differs from {expected} on the {other_en}",
        _pairs,
        {"field": "id_number", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "id_number_unclear",
        Severity.DOUBT,
        "{doc}的身份证号{value}与{other}的{expected}近似但不一致，需人工核对",
        "{doc_en}: ID number {value} is close to but not {expected} on the {other_en}",
        _pairs,
        {"field": "id_number", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "gender_disagrees",
        Severity.FAIL,
        "{doc}的性别“{value}”与{other}的“{expected}”不一致",
        "{doc_en}: gender '{value}' differs from '{expected}' on the {other_en}",
        _pairs,
        {"field": "gender", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "gender_disagrees_with_id_number",
        Severity.FAIL,
        "{doc}的性别“{value}”与身份证号所示性别不符",
        "{doc_en}: gender '{value}' contradicts the ID number",
        _single,
        {"check": "gender_matches_id_number", "verdict": Verdict.MISMATCH, "field": "gender"},
        softens=True,
    ),
    Rule(
        "birth_date_disagrees_with_id_number",
        Severity.FAIL,
        "{doc}的出生日期“{value}”与身份证号所示出生日期不符",
        "{doc_en}: birth date '{value}' contradicts the ID number",
        _single,
        {"check": "birth_date_matches_id_number", "verdict": Verdict.MISMATCH, "field": "birth_date"},
        softens=True,
    ),
    Rule(
        "implied_by_id_number_unclear",
        Severity.DOUBT,
        "{doc}的{field}“{value}”无法与身份证号核对，需人工核对",
        "{doc_en}: {field_en} '{value}' could not be checked against the ID number",
        _implied_by_id,
        {"checks": _IMPLIED_BY_ID, "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "form_differs_from_certificate",
        Severity.DOUBT,
        "{doc}填写的{field}“{value}”与{other}的“{expected}”不一致，需人工核对",
        "{doc_en}: {field_en} '{value}' differs from '{expected}' on the {other_en}; a person must check",
        _form_details,
        {"except_fields": IDENTITY_FIELDS, "verdicts": (Verdict.MISMATCH, Verdict.UNCERTAIN)},
    ),
    # the form's employer: the guide asks for the current employer's seal on the form
    Rule(
        "form_employer_unsealed",
        Severity.DOUBT,
        "{doc}未见现执业单位公章（单位公章），新执业单位未经单位确认，需人工核对",
        "{doc_en}: no seal of the current employer (单位公章) was found; a person must check",
        _form_unsealed,
    ),
    Rule(
        "current_employer_differs_from_form",
        Severity.DOUBT,
        "{doc}填写的现执业单位“{value}”与{other}的“{expected}”不一致，需人工核对",
        "{doc_en}: current employer '{value}' differs from '{expected}' on the {other_en}; a person must check",
        _employer_differs_from_scan,
    ),
    Rule(
        "employer_outside_area",
        Severity.DOUBT,
        "{doc}的现执业单位“{value}”名称中未见“{places}”或其所辖镇名，是否在申请互认的地区执业需人工核对",
        "{doc_en}: current employer '{value}' names neither {places} (the area applied for) nor one of its towns; "
        "a person must check",
        _employer_outside_area,
    ),
    # ID card validity
    Rule(
        "id_card_expired",
        Severity.FAIL,
        "{doc}已于{valid_until}过期（决定日期{as_of}）",
        "{doc_en}: the ID card expired on {valid_until} (decision date {as_of})",
        _id_card_validity,
        {"when": "expired"},
    ),
    Rule(
        "id_card_not_yet_valid",
        Severity.FAIL,
        "{doc}自{valid_from}起才有效（决定日期{as_of}）",
        "{doc_en}: the ID card is valid only from {valid_from} (decision date {as_of})",
        _id_card_validity,
        {"when": "not_yet"},
    ),
    Rule(
        "id_card_validity_unread",
        Severity.DOUBT,
        "{doc}的有效期限无法识别",
        "{doc_en}: the validity could not be read",
        _id_card_validity,
        {"when": "unread"},
    ),
    # 信息比对: the registry
    Rule(
        "cert_not_in_registry",
        Severity.FAIL,
        "{doc}的证书编号{value}在发证机关登记库中查无记录",
        "{doc_en}: certificate number {value} is not in the issuing authority's registry",
        _not_in_registry,
        softens=True,
    ),
    Rule(
        "cert_revoked",
        Severity.FAIL,
        "{doc}（{value}）已被撤销",
        "{doc_en} ({value}) has been revoked",
        _cert_status,
        {"status": RecordStatus.REVOKED},
    ),
    Rule(
        "cert_suspended",
        Severity.FAIL,
        "{doc}（{value}）已被暂停",
        "{doc_en} ({value}) is suspended",
        _cert_status,
        {"status": RecordStatus.SUSPENDED},
    ),
    Rule(
        "cert_expired",
        Severity.FAIL,
        "{doc}已于{valid_until}过期（依据{source}，决定日期{as_of}）",
        "{doc_en} expired on {valid_until} (per the {source_en}; decision date {as_of})",
        _cert_validity,
        {"when": "expired"},
    ),
    Rule(
        "cert_not_yet_valid",
        Severity.FAIL,
        "{doc}自{valid_from}起才有效（依据{source}，决定日期{as_of}）",
        "{doc_en} is valid only from {valid_from} (per the {source_en}; decision date {as_of})",
        _cert_validity,
        {"when": "not_yet"},
    ),
    Rule(
        "cert_validity_unknown",
        Severity.DOUBT,
        "{doc}的有效期无法确定",
        "{doc_en}: its validity could not be established",
        _cert_validity,
        {"when": "unknown"},
    ),
    # 信息比对, field by field (REGISTRY_FIELDS)
    Rule(
        "cert_number_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "cert_number", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "cert_number_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "cert_number", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "name_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "name", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "name_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "name", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "id_number_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "id_number", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "id_number_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "id_number", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "gender_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "gender", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "gender_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "gender", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "level_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "level", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "level_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "level", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "categories_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "categories", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "categories_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "categories", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "items_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "items", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "items_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "items", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "issuing_authority_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "issuing_authority", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "issuing_authority_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "issuing_authority", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "valid_from_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "valid_from", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "valid_from_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "valid_from", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "valid_until_differs_from_registry",
        Severity.FAIL,
        *_DIFFERS_FROM_REGISTRY,
        _registry_field,
        {"field": "valid_until", "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "valid_until_unclear_against_registry",
        Severity.DOUBT,
        *_UNCLEAR_AGAINST_REGISTRY,
        _registry_field,
        {"field": "valid_until", "verdict": Verdict.UNCERTAIN},
    ),
    Rule(
        "registry_field_differs",
        Severity.FAIL,
        "{doc}的{field}“{value}”与登记记录“{expected}”不符",
        "{doc_en}: {field_en} '{value}' differs from the record's '{expected}'",
        _registry_other_field,
        {"except_fields": (*REGISTRY_FIELDS, "employer"), "verdict": Verdict.MISMATCH},
        softens=True,
    ),
    Rule(
        "registry_match_below_threshold",
        Severity.DOUBT,
        "{doc}与登记记录的比对得分{score}低于即办阈值{threshold}，需人工核对",
        "{doc_en}: match score {score} against the record is below the on-the-spot threshold {threshold}",
        _score_below,
    ),
    # 实施范围: the three provinces of the zone
    Rule(
        "authority_out_of_zone",
        Severity.FAIL,
        "{doc}的发证机关“{value}”不属于示范区所在省市（上海、江苏、浙江），不在互认范围内",
        "{doc_en}: issuing authority '{value}' is not of Shanghai, Jiangsu or Zhejiang; out of scope",
        _authority,
        {"when": "out_of_zone"},
    ),
    Rule(
        "authority_unrecognised",
        Severity.DOUBT,
        "{doc}的发证机关“{value}”无法识别，需人工核对",
        "{doc_en}: issuing authority '{value}' is not recognised; a person must check",
        _authority,
        {"when": "unrecognised"},
    ),
    # checks matching adds later still count
    Rule(
        "consistency_check_failed",
        Severity.FAIL,
        "{doc}材料间核对未通过：{check}（{detail}）",
        "{doc_en}: cross-document check {check} failed ({detail})",
        _unknown_checks,
        {"known": _KNOWN_CHECKS, "verdict": Verdict.MISMATCH},
    ),
    Rule(
        "consistency_check_unclear",
        Severity.DOUBT,
        "{doc}材料间核对无法确定：{check}（{detail}）",
        "{doc_en}: cross-document check {check} is unclear ({detail})",
        _unknown_checks,
        {"known": _KNOWN_CHECKS, "verdict": Verdict.UNCERTAIN},
    ),
)
RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
assert len(RULE_BY_CODE) == len(RULES), "rule codes must be unique"


def rules_digest(rules: Sequence[Rule] = RULES) -> str:
    """A short hash of the whole rule table (every column, parameters included) recorded with each decision."""
    text = "\n".join(r.row() for r in rules)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def evaluate(facts: Facts, rules: Sequence[Rule] = RULES) -> list[Reason]:
    """Every reason every rule finds, in the table's order, each (code, document, field) once."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out: list[Reason] = []
    for rule in rules:
        for reason in rule.reasons(facts):
            key = (reason.code, reason.document, reason.field)
            if key not in seen:
                seen.add(key)
                out.append(reason)
    return out
