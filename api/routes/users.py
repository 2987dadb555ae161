"""Users, managed by admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import auth
from api.auth import Admin, EngineDep
from api.models import UserCreate

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=201)
def create_user(body: UserCreate, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """A person or machine account; the token is shown once."""
    with engine.begin() as conn:
        user, token = auth.create_user(
            conn, body.name, body.role, area=body.area, province=body.province, password=body.password, actor=admin.name
        )
    return {"id": user.id, "name": user.name, "role": user.role, "area": user.area, "province": user.province,
            "access_token": token}  # fmt: skip
