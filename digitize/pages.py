"""One page of one file, by number: what a worker is sent and what it sends back.

`ocr.ingest.iter_pages` reads a file from its first page on; a batch worker gets `(path, page)` and
must open the file and render only that page, so a 500-page PDF is never held whole in memory.
The checks and conversions are `ocr.ingest`'s own, so a page reads the same either way.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from huren.domain import DocType, Extraction, TextLine
from ocr import ingest
from ocr.engine import EngineConfig, OcrEngine, get_engine
from ocr.errors import HurenOcrError, IngestError

MAX_BATCH_FILE_BYTES = 4 * 2**30  # a scanning room's 500-page PDF is far larger than an applicant's upload
BLANK_MAX_CHARS = 3  # a page with fewer real characters than this is blank (specks, a page number)
COVER_KEYWORDS = ("封面", "档案", "卷宗", "案卷", "目录", "移交清单")
"""Words of the cover sheets and inventories scanned between certificates."""

BLANK = "blank"
COVER = "cover"


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: str
    sha256: str
    kind: str  # pdf | jpeg | png | tiff | bmp | webp
    pages: int


@dataclass(frozen=True, slots=True)
class PageTask:
    """What a worker is sent: where the page is, never its pixels."""

    source: str
    page: int  # 1-based
    file_sha256: str

    @property
    def key(self) -> str:
        return page_key(self.file_sha256, self.page)


def page_key(file_sha256: str, page: int) -> str:
    """Resume key: the content hash of the file and the page number (an image file is its one page)."""
    return f"{file_sha256[:32]}:{page}"


def file_sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _check_file(p: Path) -> str:
    return ingest.check_file(p, max_bytes=MAX_BATCH_FILE_BYTES)


def probe(path: str | Path) -> FileInfo:
    """Hash and page count of a file without rendering anything; raises `IngestError` with a code."""
    p = Path(path)
    kind = _check_file(p)
    try:
        digest = file_sha256(p)
    except OSError as exc:
        raise IngestError(f"文件无法读取 / cannot read the file: {exc}", code="unreadable_file") from exc
    if kind == "pdf":
        doc = ingest.open_pdf(p)
        try:
            n = len(doc)
        finally:
            doc.close()
        if n == 0:
            raise IngestError("PDF没有页面 / the PDF has no pages", code="corrupt_pdf")
    else:
        try:
            with Image.open(p) as img:
                n = int(getattr(img, "n_frames", 1))
        except Image.DecompressionBombError as exc:
            raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise IngestError(f"图像无法解码 / cannot decode image: {exc}", code="corrupt_image") from exc
    return FileInfo(str(path), digest, kind, n)


def read_raw_page(path: str | Path, number: int, *, dpi: int = ingest.PDF_RENDER_DPI) -> ingest.RawPage:
    """Page `number` (1-based) of an image, multi-page TIFF or PDF, rendered alone."""
    p = Path(path)
    kind = _check_file(p)
    if kind == "pdf":
        return _pdf_page(p, number - 1, dpi)
    return _image_page(p, number - 1)


class _OpenPdf:
    """A PDF kept open by a worker between its pages: pdfplumber reads the whole page tree on open
    (0.6 s for 500 pages), which per page would make a long PDF quadratic."""

    def __init__(self, path: Path) -> None:
        import pdfplumber

        stat = path.stat()
        self.key = (str(path), stat.st_size, stat.st_mtime_ns)
        self.doc = ingest.open_pdf(path)
        try:
            self.plumber: Any = pdfplumber.open(str(path))
        except Exception:
            self.plumber = None  # pdfium reads what pdfminer cannot: the page is OCR'd from its render

    def close(self) -> None:
        if self.plumber is not None:
            self.plumber.close()
        self.doc.close()


_open_pdf: _OpenPdf | None = None  # one file per worker: memory stays bounded


def close_cached_pdf() -> None:
    global _open_pdf
    if _open_pdf is not None:
        _open_pdf.close()
        _open_pdf = None


atexit.register(close_cached_pdf)


def _pdf(path: Path) -> _OpenPdf:
    global _open_pdf
    stat = path.stat()
    if _open_pdf is not None and _open_pdf.key == (str(path), stat.st_size, stat.st_mtime_ns):
        return _open_pdf
    close_cached_pdf()
    _open_pdf = _OpenPdf(path)
    return _open_pdf


def _pdf_page(path: Path, index: int, dpi: int) -> ingest.RawPage:
    pdf = _pdf(path)
    if index >= len(pdf.doc):
        raise IngestError(f"PDF没有第{index + 1}页 / the PDF has no page {index + 1}", code="page_missing")
    image = ingest._render(pdf.doc, index, dpi)
    lines: list[TextLine] = []
    w = h = 0
    if pdf.plumber is not None:
        lines, w, h = ingest._text_layer(pdf.plumber, index, dpi)
        with contextlib.suppress(Exception):
            pdf.plumber.pages[index].close()  # drop the page's parsed objects: the document stays small
    if sum(len(ln.text.strip()) for ln in lines) >= ingest.MIN_TEXT_LAYER_CHARS:
        return ingest.RawPage(number=index + 1, image=image, lines=lines, width=w, height=h)
    return ingest.RawPage(number=index + 1, image=image)


def _image_page(path: Path, index: int) -> ingest.RawPage:
    try:
        img = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError(f"图像无法解码 / cannot decode image: {exc}", code="corrupt_image") from exc
    with img:
        try:
            img.seek(index)
            w, h = img.size
            if w * h > ingest.MAX_PIXELS:
                raise IngestError(f"图像像素过多 / image is {w}×{h} pixels", code="image_too_large")
            rotation = ingest._exif_rotation(img)
            frame = ImageOps.exif_transpose(img) if rotation else img
            frame.load()
            return ingest.RawPage(number=index + 1, image=ingest._to_bgr(frame), exif_rotation=rotation)
        except EOFError as exc:
            raise IngestError(f"图像没有第{index + 1}页 / no page {index + 1}", code="page_missing") from exc
        except Image.DecompressionBombError as exc:
            raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise IngestError(
                f"图像已损坏或被截断 / image is truncated or corrupt (page {index + 1}): {exc}", code="corrupt_image"
            ) from exc


def page_kind(extraction: Extraction) -> str:
    """The document type, or `blank` / `cover` for the sheets scanned between certificates."""
    text = "".join(ln.text for ln in extraction.lines)
    chars = sum(1 for ch in text if ch.isalnum())
    if chars < BLANK_MAX_CHARS:
        return BLANK
    if extraction.doc_type is DocType.UNKNOWN and any(k in text for k in COVER_KEYWORDS):
        return COVER
    return str(extraction.doc_type)


# --- the worker side ---------------------------------------------------------------------------------

_engine: OcrEngine | None = None


def init_worker(config: EngineConfig) -> None:
    """Load the OCR engine once per worker process (or Ray actor)."""
    global _engine
    _engine = get_engine(config)


def failure(task: PageTask, code: str, message: str) -> dict[str, Any]:
    return {
        "key": task.key,
        "source": task.source,
        "page": task.page,
        "file_sha256": task.file_sha256,
        "status": "failed",
        "error": {"code": code, "message": message},
    }


def process_task(task: PageTask, config: EngineConfig | None = None) -> dict[str, Any]:
    """Read, OCR and extract one page; every failure is a result with a code, never an exception."""
    from ocr.pipeline import extract_documents, page_from_raw

    started = time.perf_counter()
    try:
        raw = read_raw_page(task.source, task.page)
        engine = _engine
        if engine is None and not raw.has_text_layer:
            engine = get_engine(config or EngineConfig())
        page = page_from_raw(raw, task.source, engine)
        extractions = extract_documents(page, engine=engine, config=config)
    except HurenOcrError as exc:
        return failure(task, exc.code, exc.message)
    except MemoryError:
        return failure(task, "out_of_memory", "内存不足 / the page needs more memory than is available")
    except Exception as exc:  # one bad page must never stop a 500-page box
        return failure(task, "page_error", f"{type(exc).__name__}: {exc}")
    extraction = extractions[0]
    data = extraction.to_json()
    quality = asdict(extraction.quality)
    entry = {
        "key": task.key,
        "source": task.source,
        "page": task.page,
        "file_sha256": task.file_sha256,
        "status": "ok",
        "doc_type": page_kind(extraction),
        "doc_type_confidence": data["doc_type_confidence"],
        "fields": data["fields"],
        "warnings": data["warnings"],
        "quality": quality,
        "text_layer": raw.has_text_layer,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if len(extractions) > 1:  # a page holding several documents: each one, the first also at the top level
        entry["documents"] = [
            {
                "index": e.index,
                "region": d["region"],
                "doc_type": page_kind(e),
                "doc_type_confidence": d["doc_type_confidence"],
                "fields": d["fields"],
                "warnings": d["warnings"],
            }
            for e, d in ((e, e.to_json()) for e in extractions)
        ]
    return entry
