"""Marks that are not words: ticked boxes, a signature, a red seal.

Where a PDF's text layer or OCR spells a box (☑ / □), the glyph decides; otherwise the pixels left
of the option do — a ticked box has ink inside its border, an empty one does not.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from huren.domain import CATEGORIES, Page
from ocr.layout import Layout, Span

CHECKED = set("☑■√✓✔☒▣◼●团図区回")
UNCHECKED = set("□口☐○")
LEVEL_OPTIONS = {"一级": 1, "二级": 2}


def _box_ticked(image: np.ndarray, x0: float, y0: float, y1: float) -> bool | None:
    """Look for a square box just left of an option word and say whether something is drawn inside it."""
    h = y1 - y0
    left, right = int(max(0, x0 - 2.0 * h)), int(max(0, x0 + 0.1 * h))
    top, bottom = int(max(0, y0 - 0.2 * h)), int(min(image.shape[0], y1 + 0.2 * h))
    if right - left < 4 or bottom - top < 4:
        return None
    gray = cv2.cvtColor(image[top:bottom, left:right], cv2.COLOR_BGR2GRAY)
    ink = (gray < 140).astype(np.uint8)
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best = None
    for c in contours:
        x, y, w, hh = cv2.boundingRect(c)
        if 0.4 * h <= w <= 1.4 * h and 0.4 * h <= hh <= 1.4 * h and 0.7 < w / hh < 1.4:
            if best is None or w * hh > best[2] * best[3]:
                best = (x, y, w, hh)
    if best is None:
        return None
    x, y, w, hh = best
    inner = ink[y + hh // 4: y + hh - hh // 4, x + w // 4: x + w - w // 4]
    return bool(inner.size and inner.mean() > 0.08)


def _option_checked(layout: Layout, page: Page, span: Span) -> bool | None:
    row = layout.rows[span.row]
    if span.start > 0:
        before = row.chars[span.start - 1].ch
        if before in CHECKED:
            return True
        if before in UNCHECKED:
            return False
    if page.image is None:
        return None
    x0, _ = layout.x_range(span)
    return _box_ticked(page.image, x0, row.y0, row.y1)


def _options_near(layout: Layout, label: Span, options: list[str], max_rows: int = 3) -> list[tuple[str, Span]]:
    pattern = re.compile("|".join(map(re.escape, sorted(options, key=len, reverse=True))))
    found = []
    band = layout.rows[label.row].height
    for r in range(label.row, min(len(layout.rows), label.row + max_rows)):
        if r > label.row and layout.rows[r].y0 - layout.rows[r - 1].y1 > 1.5 * band:
            break
        start = label.end if r == label.row else 0
        for m in pattern.finditer(layout.rows[r].key, start):
            found.append((m.group(), Span(r, m.start(), m.end())))
    return found


def checked_options(layout: Layout, page: Page, label: Span, options: list[str]) -> tuple[list[str], float, Span | None]:
    """The options ticked near `label`, how sure we are, and where the first ticked one is."""
    ticked: list[str] = []
    first: Span | None = None
    unsure = 0
    seen = _options_near(layout, label, options)
    for word, span in seen:
        state = _option_checked(layout, page, span)
        if state is None:
            unsure += 1
        elif state and word not in ticked:
            ticked.append(word)
            first = first or span
    certainty = 0.0 if not seen else 1.0 - unsure / len(seen)
    return ticked, certainty, first


def read_checkbox_level(layout: Layout, page: Page, label: Span) -> tuple[int | None, float, Span | None]:
    ticked, certainty, span = checked_options(layout, page, label, list(LEVEL_OPTIONS))
    if len(ticked) != 1:
        return None, 0.0, None
    return LEVEL_OPTIONS[ticked[0]], certainty, span


def read_checkbox_categories(layout: Layout, page: Page, label: Span) -> tuple[list[str] | None, float, Span | None]:
    ticked, certainty, span = checked_options(layout, page, label, list(CATEGORIES))
    if not ticked:
        return None, 0.0, None
    return [c for c in CATEGORIES if c in ticked], certainty, span


def read_signed(layout: Layout, page: Page, label: Span) -> tuple[bool, float, Span | None]:
    """Something written after 申请人签字 on its row: recognised text, or ink where the name goes."""
    row = layout.rows[label.row]
    after = Span(label.row, label.end, len(row.chars))
    text = layout.text(after).strip()
    text = re.split(r"日期", text)[0]
    if re.search(r"[\u4e00-\u9fff]{2,}", text):
        return True, 0.9, after
    if page.image is None:
        return False, 0.5, None
    _, x1 = layout.x_range(label)
    h = row.height
    region = page.image[int(row.y0 - 0.5 * h): int(row.y1 + 0.5 * h), int(x1 + 0.3 * h): int(x1 + 12 * h)]
    if region.size == 0:
        return False, 0.5, None
    ink = (cv2.cvtColor(region, cv2.COLOR_BGR2GRAY) < 110).mean()
    return bool(ink > 0.01), 0.7, None


def read_sealed(layout: Layout, page: Page, label: Span) -> tuple[bool, float, Span | None]:
    """A red seal near the employer's opinion block (单位公章)."""
    row = layout.rows[label.row]
    h = row.height
    regions = page.marks.get("red_regions") or []
    for x0, y0, x1, y1 in regions:
        if y1 >= row.y0 - 8 * h and y0 <= row.y1 + 8 * h:
            return True, 0.9, label
    if page.image is not None and _is_grey(page.image):
        return False, 0.4, None  # no colour to see a seal by
    return False, 0.85, None


def _is_grey(image: np.ndarray) -> bool:
    small = cv2.resize(image, (64, 64), interpolation=cv2.INTER_AREA)
    return float(cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[:, :, 1].mean()) < 8


MARK_READERS = {
    "checkbox_level": read_checkbox_level,
    "checkbox_categories": read_checkbox_categories,
    "signed": read_signed,
    "sealed": read_sealed,
}
