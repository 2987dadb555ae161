"""Users, managed by admins: create, list, tokens (issue, revoke, rotate), disable, password, unlock."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api import accounts, auth
from api.auth import Admin, EngineDep
from api.errors import error_responses
from api.models import IssuedToken, TokenInfo, Unlocked, UserCreate, UserCreated, UserOut
from api.paging import Page, PageParams
from api.settings import Settings

router = APIRouter(prefix="/users", tags=["users"])


class TokenIn(BaseModel):
    days: float | None = Field(default=None, gt=0, le=3650, description="default HUREN_MACHINE_TOKEN_DAYS")


class PasswordIn(BaseModel):
    password: str = Field(min_length=8, max_length=256)


def _lifetime(request: Request, days: float | None = None) -> float:
    settings: Settings = request.app.state.settings
    return (days or settings.machine_token_days) * 86400


@router.post(
    "",
    status_code=201,
    name="create",
    response_model=UserCreated,
    responses=error_responses(400, 401, 403, 409, 413, 422),
)
def create_user(body: UserCreate, request: Request, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """A person or machine account; the token is shown once."""
    password_hash = auth.hash_password(body.password) if body.password else None  # outside the transaction
    with engine.begin() as conn:
        user, token = auth.create_user(
            conn, body.name, body.role, area=body.area, province=body.province, password_hash=password_hash,
            actor=admin.name, token_seconds=_lifetime(request),
        )  # fmt: skip
    return {"id": user.id, "name": user.name, "role": user.role, "area": user.area, "province": user.province,
            "access_token": token}  # fmt: skip


@router.get("", name="list", response_model=Page[UserOut], responses=error_responses(400, 401, 403, 422))
def list_users(engine: EngineDep, admin: Admin, paging: PageParams) -> dict[str, Any]:
    """Every user with role, scope, disabled and locked, oldest first, a page at a time."""
    return accounts.users_page(engine, paging)


@router.get("/{name}/tokens", response_model=Page[TokenInfo], responses=error_responses(400, 401, 403, 404, 422))
def list_tokens(name: str, engine: EngineDep, admin: Admin, paging: PageParams) -> dict[str, Any]:
    """The user's tokens (id, kind, created, expires, revoked), newest first; never the token itself."""
    return accounts.tokens_page(engine, name, paging)


@router.post(
    "/{name}/tokens",
    status_code=201,
    response_model=IssuedToken,
    responses=error_responses(400, 401, 403, 404, 413, 422),
)
def issue_token(name: str, body: TokenIn, request: Request, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """A new machine token, shown once."""
    return accounts.issue_machine_token(engine, admin.name, name, lifetime_seconds=_lifetime(request, body.days))


@router.delete("/{name}/tokens/{token_id}", status_code=204, responses=error_responses(400, 401, 403, 404, 422))
def revoke_token(name: str, token_id: int, engine: EngineDep, admin: Admin) -> Response:
    accounts.revoke_token(engine, admin.name, name, token_id)
    return Response(status_code=204)


@router.post(
    "/{name}/tokens/{token_id}/rotate",
    status_code=201,
    response_model=IssuedToken,
    responses=error_responses(400, 401, 403, 404, 409, 413, 422),
)
def rotate_token(
    name: str, token_id: int, body: TokenIn, request: Request, engine: EngineDep, admin: Admin
) -> dict[str, Any]:
    """Revoke a machine token and issue its successor (shown once)."""
    return accounts.rotate_token(engine, admin.name, name, token_id, lifetime_seconds=_lifetime(request, body.days))


@router.post("/{name}/disable", response_model=UserOut, responses=error_responses(400, 401, 403, 404, 422))
def disable(name: str, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """Every token and the password stop working; sessions are revoked."""
    return accounts.set_disabled(engine, admin.name, name, True)


@router.post("/{name}/enable", response_model=UserOut, responses=error_responses(400, 401, 403, 404, 422))
def enable(name: str, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    return accounts.set_disabled(engine, admin.name, name, False)


@router.post("/{name}/password", status_code=204, responses=error_responses(400, 401, 403, 404, 413, 422))
def reset_password(name: str, body: PasswordIn, engine: EngineDep, admin: Admin) -> Response:
    """Set a new password; the user's sessions end and a login lockout is lifted."""
    accounts.reset_password(engine, admin.name, name, body.password)
    return Response(status_code=204)


@router.post("/{name}/unlock", response_model=Unlocked, responses=error_responses(400, 401, 403, 422))
def unlock(name: str, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """Lift a login lockout and forget the failed logins."""
    return {"name": name, "lifted": accounts.unlock(engine, admin.name, name)}
