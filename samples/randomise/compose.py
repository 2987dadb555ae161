"""A certificate's content drawn from parts, and the field placements the families lay it out with.

`content()` gives the fields a certificate prints (values written in one drawn style, labels drawn from
`parts.LABELS`, optionally spaced or bilingual) and the truth they amount to; `PLACEMENTS` are the ways a
field block puts values beside, below or inside a cell next to their labels.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from samples import layouts
from samples.layouts import FieldSpec, Truth
from samples.page import RGB, Composer
from samples.people import Certificate, Person
from samples.randomise import parts
from samples.textfmt import Writer

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Style:
    """One document's drawn look: separator, label spacing and language, inks."""

    separator: str
    spacing: str
    bilingual: bool
    label_ink: RGB
    value_ink: RGB

    @classmethod
    def draw(cls, rng: random.Random, *, bilingual: bool = False) -> Style:
        return cls(
            separator=rng.choice(parts.SEPARATORS),
            spacing=rng.choice(parts.SPACINGS),
            bilingual=bilingual,
            label_ink=rng.choice(parts.LABEL_INKS),
            value_ink=rng.choice(parts.VALUE_INKS),
        )

    def label(self, text: str) -> str:
        """姓名 → 姓　名 when this document spaces its two-character labels."""
        return text[0] + self.spacing + text[1] if len(text) == 2 and self.spacing else text


@dataclass(slots=True)
class Content:
    doc_type: str
    specs: list[FieldSpec]
    truth: Truth
    authority: str
    writer: Writer
    cert: Certificate


SPEC_BUILDERS: dict[str, Callable[..., tuple[list[FieldSpec], Truth]]] = {
    "registration_certificate": layouts.registration_specs,
    "assessment_certificate": layouts.assessment_specs,
    "verifier_certificate": layouts.verifier_specs,
}
CERT_DOC_TYPE = {
    "registration": "registration_certificate",
    "assessment": "assessment_certificate",
    "verifier": "verifier_certificate",
}


def content(p: Person, cert: Certificate, style: Style, rng: random.Random, *, authority_in_fields: bool) -> Content:
    """The fields of `cert`, labelled from the parts tables in `style`."""
    doc_type = CERT_DOC_TYPE[cert.cert_type]
    w = Writer(rng, formal=rng.random() < 0.6)
    w.colon = style.separator
    args: tuple[Any, ...] = (
        (authority_in_fields,)
        if doc_type == "registration_certificate"
        else (
            authority_in_fields,
            True,
        )
    )
    specs, truth = SPEC_BUILDERS[doc_type](p, cert, w, rng, *args)
    relabelled = []
    for spec in specs:
        options = parts.LABELS[spec.key]
        if spec.key == "cert_number" and doc_type in parts.CERT_NUMBER_LABELS:
            options = parts.CERT_NUMBER_LABELS[doc_type]
        zh = style.label(rng.choice(options))
        en = parts.ENGLISH.get(spec.key, "")
        relabelled.append(replace(spec, label=zh, english=en))
    truth.setdefault("issuing_authority", cert.issuing_authority)
    return Content(doc_type, relabelled, truth, cert.issuing_authority, w, cert)


def shown_label(spec: FieldSpec, style: Style) -> str:
    return f"{spec.label} {spec.english}" if style.bilingual and spec.english else spec.label


def _value_lines(c: Composer, spec: FieldSpec, size: float, width: float) -> list[tuple[str, float]]:
    return layouts._value_lines(c, spec, size, width)


# --- placements: each draws the fields into `box` and returns the y below them -----------------------


def place_right(c: Composer, specs: list[FieldSpec], box: Box, size: float, style: Style, rng: random.Random) -> float:
    """`label：value` rows, labels padded to one width or not (today's generator's inline block)."""
    w = Writer(rng)
    w.colon = style.separator
    return layouts.block_inline(
        c, specs, box, size, w, photo=rng.random() < 0.4, align=rng.random() < 0.6, bilingual=style.bilingual
    )


