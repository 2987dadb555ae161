"""Plain typed records shared by every layer of Huren.

This module imports nothing of ours: `ocr`, `matching`, `recognition` and `api` all depend on it,
never the other way round.  Records are frozen-ish dataclasses that serialise to the JSON shapes the
CLI and the service print.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from enum import StrEnum
from typing import Any

BBox = tuple[float, float, float, float]
"""Axis-aligned box `(x0, y0, x1, y1)` in the pixel coordinates of the (upright) page image."""

FieldValueType = str | int | bool | list[str] | None


class DocType(StrEnum):
    REGISTRATION_CERTIFICATE = "registration_certificate"
    ASSESSMENT_CERTIFICATE = "assessment_certificate"
    VERIFIER_CERTIFICATE = "verifier_certificate"
    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    APPLICATION_FORM = "application_form"
    UNKNOWN = "unknown"


CERTIFICATE_TYPES = frozenset(
    {DocType.REGISTRATION_CERTIFICATE, DocType.ASSESSMENT_CERTIFICATE, DocType.VERIFIER_CERTIFICATE}
)

CATEGORIES: tuple[str, ...] = (
    "长度",
    "力学",
    "声学",
    "温度",
    "电磁",
    "无线电",
    "时间频率",
    "电离辐射",
    "化学",
    "光学",
    "专用类",
)
"""The eleven practice categories (执业类别) of a registered metrologist, in the form's order."""


@dataclass(slots=True)
class TextLine:
    """One line of text as OCR or a PDF text layer saw it."""

    text: str
    bbox: BBox
    confidence: float = 1.0
    char_x: list[float] | None = None  # centre of each character of `text` (page x), when the reader knows

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass(slots=True)
class Quality:
    """Signals about how readable a page is; reported, never used to hide a page."""

    width: int = 0
    height: int = 0
    dpi_estimate: float | None = None
    blur: float | None = None  # variance of the Laplacian on the working image; low = blurred
    glare: float | None = None  # share of saturated pixels
    rotation: int = 0  # degrees the page was turned clockwise to make it upright
    skew: float = 0.0  # degrees of deskew applied
    perspective_corrected: bool = False
    cut_off: bool = False
    text_layer: bool = False  # PDF page read from its text layer, no OCR
    mean_confidence: float | None = None
    flags: list[str] = field(default_factory=list)  # e.g. "blurred", "low_resolution", "glare", "cut_off"


@dataclass(slots=True)
class Page:
    """A single page ready for extraction: its lines of text and how it was obtained."""

    source: str
    number: int  # 1-based
    width: int
    height: int
    lines: list[TextLine]
    quality: Quality = field(default_factory=Quality)
    marks: dict[str, Any] = field(default_factory=dict)  # non-text evidence, e.g. {"red_regions": [...]}
    image: Any = field(default=None, repr=False)  # the upright working image (BGR array) when OCR'd

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class ExtractedField:
    value: FieldValueType
    confidence: float
    bbox: BBox | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 4),
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
        }


@dataclass(slots=True)
class Extraction:
    """What Huren read from one page: the JSON object `huren extract` prints per page."""

    source: str
    page: int
    doc_type: DocType
    doc_type_confidence: float
    fields: dict[str, ExtractedField] = field(default_factory=dict)
    quality: Quality = field(default_factory=Quality)
    warnings: list[str] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    region: BBox | None = None  # where the document lies on the page (page pixels); a page may hold several
    index: int = 0  # the document's place among those on its page, 0-based

    def value(self, key: str) -> FieldValueType:
        f = self.fields.get(key)
        return f.value if f else None

    def to_json(self, *, with_lines: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "page": self.page,
            "doc_type": str(self.doc_type),
            "doc_type_confidence": round(self.doc_type_confidence, 4),
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "quality": asdict(self.quality),
            "warnings": list(self.warnings),
            "region": [round(v, 1) for v in self.region] if self.region else None,
            "index": self.index,
        }
        if with_lines:
            out["lines"] = [
                {"text": ln.text, "bbox": [round(v, 1) for v in ln.bbox], "confidence": round(ln.confidence, 4)}
                for ln in self.lines
            ]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Extraction:
        quality = Quality(**data.get("quality", {}))
        fields = {
            k: ExtractedField(v["value"], v["confidence"], _bbox(v.get("bbox")))
            for k, v in data.get("fields", {}).items()
        }
        lines = [
            TextLine(ln["text"], _bbox(ln["bbox"]) or (0.0, 0.0, 0.0, 0.0), ln.get("confidence", 1.0))
            for ln in data.get("lines", [])
        ]
        return cls(
            source=data["source"],
            page=data["page"],
            doc_type=DocType(data["doc_type"]),
            doc_type_confidence=data["doc_type_confidence"],
            fields=fields,
            quality=quality,
            warnings=list(data.get("warnings", [])),
            lines=lines,
            region=_bbox(data.get("region")),
            index=int(data.get("index") or 0),
        )


