"""Marks that are not words: ticked boxes, a signature, a seal (red, or a ring on a grey copy).

Where a PDF's text layer or OCR spells a box (☑ / □), the glyph decides; otherwise the outlined
squares drawn in the option's row are found in the pixels and each is given to the option printed
just right of it — a ticked box has ink inside its border, an empty one does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from huren.domain import CATEGORIES, Page
from ocr.layout import Layout, Span

CHECKED = set("☑■█√✓✔☒▣◼●团図区回")
UNCHECKED = set("□口☐○")
LEVEL_OPTIONS = {"一级": 1, "二级": 2}
# Share of inked pixels where a signature goes: signed sample forms measured 0.07–0.29, blank ones
# at most 0.023 (a photo's shading, a table rule).
SIGNATURE_INK = 0.04


def _ink(gray: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than the paper around them (faded copies have grey ink on grey paper)."""
    paper = float(np.percentile(gray, 90))
    return gray < paper - max(40.0, 0.25 * paper)


def _local_paper(gray: np.ndarray, window: int) -> np.ndarray:
    """The paper's brightness near each pixel: ink is read against it (`_ink_against`).

    A phone photo shades the page (darker towards an edge, a grey label column beside the boxes): one
    paper level for a whole band of the form then takes a shaded box for ink through and through, or
    a bright one's outline for paper. The paper near each pixel is the brightest there (a window wider
    than a character's strokes and a box's filling).
    """
    window |= 1
    paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (window, window)))
    return cv2.blur(paper, (window, window)).astype(np.float32)


def _ink_against(gray: np.ndarray, paper: np.ndarray, *, faint: bool = False) -> np.ndarray:
    """Ink against the paper near it; `faint`: pale ink too (a thin outline blurred to light grey)."""
    floor, share = (25.0, 0.12) if faint else (40.0, 0.25)
    return gray.astype(np.float32) < paper - np.maximum(floor, share * paper)


@dataclass(slots=True)
class Box:
    x0: float
    x1: float
    ticked: bool