def place_inline(c: Composer, specs: list[FieldSpec], box: Box, size: float, style: Style, rng: random.Random) -> float:
    """Card-style: `label：value` run on, each field on its own line, label in its own ink."""
    x0, y, x1, _ = box
    for spec in specs:
        label = shown_label(spec, style) + style.separator
        lw = c.text(x0, y, label, size, color=style.label_ink)
        gap = 0.6 if style.separator.strip() else 0.0
        for part, ps in _value_lines(c, spec, size, x1 - x0 - lw - gap):
            c.text(x0 + lw + gap, y + (size - ps) * 0.8, part, ps, color=style.value_ink)
            y += size * 1.65
        y += size * 0.2
    return y


def place_below(c: Composer, specs: list[FieldSpec], box: Box, size: float, style: Style, rng: random.Random) -> float:
    """Label above its value (booklets, e-licences), one column or two."""
    x0, y, x1, _ = box
    lsize = size * rng.uniform(0.7, 0.85)
    two = rng.random() < 0.5
    half = (x1 - x0 - 6) / 2
    col = 0
    row_bottom = y
    for spec in specs:
        wide = not two or spec.wide or isinstance(spec.value, list) or c.width(str(spec.value), size) > half
        if wide and col == 1:
            y, col = row_bottom, 0
        cx = x0 if col == 0 else x0 + half + 6
        cw = x1 - x0 if wide else half
        c.text(cx, y, shown_label(spec, style), lsize, color=style.label_ink)
        vy = y + lsize * 1.45
        for part, ps in _value_lines(c, spec, size, cw):
            c.text(cx, vy + (size - ps) * 0.8, part, ps, color=style.value_ink)
            vy += size * 1.45
        row_bottom = max(row_bottom, vy + size * 0.8)
        if wide or col == 1:
            y, col = row_bottom, 0
        else:
            col = 1
    return max(y, row_bottom)


def place_left_column(
    c: Composer, specs: list[FieldSpec], box: Box, size: float, style: Style, rng: random.Random
) -> float:
    """Labels in a (shaded) column on the left, a rule, values on the right with a wide gap."""
    x0, y, x1, _ = box
    label_w = max(c.width(shown_label(s, style), size) for s in specs) + size * 1.5
    shade = rng.choice(parts.TABLE_SHADES)
    right_align = rng.random() < 0.5
    gap = size * rng.uniform(1.2, 3.0)
    top = y
    for spec in specs:
        lines = _value_lines(c, spec, size, x1 - x0 - label_w - gap)
        h = max(1, len(lines)) * size * 1.55 + size * 0.6
        if shade:
            c.rect(x0, y, x0 + label_w, y + h, width=0, color=None, fill=shade)
        label = shown_label(spec, style)
        if right_align:
            c.text(x0 + label_w - size * 0.6, y + size * 0.4, label, size, color=style.label_ink, anchor="r")
        else:
            c.text(x0 + size * 0.6, y + size * 0.4, label, size, color=style.label_ink)
        vy = y + size * 0.4
        for part, ps in lines:
            c.text(x0 + label_w + gap, vy + (size - ps) * 0.8, part, ps, color=style.value_ink)
            vy += size * 1.55
        y += h
    c.line(x0 + label_w, top, x0 + label_w, y, 0.3, (120, 120, 120))
    return y


