"""Layout families: each composes a sheet from the parts for one synthetic person.

A family fixes what kind of document it is (an electronic licence card, an open booklet, an ID
photocopy…) and draws everything else: labels and separators, where the values sit, field order,
inks, paper, seal, QR code, watermarks. Families that do not fit at the drawn text size are laid out
again smaller, with the same draws, so no value is ever cut off.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from samples import layouts
from samples.layouts import Built
from samples.page import BLACK, GREY, RED, Composer, Text
from samples.people import Certificate, Person
from samples.randomise import forms, id_cards, parts
from samples.randomise.compose import PLACEMENTS, Content, Style, content, fits, place_below, place_inline, title_of
from samples.randomise.sheet import Overlay, Placed, Sheet, single

ENGLISH_TITLES = {
    "registration_certificate": "Certificate of Registered Metrologist",
    "assessment_certificate": "Certificate of Metrology Assessment",
    "verifier_certificate": "Certificate of Verification Officer",
}


def pick_certificate(p: Person, rng: random.Random) -> Certificate:
    others = [c for c in p.certificates if c.cert_type != "registration"]
    return rng.choice(others) if others and rng.random() < 0.45 else p.registration


def _shrinking(build: Callable[[float], tuple[Built, bool]], rng: random.Random) -> Built:
    """Build at scale 1, 0.9, 0.81 … with the same draws until everything fits."""
    state = rng.getstate()
    scale = 1.0
    while True:
        built, ok = build(scale)
        if ok or scale < 0.5:
            return built
        rng.setstate(state)
        scale *= 0.9


def _seal_over(c: Composer, authority: str, seed: int, r: float) -> None:
    """The red seal over the printed issuer, wherever the field block put it."""
    for op in c.page.ops:
        if isinstance(op, Text) and op.text == authority:
            cx = op.x + c.width(op.text, op.size) * 0.7
            c.seal(cx, op.y + op.size / 2, r, authority, seed=seed)
            return


def _date_line(cont: Content) -> str:
    """A date under the issuer: registration's date of registration (which the truth then holds)."""
    cert = cont.cert
    if cont.doc_type == "registration_certificate" and cert.valid_from and "valid_from" in cont.truth:
        return cont.writer.date(cert.valid_from)
    if cont.doc_type == "assessment_certificate" and cert.valid_from:
        return cont.writer.date(cert.valid_from)
    return ""


