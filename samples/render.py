"""Two backends for a `samples.page.Page`: a Pillow raster at any dpi, and a reportlab PDF.

The PDF backend writes real text (embedded TrueType subsets) so that `pdf_text` documents exercise the
text-layer path of extraction; graphics (seals, photos, emblem, ticks, signatures) are small rasters in
both backends, as they are in real born-digital certificates.
"""

from __future__ import annotations

import io
import math
import random
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from samples.fonts import FAMILIES, FontFace, pil_font
from samples.page import ASCENT, RGB, Line, Page, Rect, Sprite, Text

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
SPRITE_PX_PER_MM = 10.0  # resolution of graphics embedded in PDFs (≈ 254 dpi)


# --- sprites ----------------------------------------------------------------------------------------


def _star(cx: float, cy: float, r: float, rot: float = -90.0) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = math.radians(rot + i * 36)
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _seal(w: int, h: int, p: dict[str, object], face: FontFace) -> Image.Image:
    """A round official seal: ring, rim text on the upper arc, star, optional bottom line, uneven ink."""
    s = min(w, h)
    scale = 3 if s < 400 else 1  # draw large, then downsample for smooth edges
    S = s * scale
    color: RGB = p.get("color", (205, 30, 35))  # type: ignore[assignment]
    rng = random.Random(int(p.get("seed", 0)))  # type: ignore[call-overload]
    layer = Image.new("L", (S, S), 0)
    d = ImageDraw.Draw(layer)
    ring = max(2, int(S * 0.035))
    d.ellipse((ring, ring, S - ring, S - ring), outline=255, width=ring)
    d.polygon(_star(S / 2, S / 2, S * 0.17), fill=255)
    text = str(p.get("text", ""))
    if text:
        n = len(text)
        span = min(250.0, 24.0 * n + 20)
        char_px = int(min(S * 0.15, S * 0.36 * math.radians(span) / n * 1.05))
        font = pil_font(face, char_px)
        radius = S / 2 - ring * 2 - char_px * 0.55
        for i, ch in enumerate(text):
            ang = -90 - span / 2 + span * (i + 0.5) / n
            tile = Image.new("L", (char_px * 2, char_px * 2), 0)
            ImageDraw.Draw(tile).text((char_px, char_px), ch, font=font, fill=255, anchor="mm")
            tile = tile.rotate(-(ang + 90), resample=Image.Resampling.BICUBIC)
            cx = S / 2 + radius * math.cos(math.radians(ang))
            cy = S / 2 + radius * math.sin(math.radians(ang))
            layer.paste(255, (int(cx - char_px), int(cy - char_px)), tile)
    bottom = str(p.get("bottom", ""))
    if bottom:
        bpx = int(S * 0.1)
        font = pil_font(face, bpx)
        while font.getlength(bottom) > S * 0.62 and bpx > 6:
            bpx -= 2
            font = pil_font(face, bpx)
        d.text((S / 2, S * 0.74), bottom, font=font, fill=255, anchor="mm")
    # Uneven ink: multiply by smooth noise, with a few pale blotches.
    n = max(8, S // 12)
    coarse = np.random.default_rng(rng.randint(0, 2**31)).normal(128, 60, (n, n)).clip(0, 255).astype(np.uint8)
    noise = np.asarray(Image.fromarray(coarse).resize((S, S), Image.Resampling.BICUBIC), dtype=np.float32)
    ink = np.clip(np.asarray(layer, dtype=np.float32) * (0.55 + noise / 255 * 0.6), 0, 255)
    for _ in range(rng.randint(1, 3)):
        bx, by, br = rng.uniform(0, S), rng.uniform(0, S), rng.uniform(S * 0.05, S * 0.18)
        yy, xx = np.ogrid[:S, :S]
        ink[(xx - bx) ** 2 + (yy - by) ** 2 < br**2] *= 0.6
    alpha = Image.fromarray((ink * 0.8).astype(np.uint8)).resize((w, h), Image.Resampling.LANCZOS)
    out = Image.new("RGBA", (w, h), (*color, 0))
    out.putalpha(alpha)
    return out


def _photo(w: int, h: int, p: dict[str, object]) -> Image.Image:
    """A passport-style photo: plain background, a head and shoulders."""
    rng = random.Random(int(p.get("seed", 0)))  # type: ignore[call-overload]
    bg = rng.choice([(236, 240, 245), (70, 130, 200), (200, 40, 40), (245, 245, 245)])
    img = Image.new("RGBA", (w, h), (*bg, 255))
    d = ImageDraw.Draw(img)
    skin = rng.choice([(235, 200, 170), (225, 185, 150), (210, 170, 135)])
    cloth = rng.choice([(30, 30, 40), (40, 50, 80), (90, 90, 95), (240, 240, 240)])
    hair = rng.choice([(20, 20, 20), (45, 35, 30), (70, 60, 55)])
    d.ellipse((w * 0.05, h * 0.68, w * 0.95, h * 1.35), fill=cloth)
    d.rectangle((w * 0.42, h * 0.52, w * 0.58, h * 0.72), fill=skin)
    d.ellipse((w * 0.27, h * 0.12, w * 0.73, h * 0.62), fill=skin)
    d.chord((w * 0.25, h * 0.08, w * 0.75, h * 0.5), 180, 360, fill=hair)
    for ex in (0.41, 0.59):
        d.ellipse((w * (ex - 0.03), h * 0.36, w * (ex + 0.03), h * 0.39), fill=(40, 30, 30))
    d.line((w * 0.44, h * 0.5, w * 0.56, h * 0.5), fill=(150, 80, 80), width=max(1, w // 60))
    return img


def _emblem(w: int, h: int, p: dict[str, object]) -> Image.Image:
    """An emblem-like roundel (red disc, gold stars, gate and wheat arcs) — not the real national emblem."""
    S = min(w, h) * 3
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    gold, red = (222, 176, 40, 255), (200, 25, 30, 255)
    if p.get("mono"):
        gold, red = (60, 60, 60, 255), (255, 255, 255, 0)
    d.ellipse((S * 0.02, S * 0.02, S * 0.98, S * 0.98), fill=gold)
    d.ellipse((S * 0.12, S * 0.12, S * 0.88, S * 0.88), fill=red)
    d.polygon(_star(S * 0.5, S * 0.3, S * 0.1), fill=gold)
    for i in range(4):
        a = math.radians(200 + i * 45)
        d.polygon(_star(S * 0.5 + S * 0.2 * math.cos(a), S * 0.33 + S * 0.18 * math.sin(a), S * 0.035), fill=gold)
    d.rectangle((S * 0.3, S * 0.55, S * 0.7, S * 0.6), fill=gold)
    d.polygon([(S * 0.33, S * 0.55), (S * 0.5, S * 0.45), (S * 0.67, S * 0.55)], fill=gold)
    for k in range(5):
        x = S * (0.34 + k * 0.08)
        d.rectangle((x, S * 0.6, x + S * 0.025, S * 0.7), fill=gold)
    d.arc((S * 0.08, S * 0.08, S * 0.92, S * 0.92), 30, 150, fill=gold, width=int(S * 0.04))
    return img.resize((w, h), Image.Resampling.LANCZOS)


def _tick(w: int, h: int, p: dict[str, object]) -> Image.Image:
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    ink = (20, 30, 90, 255)
    lw = max(1, int(min(w, h) * 0.14))
    d.line([(w * 0.12, h * 0.55), (w * 0.4, h * 0.85), (w * 0.92, h * 0.08)], fill=ink, width=lw, joint="curve")
    return img


def _signature(w: int, h: int, p: dict[str, object]) -> Image.Image:
    """A handwritten-looking scribble (not any real person's signature)."""
    rng = random.Random(int(p.get("seed", 0)))  # type: ignore[call-overload]
    S = 3
    img = Image.new("RGBA", (w * S, h * S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    ink = rng.choice([(15, 20, 80, 255), (20, 20, 20, 255)])
    x = w * S * 0.05
    for _ in range(rng.randint(2, 3)):
        pts = []
        cw = w * S * rng.uniform(0.22, 0.32)
        for t in np.linspace(0, 1, 40):
            pts.append(
                (
                    x + cw * t + math.sin(t * rng.uniform(8, 16)) * cw * 0.15,
                    h * S * (0.5 + 0.35 * math.sin(t * rng.uniform(5, 11) + rng.uniform(0, 6))),
                )
            )
        d.line(pts, fill=ink, width=max(2, int(h * S * 0.04)), joint="curve")
        x += cw * 1.05
    return img.resize((w, h), Image.Resampling.LANCZOS)


def _guilloche(w: int, h: int, p: dict[str, object]) -> Image.Image:
    """The fine wavy security pattern of an ID card background."""
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    color: RGB = p.get("color", (120, 170, 200))  # type: ignore[assignment]
    step = max(4, h // 40)
    for k in range(-h, h * 2, step):
        pts = [(x, k + math.sin(x / max(1, w) * 12 + k * 0.05) * step * 1.5) for x in range(0, w + 8, 8)]
        d.line(pts, fill=(*color, 70), width=1)
    return img


def _watermark(w: int, h: int, p: dict[str, object], face: FontFace) -> Image.Image:
    """Diagonal 'for this use only' text written across an ID copy."""
    text = str(p.get("text", ""))
    img = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    px = max(8, int(min(w, h) * 0.09))
    font = pil_font(face, px)
    d = ImageDraw.Draw(img)
    d.text((w, h), text, font=font, fill=(90, 90, 160, 120), anchor="mm")
    img = img.rotate(float(p.get("angle", 25)), resample=Image.Resampling.BICUBIC)  # type: ignore[arg-type]
    return img.crop((w // 2, h // 2, w // 2 + w, h // 2 + h))


def paint_sprite(op: Sprite, w: int, h: int, page: Page) -> Image.Image:
    w, h = max(1, w), max(1, h)
    face = FAMILIES[page.font].regular
    painters = {
        "seal": lambda: _seal(w, h, op.params, face),
        "photo": lambda: _photo(w, h, op.params),
        "emblem": lambda: _emblem(w, h, op.params),
        "tick": lambda: _tick(w, h, op.params),
        "signature": lambda: _signature(w, h, op.params),
        "guilloche": lambda: _guilloche(w, h, op.params),
        "watermark": lambda: _watermark(w, h, op.params, face),
    }
    return painters[op.kind]()


# --- raster -----------------------------------------------------------------------------------------


def render_raster(page: Page, dpi: float) -> Image.Image:
    """The page as an RGB image at `dpi`."""
    ppm = dpi / MM_PER_INCH
    W, H = round(page.width * ppm), round(page.height * ppm)
    img = Image.new("RGBA", (W, H), (*page.paper, 255))
    draw = ImageDraw.Draw(img)
    fam = FAMILIES[page.font]
    for op in page.ops:
        if isinstance(op, Text):
            font = pil_font(fam.bold if op.bold else fam.regular, round(op.size * ppm))
            base = (op.y + op.size * ASCENT) * ppm
            if op.spacing:
                total = sum(font.getlength(c) for c in op.text) + op.spacing * op.size * ppm * (len(op.text) - 1)
                x = op.x * ppm - {"l": 0, "c": total / 2, "r": total}[op.anchor]
                for ch in op.text:
                    draw.text((x, base), ch, font=font, fill=op.color, anchor="ls")
                    x += font.getlength(ch) + op.spacing * op.size * ppm
            else:
                anchor = {"l": "l", "c": "m", "r": "r"}[op.anchor] + "s"
                draw.text((op.x * ppm, base), op.text, font=font, fill=op.color, anchor=anchor)
        elif isinstance(op, Line):
            draw.line(
                (op.x0 * ppm, op.y0 * ppm, op.x1 * ppm, op.y1 * ppm), fill=op.color, width=max(1, round(op.width * ppm))
            )
        elif isinstance(op, Rect):
            box = (op.x0 * ppm, op.y0 * ppm, op.x1 * ppm, op.y1 * ppm)
            width = max(1, round(op.width * ppm)) if op.color else 0
            if op.radius:
                draw.rounded_rectangle(box, radius=op.radius * ppm, fill=op.fill, outline=op.color, width=width)
            else:
                draw.rectangle(box, fill=op.fill, outline=op.color, width=width)
        elif isinstance(op, Sprite):
            x0, y0 = round(op.x0 * ppm), round(op.y0 * ppm)
            sprite = paint_sprite(op, round(op.x1 * ppm) - x0, round(op.y1 * ppm) - y0, page)
            img.alpha_composite(sprite, (max(0, x0), max(0, y0)), (max(0, -x0), max(0, -y0)))
            draw = ImageDraw.Draw(img)
    return img.convert("RGB")


# --- PDF --------------------------------------------------------------------------------------------


@cache
def _pdf_font(face: FontFace) -> str:
    if not face.truetype:
        raise ValueError(f"{face.path} has PostScript (CFF) outlines, which reportlab cannot embed")
    name = f"{Path(face.path).stem}-{face.index}"
    pdfmetrics.registerFont(TTFont(name, face.path, subfontIndex=face.index))
    return name


def _pdf_text_page(c: rl_canvas.Canvas, page: Page) -> None:
    H = page.height
    fam = FAMILIES[page.font]
    if page.paper != (255, 255, 255):
        c.setFillColorRGB(*(v / 255 for v in page.paper))
        c.rect(0, 0, page.width * PT_PER_MM, H * PT_PER_MM, stroke=0, fill=1)
    for op in page.ops:
        if isinstance(op, Text):
            name = _pdf_font(fam.bold if op.bold else fam.regular)
            size = op.size * PT_PER_MM
            width = pdfmetrics.stringWidth(op.text, name, size) + op.spacing * size * (len(op.text) - 1)
            x = op.x * PT_PER_MM - {"l": 0, "c": width / 2, "r": width}[op.anchor]
            y = (H - op.y - op.size * ASCENT) * PT_PER_MM
            t = c.beginText(x, y)
            t.setFont(name, size)
            t.setFillColorRGB(*(v / 255 for v in op.color))
            t.setCharSpace(op.spacing * size)  # Tc persists across BT/ET, so always set it
            t.textOut(op.text)
            c.drawText(t)
        elif isinstance(op, Line):
            c.setStrokeColorRGB(*(v / 255 for v in op.color))
            c.setLineWidth(op.width * PT_PER_MM)
            c.line(op.x0 * PT_PER_MM, (H - op.y0) * PT_PER_MM, op.x1 * PT_PER_MM, (H - op.y1) * PT_PER_MM)
        elif isinstance(op, Rect):
            if op.fill:
                c.setFillColorRGB(*(v / 255 for v in op.fill))
            if op.color:
                c.setStrokeColorRGB(*(v / 255 for v in op.color))
                c.setLineWidth(op.width * PT_PER_MM)
            args = (
                op.x0 * PT_PER_MM,
                (H - op.y1) * PT_PER_MM,
                (op.x1 - op.x0) * PT_PER_MM,
                (op.y1 - op.y0) * PT_PER_MM,
            )
            if op.radius:
                c.roundRect(*args, op.radius * PT_PER_MM, stroke=1 if op.color else 0, fill=1 if op.fill else 0)
            else:
                c.rect(*args, stroke=1 if op.color else 0, fill=1 if op.fill else 0)
        elif isinstance(op, Sprite):
            w_px = round((op.x1 - op.x0) * SPRITE_PX_PER_MM)
            h_px = round((op.y1 - op.y0) * SPRITE_PX_PER_MM)
            sprite = paint_sprite(op, w_px, h_px, page)
            c.drawImage(
                ImageReader(sprite),
                op.x0 * PT_PER_MM,
                (H - op.y1) * PT_PER_MM,
                (op.x1 - op.x0) * PT_PER_MM,
                (op.y1 - op.y0) * PT_PER_MM,
                mask="auto",
            )


PdfPage = Page | tuple[Image.Image, float, float]
"""A text page, or an image with its page size in mm (an image-only page)."""


def write_pdf(path: Path, pages: list[PdfPage], title: str = "") -> None:
    """A PDF with one page per entry; `invariant` makes the bytes reproducible for a seed."""
    c = rl_canvas.Canvas(str(path), invariant=1, pageCompression=1)
    if title:
        c.setTitle(title)
    for entry in pages:
        if isinstance(entry, Page):
            c.setPageSize((entry.width * PT_PER_MM, entry.height * PT_PER_MM))
            _pdf_text_page(c, entry)
        else:
            img, w_mm, h_mm = entry
            c.setPageSize((w_mm * PT_PER_MM, h_mm * PT_PER_MM))
            buf = io.BytesIO()
            img.convert("RGB").save(buf, "JPEG", quality=82)
            buf.seek(0)
            c.drawImage(ImageReader(buf), 0, 0, w_mm * PT_PER_MM, h_mm * PT_PER_MM)
        c.showPage()
    c.save()


def soften(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius)) if radius > 0 else img
