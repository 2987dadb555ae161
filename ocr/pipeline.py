"""File in, one `Extraction` per page out: ingest → (text layer | OCR) → classify → extract."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from huren.domain import DocType, Extraction, FileError, Page, Quality
from ocr import reader
from ocr.classify import classify
from ocr.documents import BY_TYPE
from ocr.engine import EngineConfig, OcrEngine, get_engine
from ocr.errors import HurenOcrError
from ocr.extract import extract_fields
from ocr.ingest import RawPage, iter_pages

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


def extract_page(page: Page) -> Extraction:
    doc_type, confidence = classify(page.text)
    fields, warnings = ({}, []) if doc_type is DocType.UNKNOWN else extract_fields(BY_TYPE[doc_type], page)
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
    )


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
    """Every page of one file extracted; errors are yielded in place of the pages they concern."""
    for item in read_pages(path, engine=engine, config=config, max_pages=max_pages):
        yield item if isinstance(item, FileError) else extract_page(item)
