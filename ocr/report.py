"""The evaluation as one HTML file a person would rather read than the terminal table (`huren eval --html`).

Overall figures, accuracy per document type, field, degradation and layout family (weakest first), the
reliability table, and the worst pages drawn: the page image with the documents found on it and each
field's box, green where the value read was right and red where it was wrong, beside a table of
expected against read. Chinese first, English beside; the time in 北京时间.

The file is passed around, so no ID number is in it whole: values are masked (`mask_id_number`) and,
on the page images, every line that holds an ID number's run of digits and every box an ID number was
read from is blacked out in the pixels before they are encoded. The images are embedded (JPEG, base64):
one self-contained file.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from huren.clock import shown
from huren.domain import BBox
from huren.labels import DOC_NAMES, FIELD_NAMES
from huren.normalize import mask_id_number
from huren.thresholds import REVIEW_CONFIDENCE
from ocr.evaluate import Band, DocumentCheck, PageCheck, Picture, Report, Tally, reliability

WORST_PAGES = 6
JPEG_QUALITY = 82

# What the sample generators call their degradations (samples/degrade.py, samples/randomise).
DEGRADATION_NAMES: dict[str, tuple[str, str]] = {
    "clean": ("无退化", "clean"),
    "pdf_text": ("PDF 文字层", "PDF with a text layer"),
    "pdf_image": ("PDF 图像", "PDF of an image"),
    "scan": ("扫描件", "scan"),
    "rotated": ("旋转", "rotated"),
    "exif_rotated": ("EXIF 旋转", "EXIF-rotated"),
    "photo": ("手机拍照", "phone photo"),
    "blur": ("模糊", "blurred"),
    "jpeg": ("JPEG 高压缩", "heavy JPEG"),
    "faded": ("褪色", "faded"),
    "fax": ("传真", "fax"),
    "photocopy": ("灰度复印", "grey photocopy"),
}

# The subsets the goals are stated for (`ocr.evaluate.SUBSETS`).
SUBSET_NAMES: dict[str, tuple[str, str]] = {
    "id_photocopy_watermark": ("身份证灰度复印件（带水印）", "ID cards, grey photocopies under copy marks"),
    "desk_photo": ("桌面手机拍照", "phone photos on a desk"),
}

# An ID number's digits in a value (spaces aside): 15 to 18 in a row, the last maybe X.
_ID_RUN = re.compile(r"\d{14,17}[\dXx]")
# On a page image more is blacked out than a value would be masked: a line holding a long run of
# digits or of what OCR confuses them with, or any 8 digits in a row of an ID number the truth has
# on that page (a number the detector cut in two, or misread).
_ID_LIKE = re.compile(r"[\dOoIlXx]{14,}")
_ID_PIECE = 8
_ID_FIELDS = ("id_number",)
_DOC_NAMES = {str(k): v for k, v in DOC_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an accuracy table: fields right, and for a document type its documents found and typed."""

    zh: str
    en: str
    tally: Tally
    found: Tally | None = None
    typed: Tally | None = None


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle drawn over a page image, in the page's coordinates."""

    x: float
    y: float
    w: float
    h: float
    kind: str  # "document" | "right" | "wrong"
    label: str
    title: str


@dataclass(frozen=True, slots=True)
class FieldRow:
    document: str
    zh: str
    en: str
    expected: str
    got: str
    confidence: str
    ok: bool


def masked(value: object, field: str = "") -> str:
    """A value as the report shows it: lists joined, ID numbers masked wherever they appear."""
    if value is None:
        return ""
    text = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if field in _ID_FIELDS:
        return mask_id_number(text)
    return _ID_RUN.sub(lambda m: mask_id_number(m.group(0)), text)


def _keyed_rows(tallies: dict[str, Tally], names: dict[str, tuple[str, str]]) -> list[tuple[str, Row]]:
    """Weakest first: what a reader looks for."""
    rows = [(key, Row(*names.get(key, (key, key)), tally)) for key, tally in tallies.items()]
    return sorted(rows, key=lambda kr: (kr[1].tally.accuracy, kr[1].en))


def _rows(tallies: dict[str, Tally], names: dict[str, tuple[str, str]]) -> list[Row]:
    return [row for _, row in _keyed_rows(tallies, names)]


def _doc_name(doc_type: str | None) -> str:
    if doc_type is None:
        return "未找到 / not found"
    zh, en = _DOC_NAMES.get(doc_type, (doc_type, doc_type))
    return f"{zh} / {en}"


def _field_name(field: str) -> tuple[str, str]:
    return ("证件类型", "document type") if field == "doc_type" else FIELD_NAMES.get(field, (field, field))


def _id_boxes(check: PageCheck, picture: Picture) -> list[BBox]:
    """Where an ID number may show on the page: the lines that hold one, the boxes one was read from."""
    fields = [f for d in check.documents for f in d.fields if f.field in _ID_FIELDS]
    numbers = {str(v) for f in fields for v in (f.expected, f.got) if v}
    pieces = {n[i : i + _ID_PIECE] for n in numbers for i in range(len(n) - _ID_PIECE + 1)}
    boxes = []
    for line in picture.lines:
        text = re.sub(r"\s", "", line.text)
        like = _ID_LIKE.search(text)
        if (like and sum(c.isdigit() for c in like.group(0)) >= 10) or any(p in text for p in pieces):
            boxes.append(line.bbox)
    return boxes + [f.bbox for f in fields if f.bbox]


