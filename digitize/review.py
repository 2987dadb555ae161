"""The correction queue: flagged fields, their crops, and a person's confirmations and corrections.

Corrections are appended to `corrections.jsonl` beside the OCR values (who, when, what was read,
what it became); `records.csv` is then rewritten from the journal with them applied.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digitize import outdir
from digitize.errors import DigitizeError
from digitize.pages import read_raw_page
from digitize.records import REGISTRY_COLUMNS, Flag, Row

CROP_MARGIN = 12  # pixels around the field's box, so a reviewer sees what is next to it


@dataclass(slots=True)
class FlaggedField:
    row: Row
    number: int  # 1-based position in records.csv
    flag: Flag
    value: str
    confidence: float | None
    bbox: list[float] | None


def flagged(rows: list[Row]) -> list[FlaggedField]:
    """Every unresolved flag, row by row in records.csv order."""
    out: list[FlaggedField] = []
    for number, row in enumerate(rows, start=1):
        for flag in row.flags:
            ocr = row.ocr.get(flag.field, {})
            out.append(
                FlaggedField(row, number, flag, row.values.get(flag.field, ""), ocr.get("confidence"), ocr.get("bbox"))
            )
    return out


def find_row(rows: list[Row], ref: str) -> Row:
    """A row by its row_id or by its 1-based number in records.csv."""
    for row in rows:
        if row.row_id == ref:
            return row
    if ref.isdigit() and 1 <= int(ref) <= len(rows):
        return rows[int(ref) - 1]
    raise DigitizeError(f"没有这一行 / no row {ref!r} in records.csv", code="row_not_found")


def correction(row: Row, field: str, value: str | None, *, reviewer: str, at: datetime | None = None) -> dict[str, Any]:
    """A confirmation (`value` None: the OCR value is right) or a correction, ready for the journal."""
    if field not in REGISTRY_COLUMNS:
        raise DigitizeError(
            f"未知字段 / unknown field {field!r}; one of {', '.join(REGISTRY_COLUMNS)}", code="unknown_field"
        )
    if not reviewer.strip():
        raise DigitizeError("需要审核人 / a reviewer name is required", code="reviewer_missing")
    ocr = row.ocr.get(field, {})
    current = row.values.get(field, "")
    return {
        "row_id": row.row_id,
        "key": row.key,
        "source": row.source,
        "page": row.page,
        "field": field,
        "action": "confirm" if value is None or value == current else "correct",
        "value": current if value is None else value,
        "ocr_value": ocr.get("value"),
        "ocr_confidence": ocr.get("confidence"),
        "reviewer": reviewer.strip(),
        "at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
    }


def record_corrections(out: Path, entries: list[dict[str, Any]]) -> None:
    outdir.append_jsonl(out / outdir.CORRECTIONS, entries)


def save_crop(out: Path, row: Row, field: str) -> Path:
    """The field's box cut from its page as PNG under DIR/crops/; raises `DigitizeError` saying why not."""
    import cv2

    bbox = row.ocr.get(field, {}).get("bbox")
    if not bbox:
        raise DigitizeError("该字段没有位置 / the field has no box on the page", code="no_bbox")
    crops = out / outdir.CROPS
    path = crops / f"{row.row_id}_{field}.png"
    if path.exists():
        return path
    image = _page_image(row)
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (round(float(v)) for v in bbox)
    x0, y0 = max(0, x0 - CROP_MARGIN), max(0, y0 - CROP_MARGIN)
    x1, y1 = min(w, x1 + CROP_MARGIN), min(h, y1 + CROP_MARGIN)
    if x1 <= x0 or y1 <= y0:
        raise DigitizeError(f"位置超出页面 / box {bbox} is outside the page", code="bad_bbox")
    ok, data = cv2.imencode(".png", image[y0:y1, x0:x1])
    if not ok:
        raise DigitizeError("PNG编码失败 / could not encode the crop", code="crop_failed")
    try:
        crops.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".crop.", suffix=".png", dir=crops)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.tobytes())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
        raise DigitizeError(f"无法保存截图 / cannot save the crop: {exc}", code="crop_not_writable") from exc
    return path


def _page_image(row: Row) -> Any:
    """The page image in the coordinates of the field boxes: the render of a text-layer PDF page, or the
    upright working image the OCR read (so the page is read again)."""
    from ocr.engine import get_engine
    from ocr.errors import HurenOcrError
    from ocr.pipeline import page_from_raw

    try:
        raw = read_raw_page(row.source, row.page)
        if raw.has_text_layer:
            return raw.image
        page = page_from_raw(raw, row.source, get_engine())
    except HurenOcrError as exc:
        raise DigitizeError(f"无法读取原页面 / cannot read the page again: {exc.message}", code=exc.code) from exc
    if page.image is None:
        raise DigitizeError("页面没有图像 / the page has no image", code="no_image")
    return page.image
