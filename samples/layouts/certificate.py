"""The three certificates: a page format (A4 portrait, landscape booklet spread, landscape card, A5) plus a
field style from `blocks`, laid out again smaller when something runs off the page."""

from __future__ import annotations

import random
from typing import Any

from samples.layouts.blocks import BLOCKS, Built, overflows
from samples.layouts.decorations import footer, ornament_border
from samples.layouts.specs import TITLES, assessment_specs, registration_specs, verifier_specs
from samples.page import BLACK, GREY, RED, Composer
from samples.people import Certificate, Person
from samples.textfmt import Writer


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
