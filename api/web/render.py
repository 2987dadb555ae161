"""What every page shares: the template with its language, user, CSRF token and security headers, the
error page, and `WebRoute`, which turns a page's exceptions into pages.

Errors become pages, never JSON: no session → the login form; a bad CSRF token → 403; an application
outside the reviewer's scope → 403; any other service error → its status with the service's message.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import Engine

from api import service
from api.errors import ApiError
from api.web import TEMPLATES_DIR, session, views
from api.web.i18n import LANGS, translator
from api.web.session import LANG_COOKIE, SESSION_COOKIE, CsrfFailed, LoginRequired, WebSession

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


def maybe_session(request: Request) -> WebSession | None:
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
        request, "error.html", {"title": title, "message": message}, web=maybe_session(request), status=status
    )


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
                if exc.code == "application_not_found" and app_id and service.exists(request.app.state.engine, app_id):
                    return error_page(request, 403, t("forbidden_title"), t("forbidden_app"))
                message = exc.message_en if lang_of(request) == "en" else exc.message_zh
                return error_page(request, exc.status, t("error"), message)
            except (RequestValidationError, ValidationError):
                return error_page(request, 422, t("error"), t("invalid_form"))

        return page


def zone_of(request: Request) -> str | None:
    """The zone times are shown in (`HUREN_TIMEZONE`, 北京时间 by default)."""
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "timezone", None)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine
