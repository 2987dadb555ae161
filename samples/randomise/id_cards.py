"""ID cards drawn from parts: where each line sits, how big, in which ink, labels spaced or not, dates
in other styles, photo and emblem there or not.

What a card says is fixed (GB 16140: name, sex, ethnicity, birth date, address and number on the
front; the issuing bureau and the validity on the back), but the copies, specimens and other makers'
renderings people upload move and size every line, space or join the labels, print the validity as
`2015.01.01-2035.01.01`, `2015.01.01—2035.01.01` or `2015-01-01至2035-01-01`, and leave the photo or
the emblem out. `draw(side, person, rng, font)` gives one such card with its truth, at card size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from samples.layouts import Built, id_card_truth
from samples.page import RGB, Composer, Op, Text
from samples.people import Person

CARD_W, CARD_H = 85.6, 54.0
LABEL_INKS: tuple[RGB, ...] = ((45, 110, 170), (60, 90, 130), (90, 90, 90), (30, 30, 30))
CARD_TINTS: tuple[tuple[RGB, RGB], ...] = (  # paper, guilloche
    ((243, 241, 232), (120, 170, 205)),
    ((241, 238, 226), (215, 170, 120)),
    ((246, 246, 246), (170, 170, 170)),
    ((238, 244, 248), (140, 180, 210)),
)
NUMBER_LABELS: tuple[str, ...] = ("公民身份号码", "公民身份号码", "身份证号码")
BIRTH_LABELS: tuple[str, ...] = ("出生", "出生", "出生日期")
VALIDITY_LABELS: tuple[str, ...] = ("有效期限", "有效期限", "有效期")
RANGE_JOINS: tuple[str, ...] = ("-", "-", "—", "至")


@dataclass(frozen=True, slots=True)
class CardStyle:
    """One card's drawn look."""

    mono: bool
    paper: RGB
    guilloche: RGB
    label_ink: RGB
    label_spacing: float  # extra letter spacing of two-character labels (姓 名)
    value_x: float  # where values start, mm from the card's left edge
    top: float  # the first line's y
    pitch: float  # between lines
    size: float  # value type size
    photo: bool

    @classmethod
    def draw(cls, rng: random.Random) -> CardStyle:
        mono = rng.random() < 0.35
        paper, guilloche = rng.choice(CARD_TINTS)
        return cls(
            mono=mono,
            paper=(238, 238, 238) if mono else paper,
            guilloche=(150, 150, 150) if mono else guilloche,
            label_ink=(90, 90, 90) if mono else rng.choice(LABEL_INKS),
            label_spacing=rng.choice([0.0, 0.5, 0.9]),
            value_x=rng.uniform(15.0, 19.0),
            top=rng.uniform(6.0, 9.0),
            pitch=rng.uniform(6.4, 7.6),
            size=rng.uniform(2.9, 3.4),
            photo=rng.random() < 0.8,
        )


def _base(c: Composer, s: CardStyle) -> None:
    c.rect(0, 0, CARD_W, CARD_H, width=0.3, color=(170, 170, 170), fill=s.paper, radius=3.2)
    c.sprite("guilloche", 1, 1, CARD_W - 1, CARD_H - 1, color=s.guilloche)


def _label(c: Composer, s: CardStyle, x: float, y: float, text: str) -> float:
    return c.text(x, y + 0.3, text, 2.6, color=s.label_ink, spacing=s.label_spacing if len(text) == 2 else 0.0)


