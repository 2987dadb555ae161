"""The one screening use case: extract every file, record the engine, verify, decide.

`screen` is what `huren verify`, the service's worker and `bench/bench_decision.py` run; a `Screening`
is its result, stored by the service (`to_json`, the shape the worker has always written) and read
back by the pages and the issuing job (`from_json`, which also reads screenings stored before it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from huren.domain import ConsistencyCheck, Decision, Evidence, Extraction, FileError, Reason
from matching.search import RecordSource
from matching.verify import VerifyResult, verify_documents
from recognition.decide import decide
from recognition.rules import DecisionConfig

if TYPE_CHECKING:
    from ocr.engine import EngineConfig, OcrEngine, Recognized

NO_OCR = "text layer only (no OCR)"
"""The engine recorded when every page was read from a PDF's text layer."""


@dataclass(slots=True)
class Screening:
    """One application's screening: what was read, how it compares with the registry, the decision.

    `sources` maps each document's label (the name its reasons use) to where it came from: the service's
    document id; empty when the labels are the files' paths (the command line)."""

    result: VerifyResult
    decision: Decision
    file_errors: list[FileError] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def documents(self) -> list[Extraction]:
        return self.result.documents

    @property
    def evidence(self) -> list[Evidence]:
        return self.result.evidence

    @property
    def consistency(self) -> list[ConsistencyCheck]:
        return self.result.consistency

    @property
    def reasons(self) -> list[Reason]:
        return self.decision.reasons

    def label_of(self, document_id: str) -> str | None:
        """The label the screening gave a stored document (its upload name, made unique)."""
        return next((label for label, doc_id in self.sources.items() if doc_id == document_id), None)

    def to_json(self) -> dict[str, Any]:
        out = {
            **self.result.to_json(),
            "file_errors": [e.to_json() for e in self.file_errors],
            **self.decision.to_json(),
        }
        if self.sources:  # the command line's labels are the paths themselves: nothing to map
            out["sources"] = dict(self.sources)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Screening:
        data = dict(data)
        return cls(
            result=VerifyResult.from_json(data),
            decision=Decision.from_json(data),
            file_errors=[FileError.from_json(e) for e in data.get("file_errors", [])],
            sources=dict(data.get("sources") or {}),
        )


@dataclass(slots=True)
class Extracted:
    """Every page read from an application's files, the files that could not be, and the engine that read them."""

    extractions: list[Extraction]
    file_errors: list[FileError]
    ocr_engine: str = NO_OCR


class _EngineOnFirstUse:
    """The configured OCR engine, loaded when a page first needs it (a text layer never does).

    What it loaded is the engine that read the pages: its version is recorded from it, not asked again."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.loaded: OcrEngine | None = None

    def _engine(self) -> OcrEngine:
        if self.loaded is None:
            from ocr.engine import get_engine

            self.loaded = get_engine(self.config)
        return self.loaded

    def detect(self, image: np.ndarray, max_side: int | None = None) -> tuple[np.ndarray, list[float]]:
        return self._engine().detect(image, max_side)

    def recognize(self, crops: list[np.ndarray]) -> list[Recognized]:
        return self._engine().recognize(crops)


def extract(
    files: Mapping[str, Path] | Sequence[Path],
    engine_config: EngineConfig,
    *,
    before_each: Callable[[], None] | None = None,
) -> Extracted:
    """Every document of every file; a `Mapping` names each file (its label becomes the pages' `source`).

    `before_each` runs before each file (the worker renews its lease there)."""
    from ocr.pipeline import extract_file

    named = files.items() if isinstance(files, Mapping) else ((str(p), p) for p in files)
    engine = _EngineOnFirstUse(engine_config)
    extractions: list[Extraction] = []
    errors: list[FileError] = []
    for label, path in named:
        if before_each is not None:
            before_each()
        for item in extract_file(path, engine=engine, config=engine_config):  # type: ignore[arg-type]
            item.source = label  # reasons name the document as the applicant named it
            if isinstance(item, FileError):
                errors.append(item)
            else:
                extractions.append(item)
    return Extracted(extractions, errors, engine.loaded.version if engine.loaded is not None else NO_OCR)


def assess(
    extracted: Extracted,
    registry: RecordSource,
    as_of: date,
    *,
    declared: Iterable[Extraction] = (),
    config: DecisionConfig = DecisionConfig(),  # noqa: B008 - frozen, shared default is safe
    sources: Mapping[str, str] | None = None,
) -> Screening:
    """Verify what was read (and what the applicant `declared`, e.g. the typed form) and decide."""
    documents = [*declared, *extracted.extractions]
    result = verify_documents(documents, registry, as_of, review_confidence=config.min_field_confidence)
    versions = {"ocr_engine": extracted.ocr_engine}
    decision = decide(result, as_of=as_of, config=config, versions=versions, file_errors=extracted.file_errors)
    return Screening(result, decision, list(extracted.file_errors), dict(sources or {}))


def screen(
    files: Mapping[str, Path] | Sequence[Path],
    registry: RecordSource,
    as_of: date,
    engine_config: EngineConfig,
    *,
    declared: Iterable[Extraction] = (),
    config: DecisionConfig = DecisionConfig(),  # noqa: B008 - frozen, shared default is safe
    sources: Mapping[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
) -> Screening:
    """Extract every file, record the engine, verify, decide."""
    extracted = extract(files, engine_config, before_each=before_each)
    return assess(extracted, registry, as_of, declared=declared, config=config, sources=sources)


__all__ = ["NO_OCR", "Extracted", "Screening", "assess", "extract", "screen"]
