"""File in, one `Extraction` per document out: ingest → (text layer | OCR) → regions → classify → extract.

A page holding several documents (both sides of an ID card, a certificate and a card on one A4) is
split by `ocr.regions`; each region is read again from its own crop, in its own orientation, and its
boxes are brought back into the page's pixels.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from huren.domain import BBox, DocType, Extraction, FileError, Page, Quality, TextLine
from huren.normalize import squash
from ocr import overlays, preprocess, reader
from ocr.boxes import merged_spans
from ocr.classify import classify_with_content
from ocr.documents import BY_TYPE
from ocr.engine import EngineConfig, OcrEngine, get_engine
from ocr.errors import HurenOcrError
from ocr.extract import extract_fields
from ocr.ingest import RawPage, iter_pages
from ocr.regions import Region, find_regions, straightened, whole_page
from ocr.validators import RULES

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 50  # an application's upload; batch digitisation sets its own limit


def page_from_raw(raw: RawPage, source: str, engine: OcrEngine | None) -> Page:
    """OCR a rasterised page, or take a PDF page's text layer as it is."""
    if raw.has_text_layer:
        page = reader.text_layer_page(raw.lines, source=source, number=raw.number, width=raw.width, height=raw.height)
        if raw.image is not None:
            from ocr.preprocess import red_regions

            page.image = raw.image
            page.marks["red_regions"] = red_regions(raw.image)
        return page
    assert raw.image is not None
    if engine is None:
        raise HurenOcrError("an OCR engine is needed for an image page", code="engine_missing")
    quality = Quality(rotation=raw.exif_rotation)
    return reader.read_image(engine, raw.image, source=source, number=raw.number, quality=quality)


def extract_page(page: Page, *, seen: str = "") -> Extraction:
    """The page as one document; `seen` is more text of it (a region's lines as the whole page read them)."""
    doc_type, confidence, type_warnings = classify_with_content(f"{page.text}\n{seen}" if seen else page.text)
    fields, warnings = ({}, []) if doc_type is DocType.UNKNOWN else extract_fields(BY_TYPE[doc_type], page)
    warnings = type_warnings + warnings
    if page.quality.flags:
        warnings = [f"quality: {flag}" for flag in page.quality.flags] + warnings
    return Extraction(
        source=page.source,
        page=page.number,
        doc_type=doc_type,
        doc_type_confidence=confidence,
        fields=fields,
        quality=page.quality,
        warnings=warnings,
        lines=page.lines,
        region=whole_page(page),
    )


def extract_documents(
    page: Page, *, engine: OcrEngine | None = None, config: EngineConfig | None = None
) -> list[Extraction]:
    """Every document on the page, each extracted on its own; one `Extraction` when the page holds one."""
    regions = find_regions(page)
    if len(regions) < 2:
        return [_look_again(page, extract_page(page), engine=engine, config=config)]
    # Lines no document took (a fragment far from every one) and regions that read as no document are
    # told, never dropped in silence: what they held may be a document's missing part.
    left_out = len(page.lines) - len({id(ln) for r in regions for ln in r.lines})
    out = []
    for index, region in enumerate(regions):
        try:
            others = [r.bbox for r in regions if r is not region]
            extraction = _extract_region(page, region, others, engine=engine, config=config)
        except HurenOcrError as exc:  # one region that cannot be read again leaves the others on the page
            extraction = Extraction(page.source, page.number, DocType.UNKNOWN, 0.0, quality=page.quality)
            extraction.warnings.append(f"region_unreadable: {exc.code}")
            extraction.region = region.bbox
        extraction.index = index
        if extraction.doc_type is DocType.UNKNOWN:
            extraction.warnings.append(f"region_unrecognised: {len(region.lines)} lines")
        if region.by_card_edges:
            extraction.warnings.append(f"document_by_card_edges: {region.doc_type.value}")
        if left_out:
            extraction.warnings.append(f"lines_outside_documents: {left_out}")
        extraction.warnings.append(f"documents_on_page: {len(regions)}")
        out.append(extraction)
    return out


