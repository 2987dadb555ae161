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
from api.web.routes import WebRoute, lang_of, render
from api.web.session import WebSession

router = APIRouter(route_class=WebRoute, include_in_schema=False)

WORDS: dict[str, tuple[str, str]] = {
    "title": ("登记库导入", "Registry import"),
    "intro": (
        "上传发证机关的登记表（.xlsx、CSV/TSV 或 JSON Lines），先预览将要发生的变化，确认后才写入。",
        "Upload an authority's register (.xlsx, CSV/TSV or JSON Lines); see what would change, then confirm.",
    ),
    "file": ("文件", "File"),
    "cert_type": ("证书类型（表中无此列时）", "Certificate type (when the file has no such column)"),
    "from_file": ("按文件", "from the file"),
    "registration": ("注册计量师注册证", "registration certificate"),
    "assessment": ("考核合格证", "assessment certificate"),
    "verifier": ("计量检定员证", "verifier certificate"),
    "sheet": ("工作表（留空为全部）", "Sheet (empty: all)"),
    "map": ("其他表头（每行一个：表头=字段）", "Other headers (one per line: HEADER=field)"),
    "partial": ("有错误行时仍导入正确的行", "Import the good rows even if some rows have errors"),
    "upload": ("上传并预览", "Upload and preview"),
    "previewing": ("正在预览…", "Previewing…"),
    "importing": ("正在导入…", "Importing…"),
    "preview_ready": ("预览", "Preview"),
    "done": ("已导入", "Imported"),
    "failed": ("无法导入", "Cannot import"),
    "inserted": ("新增", "New"),
    "updated": ("更新", "Updated"),
    "unchanged": ("不变", "Unchanged"),
    "rejected": ("错误行", "Row errors"),
    "errors": ("错误行", "Row errors"),
    "sheet_col": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "reason": ("原因", "Reason"),
    "changes": ("变化（前 200 条）", "Changes (first 200)"),
    "change": ("变化", "Change"),
    "confirm": ("确认导入", "Confirm import"),
    "nothing_written": ("未写入任何数据。", "Nothing was written."),
    "blocked": (
        "文件有错误行：请改正后重新上传，或勾选“仍导入正确的行”。",
        "The file has row errors: fix them and upload again, or tick “import the good rows”.",
    ),
    "notices": ("提示", "Notes"),
    "uploaded_by": ("上传人", "Uploaded by"),
    "back": ("返回登记库导入", "Back to registry import"),
}


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
