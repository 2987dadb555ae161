"""From a page to its documents: a document that lacks a field is looked for again, and only then."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from huren.domain import DocType, Extraction, Page, TextLine
from ocr import reader
from ocr.pipeline import _where_lost, extract_documents, extract_page
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


class _StampedLineReader:
    """An engine whose detector merges a line with a coloured stamp over it (and drops both) while any
    of the stamp's strokes are left in the image, in colour or turned grey (as `overlays.wash` leaves
    coloured strokes); washed of them, the line is the box round the black print."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.detections = 0

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.detections += 1
        none = (np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0))
        grey = image if image.ndim == 2 else image.mean(axis=2)
        if np.count_nonzero((grey > 40) & (grey < 200)) > 200:  # the stamp's strokes, coloured or grey, are left
            return none
        ys, xs = np.nonzero(grey <= 40)
        if not len(xs):
            return none
        x0, y0, x1, y1 = float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
        return np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], dtype=np.float32), np.ones(1)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        return [(self.text, 0.95, []) for _ in crops]


def _blue_stamped_card() -> np.ndarray:
    """A card with one line of black print (the authority) and a blue framed stamp laid over its end."""
    image = np.full((600, 1000, 3), 245, dtype=np.uint8)
    image[405:435, 120:560] = 10  # the line's print
    blue = (170, 60, 40)  # BGR
    cv2.rectangle(image, (420, 350), (760, 480), blue, 8)
    cv2.putText(image, "VOID", (470, 440), cv2.FONT_HERSHEY_SIMPLEX, 2.4, blue, 7)
    return image


def test_a_line_under_a_coloured_stamp_is_read_again_from_its_band_washed_of_the_stamp() -> None:
    image, engine = _blue_stamped_card(), _StampedLineReader("签发机关 嘉善县公安局")
    page = Page("card.png", 1, image.shape[1], image.shape[0], list(ID_BACK), image=image)
    assert "missing_field: issuing_authority" in extract_page(page).warnings
    [extraction] = extract_documents(page, engine=engine)  # type: ignore[arg-type]
    assert extraction.value("issuing_authority") == "嘉善县公安局"
    assert not any(w.startswith("missing_field") for w in extraction.warnings)
    # The line comes back in the page's pixels, not the band's.
    [line] = [ln for ln in extraction.lines if ln.text.startswith("签发机关")]
    assert 400 <= line.bbox[1] <= 410 and 430 <= line.bbox[3] <= 440 and line.bbox[0] == 120


def test_a_page_without_a_coloured_stamp_is_not_read_again_for_one() -> None:
    image = _blue_stamped_card()
    image[340:490, 410:770] = 245  # the stamp taken off: the line's print is all that is left
    engine = _StampedLineReader("签发机关 嘉善县公安局")
    assert reader.read_stamped(engine, image, list(ID_BACK), []) is None  # type: ignore[arg-type]
    assert engine.detections == 0


def test_a_stamped_document_read_whole_pays_for_no_second_detection() -> None:
    image, engine = _blue_stamped_card(), _StampedLineReader("签发机关 嘉善县公安局")
    whole = [*ID_BACK, TextLine("签发机关 嘉善县公安局", (110.0, 400.0, 570.0, 440.0), 0.99)]
    page = Page("card.png", 1, image.shape[1], image.shape[0], whole, image=image)
    [extraction] = extract_documents(page, engine=engine)  # type: ignore[arg-type]
    assert extraction.value("issuing_authority") == "嘉善县公安局"
    assert engine.detections == 0


def test_a_value_a_coloured_stamp_got_into_fails_its_rule_and_its_band_is_read_again_washed() -> None:
    """The stamp's words read into the authority (与原件东分致): no field is missing, but the value is
    no authority's shape, and the stamped band is read again from the image washed of the stamp."""
    image, engine = _blue_stamped_card(), _StampedLineReader("签发机关 嘉善县公安局")
    stamped = [*ID_BACK, TextLine("签发机关 与原件东分致", (110.0, 400.0, 570.0, 440.0), 0.9)]
    page = Page("card.png", 1, image.shape[1], image.shape[0], stamped, image=image)
    assert "authority_unrecognised: issuing_authority" in extract_page(page).warnings
    [extraction] = extract_documents(page, engine=engine)  # type: ignore[arg-type]
    assert extraction.value("issuing_authority") == "嘉善县公安局"
    assert not any(w.startswith("authority_unrecognised") for w in extraction.warnings)


def _id_back(lines: list[TextLine]) -> tuple[Page, Extraction]:
    page = Page("card.png", 1, 1000, 600, lines, image=np.full((600, 1000, 3), 240, dtype=np.uint8))
    return page, extract_page(page)


def test_a_missing_value_whose_label_was_read_is_searched_for_in_its_labels_band_only() -> None:
    page, extraction = _id_back([*ID_BACK, TextLine("签发机关", (120.0, 400.0, 280.0, 440.0), 0.99)])
    assert "missing_field: issuing_authority" in extraction.warnings
    # The label's row, a label height above and 2.5 below, the page's full width: not the title's rows.
    assert _where_lost(page, extraction) == [(0.0, 360.0, 1000.0, 540.0)]


def test_a_missing_value_whose_label_was_lost_too_is_searched_for_on_the_whole_page() -> None:
    page, extraction = _id_back(list(ID_BACK))
    assert "missing_field: issuing_authority" in extraction.warnings
    assert _where_lost(page, extraction) is None
    unknown = replace(extraction, doc_type=DocType.UNKNOWN)
    assert _where_lost(page, unknown) is None
