"""Extraction measured against ground truth: documents found, document type and fields, and how far
the confidence Huren gives a value can be trusted.

A sample `X` has its truth in `X.json` beside it: `{"degradation", "family"?, "pages": [{"page",
"doc_type", "fields", "documents"?}]}`. A page with several documents lists them under `documents`
(each `{"doc_type", "fields", …}`); a page without that key holds the one document its `doc_type` and
`fields` describe, so one-document truth files read as before.

On each page the truth documents are paired with the extractions of that page: same document type
first, then the most fields agreeing. A truth document is *found* when an extraction that recognised
a document (not `unknown`) was paired with it; its *type* is right when that extraction has the
truth's type; a field counts as right only when the normalised value is exactly the truth. Every value
read for a paired document also goes into the reliability table: its confidence against whether it
was right.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from huren.domain import DocType, Extraction, FileError
from huren.thresholds import REVIEW_CONFIDENCE
from ocr.ingest import SUPPORTED_SUFFIXES

CLEAN = {"clean", "pdf_text", "pdf_image"}  # everything else is a degradation
# Edges of the reliability table's confidence bands (the last band holds 1.0).
BANDS: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.995)


@dataclass(slots=True)
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass(slots=True)
class Mistake:
    source: str
    page: int
    field: str
    expected: object
    got: object

    def __str__(self) -> str:
        return f"{self.source} p{self.page} {self.field}: expected {self.expected!r}, got {self.got!r}"


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0

    @property
    def label(self) -> str:
        return f"[{self.low:.3f}, {self.high:.3f})" if self.high <= 1.0 else f"[{self.low:.3f}, 1.000]"


def reliability(readings: list[tuple[float, bool]], edges: tuple[float, ...] = BANDS) -> list[Band]:
    """Confidence bands against how often a value in them was right."""
    bounds = [*edges, 1.01]
    bands = []
    for low, high in pairwise(bounds):
        inside = [ok for conf, ok in readings if low <= conf < high]
        bands.append(Band(low, high, sum(inside), len(inside)))
    return bands


@dataclass(slots=True)
class Report:
    doc_type: Tally = field(default_factory=Tally)
    documents: Tally = field(default_factory=Tally)  # truth documents found on their pages
    pages_complete: Tally = field(default_factory=Tally)  # pages where every document was found
    extra_documents: int = 0  # extractions paired with no truth document
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_degradation: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    clean: Tally = field(default_factory=Tally)
    degraded: Tally = field(default_factory=Tally)
    readings: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) per value read
    mistakes: list[Mistake] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    pages: int = 0

    @property
    def fields(self) -> Tally:
        return Tally(self.clean.right + self.degraded.right, self.clean.total + self.degraded.total)

    def below(self, threshold: float = REVIEW_CONFIDENCE) -> tuple[Tally, Tally]:
        """Values under `threshold` and values at or above it, each with how many were right."""
        low, high = Tally(), Tally()
        for conf, ok in self.readings:
            (low if conf < threshold else high).add(ok)
        return low, high

    def to_json(self) -> dict[str, object]:
        def t(x: Tally) -> dict[str, object]:
            return {"accuracy": round(x.accuracy, 4), "right": x.right, "total": x.total}

        low, high = self.below()
        return {
            "pages": self.pages,
            "doc_type": t(self.doc_type),
            "documents_found": t(self.documents),
            "pages_with_every_document": t(self.pages_complete),
            "extra_documents": self.extra_documents,
            "fields": t(self.fields),
            "fields_clean": t(self.clean),
            "fields_degraded": t(self.degraded),
            "by_type": {k: t(v) for k, v in sorted(self.by_type.items())},
            "by_degradation": {k: t(v) for k, v in sorted(self.by_degradation.items())},
            "by_family": {k: t(v) for k, v in sorted(self.by_family.items())},
            "by_field": {k: t(v) for k, v in sorted(self.by_field.items())},
            "reliability": [
                {"band": b.label, "right": b.right, "total": b.total, "accuracy": round(b.accuracy, 4)}
                for b in reliability(self.readings)
            ],
            "review_threshold": {"confidence": REVIEW_CONFIDENCE, "below": t(low), "at_or_above": t(high)},
            "mistakes": [str(m) for m in self.mistakes],
            "errors": [e.to_json() for e in self.errors],
        }


def truth_files(root: Path) -> list[Path]:
    """Sample files under `root` that have a ground truth beside them."""
    return sorted(
        p for p in root.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and p.with_name(p.name + ".json").exists()
    )


def same(expected: object, got: object) -> bool:
    if isinstance(expected, list) and isinstance(got, list):
        return [str(x) for x in expected] == [str(x) for x in got]
    return expected == got


def documents_of(page_truth: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents a truth page holds: its `documents`, or the page itself when it holds one."""
    docs = page_truth.get("documents")
    if docs:
        return list(docs)
    return [{"doc_type": page_truth["doc_type"], "fields": page_truth.get("fields", {})}]


