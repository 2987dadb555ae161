"""Signing in and out, and the home page that sends each role to its own start."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.errors import ApiError
from api.web import session
from api.web.i18n import translator
from api.web.render import WebRoute, engine_of, lang_of, render
from api.web.session import LOGIN_CSRF_COOKIE, SESSION_COOKIE

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no `//host`, no scheme) is followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


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
    session.end(engine_of(request), web.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
