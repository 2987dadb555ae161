"""证书换发: the unified zone certificate for an approved application, as an A4 PDF with a QR code.

Number scheme
-------------
    YRD-{area}-{year}-{sequence}-{check}        e.g. YRD-QP-2025-000001-2

* `area` — the recognising area's code (`huren.zone`): QP 上海市青浦区, WJ 苏州市吴江区, JS 嘉兴市嘉善县;
* `year` — the year of issue; `sequence` — six digits, per area and year, from 000001;
* `check` — ISO 7064 hybrid MOD 35,34 (python-stdnum `iso7064.mod_37_36` over a 34-character
  alphabet) over `{area}{year}{sequence}`: one character of 0-9 and A-Z without I and O, which read
  as 1 and 0, so a mistyped number is caught before any lookup. A number typed in lower case is the
  same number (`normalize_number`).

The sequence comes from the `recognitions` table (`recognition.recognitions.RecognitionStore`) when
a store is given — allocated in the transaction that records the recognition. Without a store it is
taken from the certificates already in `out_dir` (unique in that directory only; for tests and
one-off use).

Verification code
-----------------
The QR code holds `{base_url}/verify/{number}?c={code}`. The code is an HMAC-SHA256 over
`number|id_number|name` with a secret key (`secret_key=`, which the command line and the service take
from `HUREN_CERT_SECRET`), its first 80 bits written as 16 characters of Crockford's Base32 (`CODE_ALPHABET`: no I, L,
O, U), printed under the QR code in groups of four so a person can type it:
unguessable without the key, and recomputable by the verification service from the recorded
recognition — nothing secret is stored. Typed codes are compared after `normalize_code` (case,
spaces and dashes do not matter). Changing the key invalidates every printed code, so the key must
be kept.

Font
----
A CJK TrueType font is registered with reportlab and embedded (as a subset) in the PDF: the first of
`font=` (`HUREN_CERT_FONT` at the top), WenQuanYi Zen Hei, WenQuanYi Micro Hei, AR PL UMing that exists. Noto CJK is
OpenType/CFF, which reportlab cannot embed. No font → `ReissueError("font_missing")`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import segno
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from stdnum.iso7064 import mod_37_36

from huren import zone
from huren.domain import CertType, Decision, DocType, RegistryRecord
from huren.errors import OneMessageError
from huren.normalize import mask_id_number
from huren.zone import Area
from matching.verify import VerifyResult
from recognition.recognitions import Recognition, RecognitionStore

SECRET_SETTING = "HUREN_CERT_SECRET"  # named in messages: the setting an operator sets
FONT_SETTING = "HUREN_CERT_FONT"
FONT_NAME = "HurenCJK"
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)

TITLE_CERT = "注册计量师注册证书"


class ReissueError(OneMessageError):
    code = "reissue_error"


@dataclass(frozen=True, slots=True)
class ReissuedCertificate:
    number: str
    path: Path
    verification_code: str
    verification_url: str
    area: str
    issuing_authority: str
    issued_on: date
    holder_name: str
    gender: str | None
    id_number_masked: str
    level: int | None
    categories: list[str]
    valid_from: date | None
    valid_until: date | None
    employer: str | None
    original_cert_number: str
    original_authority: str | None
    # the holder's own credential (issue 15.11): the whole ID number as official credentials carry it
    # (to_json, logs and public pages keep the masked one) and the photo from the ID card front
    id_number_full: str | None = None
    photo_png: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "path": str(self.path),
            "verification_url": self.verification_url,
            "area": self.area,
            "issuing_authority": self.issuing_authority,
            "issued_on": self.issued_on.isoformat(),
            "holder_name": self.holder_name,
            "gender": self.gender,
            "id_number": self.id_number_masked,
            "level": self.level,
            "categories": self.categories,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "employer": self.employer,
            "original_cert_number": self.original_cert_number,
            "original_authority": self.original_authority,
        }


# --- numbers and codes --------------------------------------------------------------------------------

NUMBER_PATTERN = re.compile(r"^YRD-([A-Z]{2})-(\d{4})-(\d{6})-([0-9A-Z])$")  # the area's code: one of the zone's
CHECK_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O: they read as 1 and 0


def certificate_number(area: Area | str, year: int, sequence: int) -> str:
    a = zone.area(area) if isinstance(area, str) else area
    if not 0 < sequence < 1_000_000:
        raise ReissueError(f"sequence {sequence} out of range 1–999999", code="sequence_exhausted")
    body = f"{a.code}{year:04d}{sequence:06d}"
    return f"YRD-{a.code}-{year:04d}-{sequence:06d}-{mod_37_36.calc_check_digit(body, CHECK_ALPHABET)}"


def normalize_number(number: str) -> str:
    """A certificate number as typed or scanned: surrounding spaces dropped, upper case."""
    return number.strip().upper()


def number_valid(number: str) -> bool:
    m = NUMBER_PATTERN.match(number)
    if not m or m.group(1) not in {a.code for a in zone.areas().values()}:
        return False
    return mod_37_36.is_valid("".join(m.groups()), CHECK_ALPHABET)


CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's Base32: no I, L, O, U
_CODE_READS = str.maketrans({"O": "0", "I": "1", "L": "1"})  # what a person may type for 0 and 1


def verification_code(number: str, id_number: str, name: str, secret_key: bytes) -> str:
    digest = hmac.new(secret_key, f"{number}|{id_number}|{name}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:10], "big")  # 80 bits → 16 characters of 5 bits
    return "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(16)))


def normalize_code(code: str) -> str:
    """A code as typed: case, spaces and dashes do not matter, O reads as 0 and I or L as 1."""
    return re.sub(r"[\s\-]", "", code).upper().translate(_CODE_READS)


def printed_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(base_url: str, number: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{number}?c={code}"


def _secret(secret_key: bytes | str | None) -> bytes:
    key = secret_key
    if not key:
        raise ReissueError(
            f"no secret key for verification codes: set {SECRET_SETTING} (keep it: changing it voids printed codes)",
            code="secret_missing",
        )
    return key.encode() if isinstance(key, str) else key


def _sequence_from_dir(out_dir: Path, area: Area, year: int) -> int:
    taken = [
        int(m.group(3))
        for p in out_dir.glob(f"YRD-{area.code}-{year:04d}-*.pdf")
        if (m := NUMBER_PATTERN.match(p.stem))
    ]
    return max(taken, default=0) + 1


# --- the font -----------------------------------------------------------------------------------------


def _candidates(defaults: tuple[tuple[str, int], ...], chosen: str | None) -> list[tuple[str, int]]:
    """The font files to try: the chosen `/path/font.ttc[:index]` first, then the Debian packages' files."""
    candidates = list(defaults)
    if chosen:
        font_path, _, subfont = chosen.partition(":")
        candidates.insert(0, (font_path, int(subfont or 0)))
    return candidates


