"""Geometry of a page's text: rows, characters with positions, labels and the values they point at.

OCR detection is inconsistent about boxes: a widely spaced label (姓　名) may come back as two boxes,
while a label and its value (姓名：张三  性别：男) may come back as one.  So everything here works on
*rows of characters*: each character keeps an estimated x-span and the line it came from, labels
are searched in a row's text with spaces removed, and a value is the stretch of characters between
one label and the next — on the same row, or in the cell below when the label stands alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from huren.domain import BBox, TextLine
from huren.normalize import fold_width, simplified_char


@dataclass(slots=True)
class Char:
    ch: str  # as read
    x0: float
    x1: float
    line: int  # index into Layout.lines
    simp: str = ""  # simplified form, for labels and vocabulary
    space_before: bool = False  # the reader saw a space before this character


@dataclass(slots=True)
class Row:
    lines: list[int]
    y0: float
    y1: float
    chars: list[Char] = field(default_factory=list)
    key: str = ""  # the row's simplified characters, spaces and separators dropped; index i ↔ chars[i]

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(slots=True)
class Span:
    """A run of characters in one row: a label occurrence or a value."""

    row: int
    start: int
    end: int  # exclusive

    def is_empty(self) -> bool:
        return self.end <= self.start


_DROP = re.compile(r"[\s:：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A blank between two Chinese characters of one box, as a share of a character's width, that is a space:
# the recogniser's character columns (`_char_spans`) move a character by a quarter of its width at most.
NARROW_BLANK = 0.4
COLUMN_GAP = 3.0  # row heights of blank past which a row's text is another column's


def _box_runs(row: Row) -> list[tuple[int, int]]:
    """The row's key cut where one printed box ends and the next begins: [start, end) of each box."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(row.chars) + 1):
        if i == len(row.chars) or row.chars[i].line != row.chars[i - 1].line:
            runs.append((start, i))
            start = i
    return runs if len(runs) > 1 else []


