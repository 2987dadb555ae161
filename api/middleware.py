"""Two ASGI middlewares in front of every route: request bodies are refused before they are read, and
every response carries the security headers.

`BodyGuard`: a body larger than its limit (the upload route: `max_upload_bytes` plus the multipart
envelope; an admin's registry file: `MAX_REGISTRY_BYTES`; anything else `max_request_bytes`) answers 413 from its `Content-Length` without a byte being
read, and as soon as a chunked body passes the limit; a body sent to the API without a valid bearer
token (everything under /api/v1 but /auth/…) answers 401 before it is read. Nothing of such a request
reaches the disk.

A NUL byte in the path or the query answers 400 (PostgreSQL cannot hold one; SQLite would store it).

`LoginGuard`: a login from an address this process knows must still wait (`api.throttle.LoginGate`)
is refused before routing, validation, a thread or a database read: a flood costs next to nothing.

`SecurityHeaders`: what the review pages set on their HTML (nosniff, no framing, referrer policy, a
Content-Security-Policy) also on JSON, redirects, files and the OpenAPI pages; a route's own header wins.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import auth
from api.errors import ApiError, unauthorized
from api.registry_import import MAX_REGISTRY_BYTES
from api.throttle import LoginGate

UPLOAD_PATH = re.compile(r"^/api/v1/applications/[^/]+/documents/?$")
REGISTRY_PATH = re.compile(r"^(/api/v1/registry/imports|/registry)/?$")  # an admin's registry file
MULTIPART_ENVELOPE = 64 * 1024  # boundaries and part headers around the file
OPEN_API_PREFIXES = ("/api/v1/auth/",)  # bodies that come before any token: login, registration
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def _answer(send: Send, error: ApiError) -> None:
    body = json.dumps(error.body(), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if error.status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    headers.append((b"connection", b"close"))  # the unread body is not drained
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def too_large(limit: int) -> ApiError:
    return ApiError(
        413, "request_too_large", f"请求内容超过 {limit // (1024 * 1024) or 1} MB 上限",
        f"request body larger than {limit} bytes", max_bytes=limit,
    )  # fmt: skip


class BodyGuard:
    def __init__(self, app: ASGIApp, *, engine: Engine, max_upload_bytes: int, max_request_bytes: int) -> None:
        self.app = app
        self.engine = engine
        self.max_upload_bytes = max_upload_bytes
        self.max_request_bytes = max_request_bytes

    def limit(self, path: str) -> int:
        if UPLOAD_PATH.match(path):
            return self.max_upload_bytes + MULTIPART_ENVELOPE
        if REGISTRY_PATH.match(path):
            return MAX_REGISTRY_BYTES + MULTIPART_ENVELOPE
        return self.max_request_bytes

    async def _authenticated(self, scope: Scope) -> bool:
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        return await run_in_threadpool(auth.user_for_token, self.engine, token.strip()) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if "\x00" in path or b"%00" in scope.get("query_string", b"").lower():  # PostgreSQL refuses NUL in text
            await _answer(send, ApiError(400, "nul_byte", "请求中含有空字符", "a NUL byte in the path or query"))
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit(path)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > limit):
            await _answer(send, too_large(limit))
            return
        needs_token = path.startswith("/api/v1/") and not path.startswith(OPEN_API_PREFIXES)
        if needs_token and not await self._authenticated(scope):
            await _answer(send, unauthorized())
            return
        received, overflow, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, overflow
            if overflow:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body without a length: stop reading it here
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        async def forward(message: Message) -> None:
            nonlocal started
            if overflow and not started:
                return  # our 413 replaces whatever the route made of the cut body
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, forward)
        except Exception:
            if not overflow:
                raise
        if overflow and not started:
            await _answer(send, too_large(limit))


API_LOGIN, WEB_LOGIN = "/api/v1/auth/login", "/login"


class LoginGuard:
    """Logins from an address the gate holds back are refused here, before any route or database; the
    refusal is sent after the address's wait, at most `tarpit` seconds, sleeping on the event loop: a
    client that retries at once slows itself, and a flood costs sleeping connections, not CPU."""

    def __init__(self, app: ASGIApp, *, gate: LoginGate, tarpit: float = 0.0) -> None:
        self.app = app
        self.gate = gate
        self.tarpit = tarpit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] == "POST" and path in (API_LOGIN, WEB_LOGIN):
            client = scope.get("client")
            wait = self.gate.retry_after(client[0] if client else None, time.time())
            if wait > 0:
                retry = max(1, round(wait + 0.5))
                if self.tarpit > 0:
                    await asyncio.sleep(min(wait, self.tarpit))
                if path == WEB_LOGIN:  # the sign-in form again, saying it failed
                    headers = [(b"location", b"/login?failed=1"), (b"content-length", b"0")]
                    await send({"type": "http.response.start", "status": 303, "headers": headers})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await _answer(send, ApiError(
                    429, "login_throttled", f"登录失败次数过多，请 {retry} 秒后再试",
                    f"too many failed logins: try again in {retry} s", retry_after=retry,
                ))  # fmt: skip
                return
        await self.app(scope, receive, send)


DEFAULT_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
}
# /docs and /redoc (`api.docs`): FastAPI's inline bootstrap script, the packaged assets, ReDoc's blob worker
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        wanted = dict(DEFAULT_HEADERS)
        if path.startswith(DOCS_PATHS):
            wanted["Content-Security-Policy"] = DOCS_CSP
        if path.startswith("/api/"):
            wanted["Cache-Control"] = "no-store"
        if scope.get("scheme") == "https":
            wanted["Strict-Transport-Security"] = "max-age=31536000"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers") or [])
                present = {k.decode("latin-1").lower() for k, _ in headers}
                for key, value in wanted.items():
                    if key.lower() not in present:
                        headers.append((key.encode("latin-1"), value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
