"""The service's tables (SQLAlchemy Core) on the same database as the registry and the recognitions.

SQLite (the embedded default) runs in WAL mode and every transaction starts with `BEGIN IMMEDIATE`,
so the request threads and the worker thread queue for the write lock instead of failing with
"database is locked" when a read transaction later writes. PostgreSQL needs none of that.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    insert,
    select,
)

from matching.store import make_engine

GENESIS_HASH = "0" * 64

metadata = MetaData()

users = Table(
    "api_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # applicant | reviewer | admin | auditor
    Column("area", String(16)),  # reviewer scoped to one area
    Column("province", String(16)),  # … or to a province (its one area in the zone)
    Column("password_hash", String(256)),
    Column("created_at", String(40), nullable=False),
)

tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("api_users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the token; the token is never stored
    Column("kind", String(16), nullable=False),  # login | machine
    Column("created_at", String(40), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

applications = Table(
    "api_applications",
    metadata,
    Column("id", String(32), primary_key=True),  # random, not enumerable
    Column("owner_id", Integer, ForeignKey("api_users.id"), nullable=False),
    Column("area", String(16), nullable=False),
    Column("state", String(24), nullable=False),
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency for decisions
    Column("form", JSON, nullable=False),
    Column("auto_outcome", String(16)),  # approve | reject | review, from the latest screening
    Column("decided_by", String(64)),  # "system" or the reviewer's name
    Column("decision", JSON),  # the reviewer's action, reasons and comment
    Column("reupload", JSON),  # [{"document_id", "filename", "message_zh", "message_en"}]
    Column("certificate_number", String(40)),
    Column("certificate_error", String(64)),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)
Index("ix_api_applications_area_state", applications.c.area, applications.c.state)

documents = Table(
    "api_documents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("application_id", String(32), ForeignKey("api_applications.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_name", String(64), nullable=False),  # random file name under data_dir/files
    Column("filename", String(255), nullable=False),  # as uploaded (shown, never used as a path)
    Column("content_type", String(64), nullable=False),  # sniffed from the content
    Column("size", Integer, nullable=False),
    Column("active", Boolean, nullable=False, default=True),  # false once replaced on a re-upload request
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("application_id", "sha256", name="uq_api_documents_content"),
)

jobs = Table(
    "api_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(32), ForeignKey("api_applications.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # screen | reissue
    Column("state", String(16), nullable=False),  # queued | running | done | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_by", String(64)),  # the worker's random id while running
    Column("lease_until", Float),  # epoch seconds; an expired lease makes the job claimable again
    Column("error", Text),
    Column("created_at", String(40), nullable=False),
    Column("finished_at", String(40)),
)
Index("ix_api_jobs_state", jobs.c.state, jobs.c.id)

screenings = Table(
    "api_screenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(32), ForeignKey("api_applications.id"), nullable=False),
    Column("job_id", Integer, ForeignKey("api_jobs.id"), nullable=False, unique=True),  # one result per job
    Column("outcome", String(16), nullable=False),
    Column("result", JSON, nullable=False),  # extractions, evidence, consistency, file errors, decision
    Column("created_at", String(40), nullable=False),
)

audit_log = Table(
    "api_audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 … without gaps
    Column("at", String(40), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", String(64)),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(  # one row: the last entry's number and hash, taken FOR UPDATE to serialise appends
    "api_audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None  # pysqlite must not BEGIN on its own: we do, IMMEDIATE
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def open_engine(url: str) -> Engine:
    """An engine for the service's URL (SQLite file or PostgreSQL) with the service's tables created."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:  # the audit head exists before the first append (no insert race)
        if conn.execute(select(audit_head.c.id).where(audit_head.c.id == 1)).first() is None:
            conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS_HASH))
    return engine
