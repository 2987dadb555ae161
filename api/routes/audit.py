"""The audit log, for auditors and admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import audit
from api.auth import Auditor, EngineDep
from api.db import READ_OPTION
from api.errors import error_responses
from api.models import AuditEntry, AuditReport

router = APIRouter(prefix="/audit", tags=["audit"])

MAX_SEQ = 2**31 - 1  # the largest sequence number the column holds (INTEGER on PostgreSQL)


@router.get("", response_model=list[AuditEntry], responses=error_responses(400, 401, 403, 422))
def entries(
    engine: EngineDep,
    user: Auditor,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Entries after sequence number `after`, oldest first (a read: no write lock taken)."""
    return audit.entries(engine.execution_options(**{READ_OPTION: True}), after=after, limit=limit)


@router.get("/verify", response_model=AuditReport, responses=error_responses(400, 401, 403))
def verify(engine: EngineDep, user: Auditor) -> dict[str, Any]:
    """Recompute the hash chain: a changed or deleted entry is reported."""
    return audit.verify(engine).to_json()