def _titled_certificate(
    p: Person,
    rng: random.Random,
    font: str,
    family: str,
    *,
    placement: str | None = None,
    bilingual: bool = False,
    shuffle: bool = False,
    name_in_title: bool = False,
    formats: tuple[str, ...] = ("a4", "a4", "a5", "landscape"),
) -> Built:
    """A page certificate: title, the fields in a drawn placement, the issuer with its seal below."""
    cert = pick_certificate(p, rng)
    style = Style.draw(rng, bilingual=bilingual)
    fmt = rng.choice(formats)
    width, height = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "landscape": (240.0, 170.0)}[fmt]
    paper = rng.choice(parts.PAPERS)
    authority_in_fields = rng.random() < 0.5
    where = placement or rng.choice(list(PLACEMENTS))
    accent = rng.choice([RED, (150, 110, 40), (30, 80, 140), BLACK])
    border = rng.random() < 0.6
    seed = rng.randint(0, 9999)
    order_seed = rng.random()
    background = rng.choice([None, None, (200, 170, 120), (120, 170, 205), (170, 200, 160)])

    def build(scale: float) -> tuple[Built, bool]:
        c = Composer(width, height, font, f"randomise/{family}", paper)
        cont = content(p, cert, style, rng, authority_in_fields=authority_in_fields)
        specs = list(cont.specs)
        if shuffle:
            random.Random(order_seed).shuffle(specs)
        margin = 10.0 if fmt != "a5" else 7.0
        if background:
            c.sprite("guilloche", margin + 3, margin + 3, width - margin - 3, height - margin - 3, color=background)
        if border:
            layouts.ornament_border(c, margin, accent, rng)
        pre, title = title_of(cont.doc_type)
        y = margin + 12
        if pre:
            c.text(width / 2, y, pre, 5.5 * scale, bold=True, anchor="c", spacing=0.2)
            y += 8 * scale
        ts = c.fit(title, 9.5 if fmt != "a5" else 7.5, width - 2 * margin - 16, bold=True)
        c.text(width / 2, y, title, ts, bold=True, anchor="c", color=accent)
        y += ts + 3
        if bilingual:
            c.text(width / 2, y, ENGLISH_TITLES[cont.doc_type], 3.6, anchor="c", color=GREY)
            y += 6
        if name_in_title:
            name = next(s for s in specs if s.key == "name")
            specs.remove(name)
            ns = rng.uniform(8.0, 11.0) * scale
            c.text(width / 2, y + 4, str(name.value), ns, bold=rng.random() < 0.5, anchor="c", spacing=0.3)
            y += ns + 10
        y += 6 * scale
        size = (4.4 if fmt == "a4" else 3.7) * scale
        side = margin + (16 if fmt != "a5" else 8)
        bottom = height - margin - 34
        y = PLACEMENTS[where](c, specs, (side, y, width - side, bottom), size, style, rng)
        date_text = _date_line(cont)
        if not authority_in_fields:
            label = rng.choice(["", "", "发证机关：", "发证机关（盖章）", "颁发单位："])
            layouts.footer(
                c,
                cont.authority,
                date_text,
                x_right=width - side,
                y=max(y + 6, bottom + 6),
                size=3.9 * scale,
                label=label,
                seed=seed,
                seal_r=17.0 * scale,
            )
        else:
            _seal_over(c, cont.authority, seed, 15.0 * scale)
        if rng.random() < 0.4:
            c.text(side, height - margin - 8, rng.choice(parts.BOOKLET_NOTES), 3.0, color=GREY)
        return Built(c.page, cont.doc_type, cont.truth), fits(c, y, bottom)

    return _shrinking(build, rng)


# --- the families -------------------------------------------------------------------------------------


def ecert_card(p: Person, rng: random.Random, font: str) -> Sheet:
    """An electronic licence as a card: coloured title bar, `label：value` inline, QR code, seal on the issuer."""
    cert = pick_certificate(p, rng)
    style = Style.draw(rng)
    style.separator = rng.choice(["：", "：", ":"])
    bar = rng.choice(parts.TITLE_BARS)
    platform = rng.choice(parts.ECERT_PLATFORMS)
    seed = rng.randint(0, 9999)
    width, height = 172.0, 110.0
    paper = rng.choice(parts.PAPERS)
    qr_data = f"https://zwfw.example.gov.cn/zz/{rng.getrandbits(64):016x}"
    shuffle_seed = rng.random() if rng.random() < 0.3 else None

    def build(scale: float) -> tuple[Built, bool]:
        c = Composer(width, height, font, "randomise/ecert_card", paper)
        c.rect(1, 1, width - 1, height - 1, width=0.5, color=bar, radius=4.0)
        c.rect(1, 1, width - 1, 19, width=0, color=None, fill=bar, radius=4.0)
        c.rect(1, 12, width - 1, 19, width=0, color=None, fill=bar)
        cont = content(p, cert, style, rng, authority_in_fields=True)
        specs = list(cont.specs)
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(specs)
        _, title = title_of(cont.doc_type)
        ts = c.fit(title, 6.8, width - 40, bold=True)
        c.text(width / 2, 6.0, title, ts, bold=True, anchor="c", color=(255, 255, 255))
        y = 24.0
        if platform:
            c.text(width - 8, 21.5, platform, 2.8, anchor="r", color=bar)
        size = 3.7 * scale
        y = place_inline(c, specs, (8, y + 2, 124, height - 6), size, style, rng)
        _seal_over(c, cont.authority, seed, 14.0)
        c.text(145, 72, "扫码核验", 2.8, anchor="c", color=GREY)
        built = Built(c.page, cont.doc_type, cont.truth)
        return built, fits(c, y, height - 4)

    built = _shrinking(build, rng)
    return single(built, "ecert_card", [Overlay("qr", (129.0, 36.0, 161.0, 68.0), {"data": qr_data})])


