"""Extraction measured against ground truth: field accuracy per document type and per degradation.

A sample `X` has its truth in `X.json` beside it: `{"degradation", "pages": [{"page", "doc_type",
"fields"}]}`.  A field counts as right only when the normalised value is exactly the truth.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from huren.domain import Extraction, FileError
from ocr.ingest import SUPPORTED_SUFFIXES

CLEAN = {"clean", "pdf_text", "pdf_image"}  # everything else is a degradation


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


@dataclass(slots=True)
class Report:
    doc_type: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_degradation: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    clean: Tally = field(default_factory=Tally)
    degraded: Tally = field(default_factory=Tally)
    mistakes: list[Mistake] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    pages: int = 0

    def to_json(self) -> dict[str, object]:
        def t(x: Tally) -> dict[str, object]:
            return {"accuracy": round(x.accuracy, 4), "right": x.right, "total": x.total}

        return {
            "pages": self.pages,
            "doc_type": t(self.doc_type),
            "fields_clean": t(self.clean),
            "fields_degraded": t(self.degraded),
            "by_type": {k: t(v) for k, v in sorted(self.by_type.items())},
            "by_degradation": {k: t(v) for k, v in sorted(self.by_degradation.items())},
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


def score(report: Report, path: Path, results: Iterable[Extraction | FileError]) -> None:
    truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    degradation = str(truth.get("degradation", "clean"))
    got = {}
    for r in results:
        if isinstance(r, FileError):
            report.errors.append(r)
        else:
            got[r.page] = r
    for page_truth in truth["pages"]:
        report.pages += 1
        number = int(page_truth.get("page", 1))
        extraction = got.get(number)
        doc_type = page_truth["doc_type"]
        report.doc_type.add(extraction is not None and str(extraction.doc_type) == doc_type)
        if extraction is not None and str(extraction.doc_type) != doc_type:
            report.mistakes.append(Mistake(str(path), number, "doc_type", doc_type, str(extraction.doc_type)))
        for key, expected in page_truth.get("fields", {}).items():
            value = extraction.value(key) if extraction is not None else None
            present = extraction is not None and key in extraction.fields
            ok = present and same(expected, value)
            report.by_type[doc_type].add(ok)
            report.by_degradation[degradation].add(ok)
            (report.clean if degradation in CLEAN else report.degraded).add(ok)
            if not ok:
                report.mistakes.append(Mistake(str(path), number, key, expected, value if present else "<absent>"))