def _register_first(name: str, defaults: tuple[tuple[str, int], ...], chosen: str | None) -> bool:
    """Register the first font file that exists under `name`, once; False when none does."""
    if name in pdfmetrics.getRegisteredFontNames():
        return True
    for path, index in _candidates(defaults, chosen):
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
            return True
    return False


def register_font(font: str | None = None) -> str:
    """Register the CJK font once (`font`: /path/font.ttc[:index] tried first); its name for reportlab.
    Fails clearly when none is installed."""
    if _register_first(FONT_NAME, FONT_CANDIDATES, font):
        return FONT_NAME
    tried = ", ".join(p for p, _ in _candidates(FONT_CANDIDATES, font))
    raise ReissueError(
        f"no CJK TrueType font found (tried {tried}); "
        f"install fonts-wqy-zenhei or set {FONT_SETTING}=/path/font.ttc[:index]",
        code="font_missing",
    )


# --- what goes on the certificate ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holder:
    record: RegistryRecord
    employer: str | None
    former_employer: str | None


def verified_employer(
    verify_result: VerifyResult, record: RegistryRecord, confirmed: str | None = None
) -> tuple[str | None, str | None]:
    """(current, former) employer as the certificate may print them: only what something vouches for.

    The reviewer's confirmation first; else the current employer of a scanned form that bears the
    employer's seal (单位公章); else the authority's record. What was only typed on the portal is never
    printed on its own word (issue 15: a 青浦 certificate printed a 浙江 employer no document showed).
    """
    current = confirmed.strip() if confirmed and confirmed.strip() else None
    if current is None:
        for form in verify_result.documents:
            if form.doc_type is DocType.APPLICATION_FORM and not form.quality.text_layer:
                seen = form.value("current_employer")
                if seen and form.value("employer_sealed") is True:
                    current = str(seen)
                    break
    if current is None:
        return record.employer, None
    return current, (record.employer if record.employer and record.employer != current else None)


