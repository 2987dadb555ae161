"""A scanned sheet: one or more documents placed on it (each maybe turned), and what was written over them.

Documents are laid out as `samples.page.Page`s on their own and assembled in raster space, so that a
card can lie upside down beside its other side and a QR code or a copy shop's watermark can cross
several of them. Regions are recorded in the pixels of the assembled, not yet degraded, sheet.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

from samples.degrade import Degraded
from samples.fonts import FAMILIES, pil_font
from samples.layouts import Built
from samples.page import RGB
from samples.render import MM_PER_INCH, render_raster

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Overlay:
    """Something drawn over the documents: `qr`, `watermark` (one diagonal line), `repeat` (tiled
    diagonal text) or `stamp` (a boxed word such as 复印无效); `box` in mm."""

    kind: str
    box: Box
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Placed:
    """One document on the sheet: its top-left in mm, its scale, and how far it is turned (CCW degrees)."""

    built: Built
    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0
    turn: int = 0
    overlays: list[Overlay] = field(default_factory=list)  # in the document's own mm, turned with it
    document: bool = True  # False for a caption such as 身份证复印件 (no truth of its own)

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = self.built.page.width * self.scale, self.built.page.height * self.scale
        return (h, w) if self.turn in (90, 270) else (w, h)


@dataclass(slots=True)
class Sheet:
    width: float
    height: float
    family: str
    font: str
    placed: list[Placed]
    paper: RGB = (255, 255, 255)
    overlays: list[Overlay] = field(default_factory=list)
    prefer: tuple[str, ...] = ()  # degradations this family is usually met with (a booklet: photographed)
    only: tuple[str, ...] = ()  # when set, the only degradations this family is met with


def single(built: Built, family: str, overlays: list[Overlay] | None = None) -> Sheet:
    """A sheet that is just the document."""
    page = built.page
    return Sheet(page.width, page.height, family, page.font, [Placed(built, overlays=overlays or [])], page.paper)


# --- overlay painters (on an RGBA layer the size of the target) ---------------------------------------


def _qr(layer: Image.Image, box: tuple[int, int, int, int], params: dict[str, Any]) -> None:
    code = segno.make(str(params.get("data", "")), error="m")
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=4, border=1)
    buf.seek(0)
    img = Image.open(buf).convert("RGBA")
    side = min(box[2] - box[0], box[3] - box[1])
    layer.alpha_composite(img.resize((side, side), Image.Resampling.NEAREST), (box[0], box[1]))


def _diagonal_text(
    layer: Image.Image,
    box: tuple[int, int, int, int],
    text: str,
    px: int,
    font: str,
    fill: tuple[int, ...],
    angle: float,
) -> None:
    w, h = box[2] - box[0], box[3] - box[1]
    tile = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((w, h), text, font=pil_font(FAMILIES[font].regular, px), fill=fill, anchor="mm")
    tile = tile.rotate(angle, resample=Image.Resampling.BICUBIC).crop((w // 2, h // 2, w // 2 + w, h // 2 + h))
    layer.alpha_composite(tile, (box[0], box[1]))


def _watermark(layer: Image.Image, box: tuple[int, int, int, int], params: dict[str, Any], font: str) -> None:
    w, h = box[2] - box[0], box[3] - box[1]
    text = str(params["text"])
    angle = float(params.get("angle", 25))
    a = math.radians(angle)
    # The turned line must stay inside the box: its run along x and its rise along y both fit.
    px = max(10, int(min(w * 0.85 / (len(text) * math.cos(a)), h * 0.85 / (len(text) * math.sin(a) + 1), h * 0.2)))
    _diagonal_text(layer, box, text, px, font, tuple(params.get("color", (90, 90, 160, 110))), angle)


def _repeat(layer: Image.Image, box: tuple[int, int, int, int], params: dict[str, Any], font: str) -> None:
    """The same words tiled diagonally across the box, as copy shops and phone apps stamp them."""
    w, h = box[2] - box[0], box[3] - box[1]
    text = str(params["text"])
    px = max(10, int(params.get("px", 28)))
    fill = tuple(params.get("color", (120, 120, 120, 90)))
    tile = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    f = pil_font(FAMILIES[font].regular, px)
    step_x = int(f.getlength(text) + px * 3)
    step_y = int(px * float(params.get("rows", 4.0)))
    for row, y in enumerate(range(0, h * 2, step_y)):
        for x in range(-(row % 2) * step_x // 2, w * 2, step_x):
            d.text((x, y), text, font=f, fill=fill)
    tile = tile.rotate(float(params.get("angle", 30)), resample=Image.Resampling.BICUBIC)
    layer.alpha_composite(tile.crop((w // 2, h // 2, w // 2 + w, h // 2 + h)), (box[0], box[1]))


def _stamp(layer: Image.Image, box: tuple[int, int, int, int], params: dict[str, Any], font: str) -> None:
    w, h = box[2] - box[0], box[3] - box[1]
    color = tuple(params.get("color", (200, 40, 40, 200)))
    stamp = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(stamp)
    d.rectangle((2, 2, w - 3, h - 3), outline=color, width=max(2, h // 14))
    text = str(params["text"])
    px = max(10, int(min(h * 0.55, (w * 0.85) / max(1, len(text)))))
    d.text((w / 2, h / 2), text, font=pil_font(FAMILIES[font].bold, px), fill=color, anchor="mm")
    stamp = stamp.rotate(float(params.get("angle", 0)), resample=Image.Resampling.BICUBIC, expand=False)
    layer.alpha_composite(stamp, (box[0], box[1]))


def paint(img: Image.Image, overlays: list[Overlay], ppm: float, font: str) -> Image.Image:
    if not overlays:
        return img
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    for ov in overlays:
        box = tuple(max(0, round(v * ppm)) for v in ov.box)
        box = (box[0], box[1], min(img.width, box[2]), min(img.height, box[3]))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        if ov.kind == "qr":
            _qr(layer, box, ov.params)
        elif ov.kind == "watermark":
            _watermark(layer, box, ov.params, font)
        elif ov.kind == "repeat":
            _repeat(layer, box, ov.params, font)
        elif ov.kind == "stamp":
            _stamp(layer, box, ov.params, font)
        else:
            raise ValueError(ov.kind)
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def render(sheet: Sheet, dpi: float) -> tuple[Image.Image, list[list[int]]]:
    """The sheet as an RGB image and each placed document's region [x0, y0, x1, y1] in its pixels."""
    ppm = dpi / MM_PER_INCH
    canvas = Image.new("RGB", (round(sheet.width * ppm), round(sheet.height * ppm)), sheet.paper)
    regions: list[list[int]] = []
    for pl in sheet.placed:
        img = render_raster(pl.built.page, dpi * pl.scale)
        img = paint(img, pl.overlays, ppm * pl.scale, sheet.font)
        if pl.turn:
            img = img.rotate(pl.turn, expand=True)
        x0, y0 = round(pl.x * ppm), round(pl.y * ppm)
        canvas.paste(img, (x0, y0))
        regions.append([x0, y0, min(canvas.width, x0 + img.width), min(canvas.height, y0 + img.height)])
    return paint(canvas, sheet.overlays, ppm, sheet.font), regions


# --- a degradation today's set lacks: the grey photocopy ----------------------------------------------


def photocopy(img: Image.Image, rng: random.Random) -> Degraded:
    """A grey photocopy: no colour, hard contrast, grey paper, toner specks, a slight skew."""
    contrast = round(rng.uniform(1.3, 1.9), 2)
    paper = rng.randint(205, 240)
    arr = np.asarray(img.convert("L"), np.float32)
    arr = (arr - 128) * contrast + 128
    arr = np.minimum(arr, paper)
    gen = np.random.default_rng(rng.randint(0, 2**31))
    arr += gen.normal(0, rng.uniform(4, 9), arr.shape)
    specks = gen.random(arr.shape) < rng.uniform(0.0005, 0.002)
    arr[specks] = rng.randint(30, 90)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    angle = round(rng.uniform(-1.5, 1.5), 2)
    out = out.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    return Degraded(out, {"contrast": contrast, "paper_grey": paper, "skew_deg": angle}, jpeg_quality=80)