def _extract_region(
    page: Page, region: Region, others: list[BBox], *, engine: OcrEngine | None, config: EngineConfig | None
) -> Extraction:
    """One region read again from its own crop (its own orientation and skew), boxes back in page pixels.

    The other documents are blanked out of the image first: a card laid on a certificate page lies
    inside the certificate's box, and its name is not the certificate's.
    """
    if page.image is None or page.quality.text_layer:
        # A text layer is upright and exact already: the region's own lines are all there is to read.
        return _as_page_read(page, region)
    image = _without(page.image, others, region.bbox)
    if straightened(region):  # a card lying askew: its outline turned straight
        assert region.corners is not None
        to_crop, size = preprocess.document_transform(region.corners.astype(np.float32))
        crop = cv2.warpPerspective(image, to_crop, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    else:
        x0, y0, x1, y1 = (round(v) for v in region.bbox)
        to_crop, crop = np.array([[1.0, 0, -x0], [0, 1.0, -y0], [0, 0, 1.0]]), image[y0:y1, x0:x1]
    sub = reader.read_image(
        engine or get_engine(config or EngineConfig()), crop, source=page.source, number=page.number
    )
    # A copy mark seen anywhere on the page was laid over all of it: its strays count in this region too.
    sub.marks["overlaid"] = "".join(str(o[0]) for o in page.marks.get("overlays", ()))
    # Typed from both reads: the crop's edge may cut a title the page read (white on a card's colour bar).
    extraction = _look_again(sub, extract_page(sub, seen=region.text), seen=region.text, engine=engine, config=config)
    back = np.linalg.inv(sub.marks["to_work"] @ to_crop)
    for f in extraction.fields.values():
        if f.bbox:
            f.bbox = _to_page(f.bbox, back)
    extraction.lines = [TextLine(ln.text, _to_page(ln.bbox, back), ln.confidence) for ln in extraction.lines]
    extraction.quality = page.quality  # the page's: what rebuilds the page image the boxes are drawn on
    extraction.region = region.bbox
    if not straightened(region) and not region.turned:
        # Upright on the page, the page's own read of it is a second reading: on a blurred copy the
        # crop, read at another scale, may lose labels the page read kept. The one that reads more stands.
        as_read = _as_page_read(page, region)
        if as_read.doc_type is extraction.doc_type and _reads_more(as_read, extraction):
            return as_read
    return extraction


def _lacks_a_line(extraction: Extraction) -> bool:
    """A document with a field missing, or read as no document at all, may have lost a line."""
    return extraction.doc_type is DocType.UNKNOWN or any(w.startswith("missing_field: ") for w in extraction.warnings)


FAILED_RULES = frozenset(rule.warning for rule in RULES.values())  # a value that fails its field's rule


def _fails_a_rule(extraction: Extraction) -> bool:
    """A document with a value left failing its field's rule (an authority no authority's shape)."""
    return any(w.split(":", 1)[0] in FAILED_RULES for w in extraction.warnings)


def _look_again(
    page: Page,
    extraction: Extraction,
    *,
    seen: str = "",
    engine: OcrEngine | None,
    config: EngineConfig | None,
) -> Extraction:
    """The page's document, read again with the lines a second, washed search of its image finds,
    and then, if it still lacks one, with the lines a coloured stamp lies over read washed of it.

    A line a watermark crossed can be lost to the detector altogether, with nothing on the page to
    say an overlay was there (`overlays.look_again`).  Only a document that lacks a field is looked
    at again, and the second reading stands only when it reads more: a page read whole costs nothing.
    """
    if page.image is None or page.quality.text_layer or not (_lacks_a_line(extraction) or _fails_a_rule(extraction)):
        return extraction
    engine = engine or get_engine(config or EngineConfig())
    best, lines = extraction, page.lines
    found = (
        overlays.look_again(engine, page.image, page.lines, _where_lost(page, extraction))
        if _lacks_a_line(extraction)
        else []
    )
    if found:
        again = extract_page(replace(page, lines=[*page.lines, *found]), seen=seen)
        if _reads_more(again, best):
            best, lines = again, [*page.lines, *found]
    if _lacks_a_line(best) or _fails_a_rule(best):
        # A coloured stamp (复印无效 in blue, a red seal's frame) over a line: its band read washed of it.
        # A value the stamp's words got into (与原件东分致 for an authority) fails its rule: looked at too.
        washed = reader.read_stamped(engine, page.image, lines, page.marks.get("red_regions", []))
        if washed is not None:
            again = extract_page(replace(page, lines=washed), seen=seen)
            if _reads_more(again, best):
                best = again
    return best


LOST_ABOVE, LOST_BELOW = 1.0, 2.5  # a missing value is searched this many label heights above / below its label
LOST_SHARE = 0.5  # bands covering more of the page than this: the whole page is searched


def _where_lost(page: Page, extraction: Extraction) -> list[BBox] | None:
    """Where the lines of the document's missing fields can be: the rows of their labels as the page
    read them (a value lies beside its label or in the lines under it), the page's full width.

    None (the whole page) when the document is unknown, or a missing field's label was not read either:
    then the line lost may be anywhere.  A form's field left blank (no former employer) thus costs a
    search of its label's band, not of the whole page."""
    if extraction.doc_type is DocType.UNKNOWN:
        return None
    missing = {w.split(": ", 1)[1] for w in extraction.warnings if w.startswith("missing_field: ")}
    specs = [fs for fs in BY_TYPE[extraction.doc_type].fields if missing & set(fs.keys)]
    if not specs or len(missing - {k for fs in specs for k in fs.keys}):
        return None
    bands: list[tuple[float, float]] = []
    for fs in specs:
        labels = [squash(label) for label in fs.labels]
        rows = [ln for ln in page.lines if any(label and label in squash(ln.text) for label in labels)]
        if not rows:
            return None
        bands += [(ln.bbox[1] - LOST_ABOVE * ln.height, ln.bbox[3] + LOST_BELOW * ln.height) for ln in rows]
    merged = merged_spans(bands)
    height = float(page.image.shape[0]) if page.image is not None else float(page.height)
    width = float(page.image.shape[1]) if page.image is not None else float(page.width)
    clipped = [(max(0.0, top), min(height, bottom)) for top, bottom in merged]
    if sum(bottom - top for top, bottom in clipped) > LOST_SHARE * height:
        return None
    return [(0.0, top, width, bottom) for top, bottom in clipped]


def _as_page_read(page: Page, region: Region) -> Extraction:
    """The region extracted from its lines as the whole page read them."""
    sub = Page(page.source, page.number, page.width, page.height, region.lines, page.quality, page.marks)
    if not page.quality.text_layer:
        sub.image = page.image  # marks (ticks, seals) are read from the pixels around their labels
    extraction = extract_page(sub)
    extraction.region = region.bbox
    return extraction


CUT_WEIGHT = 0.5  # a cut value's warning against a value that fails its rule


def _reads_more(a: Extraction, b: Extraction) -> bool:
    """Whether `a` has more values, net of their warnings (missing, invalid, unsure), than `b`; the
    image's own flags (a crop's text touches its edge) say nothing about the values.  A value cut back
    to what validates (`value_cut`) weighs half a warning: it is worth more than one left failing its rule."""

    def net(e: Extraction) -> float:
        return len(e.fields) - sum(
            CUT_WEIGHT if w.startswith("value_cut: ") else 1.0 for w in e.warnings if not w.startswith("quality: ")
        )

    return net(a) > net(b)


def _without(image: np.ndarray, others: list[BBox], box: BBox) -> np.ndarray:
    """The page with the other documents that reach into `box` painted over in its paper's colour."""
    # One that covers the whole of `box` would erase the document itself: it is not painted.
    inside = [o for o in others if _overlap(o, box) and not _overlap(o, box, whole=True)]
    if not inside:
        return image
    x0, y0, x1, y1 = (round(v) for v in box)
    paper = np.median(image[y0:y1, x0:x1].reshape(-1, image.shape[2]), axis=0)
    out = image.copy()
    for ox0, oy0, ox1, oy1 in inside:
        out[round(oy0) : round(oy1), round(ox0) : round(ox1)] = paper
    return out


def _overlap(a: BBox, b: BBox, *, whole: bool = False) -> bool:
    """Whether `a` reaches into `b` (with `whole`: covers all of it)."""
    if whole:
        return a[0] <= b[0] and a[1] <= b[1] and b[2] <= a[2] and b[3] <= a[3]
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _to_page(box: BBox, back: np.ndarray) -> BBox:
    """A box in a region's upright image, as the axis-aligned box of its corners on the page."""
    corners = np.array([[box[0], box[1], 1], [box[2], box[1], 1], [box[2], box[3], 1], [box[0], box[3], 1]])
    pts = corners @ back.T
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def read_pages(
    path: str | Path,
    *,
    engine: OcrEngine | None = None,
    config: EngineConfig | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> Iterator[Page | FileError]:
    """Every page of one file as text with positions; a file that cannot be read yields one `FileError`.

    The engine is loaded lazily: a PDF with a text layer never loads the OCR model.
    """
    source = str(path)
    try:
        for raw in iter_pages(path, max_pages=max_pages):
            if not raw.has_text_layer and engine is None:
                engine = get_engine(config or EngineConfig())
            try:
                yield page_from_raw(raw, source, engine)
            except HurenOcrError as exc:
                yield FileError(source, exc.code, exc.message, page=raw.number)
    except HurenOcrError as exc:
        log.info("cannot read %s: %s", source, exc.code)
        yield FileError(source, exc.code, exc.message)
    except MemoryError:
        yield FileError(source, "out_of_memory", "内存不足 / the file needs more memory than is available")


def extract_file(
    path: str | Path,
    *,
    engine: OcrEngine | None = None,
    config: EngineConfig | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> Iterator[Extraction | FileError]:
    """Every document of every page of one file; errors are yielded in place of the pages they concern."""
    for item in read_pages(path, engine=engine, config=config, max_pages=max_pages):
        if isinstance(item, FileError):
            yield item
        else:
            yield from extract_documents(item, engine=engine, config=config)
