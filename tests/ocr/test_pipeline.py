"""From a page to its documents: a document that lacks a field is looked for again, and only then."""

from __future__ import annotations

from dataclasses import replace

from huren.domain import DocType, Page, TextLine
from ocr.pipeline import extract_documents, extract_page
from tests.ocr.test_overlays import hidden_line_card

ID_BACK = [
    TextLine("中华人民共和国", (300.0, 60.0, 700.0, 110.0), 0.99),
    TextLine("居民身份证", (280.0, 150.0, 760.0, 250.0), 0.99),
    TextLine("有效期限 2019.06.02-2029.06.02", (120.0, 500.0, 700.0, 540.0), 0.99),
]


def test_a_document_lacking_a_line_a_watermark_hid_gets_it_from_a_second_washed_look() -> None:
    image, engine = hidden_line_card()
    page = Page("card.png", 1, image.shape[1], image.shape[0], list(ID_BACK), image=image)
    assert "missing_field: issuing_authority" in extract_page(page).warnings
    [extraction] = extract_documents(page, engine=engine)  # type: ignore[arg-type]
    assert extraction.doc_type is DocType.ID_CARD_BACK
    assert extraction.value("issuing_authority") == "嘉善县公安局"
    assert not any(w.startswith("missing_field") for w in extraction.warnings)


def test_a_document_read_whole_is_not_looked_at_again() -> None:
    image, engine = hidden_line_card()
    whole = [*ID_BACK, TextLine("签发机关 嘉善县公安局", (110.0, 395.0, 570.0, 445.0), 0.99)]
    page = Page("card.png", 1, image.shape[1], image.shape[0], whole, image=image)
    [extraction] = extract_documents(replace(page), engine=engine)  # type: ignore[arg-type]
    assert extraction.value("issuing_authority") == "嘉善县公安局"
    assert engine.detections == 0
