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
was right (overall and per field, to see whether one review threshold serves every kind of field).

The goals name subsets of documents (`SUBSETS`): ID cards on grey photocopies under diagonal copy
marks, as the randomiser's truth records them (`degradation` `photocopy`, `overlays` of kind
`watermark` or `repeat`), and documents photographed on a desk (`photo`); each is tallied on its own.

Every truth page also leaves a `PageCheck` — its documents, each field expected against read with the
box it was read from — and `evaluate_files` keeps the pictures of the worst pages, for `ocr.report`
to draw.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from huren.domain import BBox, DocType, Extraction, FileError, TextLine
from huren.thresholds import REVIEW_CONFIDENCE
from ocr.engine import OcrEngine
from ocr.ingest import SUPPORTED_SUFFIXES
from ocr.pipeline import extract_documents, read_pages

CLEAN = {"clean", "pdf_text", "pdf_image"}  # everything else is a degradation
ID_CARDS = {DocType.ID_CARD_FRONT.value, DocType.ID_CARD_BACK.value}
COPY_MARKS = {"watermark", "repeat"}  # overlay kinds (the randomiser's truth) that cross the text diagonally


def _id_photocopy_watermark(truth: dict[str, Any], doc: dict[str, Any]) -> bool:
    """An ID card side on a grey photocopy with diagonal copy marks (复印无效, 仅供…使用) over the page."""
    kinds = {str(o.get("kind")) for o in truth.get("overlays") or []}
    return doc["doc_type"] in ID_CARDS and truth.get("degradation") == "photocopy" and bool(kinds & COPY_MARKS)


def _desk_photo(truth: dict[str, Any], doc: dict[str, Any]) -> bool:
    """Any document photographed with a phone (on a desk: perspective, shadow, background)."""
    return truth.get("degradation") == "photo"


# Subsets of the truth documents the goals are stated for, each measured on its own (`Report.by_subset`).
SUBSETS: dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]] = {
    "id_photocopy_watermark": _id_photocopy_watermark,
    "desk_photo": _desk_photo,
}
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


@dataclass(slots=True)
class FieldCheck:
    """One truth field against the value read for it (`got` None and `present` False when none was)."""

    field: str
    expected: object
    got: object
    present: bool
    ok: bool
    confidence: float | None = None
    bbox: BBox | None = None


@dataclass(slots=True)
class DocumentCheck:
    """One truth document and what was read for it: `got_type` None when no extraction was paired."""

    doc_type: str
    got_type: str | None
    region: BBox | None
    fields: list[FieldCheck]

    @property
    def type_right(self) -> bool:
        return self.got_type == self.doc_type


@dataclass(slots=True)
class Picture:
    """A page image in the coordinates its boxes use (`width` × `height`; the pixels may be smaller),
    with every line of text read on it (a report masks the ID numbers among them)."""

    image: np.ndarray
    width: int
    height: int
    lines: list[TextLine]


@dataclass(slots=True)
class PageCheck:
    """One truth page: its documents checked, and (for the worst pages) its picture."""

    source: str
    page: int
    degradation: str
    family: str
    documents: list[DocumentCheck]
    picture: Picture | None = None  # kept for the worst pages only
    degradation_params: dict[str, Any] = field(default_factory=dict)  # as the truth records them

    @property
    def wrong(self) -> int:
        """Mistakes on the page: documents not found or of the wrong type, fields not right."""
        return sum((not d.type_right) + sum(not f.ok for f in d.fields) for d in self.documents)

    @property
    def checked(self) -> int:
        return sum(1 + len(d.fields) for d in self.documents)


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
    found_by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # documents found
    type_by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # read as their type
    by_degradation: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_subset: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # SUBSETS: fields right
    found_by_subset: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # … documents found
    clean: Tally = field(default_factory=Tally)
    degraded: Tally = field(default_factory=Tally)
    readings: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) per value read
    readings_by_field: dict[str, list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))
    mistakes: list[Mistake] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    pages: int = 0
    checks: list[PageCheck] = field(default_factory=list)  # every truth page, in the order scored

    @property
    def fields(self) -> Tally:
        return Tally(self.clean.right + self.degraded.right, self.clean.total + self.degraded.total)

    def below(self, threshold: float = REVIEW_CONFIDENCE) -> tuple[Tally, Tally]:
        """Values under `threshold` and values at or above it, each with how many were right."""
        low, high = Tally(), Tally()
        for conf, ok in self.readings:
            (low if conf < threshold else high).add(ok)
        return low, high

    def below_by_field(self, threshold: float = REVIEW_CONFIDENCE) -> dict[str, tuple[Tally, Tally]]:
        """`below` for each field's values on their own: whether one threshold serves every kind of field."""
        out: dict[str, tuple[Tally, Tally]] = {}
        for key, readings in self.readings_by_field.items():
            low, high = out.setdefault(key, (Tally(), Tally()))
            for conf, ok in readings:
                (low if conf < threshold else high).add(ok)
        return out

    def worst(self, count: int) -> list[PageCheck]:
        """The `count` pages with the most mistakes (the larger share wrong first among equals)."""
        return sorted((c for c in self.checks if c.wrong), key=_badness, reverse=True)[:count]

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
            "by_subset": {
                k: {"fields": t(v), "documents_found": t(self.found_by_subset[k])}
                for k, v in sorted(self.by_subset.items())
            },
            "reliability": [
                {"band": b.label, "right": b.right, "total": b.total, "accuracy": round(b.accuracy, 4)}
                for b in reliability(self.readings)
            ],
            "review_threshold": {
                "confidence": REVIEW_CONFIDENCE,
                "below": t(low),
                "at_or_above": t(high),
                "by_field": {
                    k: {"below": t(lo), "at_or_above": t(hi)} for k, (lo, hi) in sorted(self.below_by_field().items())
                },
            },
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


