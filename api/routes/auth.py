"""Login (people), registration of applicants, and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import auth
from api.auth import CurrentUser, EngineDep
from api.models import Login, Register

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login")
def login(body: Login, engine: EngineDep) -> dict[str, Any]:
    """Password login (argon2); returns a bearer token."""
    with engine.begin() as conn:
        token = auth.login(conn, body.name, body.password)
    return {"access_token": token, "token_type": "bearer"}


@router.post("/register", status_code=201)
def register(body: Register, engine: EngineDep) -> dict[str, Any]:
    """An applicant signs up with a name and password."""
    with engine.begin() as conn:
        user, token = auth.create_user(conn, body.name, "applicant", password=body.password, actor=body.name)
    return {"id": user.id, "name": user.name, "role": user.role, "access_token": token, "token_type": "bearer"}


@router.get("/me")
def me(user: CurrentUser) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "role": user.role, "area": user.area, "province": user.province,
            "areas": sorted(user.areas)}  # fmt: skip
