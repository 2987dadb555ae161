"""Page images for the application page, in the coordinates the screening's boxes use.

The worker stores each field's box in the pixels of the *working* page image: the 200 dpi render of
a PDF page, or a scan after `ocr.reader.read_image` bounded its resolution, straightened a photo's
perspective, turned it upright and deskewed it. That image is not stored, so it is rebuilt here from
the uploaded file with the same deterministic steps and the turns recorded in `Quality` — no OCR runs
in a request. The result is cached as PNG beside the uploads (random names, like the uploads).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ocr import preprocess
from ocr.ingest import read_page

log = logging.getLogger(__name__)

MAX_SIDE = 2400  # larger renders are scaled down: the boxes follow through the SVG viewBox
REDACT_FIELDS = ("id_number",)


def working_image(
    raw_image: np.ndarray, quality: dict[str, Any], *, text_layer: bool, exif_rotation: int
) -> np.ndarray:
    """Repeat `ocr.reader.read_image`'s geometry (bound, warp, quarter turns, deskew) on the raw page."""
    if text_layer:
        return raw_image
    image, _ = preprocess.bound_resolution(raw_image)
    if quality.get("perspective_corrected"):
        corners = preprocess.find_document(image)
        if corners is not None:
            image = preprocess.warp_document(image, corners)
    quarters = ((int(quality.get("rotation") or 0) - exif_rotation) % 360) // 90
    if quarters:
        codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
        image = cv2.rotate(image, codes[quarters])
    skew = float(quality.get("skew") or 0.0)
    if skew:
        h, w = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        image = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    want = (int(quality.get("height") or 0), int(quality.get("width") or 0))
    if all(want) and image.shape[:2] != want:
        log.warning("page image %s differs from the screened page %s", image.shape[:2], want)
    return image


def redact(image: np.ndarray, boxes: list[list[float]], space: tuple[float, float]) -> np.ndarray:
    """Black out boxes (in the screened page's coordinates `space` = (width, height)) on the image."""
    if not boxes:
        return image
    out = image.copy()
    h, w = out.shape[:2]
    sx, sy = w / (space[0] or w), h / (space[1] or h)
    for x0, y0, x1, y1 in boxes:
        pad = 4
        cv2.rectangle(
            out,
            (max(0, int(x0 * sx) - pad), max(0, int(y0 * sy) - pad)),
            (min(w - 1, int(x1 * sx) + pad), min(h - 1, int(y1 * sy) + pad)),
            (40, 40, 40),
            thickness=-1,
        )
    return out


def _bounded(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    scale = MAX_SIDE / max(h, w)
    if scale >= 1:
        return image
    return cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def page_png(
    source: Path,
    cache_dir: Path,
    cache_key: str,
    page: int,
    extraction: dict[str, Any] | None,
    *,
    redacted: bool,
) -> bytes | None:
    """PNG bytes of page `page` of `source` as the screening saw it; None when the file has no such page.

    Only that page is read (a 500-page PDF costs one render); an unreadable file is an `IngestError`.
    `extraction` (the stored `Extraction.to_json()` of that page) gives the turns and, when `redacted`,
    the ID number boxes to black out for people who may see only a masked number — of every document
    on the page when it carries the page's others under `"documents"`.
    """
    name = f"{cache_key}-{page}{'-r' if redacted else ''}.png"
    cached = cache_dir / name
    if cached.exists():
        return cached.read_bytes()
    if redacted and extraction is None:
        return None  # nothing says where the ID number is: not shown to those who may not see it
    quality: dict[str, Any] = dict((extraction or {}).get("quality") or {})
    raw = read_page(source, page)
    if raw is None or raw.image is None:
        return None
    image = working_image(raw.image, quality, text_layer=raw.has_text_layer, exif_rotation=raw.exif_rotation)
    if redacted and extraction is not None:  # always so here; spelled out for the type checker
        boxes = [
            f["bbox"]
            for document in extraction.get("documents") or [extraction]
            for k, f in (document.get("fields") or {}).items()
            if k in REDACT_FIELDS and f.get("bbox")
        ]
        space = (float(quality.get("width") or image.shape[1]), float(quality.get("height") or image.shape[0]))
        image = redact(image, boxes, space)
    ok, encoded = cv2.imencode(".png", _bounded(image), [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        return None
    data = encoded.tobytes()
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, cached)
    return data