def place_merged_table(
    c: Composer, specs: list[FieldSpec], box: Box, size: float, style: Style, rng: random.Random
) -> float:
    """A ruled table: short fields two to a row, long values across merged cells, the photo cell spanning
    rows, and a validity range as one label cell over two rows (自 / 至)."""
    x0, y, x1, _ = box
    pad = size * 0.5
    shade = rng.choice(parts.TABLE_SHADES)
    label_w = max(c.width(shown_label(s, style), size) for s in specs) + 2 * pad
    photo_w = layouts.PHOTO_W + 2 * pad
    photo = rng.random() < 0.6
    # Two short fields share a row only when each value fits beside its label in half the row (the photo
    # column taken off): a long (bilingual) label leaves a half-row value no room at all.
    room = (x1 - x0 - (photo_w if photo else 0.0)) / 2 - label_w - 2 * pad

    def pairs(spec: FieldSpec) -> bool:
        return layouts._pairable(spec) and spec.key != "valid" and c.width(str(spec.value), size) <= room

    rows: list[list[FieldSpec]] = []
    for spec in specs:
        if pairs(spec) and rows and len(rows[-1]) == 1 and pairs(rows[-1][0]):
            rows[-1].append(spec)
        else:
            rows.append([spec])
    top = y
    photo_rows_bottom = y
    c.rect(x0, y, x1, y, width=0.4)

    def cell(x: float, y: float, xr: float, h: float, label: str, lines: list[tuple[str, float]]) -> None:
        if shade:
            c.rect(x, y, x + label_w, y + h, width=0, color=None, fill=shade)
        c.rect(x, y, xr, y + h, width=0.3)
        c.line(x + label_w, y, x + label_w, y + h, 0.3)
        c.text(x + pad, y + (h - size) / 2, label, size, color=style.label_ink)
        vy = y + (h - len(lines) * size * 1.5) / 2 + size * 0.25
        for part, ps in lines:
            c.text(x + label_w + pad, vy + (size - ps) * 0.8, part, ps, color=style.value_ink)
            vy += size * 1.5

    for row in rows:
        right = x1 - photo_w if photo and y - top < layouts.PHOTO_H + 2 * pad else x1
        spec0 = row[0]
        if spec0.key == "valid" and isinstance(spec0.value, str) and "至" in spec0.value.replace(" ", ""):
            start, _, end = spec0.value.replace(" 至 ", "至").partition("至")
            h = size * 2.0
            c.rect(x0, y, x0 + label_w, y + 2 * h, width=0.3, fill=shade)
            c.text(x0 + pad, y + h - size / 2, shown_label(spec0, style), size, color=style.label_ink)
            for k, (word, value) in enumerate((("自", start), ("至", end))):
                yy = y + k * h
                c.rect(x0 + label_w, yy, right, yy + h, width=0.3)
                c.text(x0 + label_w + pad, yy + (h - size) / 2, word, size, color=style.label_ink)
                c.text(x0 + label_w + pad + size * 1.8, yy + (h - size) / 2, value, size, color=style.value_ink)
            y += 2 * h
        else:
            cw = (right - x0) / len(row)
            line_sets = [_value_lines(c, s, size, cw - label_w - 2 * pad) for s in row]
            h = max(max(len(ls) for ls in line_sets) * size * 1.5 + 2 * pad, size * 2.0)
            for i, (spec, lines) in enumerate(zip(row, line_sets, strict=True)):
                cell(x0 + i * cw, y, x0 + (i + 1) * cw, h, shown_label(spec, style), lines)
            y += h
        if right < x1:
            photo_rows_bottom = y
    if photo:
        c.rect(x1 - photo_w, top, x1, max(photo_rows_bottom, top + layouts.PHOTO_H + 2 * pad), width=0.3)
        c.sprite(
            "photo",
            x1 - photo_w + pad,
            top + pad,
            x1 - pad,
            top + pad + layouts.PHOTO_H,
            seed=layouts._seed(specs[0].value),
        )
    return y


PLACEMENTS: dict[str, Callable[[Composer, list[FieldSpec], Box, float, Style, random.Random], float]] = {
    "right": place_right,
    "inline": place_inline,
    "below": place_below,
    "left_column": place_left_column,
    "table": place_merged_table,
}


def fits(c: Composer, y: float, bottom: float) -> bool:
    return y <= bottom and not layouts.overflows(c.page)


def title_of(doc_type: str) -> tuple[str, str]:
    return layouts.TITLES[doc_type]