def booklet_open(p: Person, rng: random.Random, font: str) -> Sheet:
    """A booklet photographed open: the cover page's titles and issuer on the left, spaced labels
    above their values on the right, a fold between them."""
    cert = pick_certificate(p, rng)
    style = Style.draw(rng)
    style.spacing = rng.choice(["　", "　　", " "])
    half, height = rng.choice([(105.0, 148.0), (110.0, 155.0), (95.0, 135.0)])
    paper = rng.choice(parts.PAPERS[1:])
    accent = rng.choice([RED, (30, 80, 140), (120, 60, 30)])
    seed = rng.randint(0, 9999)
    note = rng.random() < 0.5
    photo = rng.random() < 0.6

    def build(scale: float) -> tuple[Built, bool]:
        width = 2 * half
        c = Composer(width, height, font, "randomise/booklet_open", paper)
        c.rect(half - 2.5, 0, half + 2.5, height, width=0, color=None, fill=(225, 222, 214))
        c.line(half, 0, half, height, 0.3, (170, 165, 155))
        cont = content(p, cert, style, rng, authority_in_fields=False)
        pre, title = title_of(cont.doc_type)
        c.sprite("emblem", half / 2 - 10, 12, half / 2 + 10, 32)
        ty = 38.0
        if pre:
            c.text(half / 2, ty, pre, 4.6, bold=True, anchor="c", spacing=0.15)
            ty += 7
        ts = c.fit(title, 6.5, half - 14, bold=True)
        c.text(half / 2, ty, title, ts, bold=True, anchor="c", color=accent)
        if photo:
            c.sprite("photo", half / 2 - 12, ty + 12, half / 2 + 12, ty + 44, seed=layouts._seed(p.id_number))
        fy = height - 34
        label = rng.choice(["发证机关：", "发证机关（盖章）", ""])
        if label:
            c.text(8, fy - 7, label.rstrip("："), 3.2, color=GREY)
        c.text(half / 2, fy, cont.authority, 3.6 * min(1.0, scale + 0.1), anchor="c")
        date_text = _date_line(cont)
        if date_text:
            c.text(half / 2, fy + 7, date_text, 3.4, anchor="c")
        c.seal(half / 2 + 8, fy + 1.5, 15.0, cont.authority, seed=seed)
        if note:
            c.text(6, height - 10, rng.choice(parts.BOOKLET_NOTES), 2.6, color=GREY)
        size = 3.8 * scale
        y = place_below(c, cont.specs, (half + 8, 10, width - 8, height - 8), size, style, rng)
        return Built(c.page, cont.doc_type, cont.truth), fits(c, y, height - 6)

    sheet = single(_shrinking(build, rng), "booklet_open")
    sheet.prefer = ("photo", "photo", "scan")
    return sheet


def ruled_table(p: Person, rng: random.Random, font: str) -> Sheet:
    return single(_titled_certificate(p, rng, font, "ruled_table", placement="table"), "ruled_table")


def left_column(p: Person, rng: random.Random, font: str) -> Sheet:
    return single(_titled_certificate(p, rng, font, "left_column", placement="left_column"), "left_column")


def bilingual(p: Person, rng: random.Random, font: str) -> Sheet:
    where = rng.choice(["right", "left_column", "table", "below"])
    return single(_titled_certificate(p, rng, font, "bilingual", placement=where, bilingual=True), "bilingual")


def reordered(p: Person, rng: random.Random, font: str) -> Sheet:
    return single(_titled_certificate(p, rng, font, "reordered", shuffle=True), "reordered")


def name_title(p: Person, rng: random.Random, font: str) -> Sheet:
    return single(_titled_certificate(p, rng, font, "name_title", name_in_title=True), "name_title")


def _id_side(side: str, p: Person, rng: random.Random, font: str, mono: bool) -> Built:
    """The card as the committed generator draws it, or (half the time) in a drawn style (`id_cards`)."""
    if rng.random() < 0.5:
        return id_cards.draw(side, p, rng, font)
    return layouts.id_card(side, "card_mono" if mono else "card", p, font, rng)


def id_card(p: Person, rng: random.Random, font: str) -> Sheet:
    """One side of an ID card in a drawn style, scanned or photographed on its own."""
    sheet = single(id_cards.draw(rng.choice(["front", "back"]), p, rng, font), "id_card")
    sheet.prefer = ("photo", "scan", "photocopy")
    return sheet


