"""The zone's application form (互认申请表) drawn from parts: ruled grids of one or two label–value pairs
a row, labels in the wordings the guide's versions use, spaced or shaded or not, fields in another
order within their blocks, checkboxes drawn or as glyphs, dates in any style, signed and sealed or not.

What an applicant fills in is fixed by the guide (the holder, the registration certificate, the
employers, the declaration with signature and date, the employer's opinion under its seal); the forms
people print and fill differ in everything else. `draw(person, rng, font)` gives one with its truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from huren.domain import CATEGORIES
from samples.layouts import Built, form_truth
from samples.page import RGB, Composer
from samples.people import Person
from samples.textfmt import Writer

TITLES: tuple[str, ...] = ("注册计量师注册资质互认申请表", "注册计量师注册资质跨区域互认申请表")
SUBTITLES: tuple[str, ...] = (
    "（适用于长三角一体化示范区注册计量师注册资质跨区域互认）",
    "长三角生态绿色一体化发展示范区",
    "",
)
DECLARATION = (
    "本人声明，上述填写的所有信息均真实、准确、完整。本人同意并遵守注册计量师注册资质跨区域互认的相关规定，"
    "愿意将本人的注册计量师注册资质进行跨区域互认转换。"
)
# Label wordings per field, all of them ones the form's spec (`ocr.documents.application_form`) reads.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码"),
    "title": ("职称",),
    "education": ("学历",),
    "phone": ("联系电话", "手机", "电话"),
    "cert_number": ("注册证编号", "证书编号", "编号"),
    "issuing_authority": ("发证机构", "发证机关"),
    "validity": ("注册有效期", "有效期"),
    "current_employer": ("现执业单位",),
    "former_employer": ("原执业单位",),
}
SIGNATURE_LABELS: tuple[str, ...] = ("申请人签字：", "申请人（签字）：", "申请人签名：", "本人签字：")
SEAL_LABELS: tuple[str, ...] = ("（单位公章）", "单位（盖章）", "单位公章：")
SHADES: tuple[RGB | None, ...] = (None, None, (238, 238, 238), (232, 240, 250))
# Values that need a row's width, and the checkbox rows: never half of a two-pair row.
WIDE = {"id_number", "issuing_authority", "validity", "current_employer", "former_employer", "level", "categories"}


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # a LABELS key, or "level" / "categories" (checkboxes)
    label: str
    value: str = ""


def _spaced(label: str, rng: random.Random) -> str:
    return label[0] + rng.choice(["", "　", "　　"]) + label[1] if len(label) == 2 else label


def _checks(
    c: Composer, x: float, y: float, options: list[str], chosen: set[str], size: float, style: str, x1: float
) -> float:
    """Checkboxes with their words, wrapping at `x1`; returns the y below the last row."""
    cx = x
    for opt in options:
        if cx + size * 2.4 + c.width(opt, size) > x1:
            cx, y = x, y + size * 1.7
        cx += c.checkbox(cx, y, size, opt in chosen, style) + size * 0.3
        cx += c.text(cx, y, opt, size) + size * 1.1
    return y + size * 1.7


def draw(p: Person, rng: random.Random, font: str, complete: bool = False) -> Built:
    """One application form in a drawn layout, with its truth; `complete`: always signed and sealed."""
    cert = p.registration
    assert cert.valid_from and cert.valid_until and cert.level
    w = Writer(rng)
    signed, sealed = rng.random() < 0.8, rng.random() < 0.75  # drawn either way: a seed draws as before
    signed, sealed = signed or complete, sealed or complete
    style = rng.choice(["glyph", "drawn", "drawn"])
    shade = rng.choice(SHADES)
    two_pairs = rng.random() < 0.5
    centred = rng.random() < 0.5
    s = rng.uniform(3.4, 3.9)
    c = Composer(210.0, 297.0, font, "randomise/application_form", rng.choice([(255, 255, 255), (252, 251, 247)]))

    def value(key: str) -> str:
        return {
            "name": p.name,
            "gender": p.gender,
            "id_number": p.id_number,
            "title": p.title,
            "education": p.education,
            "phone": p.phone,
            "cert_number": cert.cert_number,
            "issuing_authority": cert.issuing_authority,
            "validity": w.range(cert.valid_from, cert.valid_until),
            "current_employer": p.employer,
            "former_employer": p.former_employer or "",
        }[key]

    def rows(keys: list[str]) -> list[Row]:
        return [Row(k, _spaced(rng.choice(LABELS[k]), rng), value(k)) for k in keys]

    holder = rows(["name", "gender", "id_number", "title", "education", "phone"])
    rng.shuffle(holder)
    certificate = [*rows(["cert_number", "issuing_authority", "validity"]), Row("level", "级别")]
    rng.shuffle(certificate)
    certificate.append(Row("categories", "执业类别"))
    employers = rows(["current_employer", "former_employer"])

    x0, x1 = rng.uniform(14, 20), rng.uniform(190, 196)
    c.text(105, 18, rng.choice(TITLES), rng.uniform(6.2, 7.2), bold=True, anchor="c")
    subtitle = rng.choice(SUBTITLES)
    if subtitle:
        c.text(105, 28, subtitle, 3.5, anchor="c")
    y = 38.0
    lw = rng.uniform(26, 34)

    def cell_text(xa: float, xb: float, ya: float, yb: float, text: str, centre: bool) -> None:
        size = c.fit(text, s, xb - xa - 3)
        ty = (ya + yb) / 2 - size / 2
        c.text((xa + xb) / 2 if centre else xa + 1.8, ty, text, size, anchor="c" if centre else "l")

    def label_cell(xa: float, ya: float, yb: float, text: str) -> None:
        c.rect(xa, ya, xa + lw, yb, width=0.3, fill=shade)
        cell_text(xa, xa + lw, ya, yb, text, centre=True)

    rh = rng.uniform(9.5, 11.5)
    mid = (x0 + x1) / 2
    for block in (holder, certificate, employers):
        i = 0
        while i < len(block):
            row = block[i]
            if row.key in ("level", "categories"):
                height = rh if row.key == "level" else rh * 1.8
                label_cell(x0, y, y + height, row.label)
                c.rect(x0 + lw, y, x1, y + height, width=0.3)
                options = ["一级", "二级"] if row.key == "level" else list(CATEGORIES)
                chosen = {options[cert.level - 1]} if row.key == "level" else set(cert.categories)
                _checks(c, x0 + lw + 2.5, y + (rh - s) / 2, options, chosen, s * 0.95, style, x1 - 2)
                y += height
                i += 1
                continue
            nxt = block[i + 1] if i + 1 < len(block) else None
            pair = two_pairs and nxt is not None and row.key not in WIDE and nxt.key not in WIDE
            right = mid if pair else x1
            label_cell(x0, y, y + rh, row.label)
            c.rect(x0 + lw, y, right, y + rh, width=0.3)
            cell_text(x0 + lw, right, y, y + rh, row.value, centred and row.key not in WIDE)
            if pair and nxt is not None:
                label_cell(mid, y, y + rh, nxt.label)
                c.rect(mid + lw, y, x1, y + rh, width=0.3)
                cell_text(mid + lw, x1, y, y + rh, nxt.value, centred)
                i += 1
            y += rh
            i += 1
    y += 8
    c.text(x0, y, "申请人声明：", s, bold=True)
    y += s * 1.8
    for line in c.wrap(DECLARATION, s * 0.95, x1 - x0):
        c.text(x0, y, line, s * 0.95)
        y += s * 1.5
    y += 7
    sx = x0 + rng.uniform(85, 100)
    wl = c.text(sx, y, rng.choice(SIGNATURE_LABELS), s)
    if signed:
        c.sprite("signature", sx + wl + 1, y - 5, sx + wl + 36, y + 7, seed=rng.randint(0, 9999))
    c.text(sx, y + 10, f"{rng.choice(['日期：', '申请日期：'])}{w.date(p.application_date)}", s)
    y += 28
    c.text(x0, y, "现执业单位意见：", s, bold=True)
    c.text(x0 + 8, y + 8, "同意接收并互认。", s)
    c.text(sx, y + 22, rng.choice(SEAL_LABELS), s)
    c.text(sx, y + 31, f"日期：{w.date(p.application_date)}", s)
    if sealed:
        c.seal(sx + 18, y + 25, 18, p.employer, seed=rng.randint(0, 9999))
    return Built(c.page, "application_form", form_truth(p, signed, sealed))