def _holder(decision: Decision, verify_result: VerifyResult, confirmed_employer: str | None = None) -> Holder:
    if not decision.approved:
        codes = ", ".join(r.code for r in decision.reasons)
        raise ReissueError(f"the application was not approved ({decision.outcome}: {codes})", code="not_approved")
    found = [e for e in verify_result.evidence if e.record is not None and e.record.cert_type is CertType.REGISTRATION]
    if not found:
        raise ReissueError("no registration certificate was verified against the registry", code="no_registration")
    best = max(found, key=lambda e: e.score)
    assert best.record is not None
    employer, former = verified_employer(verify_result, best.record, confirmed_employer)
    return Holder(best.record, employer, former)


def _cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if d else "—"


LEVEL_ZH = {1: "一级", 2: "二级"}


def certificate_fields(cert: ReissuedCertificate) -> list[tuple[str, str]]:
    """The label：value rows, in print order, with the standard labels Huren's extraction knows."""
    return [
        ("姓名", cert.holder_name),
        ("性别", cert.gender or "—"),
        ("身份证号", cert.id_number_full or cert.id_number_masked),
        ("证书编号", cert.number),
        ("级别", LEVEL_ZH.get(cert.level or 0, "—")),
        ("执业类别", "、".join(cert.categories) or "—"),
        ("有效期", f"{_cn_date(cert.valid_from)}至{_cn_date(cert.valid_until)}"),
        ("执业单位", cert.employer or "—"),
        ("发证机关", cert.issuing_authority),
        ("发证日期", _cn_date(cert.issued_on)),
    ]


# --- drawing: the serif body face and the holder's photo (issue 15.11) ----------------------------------

SERIF_NAME = "HurenSerif"
SERIF_CANDIDATES: tuple[tuple[str, int], ...] = (
    # AR PL UMing: a Ming (宋体) face from Debian's fonts-arphic-uming, TrueType so reportlab embeds it
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)


def register_serif(font: str | None = None) -> str | None:
    """The serif (宋体-style) face for the certificate's body, once (`font` tried first); None when none is
    installed."""
    return SERIF_NAME if _register_first(SERIF_NAME, SERIF_CANDIDATES, font) else None


def body_font(text: str, serif: str | None, fallback: str) -> str:
    """The serif face when it has every character of `text` (a rare name's glyph may be missing), else
    the fallback face, so that nothing prints as an empty box."""
    if serif is None:
        return fallback
    face = pdfmetrics.getFont(serif).face
    widths = getattr(face, "charToGlyph", None)
    if widths is None or all(ord(ch) in widths for ch in text if not ch.isspace()):
        return serif
    return fallback