def _front(c: Composer, p: Person, s: CardStyle, rng: random.Random) -> None:
    lx, vx = 5.5 + rng.uniform(0, 1.5), s.value_x
    y = s.top
    _label(c, s, lx, y, "姓名")
    c.text(vx, y - 0.4, p.name, s.size * rng.uniform(1.05, 1.25))
    y += s.pitch
    _label(c, s, lx, y, "性别")
    c.text(vx, y, p.gender, s.size)
    if rng.random() < 0.8:  # 民族 beside 性别, as issued; some renderings give it a line of its own
        ex = vx + rng.uniform(9.0, 13.0)
        _label(c, s, ex, y, "民族")
        c.text(ex + 9.5, y, p.ethnicity, s.size)
    else:
        y += s.pitch
        _label(c, s, lx, y, "民族")
        c.text(vx, y, p.ethnicity, s.size)
    y += s.pitch
    label = rng.choice(BIRTH_LABELS)
    _label(c, s, lx, y, label)
    b = p.birth_date
    x = max(vx, lx + c.width(label, 2.6) + 2.0)
    if rng.random() < 0.6:  # the issued style: numbers in value ink, 年 月 日 in label ink
        for part, unit in ((str(b.year), "年"), (str(b.month), "月"), (str(b.day), "日")):
            x += c.text(x, y, part, s.size) + 0.8
            x += _label(c, s, x, y - 0.3, unit) + 1.6
    else:
        c.text(x, y, f"{b.year}年{b.month}月{b.day}日", s.size)
    y += s.pitch
    _label(c, s, lx, y, "住址")
    width = (52.0 if s.photo else 76.0) - vx
    lines = c.wrap(p.address, s.size, width)
    step = s.size * 1.4
    if len(lines) > 3:  # long addresses are printed smaller rather than cut
        lines = c.wrap(p.address, s.size * 0.85, width)
        step = s.size * 1.2
    for part in lines:
        c.text(vx, y, part, s.size * (0.85 if len(lines) > 3 else 1.0))
        y += step
    label = rng.choice(NUMBER_LABELS)
    ny = max(y + 2.0, CARD_H - rng.uniform(8.5, 11.0))
    w = _label(c, s, lx, ny + 0.4, label)
    c.text(lx + w + rng.uniform(3.0, 6.0), ny, p.id_number, rng.uniform(3.4, 3.9), spacing=rng.uniform(0.05, 0.18))
    if s.photo:
        px = rng.uniform(55.0, 58.0)
        c.sprite("photo", px, 5.0, px + 24.0, 37.0, seed=rng.randint(0, 9999))


def _validity(a: date, b: date | None, rng: random.Random) -> str:
    dash = rng.random() < 0.25
    until = "长期" if b is None else (b.isoformat() if dash else f"{b.year}.{b.month:02d}.{b.day:02d}")
    start = a.isoformat() if dash else f"{a.year}.{a.month:02d}.{a.day:02d}"
    return f"{start}{rng.choice(RANGE_JOINS[3:] if dash else RANGE_JOINS)}{until}"


def _back(c: Composer, p: Person, s: CardStyle, rng: random.Random) -> None:
    emblem = rng.random() < 0.8
    if emblem:
        c.sprite("emblem", 5.0, 4.0, 21.0, 20.0, mono=s.mono)
    tx = 27.0 if emblem else CARD_W / 2
    anchor = "l" if emblem else "c"
    c.text(
        tx + (1.5 if emblem else 0), 7.0, "中华人民共和国", rng.uniform(4.0, 4.8), bold=True, spacing=0.3, anchor=anchor
    )
    c.text(tx, 15.5, "居民身份证", rng.uniform(6.2, 7.2), bold=True, spacing=0.3, anchor=anchor)
    lx = rng.uniform(9.0, 14.0)
    y = rng.uniform(33.0, 37.0)
    w = _label(c, s, lx, y, "签发机关")
    vx = lx + max(w, c.width("有效期限", 2.6)) + rng.uniform(2.5, 4.5)
    c.text(vx, y - 0.3, p.region.police, s.size)
    y += s.pitch + rng.uniform(0.0, 1.0)
    _label(c, s, lx, y, rng.choice(VALIDITY_LABELS))
    c.text(vx, y - 0.3, _validity(p.id_valid_from, p.id_valid_until, rng), s.size)


def _shifted(c: Composer, d: float) -> list[Op]:
    """The ops drawn at card origin, moved `d` mm right and down (onto the scan's margin)."""
    return [
        replace(op, x=op.x + d, y=op.y + d)
        if isinstance(op, Text)
        else replace(op, x0=op.x0 + d, y0=op.y0 + d, x1=op.x1 + d, y1=op.y1 + d)
        for op in c.page.ops
    ]


def draw(side: str, p: Person, rng: random.Random, font: str) -> Built:
    """One side of the holder's card in a drawn style, with its truth (the format of `samples/documents`)."""
    s = CardStyle.draw(rng)
    margin = 3.0
    c = Composer(CARD_W + 2 * margin, CARD_H + 2 * margin, font, f"randomise/id_{side}", paper=(255, 255, 255))
    body = Composer(CARD_W, CARD_H, font, "card")
    _base(body, s)
    (_front if side == "front" else _back)(body, p, s, rng)
    c.page.ops.extend(_shifted(body, margin))
    return Built(c.page, *id_card_truth(side, p))