class Layout:
    """Rows of characters built from a page's lines; the coordinates stay the page's."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines
        self.rows: list[Row] = _group_rows(lines)
        for row in self.rows:
            _fill_chars(row, lines)

    # --- reading spans -----------------------------------------------------------------------

    def text(self, span: Span, *, keep_gaps: bool = True, simplified: bool = False, narrow: bool = False) -> str:
        """The span's characters; a gap between two boxes becomes a space (cells, list items, PDF words).

        `simplified` gives traditional forms a recogniser produced in simplified form (not for names).
        With `narrow` (a list's items), a blank of `NARROW_BLANK` of a Chinese character's own width
        between two of them is a space too: items set apart by a space the recogniser did not write
        (百分表 砝码 电能表 read 百分表 砝码电能表), where the row's height, set by its box, overstates it.
        """
        row = self.rows[span.row]
        out: list[str] = []
        prev: Char | None = None
        gap = 0.35 * row.height
        for c in row.chars[span.start : span.end]:
            if keep_gaps and prev is not None and (c.space_before or c.x0 - prev.x1 > gap or _narrow(prev, c, narrow)):
                out.append(" ")
            out.append(c.simp if simplified else c.ch)
            prev = c
        return "".join(out)

    def bbox(self, span: Span) -> BBox | None:
        row = self.rows[span.row]
        chars = row.chars[span.start : span.end]
        if not chars:
            return None
        ys = [self.lines[c.line].bbox for c in chars]
        return (min(c.x0 for c in chars), min(b[1] for b in ys), max(c.x1 for c in chars), max(b[3] for b in ys))

    def confidence(self, span: Span) -> float:
        row = self.rows[span.row]
        lines = {c.line for c in row.chars[span.start : span.end]}
        return min((self.lines[i].confidence for i in lines), default=0.0)

    def x_range(self, span: Span) -> tuple[float, float]:
        row = self.rows[span.row]
        chars = row.chars[span.start : span.end]
        return chars[0].x0, chars[-1].x1

    # --- searching ------------------------------------------------------------------------------

    def find(self, pattern: re.Pattern[str], *, each_box: bool = False) -> list[tuple[Span, re.Match[str]]]:
        """Every match of `pattern` in the rows' keys (spaces and colons dropped), in reading order.

        With `each_box`, a printed box's own text is searched too, so that a box's edge bounds a value
        as a blank would: a row's key runs its boxes together (an ID number's box, then a certificate
        number's: `…248728沪注计20238751`), and a pattern that must not start after a digit finds the
        second only in its own box. Such a match is added where it overlaps none of the row's; its
        positions are the row's, its groups its box's."""
        found: list[tuple[Span, re.Match[str]]] = []
        for r, row in enumerate(self.rows):
            matches = [(m.start(), m.end(), m) for m in pattern.finditer(row.key)]
            if each_box:
                for a, b in _box_runs(row):
                    for m in pattern.finditer(row.key[a:b]):
                        start, end = a + m.start(), a + m.end()
                        if not any(s < end and start < e for s, e, _ in matches):
                            matches.append((start, end, m))
            found.extend((Span(r, start, end), m) for start, end, m in sorted(matches, key=lambda t: t[:2]))
        return found

    def below(
        self, span: Span, *, max_rows: int = 2, left_limit: float | None = None, right_limit: float | None = None
    ) -> list[Span]:
        """Spans in the next rows that sit under `span` (a value in the cell below).

        The text under the label is taken together with whatever runs on from it without a gap, so
        a value centred under a shorter label keeps its ends; `left_limit` and `right_limit` are the
        neighbouring columns (the labels beside this one on its row).  A row is taken in pieces (a
        printed line's characters up to a wide gap): a piece belongs to the column its centre lies in,
        so the end of a long value in the next column (an ID number under 身份证号 reaching past the
        midway to 注册编号) is never cut off it and glued to this one's.
        """
        x0, x1 = self.x_range(span)
        height = self.rows[span.row].height
        left = left_limit if left_limit is not None else float("-inf")
        right = right_limit if right_limit is not None else float("inf")
        out = []
        for r in range(span.row + 1, min(len(self.rows), span.row + 1 + max_rows)):
            row = self.rows[r]
            if row.y0 - self.rows[span.row].y1 > (2.5 + 1.5 * (r - span.row - 1)) * height:
                break
            chars, gap = row.chars, 0.9 * row.height
            pieces = _pieces(chars, gap)
            inside = [left < (chars[a].x0 + chars[b - 1].x1) / 2 < right for a, b in pieces]
            under = [
                k
                for k, (a, b) in enumerate(pieces)
                if inside[k] and chars[b - 1].x1 > x0 - height and chars[a].x0 < x1 + height
            ]
            if not under:
                continue
            first, last = under[0], under[-1]
            while first > 0 and inside[first - 1] and _gap(chars, pieces[first][0]) < gap:
                first -= 1  # a piece of the same value printed as another box, just before it
            while last + 1 < len(pieces) and inside[last + 1] and _gap(chars, pieces[last + 1][0]) < gap:
                last += 1
            out.append(Span(r, pieces[first][0], pieces[last][1]))
        return out

    def beside(self, span: Span, min_overlap: float = 0.4) -> list[Span]:
        """Text to the right of a label on a neighbouring row it partly overlaps (a cell's value set a
        little higher or lower than its label, or a photo's remaining tilt), most overlapping first.

        `min_overlap` is the share of the lower row's height the two must share."""
        lrow = self.rows[span.row]
        x0, x1 = self.x_range(span)
        found = []
        for r, row in enumerate(self.rows):
            overlap = min(row.y1, lrow.y1) - max(row.y0, lrow.y0)
            if r == span.row or overlap <= 0 or overlap < min_overlap * min(row.height, lrow.height):
                continue
            if any(c.x1 > x0 and c.x0 < x1 for c in row.chars):
                continue  # text right under or over the label: that row is a row of its own
            idx = [i for i, c in enumerate(row.chars) if c.x0 >= x1 - 0.3 * lrow.height]
            if idx and row.chars[idx[0]].x0 - x1 < 6 * lrow.height:
                found.append((overlap, Span(r, idx[0], len(row.chars))))
        return [s for _, s in sorted(found, key=lambda t: -t[0])]

    def continuation(self, span: Span, *, label_x0: float | None = None, max_rows: int = 6) -> list[Span]:
        """Rows that carry on a value left-aligned under its first line (a wrapped address or list).

        Text in the label's column starts a new row of the table; text further left belongs to
        another column of the page (a booklet's title side) and is ignored.
        """
        if span.is_empty():
            return []
        x0, _ = self.x_range(span)
        height = self.rows[span.row].height
        column_left = (label_x0 if label_x0 is not None else x0 - 8 * height) - height
        out = []
        last = self.rows[span.row]
        for r in range(span.row + 1, min(len(self.rows), span.row + 1 + max_rows)):
            row = self.rows[r]
            if row.y0 - last.y1 > 1.2 * height or not row.chars:
                break
            idx = [i for i, c in enumerate(row.chars) if c.x0 >= x0 - 1.5 * height]
            if not idx or abs(row.chars[idx[0]].x0 - x0) > 1.5 * height:
                break
            if any(column_left <= c.x1 and c.x0 < x0 - 1.5 * height for c in row.chars[: idx[0]]):
                break
            out.append(Span(r, idx[0], len(row.chars)))
            last = row
        return out

    def right_edge(self, x0: float, height: float) -> float:
        """How far text reaches in the column that starts near `x0`: where a full line wraps. Text past a
        blank of `COLUMN_GAP` row heights is another column's (a QR code's caption level with a field)."""
        edges = []
        for row in self.rows:
            if not any(abs(c.x0 - x0) < 2 * height for c in row.chars):
                continue
            chars = [c for c in row.chars if c.x0 >= x0 - 2 * height]
            end = chars[0].x1
            for prev, c in pairwise(chars):
                if c.x0 - prev.x1 > COLUMN_GAP * row.height:
                    break
                end = c.x1
            edges.append(end)
        return max(edges, default=x0)


def _group_rows(lines: list[TextLine]) -> list[Row]:
    """Lines share a row when they overlap its first line vertically by half the smaller height.

    The row keeps its first line's band: extending it with every member would chain two printed
    lines into one whenever a taller box (a label centred on both) straddles them.
    """
    order = sorted(range(len(lines)), key=lambda i: (lines[i].cy, lines[i].bbox[0]))
    rows: list[Row] = []
    for i in order:
        b = lines[i].bbox
        h = b[3] - b[1]
        best: Row | None = None
        best_overlap = 0.0
        for row in rows[-4:]:
            overlap = min(row.y1, b[3]) - max(row.y0, b[1])
            ref = min(h, row.height)
            if ref > 0 and overlap / ref > 0.5 and overlap > best_overlap:
                best, best_overlap = row, overlap
        if best is None:
            rows.append(Row(lines=[i], y0=b[1], y1=b[3]))
        else:
            best.lines.append(i)
    rows.sort(key=lambda r: (r.y0 + r.y1) / 2)
    return rows


def _widths(text: str) -> list[float]:
    """Relative glyph widths: CJK characters and box-drawing symbols are twice as wide as ASCII."""
    return [2.0 if ord(ch) > 0x2E80 or 0x2500 <= ord(ch) <= 0x27BF else 1.0 for ch in text]


def _char_spans(text: str, line: TextLine) -> list[tuple[float, float]]:
    """Each character's x-extent: from the recogniser's character centres when it gave them,
    else the box width spread over the characters by their glyph widths."""
    x0, _, x1, _ = line.bbox
    weights = _widths(text)
    if line.char_x and len(line.char_x) == len(text) and len(text) > 1:
        centres = line.char_x
        pitches = [
            (b - a) / ((wa + wb) / 2)
            for a, b, wa, wb in zip(centres, centres[1:], weights, weights[1:], strict=False)
            if b > a
        ]
        unit = sorted(pitches)[len(pitches) // 2] if pitches else (x1 - x0) / sum(weights)
        # The recogniser places characters on its output columns (8 px at 48 px high), so pitches come
        # in two values (30, 38, 30, 39…) and their median is one of them: the mean of the ordinary
        # ones is the pitch, and a blank between two characters (items set apart by a space the
        # recogniser did not write) stands out of it.
        ordinary = [p for p in pitches if 0.7 * unit <= p <= 1.3 * unit]
        unit = sum(ordinary) / len(ordinary) if ordinary else unit
        unit = min(unit, (x1 - x0) / max(1.0, sum(weights)) * 1.5)  # a space skews the pitch upwards
        return [(c - w * unit / 2, c + w * unit / 2) for c, w in zip(centres, weights, strict=True)]
    total = sum(weights) or 1.0
    out, x = [], x0
    for w in weights:
        step = (x1 - x0) * w / total
        out.append((x, x + step))
        x += step
    return out


def _fill_chars(row: Row, lines: list[TextLine]) -> None:
    row.lines.sort(key=lambda i: lines[i].bbox[0])
    chars: list[Char] = []
    for i in row.lines:
        text = fold_width(lines[i].text)
        if len(text) != len(lines[i].text):
            text = lines[i].text  # NFKC changed the length: positions must stay aligned
        space = False
        for ch, (a, b) in zip(text, _char_spans(text, lines[i]), strict=True):
            if _DROP.match(ch):
                space = space or ch.isspace()
                continue
            chars.append(Char(ch, a, b, i, simplified_char(ch), space))
            space = False
    row.chars = chars
    row.key = "".join(c.simp for c in chars)


def _narrow(prev: Char, c: Char, narrow: bool) -> bool:
    """A blank between two Chinese characters of one printed line wider than their pitch's jitter."""
    if not narrow or prev.line != c.line or not (_CJK.match(prev.ch) and _CJK.match(c.ch)):
        return False
    return c.x0 - prev.x1 > NARROW_BLANK * min(prev.x1 - prev.x0, c.x1 - c.x0)


def _pieces(chars: list[Char], gap: float) -> list[tuple[int, int]]:
    """A row's characters in runs `(start, end)`: a run ends where the printed line changes after a gap,
    or at a blank of `gap` or more."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(chars)):
        blank = _gap(chars, i)
        if blank >= gap or (chars[i].line != chars[i - 1].line and blank > 0):
            out.append((start, i))
            start = i
    if chars:
        out.append((start, len(chars)))
    return out


def _gap(chars: list[Char], i: int) -> float:
    """The blank before character `i`."""
    return chars[i].x0 - chars[i - 1].x1
