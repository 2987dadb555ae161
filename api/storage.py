"""Uploaded files on disk: checked by content (not name), stored under random names in data_dir/files.

The database maps (application, SHA-256) to the stored name, so the same file uploaded twice to an
application is one document; the name on disk says nothing about the person or the content.

With `HUREN_UPLOAD_RETENTION_DAYS` set, the uploads of decided applications are deleted that many days
after the decision (`purge_decided_uploads`, run by `huren serve` hourly and by `huren uploads purge`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, select

from api import audit
from api.db import applications, documents
from api.errors import ApiError
from api.states import DECIDED

CHUNK = 1 << 16

# (magic prefix, offset, content type) — the kinds `ocr.ingest` reads
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"BM", 0, "image/bmp"),
    (b"WEBP", 8, "image/webp"),
)


def sniff(head: bytes) -> str | None:
    for magic, offset, content_type in SIGNATURES:
        if head[offset : offset + len(magic)] == magic and (content_type != "image/webp" or head[:4] == b"RIFF"):
            return content_type
    return None


@dataclass(frozen=True, slots=True)
class StoredFile:
    storage_name: str
    sha256: str
    size: int
    content_type: str


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, storage_name: str) -> Path:
        if not storage_name.isalnum():  # only names we made
            raise ValueError("bad storage name")
        return self.root / storage_name

    def save(self, source: BinaryIO, *, max_bytes: int) -> StoredFile:
        """Stream to a temporary file, checking type and size on the way; 413 / 415 leave nothing behind."""
        name = secrets.token_hex(16)
        tmp = self.root / f".{name}.part"
        digest = hashlib.sha256()
        size = 0
        content_type: str | None = None
        try:
            with tmp.open("wb") as out:
                while chunk := source.read(CHUNK):
                    if content_type is None:
                        content_type = sniff(chunk)
                        if content_type is None:
                            raise ApiError(
                                415,
                                "unsupported_file_type",
                                "文件类型不支持，请上传 PDF、JPEG、PNG、TIFF、WEBP 或 BMP 文件",
                                "unsupported file type: upload PDF, JPEG, PNG, TIFF, WEBP or BMP",
                            )
                    size += len(chunk)
                    if size > max_bytes:
                        raise ApiError(
                            413,
                            "file_too_large",
                            f"文件超过 {max_bytes // (1024 * 1024)} MB 上限",
                            f"file larger than {max_bytes} bytes",
                            max_bytes=max_bytes,
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if content_type is None:
                raise ApiError(415, "empty_file", "文件为空", "the file is empty")
            os.replace(tmp, self.root / name)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredFile(name, digest.hexdigest(), size, content_type)

    def page_count(self, storage_name: str) -> int:
        """Pages of a stored file (PDF pages, TIFF frames, 1 for an image); 1 when it cannot be read
        (the screening reports that file, the upload is not refused for it)."""
        from ocr.ingest import IngestError, count_pages

        try:
            return count_pages(self.path(storage_name))
        except IngestError:
            return 1

    def discard(self, storage_name: str) -> None:
        self.path(storage_name).unlink(missing_ok=True)


# --- retention ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    applications: int
    files: int


def purge_decided_uploads(engine: Engine, files: FileStore, *, days: int, now: datetime | None = None) -> Purged:
    """Delete the uploaded files (and their page images) of applications decided more than `days` ago.

    The decision, the screening's evidence and each document's record (name, size, SHA-256) stay;
    the file's bytes go, and one audit entry per application says which documents were purged.
    An application that can still change (a refusal the applicant may answer with a new upload is
    `reupload_requested`, not decided) is never touched.
    """
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")
    with engine.connect() as conn:
        decided = [
            r.id
            for r in conn.execute(
                select(applications.c.id).where(
                    applications.c.state.in_(sorted(DECIDED)), applications.c.updated_at <= cutoff
                )
            )
        ]
    purged_apps = purged_files = 0
    for app_id in decided:
        with engine.connect() as conn:
            docs = list(conn.execute(select(documents).where(documents.c.application_id == app_id)))
        present = [d for d in docs if files.path(d.storage_name).exists()]
        if not present:
            continue
        with engine.begin() as conn:  # the entry first: a crash between leaves an entry and files to purge again
            audit.append(
                conn, "system", "documents.purge", app_id, documents=[d.id for d in present], retention_days=days
            )
        for doc in present:
            files.discard(doc.storage_name)
            for page_image in (files.root / ".pages").glob(f"{doc.storage_name}-*.png"):
                page_image.unlink(missing_ok=True)
        purged_apps += 1
        purged_files += len(present)
    return Purged(purged_apps, purged_files)
