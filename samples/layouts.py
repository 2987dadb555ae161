"""Page layouts for every document type, each returning the page and the ground truth it prints.

A certificate layout is a page format (A4 portrait, landscape booklet spread, landscape card, A5) plus a
field style (label：value on one line, bordered table, value below its label, two columns, and — held
out — header tables and bilingual labels). Labels, date styles and separators are drawn per document.
The truth records only what the page actually shows: a field that a layout leaves out is absent.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huren.domain import CATEGORIES
from samples.page import BLACK, BLUE_GREY, GREY, RED, RGB, Composer, Page, Text
from samples.people import Certificate, Person
from samples.textfmt import Writer, date_dot

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


# --- field blocks -----------------------------------------------------------------------------------

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


# --- decorations ------------------------------------------------------------------------------------


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


def pick_label(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


EN = {
    "name": "Name",
    "gender": "Sex",
    "id_number": "ID No.",
    "cert_number": "Certificate No.",
    "level": "Level",
    "categories": "Category",
    "employer": "Employer",
    "valid": "Validity",
    "valid_until": "Valid until",
    "valid_from": "Date of registration",
    "issuing_authority": "Issued by",
    "items": "Items",
    "issue_date": "Date of issue",
}


# --- certificates -----------------------------------------------------------------------------------


def registration_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    truth: Truth = {
        "name": p.name,
        "gender": p.gender,
        "id_number": p.id_number,
        "cert_number": cert.cert_number,
        "level": cert.level,
        "categories": list(cert.categories),
        "employer": cert.employer,
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec("gender", L("性别"), p.gender, english=EN["gender"]),
        FieldSpec(
            "id_number",
            rng.choice(["身份证号", "身份证号码", "公民身份号码", "身份证件号码"]),
            p.id_number,
            english=EN["id_number"],
        ),
        FieldSpec(
            "cert_number",
            rng.choice(["注册证编号", "证书编号", "编号", "证号", "注册编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
        FieldSpec(
            "level", rng.choice([L("级别"), "注册级别", "资格级别"]), w.level(cert.level or 2), english=EN["level"]
        ),
        FieldSpec(
            "categories",
            rng.choice(["执业类别", "注册专业", "专业类别"]),
            w.join(cert.categories),
            english=EN["categories"],
        ),
        FieldSpec(
            "employer",
            rng.choice(["工作单位", "执业单位", "聘用单位", "注册单位"]),
            cert.employer,
            wide=True,
            english=EN["employer"],
        ),
    ]
    assert cert.valid_from and cert.valid_until
    mode = rng.choice(["range", "range", "two", "until"])
    if mode == "range":
        specs.append(
            FieldSpec(
                "valid",
                rng.choice(["有效期", "注册有效期", "有效期限"]),
                w.range(cert.valid_from, cert.valid_until),
                wide=True,
                english=EN["valid"],
            )
        )
        truth |= {"valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat()}
    elif mode == "two":
        specs.append(
            FieldSpec(
                "valid_from", rng.choice(["注册日期", "生效日期"]), w.date(cert.valid_from), english=EN["valid_from"]
            )
        )
        specs.append(
            FieldSpec(
                "valid_until",
                rng.choice(["有效期至", "有效期限至"]),
                w.date(cert.valid_until),
                english=EN["valid_until"],
            )
        )
        truth |= {"valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat()}
    else:
        specs.append(FieldSpec("valid_until", "有效期至", w.date(cert.valid_until), english=EN["valid_until"]))
        truth["valid_until"] = cert.valid_until.isoformat()
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证机构", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    truth["issuing_authority"] = cert.issuing_authority
    return specs, truth


def _items_value(cert: Certificate, w: Writer, rng: random.Random) -> str | list[str]:
    style = rng.choice(["joined", "joined", "numbered", "lines"])
    if style == "joined" or len(cert.items) == 1:
        return w.join(cert.items)
    if style == "numbered":
        fmt = rng.choice(["{i}.{v}", "{i}、{v}", "（{i}）{v}"])
        return [fmt.format(i=i, v=v) for i, v in enumerate(cert.items, 1)]
    return list(cert.items)


def assessment_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool, items_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    assert cert.valid_from and cert.valid_until
    truth: Truth = {
        "name": p.name,
        "id_number": p.id_number,
        "cert_number": cert.cert_number,
        "items": list(cert.items),
        "issuing_authority": cert.issuing_authority,
        "issue_date": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec(
            "cert_number",
            rng.choice(["证书编号", "编号", "证号", "合格证编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
        FieldSpec(
            "id_number", rng.choice(["身份证号", "身份证号码", "公民身份号码"]), p.id_number, english=EN["id_number"]
        ),
    ]
    if items_in_fields:
        specs.append(
            FieldSpec(
                "items",
                rng.choice(["考核项目", "检定项目", "项目名称", "考核合格项目"]),
                _items_value(cert, w, rng),
                wide=True,
                english=EN["items"],
            )
        )
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证机构", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    specs.append(
        FieldSpec(
            "issue_date",
            rng.choice(["批准日期", "发证日期", "签发日期"]),
            w.date(cert.valid_from),
            english=EN["issue_date"],
        )
    )
    specs.append(
        FieldSpec(
            "valid_until", rng.choice(["有效期至", "有效期"]), w.date(cert.valid_until), english=EN["valid_until"]
        )
    )
    return specs, truth


def verifier_specs(
    p: Person, cert: Certificate, w: Writer, rng: random.Random, authority_in_fields: bool, items_in_fields: bool
) -> tuple[list[FieldSpec], Truth]:
    assert cert.valid_until
    truth: Truth = {
        "name": p.name,
        "cert_number": cert.cert_number,
        "items": list(cert.items),
        "issuing_authority": cert.issuing_authority,
        "valid_until": cert.valid_until.isoformat(),
        "employer": cert.employer,
    }
    L = w.label
    specs = [
        FieldSpec("name", L("姓名"), p.name, english=EN["name"]),
        FieldSpec(
            "cert_number",
            rng.choice(["证号", "证书编号", "检定员证号", "编号"]),
            cert.cert_number,
            english=EN["cert_number"],
        ),
    ]
    if cert.shows_id_number:
        specs.append(
            FieldSpec("id_number", rng.choice(["身份证号", "身份证号码"]), p.id_number, english=EN["id_number"])
        )
        truth["id_number"] = p.id_number
    specs.append(
        FieldSpec(
            "employer", rng.choice(["工作单位", "单位", "所在单位"]), cert.employer, wide=True, english=EN["employer"]
        )
    )
    if items_in_fields:
        specs.append(
            FieldSpec(
                "items",
                rng.choice(["检定项目", "核准项目", "项目名称", "准予检定项目"]),
                _items_value(cert, w, rng),
                wide=True,
                english=EN["items"],
            )
        )
    specs.append(
        FieldSpec(
            "valid_until", rng.choice(["有效期至", "有效期"]), w.date(cert.valid_until), english=EN["valid_until"]
        )
    )
    if authority_in_fields:
        specs.append(
            FieldSpec(
                "issuing_authority",
                rng.choice(["发证机关", "发证单位", "签发机关"]),
                cert.issuing_authority,
                wide=True,
                english=EN["issuing_authority"],
            )
        )
    return specs, truth


TITLES = {
    "registration_certificate": ("中华人民共和国", "注册计量师注册证"),
    "assessment_certificate": ("", "计量专业项目考核合格证"),
    "verifier_certificate": ("", "计量检定员证"),
}


def items_table(
    c: Composer, cert: Certificate, box: tuple[float, float, float, float], size: float, w: Writer, rng: random.Random
) -> float:
    """序号 | 项目名称 | 有效期至 — how many assessment certificates list their items."""
    x0, y, x1, _ = box
    head = rng.choice(["项目名称", "考核项目"] if cert.cert_type == "assessment" else ["项目名称", "检定项目"])
    cols = [("序号", 14.0), (head, x1 - x0 - 14.0 - 45.0), ("有效期至", 45.0)]
    rh = size * 2.0
    x = x0
    for title, cw in cols:
        c.rect(x, y, x + cw, y + rh, width=0.3, fill=(238, 238, 238))
        c.text(x + cw / 2, y + (rh - size) / 2, title, size, anchor="c")
        x += cw
    y += rh
    assert cert.valid_until
    for i, item in enumerate(cert.items, 1):
        x = x0
        for val, (_, cw) in zip((str(i), item, w.date(cert.valid_until)), cols, strict=True):
            c.rect(x, y, x + cw, y + rh, width=0.3)
            s = c.fit(val, size, cw - 2)
            c.text(x + cw / 2, y + (rh - s) / 2, val, s, anchor="c")
            x += cw
        y += rh
    return y


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


def certificate(
    doc_type: str, fmt: str, style: str, p: Person, cert: Certificate, font: str, rng: random.Random
) -> Built:
    """Any of the three certificates in page format `fmt` with field style `style`.

    A combination that does not fit (long items list in a table on a small card) is laid out again with
    the same choices at a smaller text size, so no field is ever cut off the page.
    """
    state = rng.getstate()
    scale = 1.0
    while True:
        built = _certificate(doc_type, fmt, style, p, cert, font, rng, scale)
        if not overflows(built.page) or scale < 0.6:
            return built
        rng.setstate(state)
        scale *= 0.9


def _certificate(
    doc_type: str, fmt: str, style: str, p: Person, cert: Certificate, font: str, rng: random.Random, scale: float
) -> Built:
    w = Writer(rng, formal=True)
    sizes = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "card": (190.0, 130.0), "booklet": (220.0, 150.0)}
    width, height = sizes[fmt]
    paper = rng.choice([(255, 255, 255), (252, 250, 243), (250, 247, 238)])
    c = Composer(width, height, font, f"{doc_type.split('_')[0]}/{fmt}_{style}", paper)
    accent = rng.choice([RED, (150, 110, 40), (30, 80, 140), (140, 30, 40)])
    seed = rng.randint(0, 10_000)
    footer_authority = rng.random() < 0.6
    items_separate = (
        doc_type != "registration_certificate" and style in ("table", "header_table") and rng.random() < 0.6
    )
    if doc_type == "registration_certificate":
        specs, truth = registration_specs(p, cert, w, rng, not footer_authority)
    elif doc_type == "assessment_certificate":
        specs, truth = assessment_specs(p, cert, w, rng, not footer_authority, not items_separate)
    else:
        specs, truth = verifier_specs(p, cert, w, rng, not footer_authority, not items_separate)
    pre, title = TITLES[doc_type]
    photo = rng.random() < (0.8 if doc_type != "assessment_certificate" else 0.4)
    bilingual = style == "bilingual"
    block = BLOCKS["inline" if bilingual else style]
    kwargs: dict[str, Any] = {"photo": photo}
    if bilingual:
        kwargs["bilingual"] = True
    if style == "table":
        kwargs["four"] = rng.random() < 0.5
        kwargs["shade"] = rng.choice([None, (240, 240, 240), (235, 240, 248)])
    if style == "inline":
        kwargs["align"] = rng.random() < 0.7

    if fmt == "booklet":
        # Left panel: emblem and titles; right panel: the fields. A fold runs down the middle.
        ornament_border(c, 5, accent, rng)
        mid = width / 2
        c.line(mid, 8, mid, height - 8, 0.25, (200, 200, 200))
        c.sprite("emblem", mid / 2 - 13, 22, mid / 2 + 13, 48)
        ty = 58.0
        if pre:
            c.text(mid / 2, ty, pre, 6.0, bold=True, anchor="c", spacing=0.15)
            ty += 10
        ts = c.fit(title, 8.0, mid - 20, bold=True)
        c.text(mid / 2, ty, title, ts, bold=True, anchor="c", color=accent if rng.random() < 0.5 else BLACK)
        if doc_type == "registration_certificate":
            c.text(mid / 2, height - 30, "中华人民共和国人力资源和社会保障部", 3.3, anchor="c")
            c.text(mid / 2, height - 24.5, "国家市场监督管理总局", 3.3, anchor="c")
            c.text(mid / 2, height - 19, "监制", 3.3, anchor="c")
        size = rng.uniform(3.6, 4.1) * scale
        y = block(c, specs, (mid + 10, 16, width - 13, height - 15), size, w, **kwargs)
        if items_separate:
            y = items_table(c, cert, (mid + 10, y + 2, width - 13, 0), size * 0.85, w, rng)
        fy = max(y + 4, height - 34)
    else:
        margin = 10 if fmt != "card" else 6
        if rng.random() < 0.7:
            ornament_border(c, margin, accent, rng)
        y = margin + 14
        if pre:
            c.text(width / 2, y, pre, 6.5 if fmt == "a4" else 5.5, bold=True, anchor="c", spacing=0.2)
            y += 10
        ts = c.fit(title, 10.0 if fmt == "a4" else 8.0, width - 2 * margin - 20, bold=True)
        spacing = 0.25 if rng.random() < 0.4 else 0.0
        ts = c.fit(title, ts, (width - 2 * margin - 20) / (1 + spacing), bold=True)
        c.text(
            width / 2,
            y,
            title,
            ts,
            bold=True,
            anchor="c",
            spacing=spacing,
            color=accent if rng.random() < 0.4 else BLACK,
        )
        y += ts + (14 if fmt == "a4" else 8) * scale
        size = {"a4": rng.uniform(4.3, 5.0), "a5": rng.uniform(3.5, 3.9), "card": rng.uniform(3.6, 4.1)}[fmt] * scale
        side = margin + (22 if fmt == "a4" else 14)
        y = block(c, specs, (side, y, width - side, height - margin), size, w, **kwargs)
        if items_separate:
            y = items_table(c, cert, (side, y + 4, width - side, 0), size * 0.9, w, rng)
        fy = max(y + 8, height - margin - (48 if fmt == "a4" else 30))
        if fmt == "a4" and rng.random() < 0.5:
            notes = ["本证书在中华人民共和国境内有效。", "此证须妥善保管，不得涂改、转借。"]
            c.text(side, height - margin - 14, rng.choice(notes), 3.2, color=GREY)
    # Footer: issuer (maybe labelled) and a date, with the seal over the issuer.
    fsize = 3.8 if fmt != "a4" else 4.4
    xr = width - (18 if fmt != "booklet" else 14)
    flabel = rng.choice(["", "", "发证机关：", "发证单位："]) if footer_authority else ""
    date_text = ""
    if doc_type != "assessment_certificate" and rng.random() < 0.5 and cert.valid_from:
        date_text = w.date(cert.valid_from)
        if doc_type == "registration_certificate":
            truth.setdefault("valid_from", cert.valid_from.isoformat())
        else:
            date_text = ""  # a verifier certificate's issue date is not part of its truth; leave it off
    if footer_authority:
        footer(
            c,
            cert.issuing_authority,
            date_text,
            x_right=xr,
            y=fy,
            size=fsize,
            label=flabel,
            seed=seed,
            seal_r=17.0 if fmt != "a4" else 20.0,
        )
    else:
        # The seal still sits over the issuer line inside the field block, or over the date.
        cx, cy = width - 48, fy + 6
        for op in c.page.ops:
            if getattr(op, "text", None) == cert.issuing_authority:
                cx, cy = op.x + c.width(op.text, op.size) * 0.85, op.y + op.size / 2  # type: ignore[union-attr]
        c.seal(cx, cy, 15.0, cert.issuing_authority, seed=seed)
    return Built(c.page, doc_type, truth)


# --- ID card ----------------------------------------------------------------------------------------

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
    if side == "front":
        truth: Truth = {
            "name": p.name,
            "gender": p.gender,
            "ethnicity": p.ethnicity,
            "birth_date": p.birth_date.isoformat(),
            "address": p.address,
            "id_number": p.id_number,
        }
        return Built(c.page, "id_card_front", truth)
    truth = {
        "issuing_authority": p.region.police,
        "valid_from": p.id_valid_from.isoformat(),
        "valid_until": p.id_valid_until.isoformat() if p.id_valid_until else None,
    }
    return Built(c.page, "id_card_back", truth)


# --- application form -------------------------------------------------------------------------------

FORM_TITLE = "注册计量师注册资质互认申请表"
FORM_SUBTITLE = "（适用于长三角一体化示范区注册计量师注册资质跨区域互认）"
DECLARATION = (
    "本人声明，上述填写的所有信息均真实、准确、完整。本人同意并遵守注册计量师注册资质跨区域互认的相关规定，"
    "愿意将本人的注册计量师注册资质及计量专业项目考核合格证/计量检定员证书进行跨区域互认转换。"
)


def _form_truth(p: Person, cert: Certificate, signed: bool, sealed: bool) -> Truth:
    assert cert.valid_from and cert.valid_until
    t: Truth = {
        "name": p.name,
        "gender": p.gender,
        "id_number": p.id_number,
        "title": p.title,
        "education": p.education,
        "phone": p.phone,
        "cert_number": cert.cert_number,
        "level": cert.level,
        "issuing_authority": cert.issuing_authority,
        "valid_from": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat(),
        "categories": list(cert.categories),
        "current_employer": p.employer,
        "application_date": p.application_date.isoformat(),
        "applicant_signed": signed,
        "employer_sealed": sealed,
    }
    if p.former_employer:
        t["former_employer"] = p.former_employer
    return t


def _checks(
    c: Composer, x: float, y: float, options: list[str], chosen: set[str], size: float, style: str, max_x: float
) -> float:
    """A run of checkboxes with their words, wrapping at `max_x`; returns the y below the last row."""
    cx = x
    for opt in options:
        need = size * 1.2 + c.width(opt, size) + size * 1.2
        if cx + need > max_x:
            cx = x
            y += size * 1.7
        cx += c.checkbox(cx, y, size, opt in chosen, style) + size * 0.3
        cx += c.text(cx, y, opt, size) + size * 1.1
    return y + size * 1.7


def application_form(fmt: str, p: Person, font: str, rng: random.Random) -> Built:
    """The 互认申请表 from the seed notice (`seed_table`), a one-column grid, or (held out) ruled lines."""
    cert = p.registration
    assert cert.valid_from and cert.valid_until and cert.level
    w = Writer(rng)
    signed = rng.random() < 0.8
    sealed = rng.random() < 0.75
    truth = _form_truth(p, cert, signed, sealed)
    c = Composer(210.0, 297.0, font, f"form/{fmt}")
    style = rng.choice(["glyph", "drawn", "drawn"])
    levels = ["一级", "二级"]
    chosen_level = {levels[cert.level - 1]}
    cats = set(cert.categories)
    c.text(105, 20, FORM_TITLE, 7.0, bold=True, anchor="c")
    c.text(105, 30, FORM_SUBTITLE, 3.7, anchor="c")
    s = 3.7
    validity = w.range(cert.valid_from, cert.valid_until)
    opinion_date = w.date(p.application_date)
    x0, x1 = 16.0, 194.0
    if fmt == "seed_table":
        y = 38.0
        cols = [x0, 36, 66, 84, 116, 140, x1]

        def cell(
            xa: float, xb: float, ya: float, yb: float, text: str = "", centre: bool = True, size: float = s
        ) -> None:
            c.rect(xa, ya, xb, yb, width=0.3)
            if text:
                lines = c.wrap(text, size, xb - xa - 2)
                ty = (ya + yb) / 2 - len(lines) * size * 1.35 / 2 + size * 0.15
                for ln in lines:
                    c.text((xa + xb) / 2 if centre else xa + 1.5, ty, ln, size, anchor="c" if centre else "l")
                    ty += size * 1.35

        rh = 11.0
        for r, row in enumerate(
            [
                ["姓名", p.name, "职称", p.title, "身份证号", p.id_number],
                ["性别", p.gender, "学历", p.education, "联系电话", p.phone],
            ]
        ):
            for i, text in enumerate(row):
                cell(cols[i], cols[i + 1], y + r * rh, y + (r + 1) * rh, text)
        y += 2 * rh
        # 注册证信息 block (four rows).
        block_top = y
        cell(cols[1], cols[2], y, y + rh, "编号")
        cell(cols[2], cols[4], y, y + rh, cert.cert_number)
        cell(cols[4], cols[5], y, y + rh, "级别")
        c.rect(cols[5], y, x1, y + rh, width=0.3)
        _checks(c, cols[5] + 2, y + (rh - s) / 2, levels, chosen_level, s, style, x1)
        y += rh
        cell(cols[1], cols[2], y, y + rh, "发证机构")
        cell(cols[2], x1, y, y + rh, cert.issuing_authority, centre=False)
        y += rh
        cell(cols[1], cols[2], y, y + rh, "注册有效期")
        cell(cols[2], x1, y, y + rh, validity, centre=False)
        y += rh
        ch = 17.0
        cell(cols[1], cols[2], y, y + ch, "执业类别")
        c.rect(cols[2], y, x1, y + ch, width=0.3)
        _checks(c, cols[2] + 2, y + 2.5, list(CATEGORIES), cats, s, style, x1 - 2)
        y += ch
        cell(cols[0], cols[1], block_top, y, "注册证信息")
        # 变更执业单位 block.
        top2 = y
        for label, value in (("现执业单位", p.employer), ("原执业单位", p.former_employer or "")):
            cell(cols[1], cols[2], y, y + rh, label)
            cell(cols[2], cols[3], y, y + rh, "单位名称")
            cell(cols[3], x1, y, y + rh, value, centre=False)
            y += rh
        cell(cols[0], cols[1], top2, y, "变更执业单位")
        # Declaration and signature.
        dh = 48.0
        cell(cols[0], cols[1], y, y + dh, "申请人声明")
        c.rect(cols[1], y, x1, y + dh, width=0.3)
        ty = y + 3
        for ln in c.wrap(DECLARATION, s, x1 - cols[1] - 4):
            c.text(cols[1] + 2, ty, ln, s)
            ty += s * 1.5
        sig_y = y + dh - 17
        c.text(x1 - 62, sig_y, "申请人签字：", s)
        if signed:
            c.sprite("signature", x1 - 40, sig_y - 5, x1 - 8, sig_y + 7, seed=rng.randint(0, 9999))
        c.text(x1 - 62, sig_y + 8, f"日期：{w.date(p.application_date)}", s)
        y += dh
        oh = 52.0
        cell(cols[0], cols[1], y, y + oh, "现执业单位意见")
        c.rect(cols[1], y, x1, y + oh, width=0.3)
        c.text(cols[1] + 6, y + 6, "同意接收并互认。", s)
        c.text(x1 - 50, y + oh - 22, "（单位公章）", s)
        c.text(x1 - 62, y + oh - 11, f"日期：{opinion_date}", s)
        if sealed:
            c.seal(x1 - 36, y + oh - 21, 18, p.employer, seed=rng.randint(0, 9999))
        y += oh
    elif fmt == "grid":
        y = 42.0
        lw = 42.0
        rows: list[tuple[str, str]] = [
            ("姓　　名", p.name),
            ("性　　别", p.gender),
            ("身份证号码", p.id_number),
            ("职　　称", p.title),
            ("学　　历", p.education),
            ("联系电话", p.phone),
            ("注册证编号", cert.cert_number),
            ("__level", ""),
            ("发证机构", cert.issuing_authority),
            ("注册有效期", validity),
            ("__cats", ""),
            ("现执业单位", p.employer),
            ("原执业单位", p.former_employer or ""),
        ]
        for label, value in rows:
            rh = 9.5 if label != "__cats" else 16.0
            c.rect(x0, y, x1, y + rh, width=0.3)
            c.line(x0 + lw, y, x0 + lw, y + rh, 0.3)
            if label == "__level":
                c.text(x0 + 2, y + (rh - s) / 2, "级　　别", s)
                _checks(c, x0 + lw + 3, y + (rh - s) / 2, levels, chosen_level, s, style, x1)
            elif label == "__cats":
                c.text(x0 + 2, y + (rh - s) / 2, "执业类别", s)
                _checks(c, x0 + lw + 3, y + 2.2, list(CATEGORIES), cats, s, style, x1 - 2)
            else:
                c.text(x0 + 2, y + (rh - s) / 2, label, s)
                c.text(x0 + lw + 3, y + (rh - s) / 2, value, s)
            y += rh
        y += 8
        c.text(x0, y, "申请人声明：", s, bold=True)
        y += s * 1.8
        for ln in c.wrap(DECLARATION, s, x1 - x0):
            c.text(x0, y, ln, s)
            y += s * 1.5
        y += 6
        c.text(x0 + 95, y, "申请人（签字）：", s)
        if signed:
            c.sprite("signature", x0 + 125, y - 5, x0 + 160, y + 7, seed=rng.randint(0, 9999))
        c.text(x0 + 95, y + 9, f"申请日期：{w.date(p.application_date)}", s)
        y += 26
        c.text(x0, y, "现执业单位意见：", s, bold=True)
        c.text(x0 + 8, y + 8, "同意接收并互认。", s)
        c.text(x0 + 95, y + 22, "单位（盖章）", s)
        c.text(x0 + 95, y + 31, f"日期：{opinion_date}", s)
        if sealed:
            c.seal(x0 + 112, y + 25, 18, p.employer, seed=rng.randint(0, 9999))
    else:  # "lines" (held out): label then the value written on a ruled line
        y = 46.0
        pairs = [
            ("姓名", p.name, "性别", p.gender),
            ("职称", p.title, "学历", p.education),
            ("身份证号", p.id_number, "联系电话", p.phone),
            ("注册证编号", cert.cert_number, "", ""),
        ]
        for a, av, b, bv in pairs:
            wa = c.text(x0, y, a + "：", s)
            c.text(x0 + wa + 2, y - 0.3, av, s)
            c.line(x0 + wa, y + s * 1.15, x0 + 95, y + s * 1.15, 0.2)
            if b:
                wb = c.text(x0 + 100, y, b + "：", s)
                c.text(x0 + 100 + wb + 2, y - 0.3, bv, s)
                c.line(x0 + 100 + wb, y + s * 1.15, x1, y + s * 1.15, 0.2)
            y += 11
        wl = c.text(x0, y, "级别：", s)
        _checks(c, x0 + wl + 2, y, levels, chosen_level, s, style, x1)
        y += 11
        for a, av in (
            ("发证机构", cert.issuing_authority),
            ("注册有效期", validity),
            ("现执业单位", p.employer),
            ("原执业单位", p.former_employer or ""),
        ):
            wa = c.text(x0, y, a + "：", s)
            c.text(x0 + wa + 2, y - 0.3, av, s)
            c.line(x0 + wa, y + s * 1.15, x1, y + s * 1.15, 0.2)
            y += 11
        wl = c.text(x0, y, "执业类别：", s)
        y = _checks(c, x0 + wl + 2, y, list(CATEGORIES), cats, s, style, x1) + 6
        for ln in c.wrap("申请人声明：" + DECLARATION, s, x1 - x0):
            c.text(x0, y, ln, s)
            y += s * 1.5
        y += 8
        c.text(x0 + 100, y, "申请人签字：", s)
        if signed:
            c.sprite("signature", x0 + 128, y - 5, x0 + 165, y + 7, seed=rng.randint(0, 9999))
        c.text(x0 + 100, y + 9, f"日期：{w.date(p.application_date)}", s)
        y += 28
        c.text(x0, y, "现执业单位意见：同意接收并互认。", s)
        c.text(x0 + 100, y + 14, "（单位公章）", s)
        c.text(x0 + 100, y + 23, f"日期：{opinion_date}", s)
        if sealed:
            c.seal(x0 + 120, y + 16, 18, p.employer, seed=rng.randint(0, 9999))
    return Built(c.page, "application_form", truth)


# --- unknown documents ------------------------------------------------------------------------------

NOTICE_SENTENCES = (
    "为进一步加强计量监督管理，保障国家计量单位制的统一和量值的准确可靠，现将有关事项通知如下。",
    "各单位应当按照规定的周期将强制检定的工作计量器具送交法定计量检定机构检定。",
    "请于每月二十五日前报送本月工作情况，逾期未报送的将予以通报。",
    "对检查中发现的问题，相关单位应立即整改，并将整改情况书面报告。",
    "本通知自印发之日起施行，未尽事宜另行通知。",
    "各区县要高度重视，明确专人负责，确保各项工作按时完成。",
    "加强对集贸市场、加油站等重点领域的计量监督检查，维护公平交易秩序。",
)


def unknown(fmt: str, rng: random.Random, font: str) -> Built:
    """Pages that are none of the known types: a notice, or a receipt-like table."""
    if fmt == "notice":
        c = Composer(210.0, 297.0, font, "unknown/notice")
        c.text(
            105,
            30,
            rng.choice(
                [
                    "关于开展计量器具专项监督检查的通知",
                    "关于做好年度计量工作总结的通知",
                    "关于组织参加计量技术培训的通知",
                ]
            ),
            6.5,
            bold=True,
            anchor="c",
        )
        c.text(105, 42, f"示范区计{rng.randint(2020, 2025)}〔{rng.randint(1, 60)}〕号", 3.8, anchor="c")
        y = 56.0
        c.text(22, y, "各有关单位：", 4.2)
        y += 9
        for _ in range(rng.randint(4, 7)):
            for i, ln in enumerate(c.wrap(rng.choice(NOTICE_SENTENCES), 4.2, 160)):
                c.text(22 + (8.4 if i == 0 else 0), y, ln, 4.2)
                y += 7.5
            y += 2
        c.text(180, y + 20, "长三角生态绿色一体化发展示范区执行委员会", 4.2, anchor="r")
        c.text(160, y + 29, "2025年4月27日", 4.2, anchor="r")
        c.seal(140, y + 23, 19, "示范区执行委员会", seed=rng.randint(0, 999))
        return Built(c.page, "unknown", {})
    c = Composer(210.0, 140.0, font, "unknown/receipt")
    c.text(105, 14, rng.choice(["收款收据", "检定费用结算单", "增值税普通发票（样张）"]), 7.0, bold=True, anchor="c")
    c.text(20, 28, f"No. {rng.randint(10_000_000, 99_999_999)}", 3.8, color=RED)
    c.text(190, 28, f"开票日期：2025年{rng.randint(1, 5)}月{rng.randint(1, 28)}日", 3.8, anchor="r")
    cols = [20.0, 90.0, 120.0, 150.0, 190.0]
    y = 36.0
    for i, h in enumerate(["项目", "数量", "单价（元）", "金额（元）"]):
        c.rect(cols[i], y, cols[i + 1], y + 9, width=0.3, fill=(240, 240, 240))
        c.text((cols[i] + cols[i + 1]) / 2, y + 2.5, h, 3.8, anchor="c")
    total = 0
    for _ in range(rng.randint(2, 5)):
        y += 9
        qty, price = rng.randint(1, 20), rng.choice([30, 45, 60, 80, 120, 200])
        total += qty * price
        for i, v in enumerate(
            [
                rng.choice(["压力表检定费", "衡器检定费", "加油机检定费", "温度计校准费", "水表检定费"]),
                str(qty),
                f"{price:.2f}",
                f"{qty * price:.2f}",
            ]
        ):
            c.rect(cols[i], y, cols[i + 1], y + 9, width=0.3)
            c.text((cols[i] + cols[i + 1]) / 2, y + 2.5, v, 3.8, anchor="c")
    y += 9
    c.rect(cols[0], y, cols[-1], y + 9, width=0.3)
    c.text(cols[0] + 3, y + 2.5, f"合计：¥{total:.2f}", 3.8)
    c.text(150, y + 18, "收款单位（盖章）", 3.8)
    c.seal(
        165,
        y + 20,
        15,
        rng.choice(["苏州太湖校准技术有限公司", "嘉兴南湖校准技术有限公司"]),
        bottom="财务专用章",
        seed=rng.randint(0, 999),
    )
    return Built(c.page, "unknown", {})


# --- catalogue --------------------------------------------------------------------------------------

CERT_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    "registration_certificate": [("booklet", "inline"), ("a4", "table"), ("card", "below"), ("a4", "two_col")],
    "assessment_certificate": [("a4", "inline"), ("booklet", "below"), ("card", "table"), ("a5", "two_col")],
    "verifier_certificate": [("booklet", "inline"), ("a4", "table"), ("card", "two_col"), ("a5", "below")],
}
"""(page format, field style) pairs used in the normal set."""

HOLDOUT_CERT_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    "registration_certificate": [("a4", "header_table"), ("card", "bilingual")],
    "assessment_certificate": [("a4", "header_table"), ("card", "bilingual")],
    "verifier_certificate": [("booklet", "header_table"), ("a4", "bilingual")],
}
"""Layouts only the held-out set uses, to measure generalisation to unseen layouts."""

ID_LAYOUTS = ["card", "card", "a4_copy", "card_mono"]
FORM_LAYOUTS = ["seed_table", "seed_table", "grid"]
HOLDOUT_FORM_LAYOUTS = ["lines"]
UNKNOWN_LAYOUTS = ["notice", "receipt"]
