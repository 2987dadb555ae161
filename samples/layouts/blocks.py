"""Field blocks: the ways a certificate lays out its fields (label：value on one line, two columns, value
below its label, bordered table, header table), each drawing `FieldSpec`s into a box and returning the
y below what it drew; and `overflows`, the check that every text stays on the page."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samples.page import BLACK, BLUE_GREY, GREY, RGB, Composer, Page, Text
from samples.textfmt import Writer

Truth = dict[str, Any]


@dataclass(slots=True)
class FieldSpec:
    key: str
    label: str
    value: str | list[str]  # a list is printed one entry per line
    wide: bool = False
    english: str = ""


@dataclass(slots=True)
class Built:
    page: Page
    doc_type: str
    fields: Truth = field(default_factory=dict)


PHOTO_W, PHOTO_H = 25.0, 33.0


def _seed(value: object) -> int:
    """A stable seed from a value (`hash()` of a str changes between runs)."""
    return zlib.crc32(str(value).encode()) & 0xFFFF


def _lines(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


UNBREAKABLE = {"id_number", "cert_number", "name", "gender", "level"}


def _value_lines(c: Composer, spec: FieldSpec, size: float, width: float) -> list[tuple[str, float]]:
    """The printed lines of a value: wrapped text, but numbers and names shrink rather than break."""
    if spec.key in UNBREAKABLE and not isinstance(spec.value, list):
        return [(spec.value, c.fit(spec.value, size, width))]
    return [(part, size) for v in _lines(spec.value) for part in (c.wrap(v, size, width) or [""])]


def block_inline(
    c: Composer,
    specs: list[FieldSpec],
    box: tuple[float, float, float, float],
    size: float,
    w: Writer,
    *,
    photo: bool = False,
    align: bool = True,
    bilingual: bool = False,
) -> float:
    """`姓名：张三` rows; labels optionally padded to one width so the values line up."""
    x0, y, x1, _ = box
    top = y
    if photo:
        c.sprite("photo", x1 - PHOTO_W, y, x1, y + PHOTO_H, seed=_seed(specs[0].value))
    labels = [s.label + (f" {s.english}" if bilingual and s.english else "") for s in specs]
    label_w = max(c.width(lab, size) for lab in labels) if align else 0.0
    colon_w = c.width(w.colon, size)
    queue = list(zip(specs, labels, strict=True))
    deferred: list[tuple[FieldSpec, str]] = []
    while queue or deferred:
        in_zone = photo and y < top + PHOTO_H + 2
        if deferred and (not in_zone or not queue):
            spec, lab = deferred.pop(0)
        else:
            spec, lab = queue.pop(0)
        right = x1 - PHOTO_W - 4 if photo and y < top + PHOTO_H + 2 else x1
        lw = label_w if align else c.width(lab, size)
        if (
            in_zone
            and queue
            and spec.key in UNBREAKABLE
            and isinstance(spec.value, str)
            and c.width(spec.value, size) > (right - x0 - lw - colon_w) / 0.9
        ):
            deferred.append((spec, lab))  # a long number goes below the photo rather than shrinking
            continue
        c.text(x0, y, lab, size, color=BLACK)
        c.text(x0 + lw, y, w.colon, size)
        vx = x0 + lw + colon_w + (1.0 if w.colon == "　" else 0.3)
        for part, ps in _value_lines(c, spec, size, right - vx):
            c.text(vx, y + (size - ps) * 0.8, part, ps)
            y += size * 1.75
    return y


def block_two_col(
    c: Composer,
    specs: list[FieldSpec],
    box: tuple[float, float, float, float],
    size: float,
    w: Writer,
    *,
    photo: bool = False,
) -> float:
    """Short fields two per row, long ones across the whole width."""
    x0, y, x1, _ = box
    top = y
    if photo:
        c.sprite("photo", x1 - PHOTO_W, y, x1, y + PHOTO_H, seed=_seed(specs[0].value))
    pending: list[FieldSpec] = []

    def flush(row: list[FieldSpec], y: float) -> float:
        right = x1 - PHOTO_W - 4 if photo and y < top + PHOTO_H + 2 else x1
        col_w = (right - x0) / len(row)
        for i, spec in enumerate(row):
            cx = x0 + i * col_w
            lw = c.text(cx, y, spec.label + w.colon, size)
            vs = c.fit(_lines(spec.value)[0], size, col_w - lw - 2)
            c.text(cx + lw + 0.5, y + (size - vs) * 0.8, _lines(spec.value)[0], vs)
        return y + size * 1.9

    for spec in specs:
        narrowest = ((x1 - PHOTO_W - 4 if photo else x1) - x0) / 2
        short = (
            not spec.wide
            and not isinstance(spec.value, list)
            and len(spec.value) <= 12
            and c.width(spec.label + w.colon + spec.value, size) < narrowest - 3
        )
        if short:
            pending.append(spec)
            if len(pending) == 2:
                y = flush(pending, y)
                pending = []
            continue
        if pending:
            y = flush(pending, y)
            pending = []
        right = x1 - PHOTO_W - 4 if photo and y < top + PHOTO_H + 2 else x1
        lw = c.text(x0, y, spec.label + w.colon, size)
        for part, ps in _value_lines(c, spec, size, right - x0 - lw - 1):
            c.text(x0 + lw + 0.5, y + (size - ps) * 0.8, part, ps)
            y += size * 1.75
        y += size * 0.15
    if pending:
        y = flush(pending, y)
    return y


def block_below(
    c: Composer,
    specs: list[FieldSpec],
    box: tuple[float, float, float, float],
    size: float,
    w: Writer,
    *,
    photo: bool = False,
    underline: bool = True,
) -> float:
    """Small grey label, value on the line below it, in a two-column grid."""
    x0, y, x1, _ = box
    top = y
    if photo:
        c.sprite("photo", x1 - PHOTO_W, y, x1, y + PHOTO_H, seed=_seed(specs[0].value))
    lsize = size * 0.72
    col = 0
    for spec in specs:
        right = x1 - PHOTO_W - 4 if photo and y < top + PHOTO_H + 2 else x1
        half = (right - x0 - 6) / 2
        wide = (
            spec.wide
            or isinstance(spec.value, list)
            or (spec.key not in UNBREAKABLE and c.width(_lines(spec.value)[0], size) > half)
        )
        if wide and col == 1:
            y += lsize * 1.3 + size * 1.6
            col = 0
        cx = x0 if col == 0 else x0 + half + 6
        cw = right - x0 if wide else half
        c.text(cx, y, spec.label, lsize, color=GREY)
        vy = y + lsize * 1.3
        for part, ps in _value_lines(c, spec, size, cw):
            c.text(cx, vy + (size - ps) * 0.8, part, ps)
            vy += size * 1.45
        if underline:
            c.line(cx, vy + 0.3, cx + cw, vy + 0.3, 0.15, GREY)
        if wide:
            y = vy + size * 0.7
            col = 0
        elif col == 0:
            col = 1
        else:
            y = vy + size * 0.7
            col = 0
    if col == 1:
        y += lsize * 1.3 + size * 2.2
    return y


def block_table(
    c: Composer,
    specs: list[FieldSpec],
    box: tuple[float, float, float, float],
    size: float,
    w: Writer,
    *,
    photo: bool = False,
    four: bool = False,
    shade: RGB | None = None,
) -> float:
    """A bordered table: label cell, value cell (two pairs per row when `four`); photo in its own column."""
    x0, y, x1, _ = box
    pad = size * 0.5
    label_w = max(c.width(s.label, size) for s in specs) + 2 * pad
    photo_x = x1 - PHOTO_W - 2 * pad if photo else x1
    rows: list[list[FieldSpec]] = []
    for spec in specs:
        pairable = four and not spec.wide and not isinstance(spec.value, list) and len(spec.value) <= 10
        if pairable and rows and len(rows[-1]) == 1 and rows[-1][0].key != "__wide" and _pairable(rows[-1][0]):
            rows[-1].append(spec)
        else:
            rows.append([spec])
    top = photo_bottom = y
    for row in rows:
        right = photo_x if photo and y < top + PHOTO_H + 2 * pad else x1
        cell_w = (right - x0) / len(row)
        heights = []
        for spec in row:
            lines = _value_lines(c, spec, size, cell_w - label_w - 2 * pad)
            heights.append(max(1, len(lines)) * size * 1.5 + 2 * pad)
        h = max(max(heights), size * 2.2)
        for i, spec in enumerate(row):
            cx = x0 + i * cell_w
            if shade:
                c.rect(cx, y, cx + label_w, y + h, width=0, color=None, fill=shade)
            c.rect(cx, y, cx + cell_w, y + h, width=0.25)
            c.line(cx + label_w, y, cx + label_w, y + h, 0.25)
            c.text(cx + pad, y + (h - size) / 2, spec.label, size)
            lines = _value_lines(c, spec, size, cell_w - label_w - 2 * pad)
            vy = y + (h - len(lines) * size * 1.5) / 2 + size * 0.25
            for part, ps in lines:
                c.text(cx + label_w + pad, vy + (size - ps) * 0.8, part, ps)
                vy += size * 1.5
        y += h
        if right < x1:
            photo_bottom = y
    if photo:
        c.rect(photo_x, top, x1, photo_bottom, width=0.25)
        c.sprite("photo", photo_x + pad, top + pad, x1 - pad, top + pad + PHOTO_H, seed=_seed(specs[0].value))
    return y


def _pairable(spec: FieldSpec) -> bool:
    return not spec.wide and not isinstance(spec.value, list) and len(spec.value) <= 10


def block_header_table(
    c: Composer,
    specs: list[FieldSpec],
    box: tuple[float, float, float, float],
    size: float,
    w: Writer,
    *,
    photo: bool = False,
) -> float:
    """Held-out style: labels in a shaded header row, their values in the row beneath."""
    x0, y, x1, _ = box
    pad = size * 0.45
    groups: list[list[FieldSpec]] = []
    for spec in specs:
        if _pairable(spec) and groups and len(groups[-1]) < 3 and all(_pairable(s) for s in groups[-1]):
            groups[-1].append(spec)
        else:
            groups.append([spec])
    for group in groups:
        cw = (x1 - x0) / len(group)
        hh = size * 1.8
        values = [_value_lines(c, s, size, cw - 2 * pad) for s in group]
        vh = max(len(v) for v in values) * size * 1.5 + 2 * pad
        for i, (spec, lines) in enumerate(zip(group, values, strict=True)):
            cx = x0 + i * cw
            c.rect(cx, y, cx + cw, y + hh, width=0.25, fill=(228, 232, 238))
            c.text(cx + cw / 2, y + (hh - size * 0.85) / 2, spec.label, size * 0.85, anchor="c", color=BLUE_GREY)
            c.rect(cx, y + hh, cx + cw, y + hh + vh, width=0.25)
            vy = y + hh + pad + size * 0.2
            for part, ps in lines:
                c.text(
                    cx + cw / 2 if len(lines) == 1 else cx + pad,
                    vy + (size - ps) * 0.8,
                    part,
                    ps,
                    anchor="c" if len(lines) == 1 else "l",
                )
                vy += size * 1.5
        y += hh + vh
    return y


BLOCKS: dict[str, Callable[..., float]] = {
    "inline": block_inline,
    "two_col": block_two_col,
    "below": block_below,
    "table": block_table,
    "header_table": block_header_table,
}


def overflows(page: Page, margin: float = 2.0) -> bool:
    """True when some text runs off the page (then the layout is redone smaller)."""
    c = Composer(page.width, page.height, page.font, page.layout)
    for op in page.ops:
        if isinstance(op, Text):
            w = c.width(op.text, op.size, op.bold, op.spacing)
            left = op.x - {"l": 0.0, "c": w / 2, "r": w}[op.anchor]
            if op.y < 0 or op.y + op.size > page.height - margin or left < 0 or left + w > page.width:
                return True
    return False
