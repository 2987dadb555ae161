"""The pages: sign in, the queue, an application, its page images, decisions, the applicant's status.

Every read and every decision goes through `api.service`, which scopes, masks, audits and checks the
version; a route here parses a form, checks the session and its CSRF token, and renders a template.
Errors become pages, never JSON: no session → the login form; a bad CSRF token → 403; an application
outside the reviewer's scope → 403; a decision that lost a race → the page again with the service's
message, and nothing recorded twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import Engine, select

from api import service
from api.db import applications, documents, reading
from api.errors import ApiError
from api.models import DecisionIn, ReasonIn, ReuploadIn
from api.routes.applications import certificate as api_certificate
from api.states import AppState
from api.web import TEMPLATES_DIR, pages, session, views
from api.web.i18n import ACTION, LANGS, OUTCOME, pick, translator
from api.web.session import LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, CsrfFailed, LoginRequired, WebSession
from huren.domain import Severity
from ocr.ingest import IngestError

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return str(asked)
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


def _maybe_session(request: Request) -> WebSession | None:
    try:
        return session.current(request)
    except LoginRequired:
        return None


def render(
    request: Request, name: str, context: dict[str, Any], *, web: WebSession | None = None, status: int = 200
) -> HTMLResponse:
    """A template with the page's language, user, CSRF token and security headers."""
    lang = lang_of(request)
    params = {**request.query_params, "lang": "zh" if lang == "en" else "en"}
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": translator(lang),
            "lang": lang,
            "web": web,
            "user": web.user if web else None,
            "csrf": web.csrf if web else "",
            "user_areas": "、".join(views.area_label(a, lang) for a in sorted(web.user.areas))
            if web and web.user.role == "reviewer"
            else "",
            "switch_url": f"{request.url.path}?{urlencode(params)}",
            **context,
        },
        status_code=status,
    )
    for key, value in SECURITY_HEADERS.items():
        response.headers[key] = value
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(
        request, "error.html", {"title": title, "message": message}, web=_maybe_session(request), status=status
    )


def _exists(engine: Engine, app_id: str) -> bool:
    with reading(engine) as conn:
        return conn.execute(select(applications.c.id).where(applications.c.id == app_id)).first() is not None


class WebRoute(APIRoute):
    """Turns the exceptions of a page into pages: login redirect, 403 / 404 / 409 pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            t = translator(lang_of(request))
            try:
                return await handler(request)
            except LoginRequired as exc:
                target = request.url.path if request.method == "GET" else "/"
                query = {"next": target, **({"expired": "1"} if exc.expired else {})}
                response = RedirectResponse(f"/login?{urlencode(query)}", status_code=303)
                response.delete_cookie(SESSION_COOKIE)
                return response
            except CsrfFailed:
                return error_page(request, 403, t("forbidden_title"), t("csrf_failed"))
            except ApiError as exc:
                app_id = request.path_params.get("app_id")
                if exc.code == "application_not_found" and app_id and _exists(request.app.state.engine, app_id):
                    return error_page(request, 403, t("forbidden_title"), t("forbidden_app"))
                message = exc.message_en if lang_of(request) == "en" else exc.message_zh
                return error_page(request, exc.status, t("error"), message)
            except (RequestValidationError, ValidationError):
                return error_page(request, 422, t("error"), t("invalid_form"))

        return page


router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _zone(request: Request) -> str | None:
    """The zone times are shown in (`HUREN_TIMEZONE`, 北京时间 by default)."""
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "timezone", None)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no `//host`, no scheme) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# --- signing in and out ----------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    web = session.current(request)
    return RedirectResponse("/my" if web.user.role == "applicant" else "/queue", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/", expired: str = "", failed: str = "") -> Response:
    token = session.new_login_csrf()
    t = translator(lang_of(request))
    notice = t("session_expired") if expired else ""
    response = render(
        request,
        "login.html",
        {
            "login_csrf": token,
            "next": _safe_next(next),
            "notice": notice,
            "failed": t("login_failed") if failed else "",
        },
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    session.check_login_csrf(request, csrf)
    try:
        token = session.start(request, name, password)
    except ApiError:
        return RedirectResponse(f"/login?{urlencode({'next': _safe_next(next), 'failed': '1'})}", status_code=303)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=session.SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    web = session.current(request)
    session.check_csrf(web, csrf)
    session.end(_engine(request), web.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- the queue -------------------------------------------------------------------------------------


@router.get("/queue")
def queue(
    request: Request,
    state: str = "",
    outcome: str = "",
    area: str = "",
    date_from: str = "",
    date_to: str = "",
    q: str = "",
    page: int = 1,
) -> Response:
    web = session.current(request)
    if web.user.role == "applicant":
        return RedirectResponse("/my", status_code=303)
    lang = lang_of(request)
    filters = views.QueueFilters(state, outcome, area, date_from, date_to, q[:64], page)
    result = views.queue(_engine(request), web.user, filters, lang, _zone(request))
    states = [(s, views.state_label(s, lang)) for s in service.STATE_ZH]
    outcomes = [(o, pick(OUTCOME, o, lang)) for o in OUTCOME]
    areas = [(a, views.area_label(a, lang)) for a in result.areas]
    return render(
        request,
        "queue.html",
        {"result": result, "states": states, "outcomes": outcomes, "areas": areas, "urlencode": urlencode},
        web=web,
    )


@router.get("/my")
def my_applications(request: Request) -> Response:
    web = session.current(request)
    lang = lang_of(request)
    items = service.list_for(_engine(request), views.reader(web.user)) if web.user.role == "applicant" else []
    rows = [
        {
            "id": i["id"],
            "name": i["form"].get("name", ""),
            "cert_number": i["form"].get("cert_number", ""),
            "state_label": views.state_label(i["state"], lang),
            "area": views.area_label(i["area"], lang),
        }
        for i in items
    ]
    return render(request, "my.html", {"rows": rows}, web=web)


# --- one application -------------------------------------------------------------------------------


def application_page(
    request: Request, web: WebSession, app_id: str, *, error: str = "", status: int = 200, done: str = ""
) -> HTMLResponse:
    """The reviewer's page; `service.detail` audits the view when it shows the whole ID number."""
    lang = lang_of(request)
    engine = _engine(request)
    detail = service.detail(engine, views.reader(web.user), app_id)
    screening = views.screening_of(detail)
    zone = _zone(request)
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
    waiting = [i["id"] for i in service.list_for(_engine(request), views.reader(web.user), AppState.REVIEW)]
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
    engine = _engine(request)
    with reading(engine) as conn:
        service.load(conn, app_id, views.reader(web.user))
        doc = conn.execute(
            select(documents).where(documents.c.id == doc_id, documents.c.application_id == app_id)
        ).first()
        screening = service.screening_of(conn, app_id)
    if doc is None:
        raise ApiError(404, "document_not_found", "材料不存在", "document not found")
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


