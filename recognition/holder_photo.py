"""The holder's portrait, cut from the ID card front for the reissued certificate (issue 15.11).

On a resident ID card (居民身份证人像面) the portrait sits to the right of the block of name, gender,
ethnicity, birth date and address, above the ID number. Its place is found from the boxes extraction
already read — never from one layout's coordinates — and then trimmed to where the picture is: the
columns and rows whose pixels vary (a photo), not the card's even background.

The boxes are in the coordinates of the page as screening read it; a page that OCR turned, deskewed
or straightened is not reproduced here, so such a page gives no photo rather than a wrong crop.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from huren.domain import DocType, Extraction

LEFT_BLOCK = ("name", "gender", "ethnicity", "birth_date", "address")
MIN_SIDE = 40  # pixels: anything smaller is no portrait


def portrait_region(extraction: Extraction, width: int, height: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) where the portrait is expected: right of the text block, above the ID number."""
    boxes = [f.bbox for k, f in extraction.fields.items() if k in LEFT_BLOCK and f.bbox]
    number = extraction.fields.get("id_number")
    if not boxes or number is None or number.bbox is None:
        return None
    line = max(1.0, min(b[3] - b[1] for b in boxes))
    x0 = max(b[2] for b in boxes if b[1] < number.bbox[1]) + line
    y0 = max(0.0, min(b[1] for b in boxes) - line)
    y1 = number.bbox[1] - 0.5 * line
    x1 = min(float(width), x0 + 0.95 * (y1 - y0))  # a portrait is about as wide as ¾ of its height, with room
    if x1 - x0 < MIN_SIDE or y1 - y0 < MIN_SIDE:
        return None
    return int(x0), int(y0), int(x1), int(min(y1, height))


def _trimmed(crop: np.ndarray) -> np.ndarray:
    """The picture within the crop: the largest solid area unlike the card around it (the card's thin
    guilloche lines are opened away), or the crop itself when nothing stands out."""
    image = crop if crop.ndim == 3 else cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)
    border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
    card = np.median(border, axis=0)
    differs = (np.linalg.norm(lab - card, axis=2) > 12).astype(np.uint8)
    side = max(3, min(image.shape[:2]) // 40)
    solid = cv2.morphologyEx(differs, cv2.MORPH_OPEN, np.ones((side, side), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(solid)
    if count < 2:
        return crop
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[best, :4])
    if w < MIN_SIDE or h < MIN_SIDE or w * h < 0.15 * image.shape[0] * image.shape[1]:
        return crop
    return crop[y : y + h, x : x + w]


def holder_photo(image: np.ndarray, extraction: Extraction) -> bytes | None:
    """PNG of the portrait on an ID card front page (`image` in the extraction's coordinates)."""
    if extraction.doc_type is not DocType.ID_CARD_FRONT:
        return None
    h, w = image.shape[:2]
    region = portrait_region(extraction, w, h)
    if region is None:
        return None
    x0, y0, x1, y1 = region
    crop = _trimmed(image[y0:y1, x0:x1])
    if min(crop.shape[:2]) < MIN_SIDE:
        return None
    ok, png = cv2.imencode(".png", crop)
    return png.tobytes() if ok else None


def photo_from_file(extraction: Extraction) -> bytes | None:
    """The portrait from the file an ID card front extraction was read from, when its geometry is known:
    a PDF text layer or a page that was neither turned, deskewed nor straightened (only scaled)."""
    from ocr.ingest import iter_pages

    q = extraction.quality
    if q.rotation or q.skew or q.perspective_corrected or not Path(extraction.source).is_file():
        return None
    for raw in iter_pages(extraction.source, max_pages=None):  # pages are rendered one at a time
        if raw.number != extraction.page or raw.image is None:
            continue
        image = raw.image
        if q.width and q.height and (image.shape[1], image.shape[0]) != (q.width, q.height):
            image = cv2.resize(image, (q.width, q.height), interpolation=cv2.INTER_AREA)
        return holder_photo(image, extraction)
    return None