def copy_marks(
    sheet: Sheet,
    rng: random.Random,
    boxes: list[tuple[float, float, float, float]],
    kind: str | None = None,
    texts: tuple[str, ...] = parts.WATERMARK_TEXTS,
) -> None:
    """Watermarks and stamps a copy carries: none, one diagonal line per card, tiled text, a stamp
    (`kind` drawn when not given)."""
    kind = kind or rng.choice(["none", "watermark", "watermark", "repeat", "repeat", "stamp"])
    text = rng.choice(texts)
    if kind == "watermark":
        for box in boxes:
            sheet.overlays.append(Overlay("watermark", box, {"text": text, "angle": rng.uniform(10, 35)}))
    elif kind == "repeat":
        grey = rng.randint(90, 150)
        sheet.overlays.append(
            Overlay(
                "repeat",
                (0.0, 0.0, sheet.width, sheet.height),
                {
                    "text": text,
                    "px": rng.randint(24, 44),
                    "angle": rng.uniform(10, 40),  # shallow ones too: a deskew can take 12° for level
                    "color": (grey, grey, grey, 95),
                },
            )
        )
    elif kind == "stamp":
        x0, y0, x1, y1 = rng.choice(boxes)
        cx, cy = rng.uniform(x0 + 15, x1 - 15), rng.uniform(y0 + 10, y1 - 10)
        color = rng.choice([(200, 40, 40, 190), (40, 60, 170, 190)])
        over = _authority_at(sheet)
        if over is not None and (cx - x0) < 0.5 * (x1 - x0):  # half the time: over an ID back's issuer
            cx, cy = over[0] + (cx - x0 - 15) / 2, over[1]
        sheet.overlays.append(
            Overlay(
                "stamp",
                (cx - 22, cy - 8, cx + 22, cy + 8),
                {"text": rng.choice(parts.STAMP_TEXTS), "angle": rng.uniform(-20, 20), "color": color},
            )
        )


def _authority_at(sheet: Sheet) -> tuple[float, float] | None:
    """Where an ID back's issuing authority is printed on the sheet (mm, its text's middle), if a back
    lies there: a copy shop's coloured stamp lands on it as often as anywhere."""
    for pl in sheet.placed:
        authority = pl.built.fields.get("issuing_authority") if pl.built.doc_type == "id_card_back" else None
        op = next((o for o in pl.built.page.ops if isinstance(o, Text) and o.text == authority), None)
        if op is None or pl.turn not in (0, 180):
            continue
        # the text's middle on the page (its width roughly one em a character), turned with the card
        x, y = op.x + 0.5 * op.size * len(op.text), op.y + 0.5 * op.size
        w, h = pl.built.page.width, pl.built.page.height
        if pl.turn == 180:
            x, y = w - x, h - y
        return pl.x + x * pl.scale, pl.y + y * pl.scale
    return None


def id_both_sides(p: Person, rng: random.Random, font: str, marks: str | None = None) -> Sheet:
    """The usual ID photocopy: both sides on one A4 page, either way up, often with a watermark
    (`marks`: the kind of copy marks, drawn when not given)."""
    mono = rng.random() < 0.6
    sides = [_id_side("front", p, rng, font, mono), _id_side("back", p, rng, font, mono)]
    if rng.random() < 0.3:
        sides.reverse()
    scale = rng.uniform(1.0, 1.5)
    cw, ch = sides[0].page.width * scale, sides[0].page.height * scale
    sheet = Sheet(210.0, 297.0, "id_both_sides", font, [], rng.choice(parts.PAPERS[:3]))
    side_by_side = 2 * cw + 12 < 200 and rng.random() < 0.5
    top = rng.uniform(25, 60)
    title = rng.choice(parts.COPY_TITLES)
    for i, built in enumerate(sides):
        if side_by_side:
            x, y = (210 - 2 * cw - 10) / 2 + i * (cw + 10), top
        else:
            x, y = (210 - cw) / 2 + rng.uniform(-15, 15), top + i * (ch + rng.uniform(12, 40))
        turn = 180 if rng.random() < 0.3 else 0
        sheet.placed.append(Placed(built, x, y, scale, turn))
    title_page = None
    if title:
        c = Composer(120, 12, font, "randomise/id_both_sides_title", sheet.paper)
        c.text(2, 2, title, 5.0, bold=True)
        title_page = Built(c.page, "", {})
    boxes = [(pl.x, pl.y, pl.x + pl.size_mm[0], pl.y + pl.size_mm[1]) for pl in sheet.placed]
    copy_marks(sheet, rng, boxes, marks, parts.COPY_ONLY_TEXTS if marks else parts.WATERMARK_TEXTS)
    if title_page is not None:
        sheet.placed.append(Placed(title_page, 20, 8, document=False))
    sheet.prefer = ("photocopy", "photocopy", "scan", "photo")
    return sheet