def draw_photo(c: Canvas, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """The holder's portrait in a thin frame, scaled to fit the box (aspect kept), centred."""
    from io import BytesIO

    from reportlab.lib.utils import ImageReader

    image = ImageReader(BytesIO(png))
    iw, ih = image.getSize()
    scale = min(width / iw, height / ih)
    w, h = iw * scale, ih * scale
    c.drawImage(image, x + (width - w) / 2, y + (height - h) / 2, w, h)
    c.saveState()
    c.setStrokeColor(Color(0.55, 0.55, 0.55))
    c.setLineWidth(0.6)
    c.rect(x + (width - w) / 2, y + (height - h) / 2, w, h)
    c.restoreState()


# --- drawing ------------------------------------------------------------------------------------------

RED = Color(0.78, 0.08, 0.08)
GOLD = Color(0.62, 0.48, 0.18)


def _centered(c: Canvas, text: str, y: float, size: float, font: str, *, space: float = 0.0) -> None:
    width = pdfmetrics.stringWidth(text, font, size) + space * (len(text) - 1)
    x = (A4[0] - width) / 2
    if space:
        # Tc (character spacing) is graphics state and outlives the text object: save and restore it.
        c.saveState()
        t = c.beginText(x, y)
        t.setFont(font, size)
        t.setCharSpace(space)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
    else:
        c.setFont(font, size)
        c.drawString(x, y, text)


def _qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (crisp at any zoom, no image needed)."""
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    border = 2
    n = len(matrix) + 2 * border
    cell = size / n
    c.setFillColor(Color(1, 1, 1))
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(black)
    for r, row in enumerate(matrix):
        for col, bit in enumerate(row):
            if bit:
                c.rect(x + (col + border) * cell, y + size - (r + border + 1) * cell, cell, cell, stroke=0, fill=1)


def _seal(c: Canvas, text: str, cx: float, cy: float, radius: float, font: str) -> None:
    """A round red seal: ring, star, the authority's name along the upper arc."""
    c.saveState()
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(2.2)
    c.circle(cx, cy, radius, stroke=1, fill=0)
    star_r = radius * 0.28
    pts = [
        (
            cx + (star_r if i % 2 == 0 else star_r * 0.38) * math.cos(math.radians(90 + i * 36)),
            cy + (star_r if i % 2 == 0 else star_r * 0.38) * math.sin(math.radians(90 + i * 36)),
        )
        for i in range(10)
    ]
    path = c.beginPath()
    path.moveTo(*pts[0])
    for p in pts[1:]:
        path.lineTo(*p)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    size = radius * 0.22
    span = 200.0  # degrees of arc the text covers
    step = span / max(len(text) - 1, 1)
    for i, ch in enumerate(text):
        angle = 90 + span / 2 - i * step
        rad = math.radians(angle)
        x = cx + (radius - size * 1.0) * math.cos(rad)
        y = cy + (radius - size * 1.0) * math.sin(rad)
        c.saveState()
        c.translate(x, y)
        c.rotate(angle - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size * 0.35, ch)
        c.restoreState()
    c.setFont(font, size * 0.85)
    c.drawCentredString(cx, cy - radius * 0.62, "互认专用章")
    c.restoreState()


def validity_note() -> str:
    """Where the certificate holds, at its foot: the zone and its areas."""
    return f"本证书在{zone.ZONE.name}（{zone.ZONE.extent()}）范围内有效。"


def render_pdf(
    cert: ReissuedCertificate, path: Path, *, cjk_font: str | None = None, serif_font: str | None = None
) -> Path:
    """Draw the certificate on one A4 page; the text is real (embedded font) so it reads back exactly.
    `cjk_font`, `serif_font`: /path/font.ttc[:index] tried before the installed fonts."""
    font = register_font(cjk_font)
    w, h = A4
    c = Canvas(str(path), pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=12)
    c.setTitle(f"{zone.ZONE.name}{TITLE_CERT} {cert.number}")
    c.setAuthor(cert.issuing_authority)
    c.setSubject(TITLE_CERT)
    c.setCreator("Huren 互认")
    # frame
    c.setStrokeColor(GOLD)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setLineWidth(0.8)
    c.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
    # titles
    c.setFillColor(black)
    title_font = body_font(zone.ZONE.name + TITLE_CERT, register_serif(serif_font), font)
    _centered(c, zone.ZONE.name, h - 42 * mm, 20, title_font, space=1.5)
    _centered(c, TITLE_CERT, h - 60 * mm, 28, title_font, space=6)
    c.setFillColor(Color(0.35, 0.35, 0.35))
    _centered(c, "（跨区域互认换发）", h - 70 * mm, 11, font)
    # label：value rows
    c.setFillColor(black)
    x_colon, y = 62 * mm, h - 92 * mm
    size, row = 14, 12 * mm
    room = w - 24 * mm - (x_colon + 1 * mm)  # up to the inner frame
    serif = register_serif(serif_font)
    if cert.photo_png:  # the photo at the right of the first rows; the values keep clear of it
        draw_photo(c, cert.photo_png, w - 24 * mm - 30 * mm, h - 92 * mm - 36 * mm, 30 * mm, 40 * mm)
    for i, (label, value) in enumerate(certificate_fields(cert)):
        face = body_font(label + value, serif, font)
        c.setFont(face, size)
        c.drawRightString(x_colon, y, f"{label}：")
        # a long employer's name shrinks to fit rather than run over the frame (or the photo)
        space = room - (33 * mm if cert.photo_png and i < 4 else 0)
        fitted = min(size, size * space / max(pdfmetrics.stringWidth(value, face, size), 1.0))
        c.setFont(face, max(fitted, 8))
        c.drawString(x_colon + 1 * mm, y, value)
        y -= row
    # QR and seal
    qr_size = 36 * mm
    qr_x, qr_y = w - 32 * mm - qr_size, 40 * mm
    _qr(c, cert.verification_url, qr_x, qr_y, qr_size)
    c.setFont(font, 9)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 5 * mm, "扫码核验真伪")
    # the code typed by hand at /verify/{number} when the QR cannot be scanned
    c.setFont(font, 8)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 9 * mm, f"核验码 {printed_code(cert.verification_code)}")
    _seal(c, cert.issuing_authority, 62 * mm, 62 * mm, 22 * mm, font)
    # the basis of the recognition, small, at the foot
    c.setFillColor(Color(0.35, 0.35, 0.35))
    c.setFont(font, 8)
    basis = f"互认依据：原注册证书 {cert.original_cert_number}"
    c.drawString(32 * mm, 24 * mm, basis)
    c.drawString(32 * mm, 20 * mm, validity_note())
    c.showPage()
    c.save()
    return path


