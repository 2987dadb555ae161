"""Documents of an application: upload (multipart), list, remove."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, UploadFile

from api import service
from api.auth import Applicant, CaseReader, EngineDep
from api.errors import error_responses
from api.models import DocumentOut
from api.settings import Settings

router = APIRouter(prefix="/applications/{app_id}/documents", tags=["documents"])


@router.post(
    "",
    status_code=201,
    response_model=DocumentOut,
    responses={
        200: {"model": DocumentOut, "description": "the same file again: the document it already is"},
        **error_responses(400, 401, 403, 404, 409, 413, 415, 422),
    },
)
def upload(
    app_id: str,
    file: UploadFile,
    request: Request,
    response: Response,
    engine: EngineDep,
    user: Applicant,
) -> dict[str, Any]:
    """Attach one file (PDF, JPEG, PNG, TIFF, WEBP, BMP — checked by content). The same file twice is one
    document (200 instead of 201); a wrong type answers 415, a file too large 413 (refused before it is
    read when `Content-Length` says so, or without a valid token: 401); more than
    `HUREN_MAX_PAGES_PER_APPLICATION` pages in all answers 422 too_many_pages."""
    settings: Settings = request.app.state.settings
    doc, created = service.attach(
        engine,
        request.app.state.files,
        user,
        app_id,
        file.file,
        file.filename or "upload",
        max_bytes=settings.max_upload_bytes,
        max_documents=settings.max_documents,
        max_pages=settings.max_pages_per_application,
    )
    if not created:
        response.status_code = 200
    return doc


@router.get("", name="list", response_model=list[DocumentOut], responses=error_responses(400, 401, 403, 404, 422))
def list_documents(app_id: str, engine: EngineDep, user: CaseReader) -> list[dict[str, Any]]:
    """The active documents (at most `HUREN_MAX_DOCUMENTS`: a bounded list, not paged)."""
    return list(service.detail(engine, user, app_id)["documents"])


@router.delete("/{doc_id}", status_code=204, responses=error_responses(400, 401, 403, 404, 409, 422))
def remove(app_id: str, doc_id: str, engine: EngineDep, user: Applicant) -> Response:
    service.remove_document(engine, user, app_id, doc_id)
    return Response(status_code=204)