def _image_uri(check: PageCheck, picture: Picture) -> str:
    """The page image with its ID numbers blacked out, as a data URI."""
    image = picture.image.copy()
    h, w = image.shape[:2]
    sx, sy = w / max(1, picture.width), h / max(1, picture.height)
    for x0, y0, x1, y1 in _id_boxes(check, picture):
        pad = 3
        top_left = (max(0, int(x0 * sx) - pad), max(0, int(y0 * sy) - pad))
        bottom_right = (min(w - 1, int(x1 * sx) + pad), min(h - 1, int(y1 * sy) + pad))
        cv2.rectangle(image, top_left, bottom_right, (40, 40, 40), thickness=-1)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(image), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data.tobytes()).decode("ascii")


def _boxes(documents: list[DocumentCheck]) -> list[Box]:
    out: list[Box] = []
    for i, d in enumerate(documents, start=1):
        if d.region is not None and len(documents) > 1:
            x0, y0, x1, y1 = d.region
            out.append(Box(x0, y0, x1 - x0, y1 - y0, "document", f"#{i}", _doc_name(d.got_type)))
        for f in d.fields:
            if f.bbox is None:
                continue
            x0, y0, x1, y1 = f.bbox
            zh = _field_name(f.field)[0]
            verdict = "✓" if f.ok else "✗"
            title = f"{verdict} {zh} {f.field}: 应为 expected {masked(f.expected, f.field)} · 读出 read {masked(f.got, f.field)}"
            out.append(Box(x0, y0, x1 - x0, y1 - y0, "right" if f.ok else "wrong", zh, title))
    return out


def _field_rows(documents: list[DocumentCheck]) -> list[FieldRow]:
    rows = []
    for i, d in enumerate(documents, start=1):
        label = f"#{i} {_doc_name(d.doc_type)}" if len(documents) > 1 else _doc_name(d.doc_type)
        read_as = _doc_name(d.got_type)
        rows.append(FieldRow(label, "证件类型", "document type", _doc_name(d.doc_type), read_as, "", d.type_right))
        for f in d.fields:
            zh, en = _field_name(f.field)
            got = masked(f.got, f.field) if f.present else "（未读出 / absent）"
            confidence = f"{f.confidence:.3f}" if f.confidence is not None else ""
            rows.append(FieldRow(label, zh, en, masked(f.expected, f.field), got, confidence, f.ok))
    return rows


def _short(value: object) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _page(check: PageCheck) -> dict[str, object]:
    picture = check.picture
    degradation = DEGRADATION_NAMES.get(check.degradation, (check.degradation, check.degradation))
    return {
        "source": Path(check.source).name,
        "page": check.page,
        "degradation": degradation,
        "params": " ".join(f"{k}={_short(v)}" for k, v in check.degradation_params.items()),
        "family": check.family,
        "wrong": check.wrong,
        "checked": check.checked,
        "image": _image_uri(check, picture) if picture is not None else "",
        "width": picture.width if picture is not None else 0,
        "height": picture.height if picture is not None else 0,
        "boxes": _boxes(check.documents),
        "fields": _field_rows(check.documents),
    }


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{100 * x:.1f} %"
    env.filters["masked"] = masked
    return env


def render_html(
    report: Report,
    *,
    subject: str,
    engine: str = "",
    seconds: float | None = None,
    now: datetime | None = None,
    worst: int = WORST_PAGES,
) -> str:
    """The report page; `subject` says what was evaluated (a folder, a seed)."""
    moment = (now or datetime.now(UTC)).isoformat()
    low, high = report.below()
    bands: list[Band] = reliability(report.readings)
    families = report.by_family if set(report.by_family) != {"-"} else {}
    mistakes = [
        {
            "source": Path(m.source).name,
            "page": m.page,
            "field": _field_name(m.field),
            "code": m.field,
            "expected": _doc_name(str(m.expected)) if m.field == "doc_type" else masked(m.expected, m.field),
            "got": _doc_name(str(m.got)) if m.field == "doc_type" else masked(m.got, m.field),
        }
        for m in report.mistakes
    ]
    return (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            subject=subject,
            engine=engine,
            seconds=seconds,
            generated_zh=shown(moment, "zh"),
            generated_en=shown(moment, "en"),
            by_type=[
                Row(r.zh, r.en, r.tally, report.found_by_type.get(key), report.type_by_type.get(key))
                for key, r in _keyed_rows(report.by_type, _DOC_NAMES)
            ],
            by_field=_rows(report.by_field, FIELD_NAMES),
            by_degradation=_rows(report.by_degradation, DEGRADATION_NAMES),
            by_family=_rows(families, {}),
            by_subset=[
                Row(r.zh, r.en, r.tally, report.found_by_subset.get(key))
                for key, r in _keyed_rows(report.by_subset, SUBSET_NAMES)
            ],
            bands=bands,
            threshold=REVIEW_CONFIDENCE,
            below=low,
            at_or_above=high,
            worst=[_page(c) for c in report.worst(worst)],
            mistakes=mistakes,
            errors=report.errors,
        )
    )


def write_html(path: Path, report: Report, *, subject: str, engine: str = "", seconds: float | None = None) -> None:
    """Write the report page to `path` (replaced whole: a half-written file is never left behind)."""
    text = render_html(report, subject=subject, engine=engine, seconds=seconds)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
