"""The 互认申请表 (application form): the seed notice's table, a one-column grid, or (held out) ruled lines."""

from __future__ import annotations

import random

from huren.domain import CATEGORIES
from samples.layouts.blocks import Built, Truth
from samples.page import Composer
from samples.people import Person
from samples.textfmt import Writer

FORM_TITLE = "注册计量师注册资质互认申请表"
FORM_SUBTITLE = "（适用于长三角一体化示范区注册计量师注册资质跨区域互认）"
DECLARATION = (
    "本人声明，上述填写的所有信息均真实、准确、完整。本人同意并遵守注册计量师注册资质跨区域互认的相关规定，"
    "愿意将本人的注册计量师注册资质及计量专业项目考核合格证/计量检定员证书进行跨区域互认转换。"
)


def form_truth(p: Person, signed: bool, sealed: bool) -> Truth:
    """What a filled-in form prints: the applicant, their registration certificate, signature and seal."""
    cert = p.registration
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
    truth = form_truth(p, signed, sealed)
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
