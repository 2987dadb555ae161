"""A page as a list of drawing operations in millimetres, independent of how it is rendered.

Layouts only describe what goes where; `samples.render` turns the same description into a raster
image (Pillow, any dpi) or a PDF with a real text layer (reportlab). Keeping one description for both
is what lets one document appear as a scan, a photo, or a born-digital PDF with identical truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from samples.fonts import FAMILIES, FontFace, FontFamily, pil_font

RGB = tuple[int, int, int]
BLACK: RGB = (20, 20, 20)
RED: RGB = (205, 30, 35)
BLUE_GREY: RGB = (60, 90, 130)
GREY: RGB = (110, 110, 110)

ASCENT = 0.88
"""Baseline position within the em box: a text op's y is the top of its em box."""


@dataclass(slots=True)
class Text:
    x: float
    y: float  # top of the em box
    text: str
    size: float  # em size in mm
    bold: bool = False
    color: RGB = BLACK
    anchor: str = "l"  # l / c / r: x is the left edge, centre or right edge
    spacing: float = 0.0  # extra space between characters, in em


@dataclass(slots=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.3
    color: RGB = BLACK


@dataclass(slots=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.3
    color: RGB | None = BLACK  # stroke; None = no stroke
    fill: RGB | None = None
    radius: float = 0.0


@dataclass(slots=True)
class Sprite:
    """A graphic drawn as a small raster in both backends (seal, photo, emblem, signature, tick, pattern).

    `kind` selects the painter in `samples.render`; `params` are its arguments. Seals and signatures are
    raster images in real born-digital PDFs too, so they never pollute the PDF text layer.
    """

    kind: str
    x0: float
    y0: float
    x1: float
    y1: float
    params: dict[str, object] = field(default_factory=dict)


Op = Text | Line | Rect | Sprite


@dataclass(slots=True)
class Page:
    width: float  # mm
    height: float  # mm
    font: str  # FontFamily key
    ops: list[Op] = field(default_factory=list)
    paper: RGB = (255, 255, 255)
    layout: str = ""

    @property
    def family(self) -> FontFamily:
        return FAMILIES[self.font]

    def text(self) -> str:
        return "".join(op.text for op in self.ops if isinstance(op, Text))


@cache
def _unit_width(face: FontFace, text: str) -> float:
    return float(pil_font(face, 200).getlength(text)) / 200


class Composer:
    """Helpers to place text by measuring it in the page's own font (so layouts never overlap)."""

    def __init__(self, width: float, height: float, font: str, layout: str, paper: RGB = (255, 255, 255)) -> None:
        self.page = Page(width, height, font, paper=paper, layout=layout)

    @property
    def w(self) -> float:
        return self.page.width

    @property
    def h(self) -> float:
        return self.page.height

    def face(self, bold: bool) -> FontFace:
        fam = self.page.family
        return fam.bold if bold else fam.regular

    def width(self, text: str, size: float, bold: bool = False, spacing: float = 0.0) -> float:
        return _unit_width(self.face(bold), text) * size + spacing * size * max(0, len(text) - 1)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: RGB = BLACK,
        anchor: str = "l",
        spacing: float = 0.0,
    ) -> float:
        """Place `text`; returns its width in mm."""
        if text:
            self.page.ops.append(Text(x, y, text, size, bold, color, anchor, spacing))
        return self.width(text, size, bold, spacing)

    def fit(self, text: str, size: float, max_width: float, bold: bool = False, minimum: float = 2.2) -> float:
        """The largest size ≤ `size` at which `text` fits `max_width` (certificates shrink long names)."""
        while size > minimum and self.width(text, size, bold) > max_width:
            size *= 0.94
        return size

    def wrap(self, text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
        """Break `text` into lines no wider than `max_width` (CJK wraps between any two characters)."""
        lines: list[str] = []
        current = ""
        for ch in text:
            if current and self.width(current + ch, size, bold) > max_width:
                lines.append(current)
                current = ch
            else:
                current += ch
        if current:
            lines.append(current)
        return lines

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.3, color: RGB = BLACK) -> None:
        self.page.ops.append(Line(x0, y0, x1, y1, width, color))

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: float = 0.3,
        color: RGB | None = BLACK,
        fill: RGB | None = None,
        radius: float = 0.0,
    ) -> None:
        self.page.ops.append(Rect(x0, y0, x1, y1, width, color, fill, radius))

    def sprite(self, kind: str, x0: float, y0: float, x1: float, y1: float, **params: object) -> None:
        self.page.ops.append(Sprite(kind, x0, y0, x1, y1, dict(params)))

    def seal(
        self, cx: float, cy: float, r: float, text: str, bottom: str = "", seed: int = 0, color: RGB = RED
    ) -> None:
        """A round red seal centred on (cx, cy), rim text `text`, a star and an optional bottom line."""
        self.sprite("seal", cx - r, cy - r, cx + r, cy + r, text=text, bottom=bottom, seed=seed, color=color)

    def checkbox(self, x: float, y: float, size: float, checked: bool, style: str) -> float:
        """A checkbox whose top-left is (x, y); `style` glyph (□/■ as text) or drawn (box + tick).

        Returns the width taken. Fonts here have no ☑ glyph, so a checked glyph box is ■.
        """
        if style == "glyph":
            return self.text(x, y - size * 0.05, "■" if checked else "□", size * 1.1)
        self.rect(x, y + size * 0.1, x + size * 0.85, y + size * 0.95, width=max(0.2, size * 0.06))
        if checked:
            self.sprite("tick", x - size * 0.05, y - size * 0.15, x + size * 1.0, y + size * 0.95)
        return size
