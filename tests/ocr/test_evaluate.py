"""Scoring against truth: one-document truth files as before, several documents per page, reliability."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from huren.domain import DocType, ExtractedField, Extraction, FieldValueType
from huren.thresholds import REVIEW_CONFIDENCE, low_confidence_warnings
from ocr.evaluate import Report, reliability, score
from recognition.rules import DecisionConfig

FRONT = {"name": "张三", "id_number": "310101199001011234"}
BACK = {"issuing_authority": "上海市公安局青浦分局", "valid_from": "2020-01-01"}


def _truth(tmp_path: Path, page: dict, **top: object) -> Path:
    path = tmp_path / "x.jpg"
    path.write_bytes(b"")
    path.with_name("x.jpg.json").write_text(json.dumps({"degradation": "scan", **top, "pages": [page]}), "utf-8")
    return path


def _read(doc_type: DocType, values: Mapping[str, FieldValueType], confidence: float = 0.99) -> Extraction:
    fields = {k: ExtractedField(v, confidence) for k, v in values.items()}
    return Extraction(source="x.jpg", page=1, doc_type=doc_type, doc_type_confidence=0.9, fields=fields)


def test_one_document_truth_scores_as_before(tmp_path: Path) -> None:
    path = _truth(tmp_path, {"page": 1, "doc_type": "id_card_front", "fields": FRONT})
    report = Report()
    score(report, path, [_read(DocType.ID_CARD_FRONT, {**FRONT, "name": "张叁"})])
    assert (report.doc_type.right, report.doc_type.total) == (1, 1)
    assert (report.documents.right, report.documents.total) == (1, 1)
    assert (report.degraded.right, report.degraded.total) == (1, 2)
    assert [m.field for m in report.mistakes] == ["name"]
    assert report.by_family["-"].total == 2


def test_both_sides_on_one_page_read_as_one_finds_half(tmp_path: Path) -> None:
    page = {
        "page": 1,
        "doc_type": "id_card_front",
        "fields": FRONT,
        "documents": [
            {"index": 0, "doc_type": "id_card_front", "fields": FRONT},
            {"index": 1, "doc_type": "id_card_back", "fields": BACK},
        ],
    }
    path = _truth(tmp_path, page, family="id_both_sides")
    one = Report()
    score(one, path, [_read(DocType.ID_CARD_FRONT, FRONT)])
    assert (one.documents.right, one.documents.total) == (1, 2)
    assert (one.pages_complete.right, one.pages_complete.total) == (0, 1)
    assert (one.by_family["id_both_sides"].right, one.by_family["id_both_sides"].total) == (2, 4)
    assert any(m.field == "doc_type" and m.got == "<not found>" for m in one.mistakes)

    both = Report()  # listed back first: pairing goes by type and agreement, not by order
    score(both, path, [_read(DocType.ID_CARD_BACK, BACK), _read(DocType.ID_CARD_FRONT, FRONT)])
    assert (both.documents.right, both.doc_type.right, both.fields.right) == (2, 2, 4)
    assert both.pages_complete.right == 1 and both.extra_documents == 0


def test_an_unknown_reading_does_not_count_as_found(tmp_path: Path) -> None:
    path = _truth(tmp_path, {"page": 1, "doc_type": "id_card_back", "fields": BACK})
    report = Report()
    score(report, path, [_read(DocType.UNKNOWN, {})])
    assert report.documents.right == 0 and report.doc_type.right == 0


def test_reliability_bands_count_values_by_confidence() -> None:
    readings = [(0.55, False), (0.58, True), (0.99, True), (0.999, True), (1.0, True), (0.85, False)]
    bands = {b.label: (b.right, b.total) for b in reliability(readings)}
    assert bands["[0.500, 0.600)"] == (1, 2)
    assert bands["[0.800, 0.900)"] == (0, 1)
    assert bands["[0.995, 1.000]"] == (2, 2)
    assert sum(t for _, t in bands.values()) == len(readings)


def test_one_review_threshold_everywhere() -> None:
    from api.web.views import DEFAULT_MIN_CONFIDENCE
    from digitize.records import MIN_CONFIDENCE

    assert DecisionConfig().min_field_confidence == MIN_CONFIDENCE == DEFAULT_MIN_CONFIDENCE == REVIEW_CONFIDENCE
    fields = {
        "name": ExtractedField("张三", REVIEW_CONFIDENCE - 0.01),
        "gender": ExtractedField("男", REVIEW_CONFIDENCE),
        "address": ExtractedField(None, 0.1),
    }
    assert low_confidence_warnings(fields) == ["low_confidence: name"]


def test_a_bundle_records_its_degradation_per_page(tmp_path: Path) -> None:
    """The golden set's multi-page bundles list one degradation entry per page."""
    path = _truth(
        tmp_path,
        {"page": 1, "doc_type": "id_card_front", "fields": FRONT},
        degradation_params=[{"skew_deg": 1.5}, {}],
    )
    checks = score(Report(), path, [_read(DocType.ID_CARD_FRONT, FRONT)])
    assert [c.degradation_params for c in checks] == [{"skew_deg": 1.5}]


def test_photocopied_id_cards_under_copy_marks_are_tallied_on_their_own(tmp_path: Path) -> None:
    """The goal's subset comes from the truth: an ID card, a grey photocopy, diagonal copy marks over it."""
    report = Report()
    page = {
        "page": 1,
        "doc_type": "id_card_front",
        "fields": FRONT,
        "documents": [
            {"doc_type": "id_card_front", "fields": FRONT},
            {"doc_type": "id_card_back", "fields": BACK},
        ],
    }
    marked = _truth(tmp_path, page, degradation="photocopy", overlays=[{"kind": "repeat", "text": "复印无效"}])
    score(report, marked, [_read(DocType.ID_CARD_FRONT, {**FRONT, "name": "张叁"})])
    subset = report.by_subset["id_photocopy_watermark"]
    assert (subset.right, subset.total) == (1, 4)
    found = report.found_by_subset["id_photocopy_watermark"]
    assert (found.right, found.total) == (1, 2)
    for degradation, overlays in (("photocopy", [{"kind": "stamp", "text": "样本"}]), ("scan", [{"kind": "repeat"}])):
        other = Report()
        score(other, _truth(tmp_path, page, degradation=degradation, overlays=overlays), [])
        assert "id_photocopy_watermark" not in other.by_subset, degradation
    desk = Report()
    score(desk, _truth(tmp_path, {"page": 1, "doc_type": "id_card_back", "fields": BACK}, degradation="photo"), [])
    assert desk.by_subset["desk_photo"].total == 2 and "desk_photo" in desk.to_json()["by_subset"]  # type: ignore[operator]


def test_readings_are_kept_per_field_for_the_threshold(tmp_path: Path) -> None:
    report = Report()
    path = _truth(tmp_path, {"page": 1, "doc_type": "id_card_front", "fields": FRONT})
    score(report, path, [_read(DocType.ID_CARD_FRONT, {**FRONT, "name": "张叁"}, confidence=REVIEW_CONFIDENCE - 0.1)])
    low, high = report.below_by_field()["name"]
    assert (low.right, low.total, high.total) == (0, 1, 0)
    assert report.to_json()["review_threshold"]["by_field"]["id_number"]["below"]["right"] == 1  # type: ignore[index]
