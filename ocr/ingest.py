"""Reading files into pages: images (EXIF-upright) or PDF text layers, one page at a time.

Pages are yielded lazily so that a 500-page PDF or TIFF is never held in memory whole, and every
way a file can be wrong becomes an `IngestError` with a stable code for that file alone. The public
entry points: `expand_inputs` (paths and folders → the files to read), `iter_pages` (a file from its
first page on), `read_page` (one page by number, what a batch worker or a page image needs),
`count_pages` and `check_file`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from huren.domain import TextLine
from ocr.errors import IngestError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES

MAX_PIXELS = 60_000_000  # beyond this a page is a decompression bomb, not a scan
MAX_FILE_BYTES = 200 * 1024 * 1024
PDF_RENDER_DPI = 200
MIN_TEXT_LAYER_CHARS = 8  # fewer real characters than this and the page is treated as a scan

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(slots=True)
class RawPage:
    """One page before OCR: its pixels (BGR) and, for a PDF with real text, the text layer with positions."""

    number: int  # 1-based
    image: np.ndarray | None = None
    lines: list[TextLine] = field(default_factory=list)
    width: int = 0
    height: int = 0
    exif_rotation: int = 0

    @property
    def has_text_layer(self) -> bool:
        return bool(self.lines)


def sniff_kind(head: bytes) -> str | None:
    """What the first bytes say the file is, whatever its name claims."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    signatures = {
        b"\xff\xd8\xff": "jpeg",
        b"\x89PNG\r\n\x1a\n": "png",
        b"II*\x00": "tiff",
        b"MM\x00*": "tiff",
        b"BM": "bmp",
    }
    for sig, kind in signatures.items():
        if head.startswith(sig):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_file(p: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's kind (pdf, jpeg, …) from its first bytes; `IngestError` with a code when it is
    missing, a folder, empty, larger than `max_bytes` or of a kind Huren does not read."""
    if not p.exists():
        raise IngestError(f"文件不存在 / file not found: {p}", code="file_not_found")
    if p.is_dir():
        raise IngestError(f"这是一个目录 / is a directory: {p}", code="is_directory")
    size = p.stat().st_size
    if size == 0:
        raise IngestError("空文件 / the file is empty (0 bytes)", code="empty_file")
    if size > max_bytes:
        raise IngestError(
            f"文件过大 / file is {size // 2**20} MiB, over {max_bytes // 2**20} MiB", code="file_too_large"
        )
    with p.open("rb") as fh:
        head = fh.read(2048)
    kind = sniff_kind(head)
    if kind is None:
        raise IngestError(
            f"不是受支持的图像或PDF / not a supported image or PDF (suffix {p.suffix or 'none'}; "
            "JPEG, PNG, TIFF, BMP, WebP and PDF are read)",
            code="unsupported_format",
        )
    return kind


def iter_pages(path: str | Path, *, max_pages: int | None = None, dpi: int = PDF_RENDER_DPI) -> Iterator[RawPage]:
    """Yield the pages of an image, multi-page TIFF or PDF file."""
    p = Path(path)
    kind = check_file(p)
    if kind == "pdf":
        yield from _iter_pdf(p, max_pages=max_pages, dpi=dpi)
    else:
        yield from _iter_image(p, max_pages=max_pages)


def count_pages(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> int:
    """Pages of a PDF or frames of an image file, without rendering any; `IngestError` when unreadable."""
    p = Path(path)
    if check_file(p, max_bytes=max_bytes) == "pdf":
        doc = open_pdf(p)
        try:
            return len(doc)
        finally:
            doc.close()
    try:
        with Image.open(p) as img:
            return int(getattr(img, "n_frames", 1))
    except Image.DecompressionBombError as exc:
        raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise IngestError(f"图像无法解码 / cannot decode image: {exc}", code="corrupt_image") from exc


def read_page(
    path: str | Path,
    number: int,
    *,
    dpi: int = PDF_RENDER_DPI,
    max_bytes: int = MAX_FILE_BYTES,
    pdf: OpenPdf | None = None,
) -> RawPage | None:
    """Page `number` (1-based) alone, as `iter_pages` yields it; None when the file has fewer pages.

    Only that page is decoded or rendered. Whoever reads many pages of one PDF (a batch worker) passes
    the file opened once as `pdf`, an `OpenPdf` of the same path: opening reads the whole page tree.
    """
    p = Path(path)
    if check_file(p, max_bytes=max_bytes) != "pdf":
        return _read_image_page(p, number)
    if pdf is not None:
        return pdf.page(number, dpi=dpi)
    with OpenPdf(p, only_page=number) as one:
        return one.page(number, dpi=dpi)


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders recursed for the kinds Huren reads (`SUPPORTED_SUFFIXES`), each
    folder's files in sorted order; a path that is not there stays, so that reading it says why."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


def _open_image(path: Path) -> Image.Image:
    try:
        return Image.open(path)
    except Image.DecompressionBombError as exc:
        raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError(f"图像无法解码 / cannot decode image: {exc}", code="corrupt_image") from exc


def _iter_image(path: Path, *, max_pages: int | None) -> Iterator[RawPage]:
    with _open_image(path) as img:
        n_frames = getattr(img, "n_frames", 1)
        if max_pages is not None and n_frames > max_pages:
            raise IngestError(f"页数过多 / {n_frames} pages, more than the limit of {max_pages}", code="too_many_pages")
        for index in range(n_frames):
            yield _image_frame(img, index)


def _read_image_page(path: Path, number: int) -> RawPage | None:
    with _open_image(path) as img:
        if not 1 <= number <= getattr(img, "n_frames", 1):
            return None
        return _image_frame(img, number - 1)


def _image_frame(img: Image.Image, index: int) -> RawPage:
    """Frame `index` of an open image, upright by its EXIF orientation, as BGR pixels."""
    try:
        img.seek(index)
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise IngestError(f"图像像素过多 / image is {w}×{h} pixels, over {MAX_PIXELS:,}", code="image_too_large")
        rotation = _exif_rotation(img)
        frame = ImageOps.exif_transpose(img) if rotation else img
        frame.load()
        return RawPage(number=index + 1, image=_to_bgr(frame), exif_rotation=rotation)
    except IngestError:
        raise
    except Image.DecompressionBombError as exc:
        raise IngestError(f"图像像素过多 / image too large: {exc}", code="image_too_large") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise IngestError(
            f"图像已损坏或被截断 / image is truncated or corrupt (page {index + 1}): {exc}",
            code="corrupt_image",
        ) from exc


def _exif_rotation(img: Image.Image) -> int:
    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not lose the page
        return 0
    return {3: 180, 6: 90, 8: 270}.get(int(orientation), 0) if orientation in (3, 6, 8) else 0


def _to_bgr(img: Image.Image) -> np.ndarray:
    if img.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", img.size, "white")
        rgba = img.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        img = background
    elif img.mode == "I;16" or img.mode == "I":
        img = img.point(lambda v: v / 256).convert("L")
    rgb = img if img.mode == "RGB" else img.convert("RGB")  # an RGB page is not copied first
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)  # ~8x numpy's reversed-channel copy


def open_pdf(path: Path) -> Any:
    """A `pypdfium2.PdfDocument`; an encrypted or corrupt file is an `IngestError` with its code."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError("PDF已加密 / the PDF is encrypted (password protected)", code="encrypted_pdf") from exc
        raise IngestError(f"PDF已损坏 / the PDF is corrupt: {exc}", code="corrupt_pdf") from exc


class OpenPdf:
    """A PDF held open to read its pages by number: pypdfium2 renders them, pdfplumber gives the text layer.

    pdfplumber reads the whole page tree when a page is first asked for (0.6 s for 500 pages), so a
    reader of many pages keeps one `OpenPdf`; `only_page` opens it for that one page alone.
    """

    def __init__(self, path: Path, *, only_page: int | None = None) -> None:
        import pdfplumber

        self.doc = open_pdf(path)
        self._only_page = only_page
        try:
            self.plumber: Any = pdfplumber.open(str(path), pages=None if only_page is None else [only_page])
        except Exception:
            self.plumber = None  # pdfium reads what pdfminer cannot: the page is OCR'd from its render

    def __len__(self) -> int:
        return len(self.doc)

    def __enter__(self) -> OpenPdf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.plumber is not None:
            self.plumber.close()
        self.doc.close()

    def page(self, number: int, *, dpi: int = PDF_RENDER_DPI) -> RawPage | None:
        """Page `number` (1-based) rendered, with its text layer when it has real text; None past the end."""
        if not 1 <= number <= len(self.doc):
            return None
        image = _render(self.doc, number - 1, dpi)  # text-layer pages too: reviewers see the page, seals are pixels
        lines: list[TextLine] = []
        w = h = 0
        if self.plumber is not None and (self._only_page is None or self._only_page == number):
            index = 0 if self._only_page is not None else number - 1
            lines, w, h = _text_layer(self.plumber, index, dpi)
            with contextlib.suppress(Exception):
                self.plumber.pages[index].close()  # drop the page's parsed objects: the document stays small
        if sum(len(ln.text.strip()) for ln in lines) >= MIN_TEXT_LAYER_CHARS:
            return RawPage(number=number, image=image, lines=lines, width=w, height=h)
        return RawPage(number=number, image=image)


def _iter_pdf(path: Path, *, max_pages: int | None, dpi: int) -> Iterator[RawPage]:
    with OpenPdf(path) as pdf:
        n_pages = len(pdf)
        if n_pages == 0:
            raise IngestError("PDF没有页面 / the PDF has no pages", code="corrupt_pdf")
        if max_pages is not None and n_pages > max_pages:
            raise IngestError(f"页数过多 / {n_pages} pages, more than the limit of {max_pages}", code="too_many_pages")
        for number in range(1, n_pages + 1):
            page = pdf.page(number, dpi=dpi)
            assert page is not None  # numbers within the page count
            yield page


def _render(doc: object, index: int, dpi: int) -> np.ndarray:
    import pypdfium2 as pdfium

    assert isinstance(doc, pdfium.PdfDocument)
    page = doc[index]
    try:
        w_pt, h_pt = page.get_size()
        scale = dpi / 72
        if w_pt * h_pt * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (w_pt * h_pt)) ** 0.5
        bitmap = page.render(scale=scale)
        pil = bitmap.to_pil()
        return _to_bgr(pil)
    except pdfium.PdfiumError as exc:
        raise IngestError(
            f"PDF第{index + 1}页无法渲染 / page {index + 1} cannot be rendered: {exc}", code="corrupt_pdf"
        ) from exc
    finally:
        page.close()


def _text_layer(plumber: object, index: int, dpi: int) -> tuple[list[TextLine], int, int]:
    """The page's words grouped into lines, in pixel coordinates at `dpi` so they match a render."""
    try:
        page = plumber.pages[index]  # type: ignore[attr-defined]
        scale = dpi / 72
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5, y_tolerance=2)
        lines = [
            TextLine(
                text=w["text"],
                bbox=(w["x0"] * scale, w["top"] * scale, w["x1"] * scale, w["bottom"] * scale),
                confidence=1.0,
            )
            for w in words
            if w["text"].strip()
        ]
        return lines, int(page.width * scale), int(page.height * scale)
    except Exception:
        return [], 0, 0
