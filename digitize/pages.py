"""One page of one file, by number: what a worker is sent and what it sends back.

`ocr.ingest.iter_pages` reads a file from its first page on; a batch worker gets `(path, page)` and
must open the file and render only that page, so a 500-page PDF is never held whole in memory.
Reading is `ocr.ingest.read_page`, so a page reads the same either way; a worker keeps the PDF it
reads open between pages.
"""

from __future__ import annotations

import atexit
import hashlib
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from huren.domain import DocType, Extraction
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


def probe(path: str | Path) -> FileInfo:
    """Hash and page count of a file without rendering anything; raises `IngestError` with a code."""
    p = Path(path)
    kind = ingest.check_file(p, max_bytes=MAX_BATCH_FILE_BYTES)
    try:
        digest = file_sha256(p)
    except OSError as exc:
        raise IngestError(f"文件无法读取 / cannot read the file: {exc}", code="unreadable_file") from exc
    n = ingest.count_pages(p, max_bytes=MAX_BATCH_FILE_BYTES)
    if kind == "pdf" and n == 0:
        raise IngestError("PDF没有页面 / the PDF has no pages", code="corrupt_pdf")
    return FileInfo(str(path), digest, kind, n)


def read_raw_page(path: str | Path, number: int, *, dpi: int = ingest.PDF_RENDER_DPI) -> ingest.RawPage:
    """Page `number` (1-based) of an image, multi-page TIFF or PDF, rendered alone (`ocr.ingest.read_page`)."""
    p = Path(path)
    pdf = _pdf(p) if ingest.check_file(p, max_bytes=MAX_BATCH_FILE_BYTES) == "pdf" else None
    raw = ingest.read_page(p, number, dpi=dpi, max_bytes=MAX_BATCH_FILE_BYTES, pdf=pdf)
    if raw is None:
        missing = (
            f"PDF没有第{number}页 / the PDF has no page {number}"
            if pdf is not None
            else f"图像没有第{number}页 / no page {number}"
        )
        raise IngestError(missing, code="page_missing")
    return raw


_open_pdf: tuple[tuple[str, int, int], ingest.OpenPdf] | None = None
"""The PDF a worker reads, kept open between its pages (opening reads the whole page tree, which per
page would make a long PDF quadratic); one file per worker, so memory stays bounded."""


def close_cached_pdf() -> None:
    global _open_pdf
    if _open_pdf is not None:
        _open_pdf[1].close()
        _open_pdf = None


atexit.register(close_cached_pdf)


def _pdf(path: Path) -> ingest.OpenPdf:
    global _open_pdf
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if _open_pdf is not None and _open_pdf[0] == key:
        return _open_pdf[1]
    close_cached_pdf()
    _open_pdf = (key, ingest.OpenPdf(path))
    return _open_pdf[1]


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