def _agreement(doc: dict[str, Any], extraction: Extraction) -> tuple[bool, int]:
    fields = doc.get("fields", {})
    right = sum(1 for k, v in fields.items() if k in extraction.fields and same(v, extraction.value(k)))
    return str(extraction.doc_type) == doc["doc_type"], right


def pair(docs: list[dict[str, Any]], extractions: list[Extraction]) -> list[Extraction | None]:
    """For each truth document, the extraction read for it (or None): best agreement first, each used once."""
    candidates = sorted(
        ((_agreement(d, e), i, j) for i, d in enumerate(docs) for j, e in enumerate(extractions)),
        key=lambda c: (c[0][0], c[0][1]),
        reverse=True,
    )
    paired: list[Extraction | None] = [None] * len(docs)
    used: set[int] = set()
    for _, i, j in candidates:
        if paired[i] is None and j not in used:
            paired[i] = extractions[j]
            used.add(j)
    return paired


def score(report: Report, path: Path, results: Iterable[Extraction | FileError]) -> None:
    truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    degradation = str(truth.get("degradation", "clean"))
    got: dict[int, list[Extraction]] = defaultdict(list)
    for r in results:
        if isinstance(r, FileError):
            report.errors.append(r)
        else:
            got[r.page].append(r)
    for page_truth in truth["pages"]:
        report.pages += 1
        number = int(page_truth.get("page", 1))
        family = str(truth.get("family") or page_truth.get("layout") or "-")  # the layout, for today's set
        docs = documents_of(page_truth)
        extractions = got.get(number, [])
        paired = pair(docs, extractions)
        report.extra_documents += sum(
            1 for e in extractions if e.doc_type is not DocType.UNKNOWN and all(e is not p for p in paired)
        )
        complete = True
        for doc, extraction in zip(docs, paired, strict=True):
            doc_type = doc["doc_type"]
            found = extraction is not None and (
                extraction.doc_type is not DocType.UNKNOWN or doc_type == DocType.UNKNOWN.value
            )
            report.documents.add(found)
            complete &= found
            type_right = extraction is not None and str(extraction.doc_type) == doc_type
            report.doc_type.add(type_right)
            if not type_right:
                got_type = str(extraction.doc_type) if extraction is not None else "<not found>"
                report.mistakes.append(Mistake(str(path), number, "doc_type", doc_type, got_type))
            for key, expected in doc.get("fields", {}).items():
                present = extraction is not None and key in extraction.fields
                value = extraction.value(key) if extraction is not None else None
                ok = present and same(expected, value)
                report.by_type[doc_type].add(ok)
                report.by_degradation[degradation].add(ok)
                report.by_family[family].add(ok)
                report.by_field[key].add(ok)
                (report.clean if degradation in CLEAN else report.degraded).add(ok)
                if present and extraction is not None:
                    report.readings.append((extraction.fields[key].confidence, ok))
                if not ok:
                    report.mistakes.append(Mistake(str(path), number, key, expected, value if present else "<absent>"))
        report.pages_complete.add(complete)