def score(report: Report, path: Path, results: Iterable[Extraction | FileError]) -> list[PageCheck]:
    """Add one file's results to `report`; the checks of its truth pages."""
    truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    degradation = str(truth.get("degradation", "clean"))
    got: dict[int, list[Extraction]] = defaultdict(list)
    for r in results:
        if isinstance(r, FileError):
            report.errors.append(r)
        else:
            got[r.page].append(r)
    checks: list[PageCheck] = []
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
        check = PageCheck(str(path), number, degradation, family, [])
        params = truth.get("degradation_params") or {}
        if isinstance(params, list):  # a bundle of pages records one entry per page
            params = params[number - 1] if 0 < number <= len(params) else {}
        check.degradation_params = dict(params)
        for doc, extraction in zip(docs, paired, strict=True):
            doc_type = doc["doc_type"]
            found = extraction is not None and (
                extraction.doc_type is not DocType.UNKNOWN or doc_type == DocType.UNKNOWN.value
            )
            report.documents.add(found)
            subsets = [name for name, holds in SUBSETS.items() if holds(truth, doc)]
            for name in subsets:
                report.found_by_subset[name].add(found)
            report.found_by_type[doc_type].add(found)
            complete &= found
            type_right = extraction is not None and str(extraction.doc_type) == doc_type
            report.doc_type.add(type_right)
            report.type_by_type[doc_type].add(type_right)
            if not type_right:
                got_type = str(extraction.doc_type) if extraction is not None else "<not found>"
                report.mistakes.append(Mistake(str(path), number, "doc_type", doc_type, got_type))
            document = DocumentCheck(
                doc_type,
                str(extraction.doc_type) if extraction is not None else None,
                extraction.region if extraction is not None else None,
                [],
            )
            check.documents.append(document)
            for key, expected in doc.get("fields", {}).items():
                present = extraction is not None and key in extraction.fields
                value = extraction.value(key) if extraction is not None else None
                ok = present and same(expected, value)
                report.by_type[doc_type].add(ok)
                report.by_degradation[degradation].add(ok)
                report.by_family[family].add(ok)
                report.by_field[key].add(ok)
                for name in subsets:
                    report.by_subset[name].add(ok)
                (report.clean if degradation in CLEAN else report.degraded).add(ok)
                read = extraction.fields[key] if present and extraction is not None else None
                if read is not None:
                    report.readings.append((read.confidence, ok))
                    report.readings_by_field[key].append((read.confidence, ok))
                if not ok:
                    report.mistakes.append(Mistake(str(path), number, key, expected, value if present else "<absent>"))
                document.fields.append(
                    FieldCheck(
                        key,
                        expected,
                        value if present else None,
                        present,
                        ok,
                        read.confidence if read is not None else None,
                        read.bbox if read is not None else None,
                    )
                )
        report.pages_complete.add(complete)
        report.checks.append(check)
        checks.append(check)
    return checks


def _badness(check: PageCheck) -> tuple[int, float]:
    return check.wrong, check.wrong / max(1, check.checked)


PICTURE_SIDE = 1600  # a kept page image's longer side at most, in pixels: enough to read a field's box


def _picture(image: np.ndarray, width: int, height: int, lines: list[TextLine]) -> Picture:
    scale = PICTURE_SIDE / max(image.shape[:2])
    if scale < 1:
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return Picture(image, width, height, lines)


Progress = Callable[[int, int, Path], None]
"""Called after each file with (files done, files in all, the file)."""


def evaluate_files(
    files: list[Path], *, engine: OcrEngine | None = None, progress: Progress | None = None, keep_pictures: int = 0
) -> Report:
    """Read and score every file; the pictures of the `keep_pictures` worst pages are kept on their checks.

    Without an `engine` one is loaded at the first page that needs OCR (text-layer PDFs never do).
    """
    report = Report()
    kept: list[PageCheck] = []
    for done, path in enumerate(files, start=1):
        results: list[Extraction | FileError] = []
        pictures: dict[int, Picture] = {}  # the file's pages, made small at once: a bundle may have many
        for item in read_pages(path, engine=engine):
            if isinstance(item, FileError):
                results.append(item)
                continue
            extractions = extract_documents(item, engine=engine)
            results.extend(extractions)
            if keep_pictures and item.image is not None:
                # A region read again from its own crop has lines of its own (in page pixels too).
                lines = [*item.lines, *(ln for e in extractions if e.lines is not item.lines for ln in e.lines)]
                pictures[item.number] = _picture(item.image, item.width, item.height, lines)
        for check in score(report, path, results):
            if not keep_pictures or not check.wrong or check.page not in pictures:
                continue
            if len(kept) == keep_pictures and _badness(check) <= _badness(kept[-1]):
                continue
            check.picture = pictures[check.page]
            kept.append(check)
            kept.sort(key=_badness, reverse=True)
            if len(kept) > keep_pictures:
                kept.pop().picture = None  # no longer among the worst: its pixels go
        if progress is not None:
            progress(done, len(files), path)
    return report
