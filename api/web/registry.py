"""The admins' registry upload page (/registry): upload a file, read the preview, confirm.

The same steps as the API (`api.registry_import`): the page shows progress while a preview or an
import runs (it reloads itself), then the counts, every row error with its sheet, row and column, and
the first changes field by field; the confirm button imports exactly what was previewed.
The page's own words are here in both languages (zh first).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from api.errors import forbidden
from api.registry_import import RegistryImports
from api.web import session
from api.web.i18n import REGISTRY_IMPORT as WORDS
from api.web.render import WebRoute, lang_of, render
from api.web.session import WebSession

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _admin(request: Request) -> WebSession:
    web = session.current(request)
    if web.user.role != "admin":
        raise forbidden()
    return web


def _imports(request: Request) -> RegistryImports:
    return RegistryImports(request.app.state.settings.data_dir / "registry-imports", request.app.state.engine)


def _words(request: Request) -> dict[str, str]:
    index = 1 if lang_of(request) == "en" else 0
    return {key: pair[index] for key, pair in WORDS.items()}


@router.get("/registry")
def upload_page(request: Request) -> Response:
    web = _admin(request)
    return render(request, "registry_upload.html", {"w": _words(request)}, web=web)


@router.post("/registry")
def upload(
    request: Request,
    file: UploadFile,
    cert_type: Annotated[str, Form(max_length=16)] = "",
    sheet: Annotated[str, Form(max_length=128)] = "",
    column_map: Annotated[str, Form(alias="map", max_length=4000)] = "",
    partial: Annotated[str, Form(max_length=8)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    web = _admin(request)
    session.check_csrf(web, csrf)
    state = _imports(request).upload(
        file.file,
        file.filename or "registry",
        actor=web.user.name,
        sheet=sheet.strip() or None,
        column_map=[line.strip() for line in column_map.splitlines() if line.strip()],
        cert_type=cert_type or None,
        partial=bool(partial),
    )
    return RedirectResponse(f"/registry/{state['id']}", status_code=303)


@router.get("/registry/{import_id}")
def import_page(request: Request, import_id: str) -> Response:
    web = _admin(request)
    imports = _imports(request)
    state = imports.state(import_id)
    summary: dict[str, Any] = state.get("summary") or {}
    running = state["status"] in ("previewing", "importing")
    progress = state.get("progress") or {}
    percent = round(100 * progress["done"] / progress["total"]) if progress.get("total") else None
    blocked = bool(summary.get("rejected")) and not state["options"]["partial"]
    return render(
        request,
        "registry_import.html",
        {
            "w": _words(request),
            "state": state,
            "summary": summary,
            "running": running,
            "percent": percent,
            "changes": imports.changes(import_id, limit=200) if state["status"] == "preview_ready" else [],
            "blocked": blocked,
        },
        web=web,
    )


@router.post("/registry/{import_id}/confirm")
def confirm(request: Request, import_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    web = _admin(request)
    session.check_csrf(web, csrf)
    _imports(request).confirm(import_id, actor=web.user.name)
    return RedirectResponse(f"/registry/{import_id}", status_code=303)
