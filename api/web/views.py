"""What the templates show, built from what `api.service` returns (no rule is decided here).

The queue filters and pages the service's scoped, masked list; the application page turns the stored
screening (extractions with boxes, registry evidence, cross-document checks, reasons) into one table
and one set of boxes per page, with each field's verdict spelled out by colour *and* icon.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from api import service
from api.auth import User
from api.states import DECIDED, AppState
from api.web.i18n import (
    ACTION,
    CHECK,
    DOC_TYPE,
    FIELD,
    OUTCOME,
    QUALITY_FLAG,
    STATE_EN,
    TRAIL,
    VERDICT,
    detail_zh,
    pick,
)
from huren import clock, zone
from huren.domain import Extraction, Severity
from huren.thresholds import REVIEW_CONFIDENCE
from recognition.screening import Screening

PAGE_SIZE = 20
DEFAULT_MIN_CONFIDENCE = REVIEW_CONFIDENCE  # the decision's min_field_confidence when the record lacks it
BAD_VERDICTS = ("mismatch", "missing", "uncertain")
NOWRAP_FIELDS = frozenset(
    {"id_number", "cert_number", "phone", "valid_from", "valid_until", "issue_date", "birth_date"}
)
DOC_ORDER = (
    "registration_certificate",
    "assessment_certificate",
    "verifier_certificate",
    "id_card_front",
    "id_card_back",
    "application_form",
    "unknown",
)
"""How the application page orders documents (after the flagged ones): certificate, ID card, form."""


def reader(user: User) -> User:
    """The user the service reads as: auditors read what an admin reads (masked), and never act.

    The service admits applicants, reviewers and admins to applications; auditors read everything
    (the issue), so their reads go through the admin's masked view under their own name in the log.
    """
    return dataclasses.replace(user, role="admin") if user.role == "auditor" else user


def area_label(key: str | None, lang: str) -> str:
    if not key:
        return ""
    area = zone.areas().get(key)
    if area is None:
        return key
    return key.capitalize() if lang == "en" else area.name


def state_label(state: str, lang: str) -> str:
    return STATE_EN.get(state, state) if lang == "en" else service.STATE_ZH.get(state, state)


def when(iso: str | None, lang: str, zone: str | None = None) -> str:
    """A stored UTC timestamp as a person reads it: 北京时间 (or the configured zone), Chinese on Chinese pages."""
    return clock.shown(iso, lang, zone)


def age_label(created_at: str, lang: str, now: datetime | None = None) -> str:
    then = datetime.fromisoformat(created_at)
    seconds = max(0.0, ((now or datetime.now(UTC)) - then).total_seconds())
    days, hours, minutes = int(seconds // 86400), int(seconds // 3600), int(seconds // 60)
    if lang == "en":
        return f"{days} d" if days else f"{hours} h" if hours else f"{minutes} min"
    return f"{days}天" if days else f"{hours}小时" if hours else f"{minutes}分钟"


def show_value(value: Any, lang: str = "zh") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def document_ref(ref: str | None, lang: str) -> str:
    """ "bundle.pdf#2" (and "copy.jpg#1/1", the page's second document) as a person reads it."""
    if not ref:
        return ""
    source, _, page = ref.rpartition("#")
    if not source:
        return ref
    page, _, index = page.partition("/")
    if index.isdigit():
        n = int(index) + 1
        return f"{source} page {page}, document {n}" if lang == "en" else f"{source} 第{page}页第{n}件"
    return f"{source} page {page}" if lang == "en" else f"{source} 第{page}页"


# --- the queue -------------------------------------------------------------------------------------


@dataclass(slots=True)
class QueueFilters:
    state: str = ""
    outcome: str = ""
    area: str = ""
    date_from: str = ""
    date_to: str = ""
    q: str = ""
    page: int = 1

    def query(self, **change: Any) -> dict[str, Any]:
        """The filters as query parameters (empty ones left out), with `change` applied."""
        values = {**dataclasses.asdict(self), **change}
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


@dataclass(slots=True)
class QueuePage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    filters: QueueFilters
    areas: list[str] = field(default_factory=list)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


PENDING_STATES = service.PENDING
"""What still waits for someone; decided applications come after."""


def queue_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pending first, the longest waiting first (since its last change); then the decided, latest first."""

    def since(item: dict[str, Any]) -> str:
        return str(item.get("updated_at") or item["created_at"])

    pending = sorted((i for i in items if i["state"] in PENDING_STATES), key=lambda i: (since(i), i["id"]))
    done = sorted((i for i in items if i["state"] not in PENDING_STATES), key=since, reverse=True)
    return pending + done


def queue(engine: Engine, user: User, filters: QueueFilters, lang: str, zone: str | None = None) -> QueuePage:
    """The service's list for this user (scoped, ID numbers masked), filtered, ordered and paged in SQL; a
    search by name or certificate number reads the forms, which are sealed, so it scans the user's scope."""
    q = filters.q.strip().lower()
    start, end = _day(filters.date_from), _day(filters.date_to)
    if not q:
        shown, total, page = service.queue_page(
            engine, reader(user), page=filters.page, size=PAGE_SIZE, state=filters.state or None,
            outcome=filters.outcome or None, area=filters.area or None, created_from=start, created_to=end,
        )  # fmt: skip
        pages = max(1, math.ceil(total / PAGE_SIZE))
        return _queue_page(engine, user, shown, total, page, pages, filters, lang, zone)
    items = queue_order(service.list_for(engine, reader(user), filters.state or None))
    kept = []
    for item in items:
        form = item["form"]
        if filters.outcome and item["auto_outcome"] != filters.outcome:
            continue
        if filters.area and item["area"] != filters.area:
            continue
        created = date.fromisoformat(item["created_at"][:10])
        if (start and created < start) or (end and created > end):
            continue
        if q and q not in str(form.get("name", "")).lower() and q not in str(form.get("cert_number", "")).lower():
            continue
        kept.append(item)
    pages = max(1, math.ceil(len(kept) / PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    shown = kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return _queue_page(engine, user, shown, len(kept), page, pages, filters, lang, zone)


def _queue_page(
    engine: Engine, user: User, shown: list[dict[str, Any]], total: int, page: int, pages: int,
    filters: QueueFilters, lang: str, zone: str | None,
) -> QueuePage:  # fmt: skip
    doubts = service.open_reasons(engine, [i["id"] for i in shown if i["state"] == AppState.REVIEW])
    rows = [
        {
            "id": i["id"],
            "name": i["form"].get("name", ""),
            "cert_number": i["form"].get("cert_number", ""),
            "id_number": i["form"].get("id_number", ""),
            "area": area_label(i["area"], lang),
            "state": i["state"],
            "state_label": state_label(i["state"], lang),
            "outcome": i["auto_outcome"] or "",
            "outcome_label": pick(OUTCOME, i["auto_outcome"], lang),
            "age": age_label(i["created_at"], lang),
            "created_at": when(i["created_at"], lang, zone),
            "pending": i["state"] in PENDING_STATES,
            "doubts": doubts.get(i["id"], 0),
        }
        for i in shown
    ]
    return QueuePage(rows, total, page, pages, dataclasses.replace(filters, page=page), sorted(user.areas))


# --- the application page --------------------------------------------------------------------------


def _verdict(verdict: str, lang: str) -> dict[str, str]:
    zh, en, icon = VERDICT.get(verdict, (verdict, verdict, "?"))
    css = "ok" if verdict == "match" else "bad" if verdict in ("mismatch", "missing") else "neutral"
    if verdict in ("uncertain", "low_confidence"):
        css = "warn"
    return {"key": verdict, "label": en if lang == "en" else zh, "icon": icon, "css": css}


def page_view(
    app_id: str, doc_id: str, label: str, extraction: Extraction, screening: Screening, lang: str
) -> dict[str, Any]:
    """One page: its image, its boxes, its field table and the warnings that concern it."""
    page, index = extraction.page, extraction.index
    ref = f"{label}#{page}/{index}" if index else f"{label}#{page}"
    quality = extraction.quality
    min_conf = float(screening.decision.thresholds.get("min_field_confidence", DEFAULT_MIN_CONFIDENCE))
    evidence = next(
        (e for e in screening.evidence if e.source == label and e.page == page and e.index == index),
        None,
    )
    reasons = [r for r in screening.reasons if r.document == ref]
    review = {f.get("field") for f in screening.decision.review_fields if f.get("document") == ref}
    fields = extraction.fields
    compared = {f.field: f for f in (evidence.fields if evidence is not None else [])}
    order = list(compared) + [k for k in fields if k not in compared]
    box_id = f"b-{doc_id[:8]}-{page}" + (f"-{index}" if index else "")
    rows, boxes = [], []
    for key in order:
        got = fields.get(key)
        ev = compared.get(key)
        confidence = got.confidence if got is not None else None
        low = confidence is not None and float(confidence) < min_conf
        verdict = str(ev.verdict) if ev else ("low_confidence" if low else "read")
        field_reasons = [r for r in reasons if r.field == key]
        flagged = verdict in BAD_VERDICTS or low or key in review or bool(field_reasons)
        v = _verdict(verdict, lang)
        if any(r.severity == Severity.FAIL for r in field_reasons):
            v = _verdict("mismatch", lang)  # the pill says what the reason says: 不一致 beside 不符合
        elif flagged and v["css"] in ("ok", "neutral"):
            v = {**_verdict("low_confidence" if low else "uncertain", lang)}
        row = {
            "key": key,
            "box": f"{box_id}-{key}",
            "label": pick(FIELD, key, lang),
            "extracted": show_value(ev.extracted if ev else (got.value if got else None), lang),
            "registry": show_value(ev.registry, lang) if ev else "",
            "compared": ev is not None,
            "similarity": f"{ev.similarity:.2f}" if ev else "",
            "confidence": f"{float(confidence):.2f}" if confidence is not None else "",
            "low": low,
            "verdict": v,
            "flagged": flagged,
            "reasons": [r.message_en if lang == "en" else r.message_zh for r in field_reasons],
            "has_box": bool(got and got.bbox),
            "nowrap": key in NOWRAP_FIELDS,
        }
        rows.append(row)
        if got and got.bbox:
            x0, y0, x1, y1 = got.bbox
            boxes.append(
                {
                    "id": row["box"],
                    "key": key,
                    "label": row["label"],
                    "x": x0,
                    "y": y0,
                    "w": max(1.0, x1 - x0),
                    "h": max(1.0, y1 - y0),
                    "css": v["css"],
                    "flagged": flagged,
                }
            )
    warnings = [pick(QUALITY_FLAG, flag, lang) for flag in quality.flags]
    warnings += [w for w in extraction.warnings if not str(w).startswith("quality: ")]
    warnings += [r.message_en if lang == "en" else r.message_zh for r in reasons if not r.field]
    return {
        "ref": ref,
        "number": page,
        "doc_type": pick(DOC_TYPE, str(extraction.doc_type), lang),
        "doc_type_confidence": f"{extraction.doc_type_confidence:.2f}",
        "width": float(quality.width or 1000),
        "height": float(quality.height or 1414),
        "image": f"/applications/{app_id}/documents/{doc_id}/pages/{page}.png",
        "box_id": box_id,
        "rows": rows,
        "boxes": boxes,
        "warnings": warnings,
        "record_found": evidence is None or evidence.record is not None,
        "score": f"{evidence.score:.2f}" if evidence else "",
        "text_layer": quality.text_layer,
        "region": _region_outline(extraction),
        "index": index,
    }


def _doc_rank(doc_type: str | None) -> int:
    return DOC_ORDER.index(doc_type) if doc_type in DOC_ORDER else len(DOC_ORDER)


def _region_outline(extraction: Extraction) -> dict[str, float] | None:
    """The document's region on a page that holds several documents (none when it is the whole page)."""
    if not extraction.region:
        return None
    x0, y0, x1, y1 = extraction.region
    width, height = extraction.quality.width, extraction.quality.height
    if x0 <= 1 and y0 <= 1 and x1 >= width - 1 and y1 >= height - 1:
        return None
    return {"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}


def documents_view(detail: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Each active document with its pages as the latest screening read them: flagged ones first, then
    certificate, ID card front, back, form; each named by what it is (注册证), not by its file name."""
    screening = screening_of(detail)
    labels = {doc_id: label for label, doc_id in screening.sources.items()} if screening is not None else {}
    reasons = screening.reasons if screening is not None else []
    out = []
    for i, doc in enumerate(detail["documents"]):
        label = labels.get(doc["id"], doc["filename"])
        pages, errors = [], []
        extractions = [e for e in screening.documents if e.source == label] if screening is not None else []
        if screening is not None:
            pages = [page_view(detail["id"], doc["id"], label, e, screening, lang) for e in extractions]
            errors = [{"code": e.code, "message": e.message} for e in screening.file_errors if e.source == label]
        types = list(dict.fromkeys(str(e.doc_type) for e in extractions))
        title = "、".join(pick(DOC_TYPE, t, lang) for t in types) or pick(DOC_TYPE, "unknown", lang)
        blamed = any((r.document or "").rpartition("#")[0] == label for r in reasons)
        fails = any((r.document or "").rpartition("#")[0] == label and r.severity == Severity.FAIL for r in reasons)
        flagged = blamed or bool(errors) or any(row["flagged"] for p in pages for row in p["rows"])
        rank = min((_doc_rank(t) for t in types), default=len(DOC_ORDER))
        out.append(
            {
                "id": doc["id"],
                "filename": doc["filename"],
                "label": label,
                "title": title,
                "pages": pages,
                "errors": errors,
                "flagged": flagged,
                "blamed": blamed,
                "fails": fails,
                "order": (0 if fails else 1 if blamed else 2 if flagged else 3, rank, i),
            }
        )
    out.sort(key=lambda d: d["order"])
    return out


def reupload_default(documents: list[dict[str, Any]]) -> str:
    """The document the re-upload dialog offers first: the one the reasons blame, else the first flagged."""
    for key in ("fails", "blamed", "flagged"):
        doc = next((d for d in documents if d[key]), None)
        if doc is not None:
            return str(doc["id"])
    return ""


TYPED_FORM_SOURCE = "网上申请表"
TYPED_FORM_FIELDS = (
    "name",
    "gender",
    "id_number",
    "phone",
    "title",
    "education",
    "cert_number",
    "level",
    "issuing_authority",
    "valid_from",
    "valid_until",
    "categories",
    "current_employer",
    "former_employer",
    "target_area",
)


def form_view(detail: dict[str, Any], lang: str) -> dict[str, Any]:
    """The form the applicant typed, each field beside the checks made on it (the scans, the area)."""
    from matching.consistency import PAIR_CHECKS

    screening = screening_of(detail)
    field_of = {p.check: p.field for p in PAIR_CHECKS}
    ref = f"{TYPED_FORM_SOURCE}#1"
    labels = dict(screening.sources) if screening is not None else {}
    kinds = _kinds(screening)
    checks: dict[str, list[dict[str, Any]]] = {}
    for c in screening.consistency if screening is not None else []:
        if ref not in c.documents or c.check not in field_of:
            continue
        other = next((d for d in c.documents if d != ref), "")
        source, _, page = other.rpartition("#")
        checks.setdefault(field_of[c.check], []).append(
            {
                "other": pick(DOC_TYPE, kinds.get(other), lang),
                "target": f"page-b-{labels[source][:8]}-{page}" if source in labels else "",
                "verdict": _verdict(str(c.verdict), lang),
            }
        )
    reasons = [r for r in screening.reasons if r.document == ref] if screening is not None else []
    form: dict[str, Any] = detail.get("form") or {}
    rows = []
    for key in TYPED_FORM_FIELDS:
        value = form.get(key)
        if key == "target_area":
            value = area_label(detail.get("area"), lang)
        field_reasons = [r for r in reasons if r.field == key]
        row_checks = checks.get(key, [])
        verdicts = {c["verdict"]["key"] for c in row_checks}
        flagged = bool(field_reasons) or bool(verdicts & {"mismatch", "uncertain"})
        rows.append(
            {
                "key": key,
                "id": f"form-row-{key}",
                "label": pick(FIELD, key, lang),
                "value": show_value(value, lang),
                "checks": row_checks,
                "reasons": [r.message_en if lang == "en" else r.message_zh for r in field_reasons],
                "flagged": flagged,
                "fails": any(r.severity == Severity.FAIL for r in field_reasons),
                "nowrap": key in NOWRAP_FIELDS,
            }
        )
    return {"rows": rows, "flagged": any(r["flagged"] for r in rows), "employer": form.get("current_employer") or ""}


def screening_of(detail: dict[str, Any]) -> Screening | None:
    """The screening `service.detail` returned (masked as the reader may see it), as a typed record."""
    stored = detail.get("screening")
    return Screening.from_json(stored) if stored else None


def _kinds(screening: Screening | None) -> dict[str, str]:
    """What each document reference ("label#page") was read as."""
    docs = screening.documents if screening is not None else []
    return {f"{e.source}#{e.page}": str(e.doc_type) for e in docs}


def checks_view(screening: Screening | None, lang: str, zone: str | None = None) -> list[dict[str, Any]]:
    """The cross-document checks, documents named by kind, details in the page's language."""
    kinds = _kinds(screening)

    def named(ref: str) -> str:
        kind = kinds.get(ref)
        return pick(DOC_TYPE, kind, lang) if kind else document_ref(ref, lang)

    return [
        {
            "label": pick(CHECK, c.check, lang),
            "verdict": _verdict(str(c.verdict), lang),
            "detail": detail_zh(c.detail) if lang != "en" else c.detail,
            "documents": ("，" if lang != "en" else ", ").join(named(d) for d in c.documents),
        }
        for c in (screening.consistency if screening is not None else [])
    ]


def reason_target(reason: dict[str, Any], sources: dict[str, str], fields: set[str]) -> tuple[str, str]:
    """(element id, box id) a reason jumps to: its field's row on its page, else the page, else nothing."""
    source, _, page = str(reason.get("document") or "").rpartition("#")
    field = reason.get("field")
    if source == TYPED_FORM_SOURCE:
        return (f"form-row-{field}" if field in TYPED_FORM_FIELDS else "typed-form"), ""
    doc_id = sources.get(source)
    if not doc_id:
        return "", ""
    box = f"b-{doc_id[:8]}-{page}"
    if field and f"{box}-{field}" in fields:
        return f"row-{box}-{field}", f"{box}-{field}"
    return f"page-{box}", ""


def reasons_view(
    reasons: list[dict[str, Any]],
    lang: str,
    sources: dict[str, str] | None = None,
    rows: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Reasons to show; `document_id` found from the reason's "label#page" so a kept reason still names it.

    `message` is the reviewer's text; `applicant_zh` / `applicant_en` what the applicant would be told
    (falling back to the reviewer's text only for reasons a reviewer wrote, which are written for them)."""
    sources = sources or {}
    out = []
    for r in reasons:
        target, box = reason_target(r, sources, rows or set())
        out.append(
            {
                **r,
                "message": (r.get("message_en") or r["message_zh"]) if lang == "en" else r["message_zh"],
                "severity_key": "severity_fail" if r.get("severity") == Severity.FAIL else "severity_doubt",
                "document_id": r.get("document_id") or sources.get(str(r.get("document") or "").rpartition("#")[0]),
                "applicant_zh": r.get("applicant_zh") or r["message_zh"],
                "applicant_en": r.get("applicant_en") or r.get("message_en") or "",
                "target": target,
                "box": box,
            }
        )
    return out


def actions(detail: dict[str, Any]) -> dict[str, bool]:
    """Which buttons to offer; mirrors `service.decide`, which checks the same again and has the last word."""
    state, system = detail["state"], detail["decided_by"] == "system"
    return {
        "approve": state == AppState.REVIEW,
        "reject": state == AppState.REVIEW,
        "reupload": state == AppState.REVIEW or (state == AppState.REJECTED and system),
        "override": state in DECIDED and system and not detail["certificate_number"],
        "reopen": state == AppState.APPROVED and system and not detail["certificate_number"],
    }


# --- the audit trail as sentences --------------------------------------------------------------------

FOLDED_ACTIONS = frozenset({"application.view_personal_data", "application.view", "application.list"})
"""Reads fold into one sentence per reader: who looked, how often, first and last time."""


def _trail_values(entry: dict[str, Any], lang: str) -> dict[str, str]:
    detail = entry.get("detail") or {}
    values = {k: show_value(v, lang) for k, v in detail.items() if not isinstance(v, dict)}
    values["actor"] = str(entry.get("actor") or "")
    values["state"] = state_label(str(detail.get("state") or ""), lang)
    values["state_from"] = state_label(str(detail.get("state_from") or ""), lang)
    values["outcome"] = pick(OUTCOME, detail.get("outcome"), lang)
    values["area"] = area_label(detail.get("area"), lang)
    values["n_reasons"] = str(len(detail.get("reasons") or []))
    values["size"] = f"{int(detail.get('size') or 0) / 1024:.0f} KB"
    return values


def trail_view(entries: list[dict[str, Any]], lang: str, zone: str | None = None) -> list[dict[str, str]]:
    """Each audit entry as a sentence (创建了申请, 提交了申请 …); views of personal data folded per reader."""
    out: list[dict[str, str]] = []
    folded: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        action = str(entry.get("action"))
        if action in FOLDED_ACTIONS:
            key = (str(entry.get("actor")), action)
            group = folded.get(key)
            if group is None:
                group = folded[key] = {"first": entry["at"], "last": entry["at"], "count": 0, "row": {}}
                out.append(group["row"])
            group["count"] += 1
            group["last"] = entry["at"]
            zh, en = TRAIL.get(action, ("{actor} {action}", "{actor} {action}"))
            values = {"actor": str(entry.get("actor")), "count": str(group["count"]), "action": action}
            values["first"], values["last"] = when(group["first"], lang, zone), when(group["last"], lang, zone)
            group["row"].update(
                {"at": values["first"], "sentence": (en if lang == "en" else zh).format(**values), "folded": "1"}
            )
            continue
        values = _trail_values(entry, lang)
        values["action"] = pick(ACTION, action, lang)
        zh, en = TRAIL.get(action, ("{actor} {action}", "{actor}: {action}"))
        try:
            sentence = (en if lang == "en" else zh).format_map(_Blank(values))
        except (KeyError, ValueError, IndexError):
            sentence = f"{values['actor']} {values['action']}"
        out.append({"at": when(entry.get("at"), lang, zone), "sentence": sentence, "folded": ""})
    return out


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""