def _boxes_in_band(image: np.ndarray, x0: float, x1: float, y0: float, y1: float, *, faint: bool = False) -> list[Box]:
    """Square outlines in a band of the page, each with whether something is drawn inside it.

    The outlines are found among straight strokes only (morphological opening), so a tick that
    pokes out of its box does not hide the box; whether it is ticked is then read from all ink.
    `faint`: pale outlines count too (a blurred page turns a thin printed outline light grey).
    """
    h = y1 - y0
    top, bottom = int(max(0, y0 - 0.3 * h)), int(min(image.shape[0], y1 + 0.3 * h))
    left, right = int(max(0, x0)), int(min(image.shape[1], x1))
    if right - left < 4 or bottom - top < 4:
        return []
    gray = cv2.cvtColor(image[top:bottom, left:right], cv2.COLOR_BGR2GRAY)
    paper = _local_paper(gray, int(h))
    ink = _ink_against(gray, paper, faint=faint).astype(np.uint8)
    # Outlines among the strokes that are as dark as the darkest ink right beside them: a pale watermark
    # or stamp tint across a box is not, so it does not join the box's outline into a shape of its own.
    near = max(3, int(0.15 * h)) | 1
    darkest = cv2.erode(gray, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (near, near))).astype(np.float32)
    strokes = ink & (gray.astype(np.float32) <= (paper + darkest) / 2).astype(np.uint8)
    if faint:
        # A pale outline is far lighter than a pen's tick right beside it: all ink counts.
        strokes = ink
    side = max(3, int(0.2 * h))
    frame = cv2.bitwise_or(
        cv2.morphologyEx(strokes, cv2.MORPH_OPEN, np.ones((1, side), np.uint8)),
        cv2.morphologyEx(strokes, cv2.MORPH_OPEN, np.ones((side, 1), np.uint8)),
    )
    frame = cv2.dilate(frame, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[tuple[int, int, int, int]] = []
    for c in contours:
        x, y, w, hh = cv2.boundingRect(c)
        square = _closed_square(frame, (x, y, w, hh), h)
        if square is not None:
            found.append(square)
    # One box can give several outlines: its outer and inner edge, or its outline joined to a stroke
    # of a watermark or a tick beside it. The boxes of one row are printed alike: of outlines that
    # overlap, the one nearest the row's typical box size is the box.
    typical = float(np.median([max(w, hh) for _, _, w, hh in found])) if found else 0.0
    boxes: list[Box] = []
    taken: list[tuple[int, int, int, int]] = []
    for x, y, w, hh in sorted(found, key=lambda r: (abs(max(r[2], r[3]) - typical), r[2] * r[3])):
        if any(x < tx + tw and tx < x + w and y < ty + th and ty < y + hh for tx, ty, tw, th in taken):
            continue
        taken.append((x, y, w, hh))
        outline = cv2.bitwise_and(frame, ink)
        boxes.append(Box(left + x, left + x + w, _filled(gray, darkest, paper, ink, outline, (x, y, w, hh))))
    return sorted(boxes, key=lambda b: b.x0)


def _closed_square(frame: np.ndarray, rect: tuple[int, int, int, int], h: float) -> tuple[int, int, int, int] | None:
    """The square a box's outline closes within an outline's bounding rectangle, or None.

    A tick pokes out of its box — up and to the right as a pen draws it, but a thick tick's foot or a
    cross also past the bottom or left — and lengthens the outline there: each edge is looked for that
    much further in, and what the four edges close must be square and the size of a box.
    """
    x, y, w, hh = rect
    if not (0.25 * h <= w <= 1.3 * h and 0.25 * h <= hh <= 1.3 * h and 0.75 < w / hh < 1.33):
        return None
    border = frame[y : y + hh, x : x + w]
    reach = min(abs(hh - w) + 2 + max(w, hh) // 5, w, hh)
    rows, cols = border.mean(axis=1), border.mean(axis=0)
    top = next((i for i in range(reach) if rows[i] >= 0.6), None)
    bottom = next((hh - 1 - i for i in range(reach) if rows[hh - 1 - i] >= 0.6), None)
    left = next((i for i in range(reach) if cols[i] >= 0.6), None)
    right = next((w - 1 - i for i in range(reach) if cols[w - 1 - i] >= 0.6), None)
    if top is None or bottom is None or left is None or right is None:
        return None  # not a closed outline
    side_w, side_h = right - left + 1, bottom - top + 1
    if side_w < 0.25 * h or side_h < 0.25 * h or not 0.8 < side_w / side_h < 1.25:
        return None  # not a closed square outline
    return x + left, y + top, side_w, side_h


def _filled(
    gray: np.ndarray,
    darkest: np.ndarray,
    paper: np.ndarray,
    ink: np.ndarray,
    outline: np.ndarray,
    rect: tuple[int, int, int, int],
) -> bool:
    """Whether a box holds a mark: ink inside it as dark as the box's own outline.

    Something lighter that crosses the box — a watermark, a stamp's tint, a shadow — is darker than the
    paper too, but a pen's tick or a filled box is drawn at least as dark as the printed outline: what
    counts inside is what is darker than halfway from the paper to that outline.

    The outline's darkness is the darkest ink right beside its pixels (`darkest`): the shape found may
    be the outline's inner edge, or a watermark's band may run along it, and those pixels alone would
    put the outline as pale as the watermark (which then counts as a tick).
    """
    x, y, w, h = rect
    border = outline[y : y + h, x : x + w].astype(bool)
    inside = np.s_[y + h // 4 : y + h - h // 4, x + w // 4 : x + w - w // 4]
    if not border.any() or gray[inside].size == 0:
        return False
    stroke = float(np.median(darkest[y : y + h, x : x + w][border]))
    around = float(np.median(paper[y : y + h, x : x + w]))
    # The box's own paper: the brightest of its inside. A watermark laid over the box lightens its
    # outline and tints its inside alike; a tick drawn in it leaves most of the inside bare.
    bright = float(np.percentile(gray[inside], 90))
    if bright < stroke + 0.25 * (around - stroke):
        return True  # filled through and through (■), as dark as the outline
    level = (stroke + min(around, bright)) / 2
    inner = (gray[inside] < level) & ink[inside].astype(bool)  # ink (`_ink_against`) darker than halfway
    return bool(inner.mean() > 0.08)


def _glyph_state(layout: Layout, span: Span) -> bool | None:
    row = layout.rows[span.row]
    if span.start > 0:
        before = row.chars[span.start - 1].ch
        if before in CHECKED:
            return True
        if before in UNCHECKED:
            return False
    return None


def _options_near(layout: Layout, label: Span | None, options: list[str]) -> list[tuple[str, Span]]:
    """Options printed right of a label, on its row or rows beside it (a label centred on two rows).

    Without a label (misread), every row where two or more options stand is taken.
    """
    pattern = re.compile("|".join(map(re.escape, sorted(options, key=len, reverse=True))))
    found = []
    if label is not None:
        lrow = layout.rows[label.row]
        centre, band = (lrow.y0 + lrow.y1) / 2, lrow.height
        _, label_x1 = layout.x_range(label)
    for r, row in enumerate(layout.rows):
        if label is not None and abs((row.y0 + row.y1) / 2 - centre) > 2.2 * band:
            continue
        matches = list(pattern.finditer(row.key))
        if label is None and len(matches) < 2:
            continue
        for m in matches:
            if label is None or row.chars[m.start()].x0 >= label_x1 - 0.5 * band:
                found.append((m.group(), Span(r, m.start(), m.end())))
    return found


def _states(layout: Layout, page: Page, seen: list[tuple[str, Span]]) -> list[bool | None]:
    """Ticked or not for each option: the box glyph where OCR spelled it, else the box drawn left of it."""
    states: list[bool | None] = [_glyph_state(layout, span) for _, span in seen]
    if page.image is None or all(s is not None for s in states):
        return states
    # Each printed line of options on its own: a row can hold a label centred between two lines.
    by_line: dict[int, list[int]] = {}
    for i, (_, span) in enumerate(seen):
        by_line.setdefault(layout.rows[span.row].chars[span.start].line, []).append(i)
    for line_index, members in by_line.items():
        _, ly0, lx1, ly1 = layout.lines[line_index].bbox
        height = ly1 - ly0
        starts = [layout.x_range(seen[i][1])[0] for i in members]
        # A square inside any option's words on these rows (频, 回, a blot on a blurred page) is a
        # character's, not a box.
        rows = {seen[i][1].row for i in members}
        words = [(*layout.x_range(span), span.end - span.start) for _, span in seen if span.row in rows]
        unread = [i for i in members if states[i] is None]
        band = (min(starts) - 2.5 * height, lx1 + height, ly0, ly1)
        starts_of = {i: layout.x_range(seen[i][1])[0] for i in unread}
        boxes = _boxes_in_band(page.image, *band)
        found = _boxes_before(
            [b for b in boxes if not any(_inside_word(b, w, height) for w in words)], starts_of, height
        )
        if len(found) < len(unread):
            # A blurred page turns the thin outlines light grey: the options that found no box are looked
            # for again with pale ink counted. Where the first look found boxes for fewer than half of
            # them, the line's outlines are pale throughout and what it found were blurred characters'
            # blots: the second look decides for all; else only for the rest (pale ink finds more of
            # the characters' squares too).
            boxes = _boxes_in_band(page.image, *band, faint=True)
            pale = _boxes_before(
                [b for b in boxes if not any(_inside_word(b, w, height) for w in words)], starts_of, height
            )
            found = {**found, **pale} if 2 * len(found) < len(unread) else {**pale, **found}
        for i, ticked in found.items():
            states[i] = ticked
    return states


def _boxes_before(boxes: list[Box], starts: dict[int, float], height: float) -> dict[int, bool]:
    """Ticked or not for each option (by index) whose box is found: the nearest box ending before its
    text begins (OCR that dropped the box glyph puts the text's estimated start on the box itself): a
    character shaped like a box (电, 回) further left, in the option before, is not it."""
    found: dict[int, bool] = {}
    for i, x in starts.items():
        before = [box for box in boxes if box.x1 - 0.3 * height <= x and x - box.x1 < 2.0 * height]
        if before:
            found[i] = max(before, key=lambda box: box.x1).ticked
    return found


def _inside_word(box: Box, word: tuple[float, float, int], height: float) -> bool:
    """Whether a square found on an option's row lies within an option's words, past its first character.

    Measured in the line's height, and also in the word's own character width: OCR's line box on a
    blurred page is far taller than its characters, and where it merged several options into one run
    (力学声学温度) their characters' places are estimates — the enclosed stroke of 度 in 长度 then
    starts less than a line's height into its word, yet its centre is past the word's first character.
    A box whose text OCR put too early (on the box itself) has its centre within that first character.
    """
    x0, x1, length = word
    centre = (box.x0 + box.x1) / 2
    if centre > x1:
        return False
    char = (x1 - x0) / max(length, 1)
    return x0 + 0.6 * height <= box.x0 or (length > 1 and centre >= x0 + char)


def checked_options(
    layout: Layout, page: Page, label: Span | None, options: list[str]
) -> tuple[list[str], float, Span | None]:
    """The options ticked near `label`, how sure we are, and where the first ticked one is."""
    seen = _options_near(layout, label, options)
    states = _states(layout, page, seen)
    ticked: list[str] = []
    first: Span | None = None
    for (word, span), state in zip(seen, states, strict=True):
        if state and word not in ticked:
            ticked.append(word)
            first = first or span
    unsure = sum(state is None for state in states)
    certainty = 0.0 if not seen else 1.0 - unsure / len(seen)
    return ticked, certainty, first


def read_checkbox_level(layout: Layout, page: Page, label: Span | None) -> tuple[int | None, float, Span | None]:
    ticked, certainty, span = checked_options(layout, page, label, list(LEVEL_OPTIONS))
    if len(ticked) != 1:
        return None, 0.0, None
    return LEVEL_OPTIONS[ticked[0]], certainty, span


def read_checkbox_categories(
    layout: Layout, page: Page, label: Span | None
) -> tuple[list[str] | None, float, Span | None]:
    ticked, certainty, span = checked_options(layout, page, label, list(CATEGORIES))
    if not ticked:
        return None, 0.0, None
    return [c for c in CATEGORIES if c in ticked], certainty, span


def read_signed(layout: Layout, page: Page, label: Span | None) -> tuple[bool, float, Span | None]:
    """Something written after 申请人签字 on its row: recognised text, or ink where the name goes."""
    if label is None:
        return False, 0.0, None
    row = layout.rows[label.row]
    after = Span(label.row, label.end, len(row.chars))
    text = re.split(r"日期", layout.text(after))[0]
    if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
        return True, 0.9, after  # the recogniser read something where the signature goes
    if page.image is None:
        return False, 0.5, None
    _, x1 = layout.x_range(label)
    h = row.height
    region = page.image[int(row.y0 - 0.5 * h) : int(row.y1 + 0.5 * h), int(x1 + 0.3 * h) : int(x1 + 12 * h)]
    if region.size == 0:
        return False, 0.5, None
    ink = _ink(cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)).mean()
    return bool(ink > SIGNATURE_INK), 0.7, None


def read_sealed(layout: Layout, page: Page, label: Span | None) -> tuple[bool, float, Span | None]:
    """A red seal near the employer's opinion block (单位公章)."""
    if label is None:
        return False, 0.0, None
    row = layout.rows[label.row]
    h = row.height
    regions = page.marks.get("red_regions") or []
    for _, y0, _, y1 in regions:
        if y1 >= row.y0 - 8 * h and y0 <= row.y1 + 8 * h:
            return True, 0.9, label
    if page.image is not None and _is_grey(page.image):
        if _ring_seal(page.image, row.y0 - 8 * h, row.y1 + 8 * h, h):
            return True, SEAL_SHAPE_CONFIDENCE, label
        return False, 0.4, None  # no colour to see a seal by, and no seal's ring either
    return False, 0.85, None


# A seal on a grey page is told by its shape (`_ring_seal`): less sure than red ink, but a ring with
# text along it is not printed by chance where the employer stamps.
SEAL_SHAPE_CONFIDENCE = 0.85
# The ring is measured on the band scaled so that a line of text is this tall; a seal's radius is
# 1.5–6 such lines (the forms' seals measure about 2.5).
_LINE_PX = 16.0
_RING_RADII = (1.5, 6.0)
_ANGLES = np.linspace(0.0, 2 * np.pi, 72, endpoint=False)


@dataclass(slots=True, frozen=True)
class Ring:
    """Share of directions from a circle's centre that meet ink in each band (radii relative to the
    circle's), and the share of inked pixels inside it."""

    ring: float  # on the circle itself (0.9–1.1): a seal's printed ring runs all the way round
    rim: float  # just inside it (0.5–0.82): the seal's text along its rim, its star
    outer: float  # just outside (1.2–1.4): a seal stands on paper or crosses a few words, not a pattern
    fill: float  # inside (disc of 0.8): a ring is mostly paper, a QR code or a filled logo is not

    def is_seal(self) -> bool:
        return self.ring >= 0.8 and self.rim >= 0.3 and self.outer < 0.6 and self.fill < 0.45


def _faint_ink(gray: np.ndarray, window: int) -> np.ndarray:
    """Ink against the paper near it, pale ink included: a photocopied red seal turns light grey."""
    paper = _local_paper(gray, window)
    return gray.astype(np.float32) < paper - np.maximum(25.0, 0.12 * paper)


def _reach(ink: np.ndarray, cx: float, cy: float, r0: float, r1: float) -> float:
    """Share of directions from (cx, cy) along which some ink lies between radii r0 and r1."""
    radii = np.linspace(r0, r1, max(2, int(r1 - r0) + 2))
    xs = np.rint(cx + np.outer(np.cos(_ANGLES), radii)).astype(int)
    ys = np.rint(cy + np.outer(np.sin(_ANGLES), radii)).astype(int)
    inside = (xs >= 0) & (xs < ink.shape[1]) & (ys >= 0) & (ys < ink.shape[0])
    hits = np.zeros(xs.shape, dtype=bool)
    hits[inside] = ink[ys[inside], xs[inside]]
    return float(hits.any(axis=1).mean())


def _measure_ring(ink: np.ndarray, cx: float, cy: float, r: float) -> Ring:
    yy, xx = np.ogrid[: ink.shape[0], : ink.shape[1]]
    disc = (xx - cx) ** 2 + (yy - cy) ** 2 < (0.8 * r) ** 2
    return Ring(
        ring=_reach(ink, cx, cy, 0.9 * r, 1.1 * r),
        rim=_reach(ink, cx, cy, 0.5 * r, 0.82 * r),
        outer=_reach(ink, cx, cy, 1.2 * r, 1.4 * r),
        fill=float(ink[disc].mean()) if disc.any() else 1.0,
    )


def _ring_seal(image: np.ndarray, y0: float, y1: float, line: float) -> bool:
    """A seal's ring in a band of a grey page (a photocopy has no red to find it by).

    Circles are proposed by a Hough transform and each is measured (`Ring`): a ring that runs all the
    way round, text or a star just inside it, mostly paper within. A round logo without text along its
    rim, a QR code or a filled emblem, a signature's loops and a table's corners do not pass. The band
    is 0.9–1.1 of the radius, so a slightly oval seal (a page photographed askew) still counts.
    """
    top, bottom = int(max(0, y0)), int(min(image.shape[0], y1))
    if bottom - top < 4 or line <= 0:
        return False
    gray = cv2.cvtColor(image[top:bottom], cv2.COLOR_BGR2GRAY)
    scale = min(1.0, _LINE_PX / line)
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    unit = line * scale  # a line of text, in the scaled band
    circles = cv2.HoughCircles(
        cv2.medianBlur(gray, 3),
        cv2.HOUGH_GRADIENT,
        dp=1.5,
        minDist=2 * unit,
        param1=80,
        param2=30,
        minRadius=int(_RING_RADII[0] * unit),
        maxRadius=int(_RING_RADII[1] * unit),
    )
    if circles is None:
        return False
    ink = _faint_ink(gray, int(unit))
    return any(_measure_ring(ink, float(cx), float(cy), float(r)).is_seal() for cx, cy, r in circles[0][:20])


def _is_grey(image: np.ndarray) -> bool:
    small = cv2.resize(image, (64, 64), interpolation=cv2.INTER_AREA)
    return float(cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[:, :, 1].mean()) < 8


LABEL_OPTIONAL_MARKS = {"checkbox_level", "checkbox_categories"}  # the options name themselves

MARK_READERS = {
    "checkbox_level": read_checkbox_level,
    "checkbox_categories": read_checkbox_categories,
    "signed": read_signed,
    "sealed": read_sealed,
}
