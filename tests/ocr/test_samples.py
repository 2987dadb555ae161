"""The committed samples, end to end through OCR: accuracy floors and golden extraction output.

The engine comes from the `HUREN_OCR_*` settings: `make test` runs this file once on `auto` (OpenVINO
on x86-64) and once more with `HUREN_OCR_RUNTIME=onnxruntime`, so both runtimes meet the same goldens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.settings import Settings
from huren.domain import Extraction, FileError
from ocr.engine import get_engine
from ocr.evaluate import Report, score, truth_files
from ocr.pipeline import extract_file
from tests.conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden"
FILES = truth_files(SAMPLES)


@pytest.fixture(scope="module")
def results() -> dict[Path, list[Extraction | FileError]]:
    engine = get_engine(Settings().engine_config())
    return {path: list(extract_file(path, engine=engine)) for path in FILES}


@pytest.fixture(scope="module")
def report(results: dict[Path, list[Extraction | FileError]]) -> Report:
    r = Report()
    for path, items in results.items():
        score(r, path, items)
    return r


def test_there_are_samples_of_every_type() -> None:
    types = set()
    for path in FILES:
        truth = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        types |= {p["doc_type"] for p in truth["pages"]}
    assert {
        "registration_certificate",
        "assessment_certificate",
        "verifier_certificate",
        "id_card_front",
        "id_card_back",
        "application_form",
    } <= types


def test_no_sample_fails_to_read(report: Report) -> None:
    assert not report.errors, [e.to_json() for e in report.errors]


def test_document_type_accuracy(report: Report) -> None:
    wrong = [str(m) for m in report.mistakes if m.field == "doc_type"]
    assert report.doc_type.accuracy >= 0.99, wrong


def test_field_accuracy_clean(report: Report) -> None:
    assert report.clean.accuracy >= 0.99, (report.clean, [str(m) for m in report.mistakes])


def test_field_accuracy_degraded(report: Report) -> None:
    assert report.degraded.accuracy >= 0.95, (report.degraded, [str(m) for m in report.mistakes])


def _summary(items: list[Extraction | FileError]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for item in items:
        if isinstance(item, FileError):
            out.append({"error": item.code})
        else:
            out.append(
                {
                    "page": item.page,
                    "doc_type": str(item.doc_type),
                    "fields": {k: f.value for k, f in sorted(item.fields.items())},
                }
            )
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_golden_extraction(path: Path, results: dict[Path, list[Extraction | FileError]], update_golden: bool) -> None:
    """Extraction output is pinned per sample: a change shows up as a diff to review, field by field."""
    golden = GOLDEN / f"{path.name}.json"
    got = _summary(results[path])
    if update_golden or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not update_golden:
            pytest.fail(f"golden file {golden.name} was missing and has been written: review and commit it")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for exp_page, got_page in zip(expected, got, strict=True):
        for key in sorted(set(exp_page.get("fields", {})) | set(got_page.get("fields", {}))):  # type: ignore[arg-type]
            assert got_page.get("fields", {}).get(key) == exp_page.get("fields", {}).get(key), (  # type: ignore[union-attr]
                f"{path.name} page {exp_page.get('page')} field {key}"
            )
        assert got_page.get("doc_type") == exp_page.get("doc_type")
