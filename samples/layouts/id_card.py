"""The resident ID card, front and back: scanned on its own or photocopied enlarged onto A4."""

from __future__ import annotations

import random

from samples.layouts.blocks import Built, Truth, _seed
from samples.page import Composer
from samples.people import Person
from samples.textfmt import date_dot

CARD_W, CARD_H = 85.6, 54.0


def _card_base(
    c: Composer,
    ox: float,
    oy: float,
    k: float,
    mono: bool,
    *,
    paper: tuple[int, int, int],
    guilloche: tuple[int, int, int],
) -> None:
    """The card's rounded outline and its guilloche background; the two sides differ only in tint."""
    c.rect(
        ox,
        oy,
        ox + CARD_W * k,
        oy + CARD_H * k,
        width=0.3 * k,
        color=(170, 170, 170),
        fill=(238, 238, 238) if mono else paper,
        radius=3.2 * k,
    )
    c.sprite(
        "guilloche",
        ox + 1 * k,
        oy + 1 * k,
        ox + (CARD_W - 1) * k,
        oy + (CARD_H - 1) * k,
        color=(150, 150, 150) if mono else guilloche,
    )


def _id_front(c: Composer, p: Person, ox: float, oy: float, k: float, mono: bool) -> None:
    label = (90, 90, 90) if mono else (45, 110, 170)
    _card_base(c, ox, oy, k, mono, paper=(243, 241, 232), guilloche=(120, 170, 205))

    def L(x: float, y: float, t: str, spacing: float = 0.0) -> None:
        c.text(ox + x * k, oy + y * k, t, 2.6 * k, color=label, spacing=spacing)

    def V(x: float, y: float, t: str, s: float = 3.2) -> None:
        c.text(ox + x * k, oy + y * k, t, s * k)

    L(6.5, 7.5, "姓名", 0.5)
    V(16.0, 7.0, p.name, 3.6)
    L(6.5, 14.5, "性别", 0.5)
    V(16.0, 14.2, p.gender)
    L(27.0, 14.5, "民族", 0.5)
    V(36.0, 14.2, p.ethnicity)
    L(6.5, 21.5, "出生", 0.5)
    b = p.birth_date
    V(16.0, 21.2, str(b.year))
    L(24.5, 21.5, "年")
    V(29.0, 21.2, str(b.month))
    L(33.5, 21.5, "月")
    V(37.5, 21.2, str(b.day))
    L(42.0, 21.5, "日")
    L(6.5, 28.5, "住址", 0.5)
    y, asize, step = 28.2, 3.2, 4.6
    lines = c.wrap(p.address, asize * k, 34.0 * k)
    if len(lines) > 3:  # long addresses are printed smaller rather than cut
        asize, step = 2.8, 3.9
        lines = c.wrap(p.address, asize * k, 36.0 * k)
    for part in lines:
        V(16.0, y, part, asize)
        y += step
    L(6.5, 44.5, "公民身份号码")
    c.text(ox + 26.5 * k, oy + 43.6 * k, p.id_number, 3.7 * k, spacing=0.12)
    c.sprite("photo", ox + 56.5 * k, oy + 6.0 * k, ox + 80.5 * k, oy + 38.0 * k, seed=_seed(p.id_number))


def _id_back(c: Composer, p: Person, ox: float, oy: float, k: float, mono: bool) -> None:
    label = (90, 90, 90) if mono else (45, 110, 170)
    _card_base(c, ox, oy, k, mono, paper=(241, 238, 226), guilloche=(215, 170, 120))
    c.sprite("emblem", ox + 6 * k, oy + 4.5 * k, ox + 22 * k, oy + 20.5 * k, mono=mono)
    c.text(ox + 28 * k, oy + 7.5 * k, "中华人民共和国", 4.6 * k, bold=True, spacing=0.35)
    c.text(ox + 26 * k, oy + 16 * k, "居民身份证", 7.0 * k, bold=True, spacing=0.3)
    c.text(ox + 13 * k, oy + 36.5 * k, "签发机关", 2.6 * k, color=label, spacing=0.3)
    c.text(ox + 28 * k, oy + 36.2 * k, p.region.police, 3.1 * k)
    c.text(ox + 13 * k, oy + 44 * k, "有效期限", 2.6 * k, color=label, spacing=0.3)
    until = "长期" if p.id_valid_until is None else date_dot(p.id_valid_until)
    c.text(ox + 28 * k, oy + 43.7 * k, f"{date_dot(p.id_valid_from)}-{until}", 3.1 * k)


def id_card(side: str, fmt: str, p: Person, font: str, rng: random.Random) -> Built:
    """The card as scanned on its own (`card`, `card_mono`) or photocopied enlarged onto A4 (`a4_copy`)."""
    mono = fmt in ("card_mono", "a4_copy")
    draw = _id_front if side == "front" else _id_back
    if fmt == "a4_copy":
        c = Composer(210.0, 297.0, font, f"id_{side}/{fmt}")
        k = rng.uniform(1.35, 1.6)
        ox, oy = (210 - CARD_W * k) / 2 + rng.uniform(-10, 10), rng.uniform(35, 70)
        c.text(20, 18, rng.choice(["身份证复印件", "居民身份证（复印件）", "有效身份证明"]), 5.0, bold=True)
        draw(c, p, ox, oy, k, mono)
        if rng.random() < 0.7:
            c.sprite(
                "watermark",
                ox,
                oy,
                ox + CARD_W * k,
                oy + CARD_H * k,
                text=rng.choice(["仅供注册计量师资质互认使用", "仅供互认申请使用 他用无效"]),
                angle=rng.uniform(10, 30),
            )
        if rng.random() < 0.6:
            c.text(ox + 5, oy + CARD_H * k + 14, "与原件一致", 4.5, color=(30, 40, 110))
            c.sprite(
                "signature", ox + 35, oy + CARD_H * k + 10, ox + 70, oy + CARD_H * k + 24, seed=rng.randint(0, 999)
            )
    else:
        c = Composer(
            CARD_W + 6,
            CARD_H + 6,
            font,
            f"id_{side}/{fmt}",
            paper=rng.choice([(255, 255, 255), (248, 248, 248), (235, 235, 235)]),
        )
        draw(c, p, 3.0, 3.0, 1.0, mono)
    return Built(c.page, *id_card_truth(side, p))


def id_card_truth(side: str, p: Person) -> tuple[str, Truth]:
    """The document type and the truth one side of the card prints."""
    if side == "front":
        return "id_card_front", {
            "name": p.name,
            "gender": p.gender,
            "ethnicity": p.ethnicity,
            "birth_date": p.birth_date.isoformat(),
            "address": p.address,
            "id_number": p.id_number,
        }
    return "id_card_back", {
        "issuing_authority": p.region.police,
        "valid_from": p.id_valid_from.isoformat(),
        "valid_until": p.id_valid_until.isoformat() if p.id_valid_until else None,
    }