# --- the step -----------------------------------------------------------------------------------------


def reissue(
    decision: Decision,
    verify_result: VerifyResult,
    *,
    area: str,
    out_dir: Path,
    base_url: str,
    issued_on: date,
    secret_key: bytes | str | None = None,
    store: RecognitionStore | None = None,
    confirmed_employer: str | None = None,
    holder_photo: bytes | None = None,
    application_id: str | None = None,
    cjk_font: str | None = None,
    serif_font: str | None = None,
) -> ReissuedCertificate:
    """The unified zone certificate for an approved application; records the recognition when `store` is given.

    `confirmed_employer`: the current employer a reviewer confirmed (else only a sealed form or the record's);
    `holder_photo`: PNG of the holder's portrait from the ID card front (`recognition.holder_photo`).
    Every call issues a new certificate with its own number (an earlier one of the same person is
    superseded by it); `application_id` ties it to the service's application; `cjk_font`, `serif_font`:
    /path/font.ttc[:index] tried before the installed fonts (`HUREN_CERT_FONT`, `HUREN_CERT_SERIF_FONT`)."""
    if area not in zone.areas():
        raise ReissueError(f"unknown area {area!r}; one of {', '.join(zone.areas())}", code="unknown_area")
    the_area = zone.area(area)
    if not base_url:
        raise ReissueError(
            "no base URL for the QR code: set HUREN_VERIFY_BASE_URL (or --base-url)", code="base_url_missing"
        )
    holder = _holder(decision, verify_result, confirmed_employer)
    key = _secret(secret_key)
    register_font(cjk_font)  # fail before a number is taken
    out_dir.mkdir(parents=True, exist_ok=True)
    record = holder.record

    def make(number: str) -> ReissuedCertificate:
        code = verification_code(number, record.id_number or "", record.name, key)
        return ReissuedCertificate(
            number=number,
            path=out_dir / f"{number}.pdf",
            verification_code=code,
            verification_url=verification_url(base_url, number, code),
            area=the_area.key,
            issuing_authority=the_area.bureau,
            issued_on=issued_on,
            holder_name=record.name,
            gender=record.gender,
            id_number_masked=mask_id_number(record.id_number, head=6),
            level=record.level,
            categories=list(record.categories),
            valid_from=record.valid_from,
            valid_until=record.valid_until,
            employer=holder.employer,
            original_cert_number=record.cert_number,
            original_authority=record.issuing_authority,
            id_number_full=record.id_number,
            photo_png=holder_photo,
        )

    def write(recognition: Recognition) -> ReissuedCertificate:
        assert recognition.number is not None
        cert = make(recognition.number)
        recognition.pdf_path = str(cert.path)
        render_pdf(cert, cert.path, cjk_font=cjk_font, serif_font=serif_font)
        return cert

    if store is None:
        number = certificate_number(the_area, issued_on.year, _sequence_from_dir(out_dir, the_area, issued_on.year))
        cert = make(number)
        render_pdf(cert, cert.path, cjk_font=cjk_font, serif_font=serif_font)
        return cert
    recognition = Recognition(
        area=the_area.key,
        year=issued_on.year,
        cert_type=str(record.cert_type),
        cert_number=record.cert_number,
        holder_name=record.name,
        recognising_authority=the_area.bureau,
        issued_on=issued_on,
        decision_as_of=decision.as_of,
        rules_version=decision.rules_version,
        id_number=record.id_number,
        level=record.level,
        categories=list(record.categories),
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        employer=holder.employer,
        former_employer=holder.former_employer,
        original_authority=record.issuing_authority,
        application_id=application_id,
    )
    _, written = store.record(recognition, lambda seq: certificate_number(the_area, issued_on.year, seq), write)
    assert written is not None
    return written