def _bbox(value: Any) -> BBox | None:
    if not value:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


@dataclass(slots=True)
class FileError:
    """A file (or one page of it) that could not be processed, with a stable code."""

    source: str
    code: str
    message: str
    page: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "error": {"code": self.code, "message": self.message}}
        if self.page is not None:
            out["page"] = self.page
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileError:
        error = data.get("error") or {}
        return cls(data["source"], error.get("code", ""), error.get("message", ""), data.get("page"))


# --- registry and matching -------------------------------------------------------------------------


class CertType(StrEnum):
    REGISTRATION = "registration"
    ASSESSMENT = "assessment"
    VERIFIER = "verifier"


DOC_TYPE_TO_CERT_TYPE: dict[DocType, CertType] = {
    DocType.REGISTRATION_CERTIFICATE: CertType.REGISTRATION,
    DocType.ASSESSMENT_CERTIFICATE: CertType.ASSESSMENT,
    DocType.VERIFIER_CERTIFICATE: CertType.VERIFIER,
}


class RecordStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"


@dataclass(slots=True)
class RegistryRecord:
    """One certificate as its issuing authority recorded it."""

    cert_type: CertType
    cert_number: str
    name: str
    id_number: str | None = None
    gender: str | None = None
    level: int | None = None
    categories: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    issuing_authority: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    status: RecordStatus = RecordStatus.VALID
    employer: str | None = None
    source: str | None = None  # where the record came from (file, import batch)
    updated_at: str | None = None  # ISO timestamp of the last change

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("valid_from", "valid_until"):
            if d[k] is not None:
                d[k] = d[k].isoformat()
        d["cert_type"] = str(self.cert_type)
        d["status"] = str(self.status)
        return d

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegistryRecord:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for k in ("valid_from", "valid_until"):
            if values.get(k):
                values[k] = date.fromisoformat(values[k])
        values["cert_type"] = CertType(values["cert_type"])
        values["status"] = RecordStatus(values.get("status") or RecordStatus.VALID)
        values["categories"] = list(values.get("categories") or [])
        values["items"] = list(values.get("items") or [])
        return cls(**values)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclass_fields(RegistryRecord))
"""A registry record's fields in their order: the columns a registry file is imported from and exported to."""

CERTIFICATE_FIELDS: tuple[str, ...] = tuple(
    f for f in RECORD_FIELDS if f not in ("cert_type", "status", "source", "updated_at")
)
"""What a certificate states that its registry record holds too (the employer among them)."""


class Verdict(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    MISSING = "missing"
    UNCERTAIN = "uncertain"


@dataclass(slots=True)
class FieldEvidence:
    field: str
    extracted: FieldValueType
    registry: FieldValueType
    similarity: float
    verdict: Verdict
    found_via_registry: bool = False  # extraction missed it; the registry's value was then found on the page
    bbox: BBox | None = None  # where on the page, when found that way

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "field": self.field,
            "extracted": self.extracted,
            "registry": self.registry,
            "similarity": round(self.similarity, 4),
            "verdict": str(self.verdict),
        }
        if self.found_via_registry:
            out["found_via_registry"] = True
            out["bbox"] = [round(v, 1) for v in self.bbox] if self.bbox else None
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FieldEvidence:
        return cls(
            field=data["field"],
            extracted=data.get("extracted"),
            registry=data.get("registry"),
            similarity=float(data.get("similarity") or 0.0),
            verdict=Verdict(data["verdict"]),
            found_via_registry=bool(data.get("found_via_registry")),
            bbox=_bbox(data.get("bbox")),
        )


