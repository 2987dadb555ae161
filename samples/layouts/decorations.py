"""What a certificate carries besides its fields: the ornamental border, and the issuer's footer with its seal."""

from __future__ import annotations

import random

from samples.page import RGB, Composer


def ornament_border(c: Composer, margin: float, color: RGB, rng: random.Random) -> None:
    """A double frame with corner squares, like printed certificates."""
    m = margin
    c.rect(m, m, c.w - m, c.h - m, width=1.2, color=color)
    c.rect(m + 2.2, m + 2.2, c.w - m - 2.2, c.h - m - 2.2, width=0.35, color=color)
    if rng.random() < 0.6:
        for cx, cy in ((m, m), (c.w - m, m), (m, c.h - m), (c.w - m, c.h - m)):
            c.rect(cx - 3, cy - 3, cx + 3, cy + 3, width=0.5, color=color, fill=(250, 246, 236))
            c.rect(cx - 1.5, cy - 1.5, cx + 1.5, cy + 1.5, width=0, color=None, fill=color)


def footer(
    c: Composer,
    authority: str,
    date_text: str,
    *,
    x_right: float,
    y: float,
    size: float,
    label: str = "",
    seal: bool = True,
    seed: int = 0,
    seal_r: float = 19.0,
    bottom: str = "",
) -> None:
    """Issuer and date right-aligned, with the red seal stamped over the issuer's name."""
    text = f"{label}{authority}" if label else authority
    width = c.width(text, size)
    c.text(x_right, y, text, size, anchor="r")
    if date_text:
        c.text(x_right - (width - c.width(date_text, size)) / 2, y + size * 1.9, date_text, size, anchor="r")
    if seal:
        cx = x_right - c.width(authority, size) / 2 + (seed % 7 - 3)
        c.seal(cx, y + size * 0.9 + (seed % 5 - 2), seal_r, authority, bottom=bottom, seed=seed)
