"""Bad input gets a clear error for that file, in bounded time and memory."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from huren.domain import FileError
from ocr.errors import IngestError
from ocr.ingest import iter_pages
from ocr.pipeline import extract_file


def _jpeg(path: Path, size: tuple[int, int] = (200, 100)) -> Path:
    Image.new("RGB", size, "white").save(path, "JPEG")
    return path


def _code(path: Path, **kw: object) -> str:
    with pytest.raises(IngestError) as exc:
        list(iter_pages(path, **kw))  # type: ignore[arg-type]
    return exc.value.code


def test_zero_byte_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.jpg"
    p.write_bytes(b"")
    assert _code(p) == "empty_file"


def test_text_file_named_jpg(tmp_path: Path) -> None:
    p = tmp_path / "notes.jpg"
    p.write_text("这不是图片 / not an image", encoding="utf-8")
    assert _code(p) == "unsupported_format"


def test_truncated_jpeg(tmp_path: Path) -> None:
    good = _jpeg(tmp_path / "good.jpg", (800, 600)).read_bytes()
    p = tmp_path / "cut.jpg"
    p.write_bytes(good[: len(good) // 3])
    assert _code(p) == "corrupt_image"


def test_decompression_bomb_png(tmp_path: Path) -> None:
    p = tmp_path / "bomb.png"
    # 30000×30000 one-bit PNG: tiny on disk, 900 megapixels decoded.
    Image.new("1", (30000, 30000), 0).save(p, "PNG", optimize=True)
    assert p.stat().st_size < 5_000_000
    assert _code(p) == "image_too_large"


def test_corrupt_pdf(tmp_path: Path) -> None:
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF garbage")
    assert _code(p) == "corrupt_pdf"


def _pdf_with_pages(path: Path, n: int, password: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    kwargs = {}
    if password:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(password, canPrint=0)
    c = canvas.Canvas(buf, pagesize=A4, **kwargs)
    for i in range(n):
        c.drawString(72, 720, f"page {i + 1}")
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = _pdf_with_pages(tmp_path / "secret.pdf", 1, password="s3cret")
    assert _code(p) == "encrypted_pdf"


def test_500_page_pdf_refused_quickly_within_limit(tmp_path: Path) -> None:
    p = _pdf_with_pages(tmp_path / "huge.pdf", 500)
    assert _code(p, max_pages=50) == "too_many_pages"


def test_500_page_pdf_streams_pages_one_at_a_time(tmp_path: Path) -> None:
    p = _pdf_with_pages(tmp_path / "huge.pdf", 500)
    pages = iter_pages(p, max_pages=None, dpi=30)
    first = next(pages)
    assert first.number == 1 and first.image is not None
    second = next(pages)
    assert second.number == 2


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    img = Image.new("RGB", (300, 100), "white")
    img.paste((0, 0, 0), (0, 0, 50, 100))  # black stripe on the left of the upright image
    # Stored turned 90° clockwise... with Orientation=8 a viewer turns it back.
    stored = img.transpose(Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = 8
    p = tmp_path / "phone.jpg"
    stored.save(p, "JPEG", exif=exif.tobytes())
    page = next(iter_pages(p))
    assert page.exif_rotation == 270
    assert page.image is not None and page.image.shape[:2] == (100, 300)
    assert np.asarray(page.image)[:, :40].mean() < 60  # the stripe is back on the left


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")
    missing = tmp_path / "missing.png"
    results = [r for p in (bad, missing) for r in extract_file(p)]
    assert [r.code for r in results if isinstance(r, FileError)] == ["empty_file", "file_not_found"]
    assert all(isinstance(r, FileError) and r.message for r in results)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "L"])
def test_pages_come_out_bgr_whatever_the_images_mode(tmp_path: Path, mode: str) -> None:
    """Red stays red (BGR order, as OpenCV and the OCR engine expect), transparency lies on white."""
    rgb = np.zeros((40, 60, 3), dtype=np.uint8)
    rgb[:, :20] = (200, 30, 10)  # red
    rgb[:, 20:40] = (10, 160, 40)  # green
    rgb[:, 40:] = (250, 250, 250)
    image = Image.fromarray(rgb)
    if mode == "RGBA":
        alpha = np.full((40, 60), 255, dtype=np.uint8)
        alpha[:, 50:] = 0  # transparent: white paper
        image = Image.fromarray(np.dstack([rgb, alpha]), mode="RGBA")
    elif mode != "RGB":
        image = image.convert(mode)
    path = tmp_path / "page.png"
    image.save(path)
    (page,) = iter_pages(path)
    assert page.image is not None and page.image.flags.c_contiguous
    expected = np.asarray(Image.open(path).convert("RGB"))[:, :, ::-1].copy()
    if mode == "RGBA":
        expected[:, 50:] = 255
    assert np.array_equal(page.image, expected)
    if mode in ("RGB", "RGBA"):
        assert tuple(page.image[5, 5]) == (10, 30, 200)  # blue, green, red
