"""The correction queue of batch digitisation (`huren digitize`) in the reviewers' pages.

A batch is a folder under `HUREN_DIGITIZE_ROOT` (default `DATA_DIR/digitize`) holding a run's
journal. Its flagged fields are listed with the crop of the scan beside each; a reviewer confirms
the value read or types the right one. Corrections go through `digitize.review`, exactly as the
terminal flow records them (with the signed-in reviewer's name and the time), under the batch's
lock, so a run still writing the batch and a correction never interleave; `records.csv` is then
rewritten from the journal. Admins and auditors read; only reviewers and admins correct; every
correction and every opening of a batch (which shows whole ID numbers) goes to the audit log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from api import audit
from api.errors import ApiError, forbidden
from api.web import session
from api.web.i18n import DOC_TYPE, FIELD, pick
from api.web.render import WebRoute, lang_of, render
from api.web.session import WebSession
from digitize import outdir
from digitize.errors import DigitizeError
from digitize.records import REASONS
from digitize.review import correction, find_row, flagged, record_corrections, save_crop
from digitize.run import finalize, load_state, saved_options

CERT_DOC_TYPE = {
    "registration": "registration_certificate",
    "assessment": "assessment_certificate",
    "verifier": "verifier_certificate",
}

router = APIRouter(route_class=WebRoute, include_in_schema=False)

READERS = frozenset({"reviewer", "admin", "auditor"})
CORRECTORS = frozenset({"reviewer", "admin"})


def _reader(request: Request) -> WebSession:
    web = session.current(request)
    if web.user.role not in READERS:
        raise forbidden()
    return web


def root_of(request: Request) -> Path:
    settings = request.app.state.settings
    configured = getattr(settings, "digitize_root", None)
    return Path(configured) if configured else Path(settings.data_dir) / "digitize"


def batches(root: Path) -> list[Path]:
    """The run folders directly under `root` (a name from the URL is only ever looked up here)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / outdir.PAGES).is_file())


def _batch(request: Request, name: str) -> Path:
    found = next((p for p in batches(root_of(request)) if p.name == name), None)
    if found is None:
        raise ApiError(404, "batch_not_found", f"没有批次“{name}”", f"no batch {name!r}")
    return found


def _summary(out: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((out / outdir.SUMMARY).read_text(encoding="utf-8"))
        return data
    except (OSError, json.JSONDecodeError):
        return {}


def _digitize_error(exc: DigitizeError) -> ApiError:
    status = 409 if exc.code == "output_locked" else 422
    return ApiError(status, exc.code, exc.message, exc.message)


@router.get("/digitize")
def batch_list(request: Request) -> Response:
    web = _reader(request)
    root = root_of(request)
    items = [{"name": p.name, **_summary(p)} for p in batches(root)]
    return render(request, "digitize_list.html", {"items": items, "root": str(root)}, web=web)


@router.get("/digitize/{batch}")
def batch_page(request: Request, batch: str) -> Response:
    web = _reader(request)
    out = _batch(request, batch)
    lookup, min_confidence = saved_options(out)
    _, rows = load_state(out, registry=lookup, min_confidence=min_confidence)
    lang = lang_of(request)
    items = [
        {
            "number": f.number,
            "row_id": f.row.row_id,
            "source": Path(f.row.source).name,
            "page": f.row.page,
            "cert_type": pick(DOC_TYPE, CERT_DOC_TYPE.get(str(f.row.cert_type)), lang),
            "field": f.flag.field,
            "field_label": pick(FIELD, f.flag.field, lang),
            "code": f.flag.code,
            "reason": REASONS.get(f.flag.code, f.flag.code).split(" / ")[1 if lang == "en" else 0],
            "detail": f.flag.detail,
            "value": f.value,
            "confidence": "–" if f.confidence is None else f"{f.confidence:.2f}",
            "has_crop": bool(f.bbox),
        }
        for f in flagged(rows)
    ]
    engine = request.app.state.engine
    with engine.begin() as conn:
        audit.append(conn, web.user.name, "digitize.view", batch, flagged=len(items))
    return render(
        request,
        "digitize_batch.html",
        {
            "batch": batch,
            "items": items,
            "rows": len(rows),
            "can_correct": web.user.role in CORRECTORS,
            "saved": request.query_params.get("saved", ""),
        },
        web=web,
    )


@router.get("/digitize/{batch}/crop/{row_id}/{field}")
def crop(request: Request, batch: str, row_id: str, field: str) -> Response:
    _reader(request)
    out = _batch(request, batch)
    _, rows = load_state(out)
    try:
        path = save_crop(out, find_row(rows, row_id), field)
    except DigitizeError as exc:
        raise ApiError(404, exc.code, exc.message, exc.message) from exc
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/digitize/{batch}/review")
def review(
    request: Request,
    batch: str,
    row_id: Annotated[str, Form(max_length=64)],
    field: Annotated[str, Form(max_length=32)],
    action: Annotated[str, Form(pattern="^(confirm|correct)$")],
    value: Annotated[str, Form(max_length=512)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    web = session.current(request)
    session.check_csrf(web, csrf)
    if web.user.role not in CORRECTORS:
        raise forbidden()
    out = _batch(request, batch)
    lookup, min_confidence = saved_options(out)
    try:
        with outdir.locked(out):
            _, rows = load_state(out, registry=lookup, min_confidence=min_confidence)
            entry = correction(
                find_row(rows, row_id), field, None if action == "confirm" else value.strip(), reviewer=web.user.name
            )
            record_corrections(out, [entry])
            finalize(out, registry=lookup, min_confidence=min_confidence)
    except DigitizeError as exc:
        raise _digitize_error(exc) from exc
    engine = request.app.state.engine
    with engine.begin() as conn:
        audit.append(conn, web.user.name, "digitize.correct", batch, row_id=row_id, field=field, kind=entry["action"])
    return RedirectResponse(f"/digitize/{batch}?saved={row_id}:{field}", status_code=303)
