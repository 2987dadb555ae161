"""Login (people), registration of applicants (off unless `HUREN_SELF_REGISTRATION`), and who am I."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from api import auth
from api.auth import CurrentUser, EngineDep
from api.errors import ApiError, error_responses
from api.models import Login, Me, Notice, Register, Token
from api.settings import Settings
from api.throttle import LoginBusy, LoginPolicy

router = APIRouter(prefix="/auth", tags=["auth"])


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/login", response_model=Token, responses=error_responses(400, 401, 413, 422, 429, 503))
async def login(body: Login, request: Request, engine: EngineDep) -> dict[str, Any]:
    """Password login (argon2); returns a bearer token valid for `HUREN_SESSION_HOURS`.

    Failures are counted per name and per address: after a few, 429 with `retry_after` (growing
    delays); after `HUREN_LOGIN_LOCKOUT_FAILURES` the account is locked until an admin unlocks it.
    A 429 is answered after the wait (at most `HUREN_LOGIN_TARPIT_SECONDS`), without holding a thread:
    a client that retries at once slows itself, and a flood costs sleeping connections, not CPU."""
    settings: Settings = request.app.state.settings
    try:
        token = await run_in_threadpool(
            auth.login,
            engine,
            body.name,
            body.password,
            address=client_address(request),
            policy=LoginPolicy.of(settings),
            session_seconds=settings.session_hours * 3600,
            gate=request.app.state.login_gate,
        )
    except ApiError as exc:
        if exc.status == 429 and settings.login_tarpit_seconds > 0:
            wait = settings.login_tarpit_seconds if exc.wait_seconds is None else exc.wait_seconds  # locked: the cap
            await asyncio.sleep(min(wait, settings.login_tarpit_seconds))
        raise
    return {"access_token": token, "token_type": "bearer", "expires_in": int(settings.session_hours * 3600)}


@router.post("/register", status_code=202, response_model=Notice, responses=error_responses(400, 403, 413, 422, 503))
def register(body: Register, request: Request, engine: EngineDep) -> dict[str, Any]:
    """An applicant signs up, when self-registration is on; then signs in with `/auth/login`.

    The answer is the same whether the name was free or taken, so it tells nobody which names exist."""
    settings: Settings = request.app.state.settings
    if not settings.self_registration:
        raise ApiError(
            403, "registration_closed", "不开放自行注册，请通过受理窗口获取账号", "self-registration is closed"
        )
    try:
        # outside the transaction, for free and taken names alike
        password_hash = request.app.state.login_gate.hash(auth.hash_password, body.password)
    except LoginBusy:
        raise ApiError(
            503, "login_busy", "请求过多，请稍后再试", "too many requests at once: try again shortly"
        ) from None
    try:
        auth.check_name(body.name)
        with engine.begin() as conn:
            auth.create_user(
                conn,
                body.name,
                "applicant",
                password_hash=password_hash,
                actor="anonymous",
                token_seconds=settings.machine_token_days * 86400,
            )
    except ApiError as exc:  # a taken or reserved name answers like a free one
        if exc.code not in ("reserved_name", "user_exists"):
            raise
    return {
        "message_zh": "如该用户名可用，账户已创建；请使用用户名和密码登录",
        "message_en": "if the name was free, the account exists now: sign in with /auth/login",
    }


@router.get("/me", response_model=Me, responses=error_responses(400, 401))
def me(user: CurrentUser) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "role": user.role, "area": user.area, "province": user.province,
            "areas": sorted(user.areas)}  # fmt: skip
