"""An admin's registry upload: preview (a dry run), then confirm; progress while either runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile

from api.auth import Admin, EngineDep
from api.errors import error_responses
from api.models import RegistryImport
from api.paging import MAX_LIMIT
from api.registry_import import RegistryImports

router = APIRouter(prefix="/registry/imports", tags=["registry"])


def _imports(request: Request, engine: Any) -> RegistryImports:
    return RegistryImports(request.app.state.settings.data_dir / "registry-imports", engine)


@router.post(
    "", status_code=202, response_model=RegistryImport, responses=error_responses(400, 401, 403, 413, 415, 422)
)
def upload(
    file: UploadFile,
    request: Request,
    engine: EngineDep,
    admin: Admin,
    sheet: Annotated[str | None, Form()] = None,
    column_map: Annotated[list[str] | None, Form(alias="map")] = None,
    cert_type: Annotated[str | None, Form()] = None,
    partial: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Upload a registry file (.xlsx, CSV/TSV, JSON Lines) and start its preview; poll `GET …/{id}`."""
    return _imports(request, engine).upload(
        file.file,
        file.filename or "registry",
        actor=admin.name,
        sheet=sheet or None,
        column_map=column_map,
        cert_type=cert_type or None,
        partial=partial,
    )


@router.get("/{import_id}", response_model=RegistryImport, responses=error_responses(400, 401, 403, 404, 422))
def status(
    import_id: str,
    request: Request,
    engine: EngineDep,
    admin: Admin,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> dict[str, Any]:
    """Progress, then the preview: counts, every row error (sheet, row, column), a page of the changes."""
    imports = _imports(request, engine)
    state = imports.state(import_id)
    state.pop("fingerprint", None)
    state["changes"] = imports.changes(import_id, offset=offset, limit=limit)
    return state


@router.post(
    "/{import_id}/confirm",
    status_code=202,
    response_model=RegistryImport,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def confirm(import_id: str, request: Request, engine: EngineDep, admin: Admin) -> dict[str, Any]:
    """Import what the preview showed (409 if the registry changed since, or the file has row errors)."""
    state = _imports(request, engine).confirm(import_id, actor=admin.name)
    state.pop("fingerprint", None)
    return state
