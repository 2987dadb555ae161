"""Small scan folders built in tmp from the committed samples (text-layer PDFs, one image)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SAMPLES

TEXT_PDFS = ("asm_005.pdf", "bundle_001.pdf", "bundle_005.pdf", "unk_002.pdf")
IMAGE = "ver_001.jpg"  # a 计量检定员证 photo: the one page that needs the OCR model


def repeat_pages(sources: list[Path], out: Path, pages: int) -> Path:
    """A PDF of `pages` pages cycling through the pages of `sources` (a scanning room's long PDF)."""
    import pypdfium2 as pdfium

    docs = [pdfium.PdfDocument(str(s)) for s in sources]
    target = pdfium.PdfDocument.new()
    i = 0
    while len(target) < pages:
        doc = docs[i % len(docs)]
        target.import_pages(doc, [i // len(docs) % len(doc)])
        i += 1
    target.save(str(out))
    target.close()
    for d in docs:
        d.close()
    return out


def encrypted_pdf(out: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(out), encrypt="secret-password")
    c.drawString(100, 700, "encrypted page")
    c.save()
    return out


@pytest.fixture()
def scan_folder(tmp_path: Path) -> Path:
    """Text PDFs, one photo, a blank page, a corrupt and an encrypted PDF, an empty file, a duplicate."""
    folder = tmp_path / "box"
    (folder / "sub").mkdir(parents=True)
    for name in (*TEXT_PDFS, IMAGE):
        shutil.copy(SAMPLES / name, folder / name)
    shutil.copy(SAMPLES / "asm_005.pdf", folder / "sub" / "asm_005_again.pdf")  # the same scan twice
    (folder / "sub" / "corrupt.pdf").write_bytes((SAMPLES / "bundle_001.pdf").read_bytes()[:2000])
    encrypted_pdf(folder / "sub" / "locked.pdf")
    (folder / "empty.png").write_bytes(b"")
    Image.new("RGB", (800, 1100), "white").save(folder / "zz_blank.png")
    return folder


@pytest.fixture()
def text_folder(tmp_path: Path) -> Path:
    """Text-layer PDFs only: no OCR model, so the fastest real run there is."""
    folder = tmp_path / "text"
    folder.mkdir()
    for name in TEXT_PDFS:
        shutil.copy(SAMPLES / name, folder / name)
    return folder
