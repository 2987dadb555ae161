"""The audit log, for auditors and admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import audit
from api.auth import Auditor, EngineDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
def entries(engine: EngineDep, user: Auditor, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    return audit.entries(engine, after=after, limit=min(max(limit, 1), 1000))


@router.get("/verify")
def verify(engine: EngineDep, user: Auditor) -> dict[str, Any]:
    """Recompute the hash chain: a changed or deleted entry is reported."""
    return audit.verify(engine).to_json()