def id_photocopy(p: Person, rng: random.Random, font: str) -> Sheet:
    """Both ID sides photocopied grey onto one page under diagonal copy marks (复印无效, 仅供…使用):
    tiled across the page, or one line over each card."""
    sheet = id_both_sides(p, rng, font, marks=rng.choice(["repeat", "repeat", "watermark"]))
    sheet.family = "id_photocopy"
    sheet.only = ("photocopy",)
    return sheet


def application_form(p: Person, rng: random.Random, font: str) -> Sheet:
    """The application form in a drawn layout (`forms`), filled in, scanned or photographed."""
    sheet = single(forms.draw(p, rng, font), "application_form")
    sheet.prefer = ("scan", "photo")
    return sheet


def cert_and_id(p: Person, rng: random.Random, font: str) -> Sheet:
    """An A4 scan holding a certificate (an e-licence card or a small page) and the ID card."""
    cert_sheet = ecert_card(p, rng, font) if rng.random() < 0.5 else _small_certificate(p, rng, font)
    cert = cert_sheet.placed[0]
    cert_scale = min(1.0, 180 / cert.built.page.width, 150 / cert.built.page.height)
    cert.scale = cert_scale
    cert.x, cert.y = (210 - cert.built.page.width * cert_scale) / 2, rng.uniform(12, 25)
    sheet = Sheet(210.0, 297.0, "cert_and_id", font, [cert], rng.choice(parts.PAPERS[:3]))
    mono = rng.random() < 0.5
    y = cert.y + cert.built.page.height * cert_scale + rng.uniform(10, 25)
    sides = ["front"] + (["back"] if rng.random() < 0.4 else [])
    for side in sides:
        built = _id_side(side, p, rng, font, mono)
        scale = min(rng.uniform(1.0, 1.3), (297 - y - 8) / built.page.height)
        if scale < 0.8:
            break
        x = rng.uniform(15, 210 - built.page.width * scale - 15)
        sheet.placed.append(Placed(built, x, y, scale, 180 if rng.random() < 0.15 else 0))
        y += built.page.height * scale + rng.uniform(6, 15)
    if rng.random() < 0.3:
        copy_marks(sheet, rng, [(pl.x, pl.y, pl.x + pl.size_mm[0], pl.y + pl.size_mm[1]) for pl in sheet.placed])
    sheet.prefer = ("scan", "photocopy", "clean")
    return sheet


def _small_certificate(p: Person, rng: random.Random, font: str) -> Sheet:
    """An A5 certificate laid out by any placement (for the combined scan)."""
    return single(_titled_certificate(p, rng, font, "cert_and_id", formats=("a5", "landscape")), "cert_and_id")


FAMILIES: dict[str, Callable[[Person, random.Random, str], Sheet]] = {
    "ecert_card": ecert_card,
    "booklet_open": booklet_open,
    "ruled_table": ruled_table,
    "left_column": left_column,
    "bilingual": bilingual,
    "reordered": reordered,
    "name_title": name_title,
    "cert_and_id": cert_and_id,
    "id_both_sides": id_both_sides,
    "id_card": id_card,
    "application_form": application_form,
}
DEALT: tuple[str, ...] = tuple(FAMILIES)
"""The families a set is dealt from by default (the ones below are drawn when asked for, so that adding
one does not change what a seed draws)."""
FAMILIES["id_photocopy"] = id_photocopy
