"""The service's tables (defined in `db.tables`, on the one database) and the helpers its rows use.

How a transaction starts (`BEGIN IMMEDIATE` for a write on SQLite, `reading(engine)` for a read)
is `db.engine`'s; the schema comes from the migrations (`db.upgrade`), run by `serve`, `worker` and
the commands at start.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from db.engine import READ_OPTION, reading
from db.tables import (
    applications,
    audit_head,
    audit_log,
    documents,
    jobs,
    login_throttle,
    screenings,
    tokens,
    users,
)

GENESIS_HASH = "0" * 64


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    return uuid.uuid4().hex


__all__ = [
    "GENESIS_HASH",
    "READ_OPTION",
    "applications",
    "audit_head",
    "audit_log",
    "documents",
    "jobs",
    "login_throttle",
    "new_id",
    "now_iso",
    "reading",
    "screenings",
    "tokens",
    "users",
]
