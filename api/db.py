"""The service's tables (SQLAlchemy Core) on the same database as the registry and the recognitions.

SQLite (the embedded default) runs in WAL mode. A transaction that may write starts with
`BEGIN IMMEDIATE`, so the request threads and the worker thread queue for the write lock instead of
failing with "database is locked" when a read transaction later writes. A read (`reading(engine)`)
starts a deferred transaction: a WAL snapshot that neither waits for nor blocks a writer, so a poll
never queues behind a login or a screening. PostgreSQL needs none of that; the same code runs there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
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
    inspect,
    select,
    text,
    update,
)

from huren.sealed import SealedJSON
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
    Column("disabled", Boolean, nullable=False, default=False),  # a disabled user's tokens and password fail
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
    Column("expires_at", Float),  # epoch seconds; past it the token fails (set for every token issued)
)

login_throttle = Table(  # failed logins per account name and per client address (see api.throttle)
    "api_login_throttle",
    metadata,
    Column("scope", String(8), primary_key=True),  # account | address
    Column("key", String(128), primary_key=True),  # the name tried (existing or not) or the address
    Column("failures", Integer, nullable=False, default=0),  # consecutive, since the last success or lift
    Column("last_failure", Float, nullable=False),  # epoch seconds
    Column("blocked_until", Float, nullable=False, default=0.0),  # no password is checked before this
    Column("locked", Boolean, nullable=False, default=False),  # an account locked until an admin lifts it
)

applications = Table(
    "api_applications",
    metadata,
    Column("id", String(32), primary_key=True),  # random, not enumerable
    Column("owner_id", Integer, ForeignKey("api_users.id"), nullable=False),
    Column("area", String(16), nullable=False),
    Column("state", String(24), nullable=False),
    Column("version", Integer, nullable=False, default=1),  # optimistic concurrency for decisions
    Column("form", SealedJSON, nullable=False),  # encrypted: holds the ID number (huren.sealed)
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
    Column(
        "result", SealedJSON, nullable=False
    ),  # extractions, evidence, consistency, file errors, decision; encrypted
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


READ_OPTION = "huren_read"  # execution option: a read-only transaction (deferred BEGIN on SQLite)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A transaction that only reads: on SQLite a WAL snapshot that takes no write lock."""
    with engine.connect() as conn:
        conn.execution_options(**{READ_OPTION: True})
        yield conn


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
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_OPTION) else "BEGIN IMMEDIATE")


# columns added after the first release: created on a database made before them
_ADDED_COLUMNS: tuple[tuple[Table, str, str], ...] = (
    (users, "disabled", "BOOLEAN NOT NULL DEFAULT FALSE"),
    (tokens, "expires_at", "FLOAT"),
)
LEGACY_TOKEN_SECONDS = {"login": 8 * 3600.0, "machine": 90 * 86400.0}  # for tokens issued before lifetimes


def _add_columns(engine: Engine) -> None:
    """Add the columns a database made by an earlier version lacks; old tokens get their lifetime from
    their creation time (a 400-day-old token is expired, not renewed)."""

    def missing(bind: Any) -> list[tuple[Table, str, str]]:
        present = {t.name: {c["name"] for c in inspect(bind).get_columns(t.name)} for t, _, _ in _ADDED_COLUMNS}
        return [(t, name, ddl) for t, name, ddl in _ADDED_COLUMNS if name not in present[t.name]]

    if not missing(engine):
        return
    add = "ADD COLUMN IF NOT EXISTS" if engine.dialect.name == "postgresql" else "ADD COLUMN"
    with engine.begin() as conn:  # a server and a worker starting together: one adds, the other sees it
        for table, name, ddl in missing(conn):
            conn.execute(text(f"ALTER TABLE {table.name} {add} {name} {ddl}"))
        for row in conn.execute(
            select(tokens.c.id, tokens.c.kind, tokens.c.created_at).where(tokens.c.expires_at.is_(None))
        ):
            born = datetime.fromisoformat(row.created_at).timestamp()
            life = LEGACY_TOKEN_SECONDS.get(row.kind, LEGACY_TOKEN_SECONDS["login"])
            conn.execute(update(tokens).where(tokens.c.id == row.id).values(expires_at=born + life))


def open_engine(url: str) -> Engine:
    """An engine for the service's URL (SQLite file or PostgreSQL) with the service's tables created."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    metadata.create_all(engine)
    _add_columns(engine)
    with engine.begin() as conn:  # the audit head exists before the first append (no insert race)
        if conn.execute(select(audit_head.c.id).where(audit_head.c.id == 1)).first() is None:
            conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS_HASH))
    return engine
