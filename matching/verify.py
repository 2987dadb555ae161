"""The step `huren verify` runs: evidence for each certificate, consistency across all documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huren.domain import CERTIFICATE_TYPES, ConsistencyCheck, Evidence, Extraction
from matching.consistency import check_consistency
from matching.evidence import build_evidence
from matching.search import RecordSource


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


def verify_documents(extractions: Sequence[Extraction], registry: RecordSource, as_of: date) -> VerifyResult:
    """One evidence per certificate (registration / assessment / verifier); ID cards and forms feed consistency.

    `registry` is a `matching.Registry` (in memory) or a `matching.RegistryStore` (SQL).
    """
    documents = list(extractions)
    evidence = [build_evidence(e, registry) for e in documents if e.doc_type in CERTIFICATE_TYPES]
    return VerifyResult(documents, evidence, check_consistency(documents, evidence, as_of))
