"""One application: the reviewer's page, its page images, the decision posted from it, the certificate.

Every read and every decision goes through `api.service`, which scopes, masks, audits and checks the
version; a decision that lost a race shows the page again with the service's message, and nothing is
recorded twice.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse

from api import service
from api.errors import ApiError
from api.states import AppState
from api.web import pages, session, views
from api.web.decision_form import decision_from_form
from api.web.i18n import ACTION, OUTCOME, pick, translator
from api.web.render import WebRoute, engine_of, error_page, lang_of, render, zone_of
from api.web.session import WebSession
from huren.domain import Severity
from ocr.ingest import IngestError

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def application_page(
    request: Request, web: WebSession, app_id: str, *, error: str = "", status: int = 200, done: str = ""
) -> HTMLResponse:
    """The reviewer's page; `service.detail` audits the view when it shows the whole ID number."""
    lang = lang_of(request)
    engine = engine_of(request)
    detail = service.detail(engine, views.reader(web.user), app_id)
    screening = views.screening_of(detail)
    zone = zone_of(request)
    documents = views.documents_view(detail, lang)
    rows = {r["box"] for d in documents for p in d["pages"] for r in p["rows"]}
    sources = screening.sources if screening is not None else None
    automatic = [r.to_json() for r in screening.reasons] if screening is not None else []
    reasons = views.reasons_view(automatic, lang, sources, rows)
    decision = dict(detail.get("decision") or {})
    if decision:
        decision["action_label"] = pick(ACTION, f"application.{decision.get('action')}", lang)
        decision["at_label"] = views.when(decision.get("at"), lang, zone)
    trail = views.trail_view(service.trail(engine, views.reader(web.user), app_id), lang, zone)
    form = views.form_view(detail, lang)
    t = translator(lang)
    return render(
        request,
        "application.html",
        {
            "app": detail,
            "area": views.area_label(detail["area"], lang),
            "state_label": views.state_label(detail["state"], lang),
            "outcome_label": pick(OUTCOME, detail["auto_outcome"], lang),
            "documents": documents,
            "typed_form": form,
            "reupload_default": views.reupload_default(documents),
            "checks": views.checks_view(screening, lang, zone),
            "reasons": reasons,
            "fail_count": sum(1 for r in reasons if r.get("severity") == Severity.FAIL),
            "decision": decision,
            "decision_reasons": views.reasons_view(decision.get("reasons") or [], lang),
            "actions": views.actions(detail) if web.can_decide else {},
            "trail": trail,
            "error": error,
            "done": t(f"done_{done}")
            if done in ("approve", "reject", "override", "request_reupload", "reopen")
            else "",
            "done_action": done,
            "full_id": web.user.role == "reviewer",
            "show_value": views.show_value,
        },
        web=web,
        status=status,
    )


@router.get("/applications/{app_id}")
def application(request: Request, app_id: str, done: str = "") -> Response:
    web = session.current(request)
    if web.user.role == "applicant":
        return RedirectResponse(f"/status/{quote(app_id)}", status_code=303)
    return application_page(request, web, app_id, done=done)


@router.get("/applications/{app_id}/next")
def next_application(request: Request, app_id: str, step: int = 1) -> Response:
    """The next (or previous, step=-1) application waiting for a person, in queue order."""
    web = session.current(request)
    waiting = [i["id"] for i in service.list_for(engine_of(request), views.reader(web.user), AppState.REVIEW)]
    if app_id in waiting:
        i = waiting.index(app_id) + (1 if step >= 0 else -1)
        target = waiting[i] if 0 <= i < len(waiting) else None
    else:
        target = waiting[0] if waiting else None
    return RedirectResponse(f"/applications/{target}" if target else "/queue?state=review", status_code=303)


@router.get("/applications/{app_id}/documents/{doc_id}/pages/{page}.png")
def page_image(request: Request, app_id: str, doc_id: str, page: int) -> Response:
    """One page as the screening saw it; ID numbers blacked out for those who may see only a masked one."""
    web = session.current(request)
    if not 1 <= page <= request.app.state.settings.max_pages_per_application:
        raise ApiError(404, "page_not_found", "该页不存在或不能显示", "no such page")
    engine = engine_of(request)
    doc, screening = service.page_document(engine, views.reader(web.user), app_id, doc_id)
    label = (screening.label_of(doc_id) if screening is not None else None) or doc.filename
    read = screening.documents if screening is not None else []
    on_page = [e.to_json() for e in read if e.source == label and e.page == page]
    # Every document of the page: each one's ID number is blacked out, not only the first's.
    extraction = {**on_page[0], "documents": on_page} if on_page else None
    files = request.app.state.files
    try:
        png = pages.page_png(
            files.path(doc.storage_name),
            files.root / ".pages",
            doc.storage_name,
            page,
            extraction,
            redacted=web.user.role != "reviewer",
        )
    except IngestError as exc:  # the stored file cannot be read (corrupt, encrypted, a bomb): say so, no 5xx
        raise ApiError(422, "page_unreadable", "该文件无法显示", f"the file cannot be shown ({exc.code})") from exc
    if png is None:
        raise ApiError(404, "page_not_found", "该页不存在或不能显示", "no such page")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/applications/{app_id}/decision")
async def decide(request: Request, app_id: str) -> Response:
    """approve | reject | request_reupload | override; the version the reviewer saw guards against doubles."""
    from starlette.concurrency import run_in_threadpool

    web = await run_in_threadpool(session.current, request)
    form = await request.form()
    session.check_csrf(web, str(form.get("csrf", "")))
    t = translator(lang_of(request))
    if not web.can_decide:
        return error_page(request, 403, t("forbidden_title"), t("read_only"))
    if len(form.getlist("extra_reason")) + len(form.getlist("reason_code")) > 100:
        return error_page(request, 422, t("error"), t("invalid_form"))
    body = decision_from_form(form)
    try:
        await run_in_threadpool(service.decide, engine_of(request), web.user, app_id, body)
    except ApiError as exc:
        if exc.status == 404:
            raise
        message = exc.message_en if lang_of(request) == "en" else exc.message_zh
        page = functools.partial(application_page, request, web, app_id, error=message, status=exc.status)
        return await run_in_threadpool(page)
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return RedirectResponse(f"/applications/{quote(app_id)}?done={body.action}", status_code=303)


@router.get("/applications/{app_id}/certificate")
def certificate(request: Request, app_id: str) -> Response:
    """The reissued certificate, opened in the browser (the API's download, shown inline)."""
    web = session.current(request)
    if web.user.role not in ("reviewer", "applicant"):
        t = translator(lang_of(request))
        return error_page(request, 403, t("forbidden_title"), t("read_only"))
    pdf, number = service.certificate_pdf(engine_of(request), web.user, app_id)
    return FileResponse(pdf, media_type="application/pdf", filename=f"{number}.pdf", content_disposition_type="inline")


@router.get("/applications/{app_id}/certificate-status")
def certificate_status(request: Request, app_id: str) -> Response:
    """Polled by the page after an approval until the worker has issued the certificate."""
    web = session.current(request)
    status = service.status(engine_of(request), views.reader(web.user), app_id)
    cert = status.get("certificate") or {}
    ready = bool(cert.get("number")) and web.user.role in ("reviewer", "applicant")
    return JSONResponse(
        {
            "state": status["state"],
            "ready": ready,
            "error": cert.get("error"),
            "url": f"/applications/{app_id}/certificate" if ready else None,
        },
        headers={"Cache-Control": "no-store"},
    )
