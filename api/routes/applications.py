"""Applications: create, list, detail, submit, applicant status, reviewer decisions, the certificate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from api import service
from api.auth import Applicant, CaseReader, CertificateHolder, CurrentUser, EngineDep, Reviewer
from api.errors import ApiError, not_found
from api.models import ApplicationCreate, DecisionIn
from recognition.recognitions import RecognitionStore

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post("", status_code=201)
def create(body: ApplicationCreate, request: Request, engine: EngineDep, user: Applicant) -> dict[str, Any]:
    """A new application (draft) with the form's fields and the recognising area; at most
    `HUREN_MAX_APPLICATIONS_PER_DAY` an account (429 too_many_applications)."""
    return service.create(engine, user, body, max_per_day=request.app.state.settings.max_applications_per_day)


@router.get("")
def list_applications(engine: EngineDep, user: CaseReader, state: str | None = None) -> list[dict[str, Any]]:
    """Own applications (applicant) or those in scope (reviewer, admin); ID numbers masked."""
    return service.list_for(engine, user, state)


@router.get("/{app_id}")
def detail(app_id: str, engine: EngineDep, user: CaseReader) -> dict[str, Any]:
    """Everything about one application; the whole ID number only for its reviewer (audited)."""
    return service.detail(engine, user, app_id)


@router.post("/{app_id}/submit", status_code=202)
def submit(app_id: str, request: Request, engine: EngineDep, user: Applicant) -> dict[str, Any]:
    """Queue pre-screening; poll `/status`."""
    out = service.submit(engine, user, app_id)
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return out


@router.get("/{app_id}/status")
def status(app_id: str, engine: EngineDep, user: CurrentUser) -> dict[str, Any]:
    """The applicant's view: state, every reason in Chinese at once, the documents to upload again."""
    return service.status(engine, user, app_id)


@router.post("/{app_id}/decision")
def decision(app_id: str, body: DecisionIn, request: Request, engine: EngineDep, user: Reviewer) -> dict[str, Any]:
    """approve | reject (reasons) | override (outcome + comment) | request_reupload (documents)."""
    out = service.decide(engine, user, app_id, body)
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return out


@router.get("/{app_id}/certificate", response_class=FileResponse)
def certificate(app_id: str, engine: EngineDep, user: CertificateHolder) -> FileResponse:
    """The zone certificate PDF, for the applicant and the reviewer."""
    summary = service.status(engine, user, app_id)
    number = (summary["certificate"] or {}).get("number")
    if not number:
        raise ApiError(404, "certificate_not_issued", "证书尚未换发", "no certificate has been issued yet")
    recognition = RecognitionStore(engine).get(number)
    if recognition is None or not recognition.pdf_path:
        raise not_found("证书", "certificate")
    with engine.begin() as conn:
        from api import audit

        audit.append(conn, user.name, "certificate.download", app_id, number=number)
    return FileResponse(recognition.pdf_path, media_type="application/pdf", filename=f"{number}.pdf")
