"""The screening use case: one typed record, stored and read back whole (and as older versions stored it)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from huren.domain import DocType, Outcome, Severity
from matching.registry import Registry
from ocr.engine import EngineConfig
from recognition.screening import NO_OCR, Screening, screen

from ..conftest import SAMPLES

AS_OF = date(2025, 6, 1)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_csv(SAMPLES / "registry.csv")


@pytest.fixture(scope="module")
def approved(registry: Registry) -> Screening:
    """P003's bundle (registration certificate + ID card, text layer): approved as it is."""
    return screen(
        {"bundle.pdf": SAMPLES / "bundle_001.pdf"}, registry, AS_OF, EngineConfig(), sources={"bundle.pdf": "d1"}
    )


@pytest.fixture(scope="module")
def refused(registry: Registry) -> Screening:
    """Someone's ID card front alone, plus a file that is not there: refused, with a file error."""
    files = [SAMPLES / "idf_004.pdf", SAMPLES / "no_such_file.pdf"]
    return screen(files, registry, AS_OF, EngineConfig())


def test_a_text_layer_application_is_screened_without_loading_the_engine(approved: Screening) -> None:
    assert approved.decision.outcome is Outcome.APPROVE, [r.code for r in approved.reasons]
    assert approved.decision.versions["ocr_engine"] == NO_OCR
    assert {d.source for d in approved.documents} == {"bundle.pdf"}  # the label, not the path
    assert any(e.record is not None and e.doc_type is DocType.REGISTRATION_CERTIFICATE for e in approved.evidence)
    assert approved.label_of("d1") == "bundle.pdf" and approved.label_of("d2") is None


def test_a_refusal_carries_its_reasons_and_file_errors(refused: Screening) -> None:
    assert refused.decision.outcome is Outcome.REJECT
    assert any(r.severity is Severity.FAIL and r.code == "certificate_missing" for r in refused.reasons)
    assert [e.code for e in refused.file_errors] == ["file_not_found"]
    assert "sources" not in refused.to_json()  # the command line's labels are the paths: nothing to map


@pytest.mark.parametrize("which", ["approved", "refused"])
def test_a_stored_screening_reads_back_whole(which: str, request: pytest.FixtureRequest) -> None:
    screening: Screening = request.getfixturevalue(which)
    stored = json.loads(json.dumps(screening.to_json(), ensure_ascii=False))  # as the database hands it back
    loaded = Screening.from_json(stored)
    assert loaded.to_json() == stored
    assert loaded.decision == screening.decision
    assert loaded.file_errors == screening.file_errors
    assert loaded.evidence == screening.evidence
    assert loaded.consistency == screening.consistency
    assert [d.to_json() for d in loaded.documents] == [d.to_json() for d in screening.documents]


@pytest.mark.parametrize("which", ["approved", "refused"])
def test_a_screening_stored_before_the_newer_keys_still_loads(which: str, request: pytest.FixtureRequest) -> None:
    """Reasons without the applicant's texts, evidence and pages without `index`, no file errors key."""
    screening: Screening = request.getfixturevalue(which)
    old: dict[str, Any] = json.loads(json.dumps(screening.to_json()))
    del old["file_errors"]
    for reason in old["reasons"]:
        reason.pop("applicant_zh"), reason.pop("applicant_en")
    for item in old["documents"] + old["evidence"]:
        item.pop("index")
    loaded = Screening.from_json(old)
    assert loaded.decision.outcome is screening.decision.outcome and loaded.file_errors == []
    assert [r.code for r in loaded.reasons] == [r.code for r in screening.reasons]
    assert {r.applicant_zh for r in loaded.reasons} <= {""}  # the service then says only the reason's kind
    assert [d.index for d in loaded.documents] == [d.index for d in screening.documents]
    assert loaded.sources == screening.sources


def test_a_scan_records_the_engine_that_read_it(registry: Registry) -> None:
    """The version (backend, runtime and models) comes from the engine loaded for the page, not a second lookup."""
    from ocr.engine import RUNTIMES, get_engine

    screening = screen([SAMPLES / "idb_001.webp"], registry, AS_OF, EngineConfig())
    recorded = screening.decision.versions["ocr_engine"]
    assert recorded == get_engine(EngineConfig()).version
    assert any(f"/ {runtime} " in recorded for runtime in RUNTIMES if runtime != "auto"), recorded
    assert [d.doc_type for d in screening.documents] == [DocType.ID_CARD_BACK]
