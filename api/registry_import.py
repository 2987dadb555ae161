"""An admin's registry upload: the file is kept, previewed (a dry run), then imported on confirmation.

A preview and an import each run in a thread and write their state to `state.json` in the upload's
folder (`DATA_DIR/registry-imports/<id>/`), so `GET` can show progress for a large file and a
restart loses nothing but a half-run preview. The changes the preview found go to `changes.jsonl`
(one line per certificate: memory stays flat however long the file is); the answer shows a page.
Confirming re-runs the same import for real, after checking that the registry did not change since
the preview (otherwise the preview no longer says what the import would do: 409, preview again).
The import lands with its audit entry (who, the file's SHA-256, the summary) in one transaction.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, func, select

from api import audit
from api.errors import ApiError, not_found
from huren.domain import CertType
from matching.errors import MatchingError
from matching.files import ReadOptions
from matching.headers import parse_column_map
from matching.import_report import ImportReport
from matching.importer import Change, ImportOptions, run_import
from matching.store import RegistryStore, registry_records

log = logging.getLogger(__name__)

MAX_REGISTRY_BYTES = 512 * 1024 * 1024
_SUFFIXES = {".xlsx", ".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".xls"}
_lock = threading.Lock()


def audit_import(actor: str, names: Mapping[str, str] | None = None) -> Callable[[Connection, ImportReport], None]:
    """The audit hook of an import: who, which files (SHA-256) and what changed.

    `names` maps a stored path to the name it was uploaded under."""

    def record(conn: Connection, report: ImportReport) -> None:
        files = [{**f.to_json(), "file": (names or {}).get(f.file) or Path(f.file).name} for f in report.files]
        audit.append(
            conn,
            actor,
            "registry.import",
            ", ".join(f["file"] for f in files),
            files=files,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
        for overwrite in report.overwritten:  # digitised rows that changed an authority's record
            audit.append(
                conn,
                actor,
                "registry.overwrite_authority",
                f"{overwrite['cert_type']}:{overwrite['cert_number']}",
                fields=overwrite["fields"],
                authority_source=overwrite["authority_source"],
                digitized_source=overwrite["digitized_source"],
            )

    return record


def registry_fingerprint(engine: Engine) -> list[Any]:
    """What the registry looks like now (rows, last id, last change): equal before and after = unchanged."""
    t = registry_records
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(t.c.id), func.max(t.c.updated_at))).one()
    return [int(row[0]), row[1], row[2]]


class RegistryImports:
    """The uploads under one folder; each is `<id>/upload<suffix>`, `state.json`, `changes.jsonl`."""

    def __init__(self, root: Path, engine: Engine) -> None:
        self.root = root
        self.engine = engine

    # --- steps -----------------------------------------------------------------------------------

    def upload(
        self,
        stream: IO[bytes],
        filename: str,
        *,
        actor: str,
        sheet: str | None = None,
        column_map: list[str] | None = None,
        cert_type: str | None = None,
        partial: bool = False,
        run: bool = True,
    ) -> dict[str, Any]:
        """Keep the file and start its preview; returns the state (`previewing`)."""
        suffix = Path(filename).suffix.lower()
        if suffix not in _SUFFIXES:
            raise ApiError(
                415, "registry_file_type", "登记库文件须为 .xlsx、CSV、TSV 或 JSON Lines",
                "a registry file is .xlsx, CSV, TSV or JSON Lines",
            )  # fmt: skip
        try:
            parse_column_map(column_map or [])
            if cert_type:
                CertType(cert_type)
        except ValueError as exc:
            raise ApiError(422, "registry_options_invalid", f"参数有误：{exc}", str(exc)) from None
        import_id = secrets.token_hex(8)
        folder = self.root / import_id
        folder.mkdir(parents=True)
        path = folder / f"upload{suffix}"
        size = 0
        with path.open("wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > MAX_REGISTRY_BYTES:
                    out.close()
                    shutil.rmtree(folder)
                    raise ApiError(413, "file_too_large", "文件过大", f"file larger than {MAX_REGISTRY_BYTES} bytes")
                out.write(chunk)
        state = {
            "id": import_id,
            "filename": Path(filename).name,
            "uploaded_by": actor,
            "options": {"sheet": sheet, "map": column_map or [], "cert_type": cert_type, "partial": partial},
            "status": "previewing",
            "progress": {"done": 0, "total": size},
            "created_at": time.time(),
        }
        self._save(import_id, state)
        if run:
            threading.Thread(target=self.preview, args=(import_id,), daemon=True).start()
        return state

    def preview(self, import_id: str) -> None:
        """The dry run: every change to `changes.jsonl`, the summary to the state."""
        folder = self.root / import_id
        with (folder / "changes.jsonl").open("w", encoding="utf-8") as out:

            def keep(change: Change) -> None:
                if change.kind != "unchanged":
                    out.write(json.dumps(change.to_json(), ensure_ascii=False, default=str) + "\n")

            fingerprint = registry_fingerprint(self.engine)
            self._run(
                import_id, dry_run=True, on_change=keep, done="preview_ready", fingerprint=fingerprint, finish=out.flush
            )

    def confirm(self, import_id: str, *, actor: str, run: bool = True) -> dict[str, Any]:
        state = self.state(import_id)
        if state["status"] != "preview_ready":
            raise ApiError(
                409, "registry_import_not_ready", f"此上传的状态为 {state['status']}，不能确认导入",
                f"this upload is {state['status']}, not ready to be confirmed",
            )  # fmt: skip
        if state["summary"]["rejected"] and not state["options"]["partial"]:
            raise ApiError(
                409, "registry_import_has_errors", "文件有错误行：请改正后重新上传，或选择只导入正确的行",
                "the file has row errors: fix them and upload again, or upload with partial",
            )  # fmt: skip
        if registry_fingerprint(self.engine) != state["fingerprint"]:
            raise ApiError(
                409, "registry_changed_since_preview", "预览之后登记库已有变动，请重新预览",
                "the registry changed since the preview; preview again",
            )  # fmt: skip
        state.update(status="importing", confirmed_by=actor)
        self._save(import_id, state)
        if run:
            threading.Thread(target=self.run_confirmed, args=(import_id, actor), daemon=True).start()
        return state

    def run_confirmed(self, import_id: str, actor: str) -> None:
        self._run(import_id, dry_run=False, on_change=None, done="done", audit_as=actor)

    # --- reading ---------------------------------------------------------------------------------

    def state(self, import_id: str) -> dict[str, Any]:
        path = self.root / import_id / "state.json"
        if not import_id.isalnum() or not path.is_file():
            raise not_found("登记库导入", "registry import")
        with _lock:
            return dict(json.loads(path.read_text(encoding="utf-8")))

    def changes(self, import_id: str, *, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        path = self.root / import_id / "changes.jsonl"
        out: list[dict[str, Any]] = []
        if not path.is_file():
            return out
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh):
                if number >= offset + limit:
                    break
                if number >= offset:
                    out.append(json.loads(line))
        return out

    # --- internals -------------------------------------------------------------------------------

    def _run(
        self,
        import_id: str,
        *,
        dry_run: bool,
        on_change: Callable[[Change], None] | None,
        done: str,
        fingerprint: list[Any] | None = None,
        audit_as: str | None = None,
        finish: Callable[[], None] | None = None,
    ) -> None:
        state = self.state(import_id)
        folder = self.root / import_id
        path = next(folder.glob("upload.*"))
        o = state["options"]
        options = ImportOptions(
            read=ReadOptions(
                sheet=o["sheet"],
                column_map=parse_column_map(o["map"]),
                cert_type=CertType(o["cert_type"]) if o["cert_type"] else None,
            ),
            dry_run=dry_run,
            partial=bool(o["partial"]),
        )
        last = [0.0]

        def progress(_: str) -> Callable[[int, int | None], None]:
            def report(done_: int, total: int | None) -> None:
                if time.monotonic() - last[0] > 0.5:
                    last[0] = time.monotonic()
                    self._update(import_id, progress={"done": done_, "total": total})

            return report

        try:
            report = run_import(
                RegistryStore(self.engine),
                [path],
                options,
                progress=progress,
                on_change=on_change,
                audit=audit_import(audit_as, {str(path): state["filename"]}) if audit_as else None,
            )
        except MatchingError as exc:
            message = str(exc).replace(str(path), state["filename"])
            self._update(import_id, status="failed", error={"code": exc.code, "message": message})
            return
        except Exception as exc:  # recorded for the admin; the transaction rolled back, nothing was written
            log.exception("registry import %s failed", import_id)
            error = {"code": "registry_import_failed", "message": type(exc).__name__}
            self._update(import_id, status="failed", error=error)
            return
        summary = _summary(report, path, state["filename"])
        changes: dict[str, Any] = {"status": done, "summary": summary}
        if fingerprint is not None:
            changes["fingerprint"] = fingerprint
        if not dry_run:
            changes["written"] = report.written
        if finish is not None:
            finish()  # the changes are on disk before the state says they are ready
        self._update(import_id, **changes)

    def _save(self, import_id: str, state: dict[str, Any]) -> None:
        path = self.root / import_id / "state.json"
        with _lock:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(state, ensure_ascii=False, default=str), encoding="utf-8")
            tmp.replace(path)

    def _update(self, import_id: str, **changes: Any) -> None:
        state = self.state(import_id)
        state.update(changes)
        self._save(import_id, state)


def _summary(report: ImportReport, path: Path, filename: str) -> dict[str, Any]:
    """The report with the stored path replaced by the name the admin uploaded."""
    rejected = [replace(r, path=filename).to_json() for r in report.rejected[:1000]]
    return {
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
        "rejected_rows": rejected,  # the first 1000
        "notices": [n.replace(str(path), filename) for n in report.notices],
        "sha256": report.files[0].sha256 if report.files else None,
    }
