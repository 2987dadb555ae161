"""Applications: create, list, detail, submit, applicant status, reviewer decisions, the certificate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from api import service
from api.auth import Applicant, CaseReader, CertificateHolder, CurrentUser, EngineDep, Reviewer
from api.errors import error_responses
from api.models import ApplicationCreate, ApplicationDetail, ApplicationStatus, ApplicationSummary, DecisionIn
from api.paging import Page, PageParams

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post(
    "", status_code=201, response_model=ApplicationSummary, responses=error_responses(400, 401, 403, 413, 422, 429)
)
def create(body: ApplicationCreate, request: Request, engine: EngineDep, user: Applicant) -> dict[str, Any]:
    """A new application (draft) with the form's fields and the recognising area; at most
    `HUREN_MAX_APPLICATIONS_PER_DAY` an account (429 too_many_applications)."""
    return service.create(engine, user, body, max_per_day=request.app.state.settings.max_applications_per_day)


@router.get("", name="list", response_model=Page[ApplicationSummary], responses=error_responses(400, 401, 403, 422))
def list_applications(engine: EngineDep, user: CaseReader, paging: PageParams, state: str | None = None) -> Any:
    """Own applications (applicant) or those in scope (reviewer, admin), oldest first, a page at a time;
    ID numbers masked."""
    return service.list_page(engine, user, paging, state)


@router.get("/{app_id}", response_model=ApplicationDetail, responses=error_responses(400, 401, 403, 404, 422))
def detail(app_id: str, engine: EngineDep, user: CaseReader) -> dict[str, Any]:
    """Everything about one application; the whole ID number only for its reviewer (audited)."""
    return service.detail(engine, user, app_id)


@router.post(
    "/{app_id}/submit",
    status_code=202,
    response_model=ApplicationSummary,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def submit(app_id: str, request: Request, engine: EngineDep, user: Applicant) -> dict[str, Any]:
    """Queue pre-screening; poll `/status`."""
    out = service.submit(engine, user, app_id)
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return out


@router.get("/{app_id}/status", response_model=ApplicationStatus, responses=error_responses(400, 401, 404, 422))
def status(app_id: str, engine: EngineDep, user: CurrentUser) -> dict[str, Any]:
    """The applicant's view: state, every reason in Chinese at once, the documents to upload again."""
    return service.status(engine, user, app_id)


@router.post(
    "/{app_id}/decision",
    response_model=ApplicationSummary,
    responses=error_responses(400, 401, 403, 404, 409, 413, 422),
)
def decision(app_id: str, body: DecisionIn, request: Request, engine: EngineDep, user: Reviewer) -> dict[str, Any]:
    """approve | reject (reasons) | override (outcome + comment) | request_reupload (documents)."""
    out = service.decide(engine, user, app_id, body)
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return out


@router.get(
    "/{app_id}/certificate",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(400, 401, 403, 404, 422),
    },
)
def certificate(app_id: str, engine: EngineDep, user: CertificateHolder) -> FileResponse:
    """The zone certificate PDF, for the applicant and the reviewer."""
    pdf, number = service.certificate_pdf(engine, user, app_id)
    return FileResponse(pdf, media_type="application/pdf", filename=f"{number}.pdf")
