"""The application page's view of one document: a page holding several outlines each one's region."""

from __future__ import annotations

from typing import Any

from api.web.views import document_ref, page_view
from huren.domain import Extraction
from recognition.screening import Screening


def _extraction(index: int, region: list[float]) -> Extraction:
    return Extraction.from_json(_extraction_json(index, region))


def _screening(**stored: Any) -> Screening:
    """A stored screening of the review kind, with what the test gives it."""
    decision = {"decision": "review", "decision_record": {"as_of": "2025-06-01"}}
    return Screening.from_json({**decision, **stored})


def _extraction_json(index: int, region: list[float]) -> dict[str, Any]:
    return {
        "source": "copy.jpg",
        "page": 1,
        "index": index,
        "region": region,
        "doc_type": "id_card_back" if index else "id_card_front",
        "doc_type_confidence": 0.99,
        "fields": {"name": {"value": "孙艳", "confidence": 0.99, "bbox": [120, 130, 220, 160]}},
        "quality": {"width": 1240, "height": 1754},
        "warnings": ["documents_on_page: 2"],
    }


def test_each_document_of_a_page_has_its_own_region_reasons_and_evidence() -> None:
    front, back = _extraction(0, [100, 100, 700, 500]), _extraction(1, [100, 900, 700, 1300])
    screening = _screening(
        documents=[front.to_json(), back.to_json()],
        evidence=[
            {"source": "copy.jpg", "page": 1, "index": 1, "doc_type": "id_card_back", "score": 0.5, "record": None}
        ],
        reasons=[
            {
                "code": "some_doubt",
                "severity": "doubt",
                "document": "copy.jpg#1/1",
                "field": None,
                "message_zh": "背面的理由",
                "message_en": "about the back",
            }
        ],
    )
    views = [page_view("app", "doc12345", "copy.jpg", e, screening, "en") for e in (front, back)]
    assert [v["region"] for v in views] == [
        {"x": 100.0, "y": 100.0, "w": 600.0, "h": 400.0},
        {"x": 100.0, "y": 900.0, "w": 600.0, "h": 400.0},
    ]
    assert views[0]["ref"] == "copy.jpg#1" and views[1]["ref"] == "copy.jpg#1/1"
    assert views[0]["box_id"] != views[1]["box_id"]
    assert "about the back" in views[1]["warnings"] and "about the back" not in views[0]["warnings"]
    assert views[0]["score"] == "" and views[1]["score"] == "0.50"


def test_a_page_that_is_one_document_draws_no_region() -> None:
    whole = _extraction(0, [0, 0, 1240, 1754])
    assert (
        page_view("app", "doc12345", "copy.jpg", whole, _screening(documents=[whole.to_json()]), "zh")["region"] is None
    )


def test_a_reference_to_the_second_document_of_a_page_reads_as_such() -> None:
    assert document_ref("copy.jpg#1/1", "zh") == "copy.jpg 第1页第2件"
    assert document_ref("copy.jpg#1/1", "en") == "copy.jpg page 1, document 2"
    assert document_ref("bundle.pdf#2", "zh") == "bundle.pdf 第2页"