@dataclass(slots=True)
class Evidence:
    """How one extracted document compares with the registry record it claims to be."""

    source: str
    page: int
    doc_type: DocType
    record: RegistryRecord | None
    score: float
    fields: list[FieldEvidence] = field(default_factory=list)
    index: int = 0  # which document of its page (`Extraction.index`)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "page": self.page,
            "index": self.index,
            "doc_type": str(self.doc_type),
            "record": self.record.to_json() if self.record else None,
            "score": round(self.score, 4),
            "fields": [f.to_json() for f in self.fields],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        record = data.get("record")
        return cls(
            source=data["source"],
            page=int(data["page"]),
            doc_type=DocType(data["doc_type"]),
            record=RegistryRecord.from_json(record) if record else None,
            score=float(data.get("score") or 0.0),
            fields=[FieldEvidence.from_json(f) for f in data.get("fields", [])],
            index=int(data.get("index") or 0),
        )


@dataclass(slots=True)
class ConsistencyCheck:
    """A cross-document check (ID card vs certificates, ID number vs gender, validity at a date)."""

    check: str
    verdict: Verdict
    detail: str = ""
    documents: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "verdict": str(self.verdict), "detail": self.detail, "documents": self.documents}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsistencyCheck:
        return cls(data["check"], Verdict(data["verdict"]), data.get("detail", ""), list(data.get("documents") or []))


# --- recognition decision --------------------------------------------------------------------------


class Outcome(StrEnum):
    """What the rules decide: 即办件 approval, a refusal with every reason, or a person's review."""

    APPROVE = "approve"
    REJECT = "reject"
    REVIEW = "review"


class Severity(StrEnum):
    """A reason's weight: `fail` refuses the application as submitted, `doubt` sends it to a person."""

    FAIL = "fail"
    DOUBT = "doubt"


@dataclass(slots=True)
class Reason:
    """Why a decision is not a plain approval: one rule's finding about one document and field.

    `severity` is `fail` (the application cannot be recognised as submitted) or `doubt` (a person must
    look); messages name the document and the field and never hold a whole ID number. `message_*` is
    what a reviewer reads (values, registry values, confidences); `applicant_*` what the applicant is
    told: plain words, what to do, never a value of the authority's record.
    """

    code: str
    severity: Severity
    document: str | None  # "source#page", as matching's consistency checks name documents
    field: str | None
    message_zh: str
    message_en: str
    applicant_zh: str = ""
    applicant_en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "document": self.document,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "applicant_zh": self.applicant_zh,
            "applicant_en": self.applicant_en,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            document=data.get("document"),
            field=data.get("field"),
            message_zh=data.get("message_zh", ""),
            message_en=data.get("message_en", ""),
            applicant_zh=data.get("applicant_zh", ""),  # reasons stored before there were two texts
            applicant_en=data.get("applicant_en", ""),
        )


@dataclass(slots=True)
class Decision:
    """The outcome of one application (approve | reject | review) and everything needed to re-run it."""

    outcome: Outcome
    reasons: list[Reason]
    as_of: date
    rules_version: str
    versions: dict[str, str] = field(default_factory=dict)  # OCR engine / model, huren
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # the rest of the decision configuration
    review_fields: list[dict[str, str | None]] = field(default_factory=list)  # [{"document", "field"}]
    decided_at: str | None = None  # ISO timestamp (UTC)

    @property
    def approved(self) -> bool:
        return self.outcome == Outcome.APPROVE

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": str(self.outcome),
            "reasons": [r.to_json() for r in self.reasons],
            "review_fields": [dict(f) for f in self.review_fields],
            "decision_record": {
                "as_of": self.as_of.isoformat(),
                "decided_at": self.decided_at,
                "rules_version": self.rules_version,
                "versions": dict(self.versions),
                "thresholds": dict(self.thresholds),
                "settings": dict(self.settings),
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """The decision as `to_json` wrote it (the keys may sit beside others, as in a stored screening)."""
        record = data.get("decision_record") or {}
        return cls(
            outcome=Outcome(data["decision"]),
            reasons=[Reason.from_json(r) for r in data.get("reasons", [])],
            as_of=date.fromisoformat(record["as_of"]),
            rules_version=record.get("rules_version", ""),
            versions=dict(record.get("versions") or {}),
            thresholds=dict(record.get("thresholds") or {}),
            settings=dict(record.get("settings") or {}),
            review_fields=[dict(f) for f in data.get("review_fields", [])],
            decided_at=record.get("decided_at"),
        )
