"""Follow-up management: the export for the provinces, 双随机 sampling, certificates about to expire.

Admins and auditors cover the whole zone, reviewers their area or province; applicants never (403).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api import followup
from api.auth import EngineDep, User, require
from api.errors import ApiError, error_responses
from api.models import Expiring, Sample
from api.paging import PageParams

router = APIRouter(tags=["follow-up"])

FollowUpUser = Annotated[User, Depends(require("reviewer", "admin", "auditor"))]


class SampleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int  # checked by followup.sample (422 invalid_size with a message)
    seed: str | int | None = Field(default=None, description="generated and returned when absent")
    area: str | None = None
    province: str | None = None


def _as_of(request: Request, value: str | None = None) -> date:
    return followup.as_of_date(value, request.app.state.settings.as_of)


EXPORT_CONTENT = {
    "text/csv": {"schema": {"type": "string"}, "example": "number,area,…\r\nYRD-QP-2025-000001-2,qingpu,…\r\n"},
    "application/json": {"schema": {"type": "object", "description": "as_of, areas, id_numbers, count, recognitions"}},
}


@router.get(
    "/recognitions/export",
    response_class=Response,
    responses={
        200: {"description": "CSV (UTF-8 with BOM) or JSON, with its SHA-256", "content": EXPORT_CONTENT},
        **error_responses(400, 401, 403, 422),
    },
)
def export(
    request: Request,
    engine: EngineDep,
    user: FollowUpUser,
    fmt: Annotated[str, Query(alias="format", description="csv | json")] = "csv",
    area: str | None = None,
    province: str | None = None,
    id_numbers: Annotated[str, Query(description="masked | full (admins only)")] = "masked",
) -> Response:
    """The recognised metrologists of a province (or area, or the zone) as CSV or JSON; audited."""
    if id_numbers not in ("masked", "full"):
        raise ApiError(422, "invalid_id_numbers", "id_numbers 须为 masked 或 full", "id_numbers must be masked or full")
    full = id_numbers == "full"
    if full and not followup.may_see_full_id_numbers(user):
        raise ApiError(
            403, "full_id_numbers_forbidden", "只有管理员可以导出完整身份证号", "only admins export whole ID numbers"
        )
    areas = followup.scope_areas(user, area=area, province=province)
    out = followup.export(engine, user.name, areas, fmt=fmt, as_of=_as_of(request), full_id_numbers=full)
    headers = {"Content-Disposition": f'attachment; filename="{out.filename}"', "X-Content-SHA256": out.sha256}
    return Response(out.content, media_type=out.media_type, headers=headers)


@router.post("/inspections/sample", response_model=Sample, responses=error_responses(400, 401, 403, 409, 413, 422))
def sample(body: SampleIn, request: Request, engine: EngineDep, user: FollowUpUser) -> dict[str, Any]:
    """A reproducible 双随机 draw among the recognitions in force; seed and selection go to the audit log."""
    areas = followup.scope_areas(user, area=body.area, province=body.province)
    return followup.sample(engine, user.name, areas, size=body.size, seed=body.seed, as_of=_as_of(request))


@router.get("/recognitions/expiring", response_model=Expiring, responses=error_responses(400, 401, 403, 422))
def expiring(
    request: Request,
    engine: EngineDep,
    user: FollowUpUser,
    paging: PageParams,
    days: int,
    area: str | None = None,
    province: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Recognitions whose zone certificate expires within `days` of `as_of` (default today), revoked ones left out."""
    followup.check_days(days)
    areas = followup.scope_areas(user, area=area, province=province)
    return followup.expiring(engine, user.name, areas, days=days, as_of=_as_of(request, as_of), paging=paging)
