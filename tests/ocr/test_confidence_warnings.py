"""A value read below the review threshold is reported with a `low_confidence` warning, a clear one is not."""

from huren.domain import DocType, Page, TextLine
from huren.thresholds import REVIEW_CONFIDENCE
from ocr.documents import BY_TYPE
from ocr.extract import extract_fields


def _line(text: str, y: float, confidence: float) -> TextLine:
    return TextLine(text, (100, y, 100 + 30 * len(text), y + 30), confidence)


def test_low_confidence_value_is_warned_about() -> None:
    page = Page(
        source="t",
        number=1,
        width=1400,
        height=1000,
        lines=[
            _line("计量检定员证", 40, 0.99),
            _line("姓名：王晓明", 150, 0.99),
            _line("证号：沪检员201200345", 200, REVIEW_CONFIDENCE - 0.2),
        ],
    )
    fields, warnings = extract_fields(BY_TYPE[DocType.VERIFIER_CERTIFICATE], page)
    assert fields["cert_number"].confidence < REVIEW_CONFIDENCE <= fields["name"].confidence
    assert "low_confidence: cert_number" in warnings
    assert "low_confidence: name" not in warnings
