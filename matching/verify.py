"""The step `huren verify` runs: evidence for each certificate, consistency across all documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huren.domain import CERTIFICATE_TYPES, ConsistencyCheck, DocType, Evidence, Extraction, RegistryRecord
from huren.normalize import id_number_valid
from huren.thresholds import REVIEW_CONFIDENCE
from matching import grounded
from matching.consistency import check_consistency
from matching.evidence import GREY_ZONE_FLOOR, build_grounded_evidence
from matching.search import RecordSource

# What a certificate's record says about its holder that other documents print too.
HOLDER_FIELDS: dict[DocType, tuple[str, ...]] = {
    DocType.ID_CARD_FRONT: ("name", "id_number"),
    DocType.APPLICATION_FORM: ("name", "id_number", "cert_number", "level", "issuing_authority"),
}


@dataclass(slots=True)
class VerifyResult:
    documents: list[Extraction]
    evidence: list[Evidence] = field(default_factory=list)
    consistency: list[ConsistencyCheck] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [d.to_json() for d in self.documents],
            "evidence": [e.to_json() for e in self.evidence],
            "consistency": [c.to_json() for c in self.consistency],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VerifyResult:
        return cls(
            [Extraction.from_json(d) for d in data.get("documents", [])],
            [Evidence.from_json(e) for e in data.get("evidence", [])],
            [ConsistencyCheck.from_json(c) for c in data.get("consistency", [])],
        )


def verify_documents(
    extractions: Sequence[Extraction],
    registry: RecordSource,
    as_of: date,
    *,
    review_confidence: float = REVIEW_CONFIDENCE,
) -> VerifyResult:
    """One evidence per certificate (registration / assessment / verifier); ID cards and forms feed consistency.

    `registry` is a `matching.Registry` (in memory) or a `matching.RegistryStore` (SQL). A value read
    below `review_confidence` that its record and another document bear out exactly is marked
    confirmed (`grounded.confirmed`).
    """
    documents = list(extractions)
    # The holder's ID number as the application's other documents read it: a certificate whose own
    # identifiers were missed is looked up by it (and counts only if the page then bears it out).
    id_numbers = list(dict.fromkeys(str(v) for d in documents if id_number_valid(str(v := d.value("id_number") or ""))))
    evidence = []
    own: dict[int, RegistryRecord] = {}
    for i, extraction in enumerate(documents):
        if extraction.doc_type in CERTIFICATE_TYPES:
            documents[i], found = build_grounded_evidence(extraction, registry, id_numbers)
            evidence.append(found)
            if found.record is not None and found.score >= GREY_ZONE_FLOOR:
                own[i] = found.record
    # The holder's record, once a certificate links to it, grounds the ID card's and the form's misses too.
    records = [e.record for e in evidence if e.record is not None and e.score >= GREY_ZONE_FLOOR]
    if records:
        documents = [d if d.doc_type in CERTIFICATE_TYPES else ground_other(d, records[0]) for d in documents]
        claims = [_claim(d, own.get(i), records[0]) for i, d in enumerate(documents)]
        documents = grounded.confirmed(documents, claims, review_confidence)
    return VerifyResult(documents, evidence, check_consistency(documents, evidence, as_of))


def ground_other(extraction: Extraction, record: RegistryRecord) -> Extraction:
    """An ID card's or form's holder fields that extraction missed, looked for on its page."""
    fields = tuple(f for f in grounded.missed(extraction, record) if f in HOLDER_FIELDS.get(extraction.doc_type, ()))
    found = grounded.find_on_page(extraction, record, fields)
    return grounded.with_found(extraction, found) if found else extraction


def _claim(extraction: Extraction, own: RegistryRecord | None, holder: RegistryRecord) -> grounded.Claim | None:
    """The record a document's values are checked against, and which of its fields are that record's: a
    certificate its own record's (every field), an ID card or form the holder's (`HOLDER_FIELDS`)."""
    if extraction.doc_type in CERTIFICATE_TYPES:
        return (own, grounded.CONFIRMABLE) if own is not None else None
    keys = HOLDER_FIELDS.get(extraction.doc_type, ())
    return (holder, keys) if keys else None