def _reasons_from_form(form: Any) -> list[ReasonIn]:
    """The automatic reasons the reviewer kept (edited) plus the ones they added."""
    kept = set(form.getlist("keep"))
    codes, messages, fields, messages_en, docs = (
        form.getlist(k) for k in ("reason_code", "reason_msg", "reason_field", "reason_msg_en", "reason_doc")
    )
    out = []
    for i, (code, message) in enumerate(zip(codes, messages, strict=False)):
        if str(i) not in kept or not str(message).strip():
            continue
        english = messages_en[i] if i < len(messages_en) else ""
        out.append(
            ReasonIn(
                code=code or "reviewer",
                message_zh=str(message).strip()[:500],
                message_en=str(english)[:500],
                field=(fields[i] if i < len(fields) else None) or None,
                document_id=(docs[i] if i < len(docs) else None) or None,
            )
        )
    for extra in form.getlist("extra_reason"):
        if str(extra).strip():
            out.append(ReasonIn(code="reviewer", message_zh=str(extra).strip()[:500]))
    return out


def _decision_from_form(form: Any) -> DecisionIn:
    """The posted form as the service's decision body; pydantic refuses an unknown action."""
    action = str(form.get("action", ""))
    version_text = str(form.get("version", "")).strip()
    body: dict[str, Any] = {
        "action": action,
        "version": int(version_text) if version_text.isdigit() else None,
        "comment": str(form.get("comment", "")).strip() or None,
    }
    if action == "reject":
        body["reasons"] = _reasons_from_form(form)
    elif action == "request_reupload":
        message = str(form.get("message", "")).strip()
        doc = str(form.get("document_id", "")) or None
        body["documents"] = [ReuploadIn(document_id=doc, message_zh=message[:500])] if message else []
    elif action == "override":
        body["outcome"] = form.get("outcome") or None
    elif action == "approve":
        body["confirmed_employer"] = str(form.get("confirm_employer", "")).strip()[:256] or None
    return DecisionIn.model_validate(body)


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
    body = _decision_from_form(form)
    try:
        await run_in_threadpool(service.decide, _engine(request), web.user, app_id, body)
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
    response = api_certificate(app_id, _engine(request), web.user)
    response.headers["content-disposition"] = response.headers["content-disposition"].replace("attachment", "inline", 1)
    return response


@router.get("/applications/{app_id}/certificate-status")
def certificate_status(request: Request, app_id: str) -> Response:
    """Polled by the page after an approval until the worker has issued the certificate."""
    web = session.current(request)
    status = service.status(_engine(request), views.reader(web.user), app_id)
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


# --- the applicant's status page -------------------------------------------------------------------


@router.get("/status/{app_id}")
def status_page(request: Request, app_id: str) -> Response:
    """What the intake portal links to: the state, every reason at once, what to upload again."""
    web = session.current(request)
    lang = lang_of(request)
    status = service.status(_engine(request), views.reader(web.user), app_id)
    reasons = views.reasons_view(status["reasons"], lang)
    reupload = [
        {**r, "message": (r.get("message_en") or r["message_zh"]) if lang == "en" else r["message_zh"]}
        for r in status["reupload"]
    ]
    return render(
        request,
        "status.html",
        {
            "status": status,
            "state_label": views.state_label(status["state"], lang),
            "reasons": reasons,
            "reupload": reupload,
        },
        web=web,
    )
