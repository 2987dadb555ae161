"""Fonts the generator may use, and which of them are reserved for the held-out set.

Extraction is later measured on a held-out set drawn only with fonts the normal set never uses, so the
split lives here, in one place, and a missing Debian font package stops the run with a clear message
instead of silently falling back to Pillow's bitmap font (which has no CJK glyphs at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PACKAGES = "fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk"


@dataclass(frozen=True, slots=True)
class FontFace:
    """One face inside a font file; `truetype` says whether reportlab can embed it (no CFF outlines)."""

    path: str
    index: int
    truetype: bool


@dataclass(frozen=True, slots=True)
class FontFamily:
    """A regular face and the face used for titles (a real bold where the family has one)."""

    key: str
    regular: FontFace
    bold: FontFace
    holdout: bool

    @property
    def embeddable(self) -> bool:
        return self.regular.truetype and self.bold.truetype


_WQY = "/usr/share/fonts/truetype/wqy"
_ARPHIC = "/usr/share/fonts/truetype/arphic"
_NOTO = "/usr/share/fonts/opentype/noto"

FAMILIES: dict[str, FontFamily] = {
    f.key: f
    for f in (
        FontFamily(
            "wqy-zenhei",
            FontFace(f"{_WQY}/wqy-zenhei.ttc", 0, True),
            FontFace(f"{_WQY}/wqy-zenhei.ttc", 0, True),
            holdout=False,
        ),
        FontFamily(
            "arphic-uming",
            FontFace(f"{_ARPHIC}/uming.ttc", 0, True),
            FontFace(f"{_ARPHIC}/uming.ttc", 0, True),
            holdout=False,
        ),
        # Noto CJK: index 2 is the Simplified Chinese face (0 is Japanese).
        FontFamily(
            "noto-serif-cjk",
            FontFace(f"{_NOTO}/NotoSerifCJK-Regular.ttc", 2, False),
            FontFace(f"{_NOTO}/NotoSerifCJK-Bold.ttc", 2, False),
            holdout=False,
        ),
        FontFamily(
            "noto-sans-cjk",
            FontFace(f"{_NOTO}/NotoSansCJK-Regular.ttc", 2, False),
            FontFace(f"{_NOTO}/NotoSansCJK-Bold.ttc", 2, False),
            holdout=False,
        ),
        # Reserved for --holdout only.
        FontFamily(
            "arphic-ukai",
            FontFace(f"{_ARPHIC}/ukai.ttc", 0, True),
            FontFace(f"{_ARPHIC}/ukai.ttc", 0, True),
            holdout=True,
        ),
        FontFamily(
            "wqy-microhei",
            FontFace(f"{_WQY}/wqy-microhei.ttc", 0, True),
            FontFace(f"{_WQY}/wqy-microhei.ttc", 0, True),
            holdout=True,
        ),
    )
}

NORMAL_FONTS: tuple[str, ...] = tuple(k for k, f in FAMILIES.items() if not f.holdout)
HOLDOUT_FONTS: tuple[str, ...] = tuple(k for k, f in FAMILIES.items() if f.holdout)


class MissingFontError(SystemExit):
    """Raised (as a SystemExit, so the CLI prints it and stops) when a font file is not installed."""


def check_fonts(keys: tuple[str, ...] | list[str]) -> None:
    """Fail early, naming the Debian packages, when any font the run needs is absent."""
    missing = sorted(
        {face.path for k in keys for face in (FAMILIES[k].regular, FAMILIES[k].bold) if not Path(face.path).is_file()}
    )
    if missing:
        raise MissingFontError(
            "samples.generate: missing font file(s): "
            + ", ".join(missing)
            + f"\nInstall them with: apt-get install {FONT_PACKAGES}"
        )


@cache
def pil_font(face: FontFace, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, max(1, px), index=face.index)


@cache
def _notdef(face: FontFace) -> bytes:
    return _glyph_bytes(face, "\U0010fffd")


def _glyph_bytes(face: FontFace, ch: str) -> bytes:
    font = pil_font(face, 32)
    img = Image.new("L", (48, 48), 0)
    ImageDraw.Draw(img).text((4, 40), ch, font=font, fill=255, anchor="ls")
    return img.tobytes()


@cache
def has_glyph(face: FontFace, ch: str) -> bool:
    """True when the face draws `ch` with its own glyph rather than the .notdef box.

    Pillow exposes no cmap, so the rendering of `ch` is compared with that of a code point no font has.
    """
    if ch.isspace():
        return True
    return _glyph_bytes(face, ch) != _notdef(face)


def covers(key: str, text: str) -> bool:
    fam = FAMILIES[key]
    return all(has_glyph(fam.regular, ch) and has_glyph(fam.bold, ch) for ch in set(text))
