"""Browser sessions on top of the service's password login, and CSRF tokens for every form.

A session is the service's own login token (`api.auth.login`), kept in an HttpOnly, SameSite=Lax
cookie: one store of credentials, revocable like any token. The pages add an absolute lifetime
(`SESSION_SECONDS` from the login) because a browser left open at a counter must not stay signed in.
The CSRF token of a form is an HMAC of the session token: an attacker's page can neither read the
cookie nor compute the token, and nothing has to be stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import Engine

from api import auth
from api.auth import User
from api.throttle import LoginPolicy

SESSION_COOKIE = "huren_session"
LOGIN_CSRF_COOKIE = "huren_login_csrf"  # double-submit token of the login form (no session yet)
LANG_COOKIE = "huren_lang"
SESSION_SECONDS = 8 * 3600


class LoginRequired(Exception):
    """No session, or an expired one: the page sends the browser to the login form."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


class CsrfFailed(Exception):
    """A form came without the token of the session it claims to belong to."""


@dataclass(frozen=True, slots=True)
class WebSession:
    user: User
    token: str

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    @property
    def can_decide(self) -> bool:
        """Only reviewers decide (as in the service's API); admins and auditors read."""
        return self.user.role == "reviewer"


def csrf_for(token: str) -> str:
    return hmac.new(token.encode(), b"huren-web-csrf", hashlib.sha256).hexdigest()


def check_csrf(session: WebSession, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise CsrfFailed()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, sent: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not sent or not cookie or not hmac.compare_digest(sent, cookie):
        raise CsrfFailed()


def start(request: Request, name: str, password: str) -> str:
    """The service's password login (throttled and audited there); its token becomes the session cookie."""
    settings = request.app.state.settings
    return auth.login(
        request.app.state.engine,
        name,
        password,
        address=request.client.host if request.client else None,
        policy=LoginPolicy.of(settings),
        session_seconds=min(SESSION_SECONDS, settings.session_hours * 3600),
        gate=request.app.state.login_gate,
    )


def end(engine: Engine, token: str) -> None:
    """Sign out: the token is revoked, so a copied cookie is worthless too."""
    auth.revoke_login(engine, token)


def current(request: Request, *, max_age: float = SESSION_SECONDS) -> WebSession:
    """The signed-in user of this request, or `LoginRequired` (expired=True when the session aged out)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired()
    engine: Engine = request.app.state.engine
    row = auth.login_token(engine, token)
    if row is None:
        raise LoginRequired()
    age = (datetime.now(UTC) - datetime.fromisoformat(row.created_at)).total_seconds()
    if row.revoked or age > max_age:
        raise LoginRequired(expired=True)
    user = auth.user_for_token(engine, token)
    if user is None:
        raise LoginRequired(expired=True)
    return WebSession(user, token)
