"""Personal data that a database older than encryption still holds in clear text, sealed.

The ID numbers of the registry and of the recognitions are encrypted, the blocking keys taken from
them (`id_key`, `id_region_birth`, …) replaced by their keyed hashes (so candidates are found again:
they are looked up hashed), a recognition without `id_number_hash` gets it, and the forms and
screening results stored as plain JSON are encrypted. Values already sealed (`enc1:`, `enc2:`) and hashes
(64 hex characters) are left alone, so the revision can meet a database half written by either
version. The key is the process's (`huren.sealed.active()`: the service's settings, or
`HUREN_DATA_KEY` / the key file for `huren db upgrade`) — the same one the service reads them with.
On PostgreSQL the columns that were `json` or `varchar(18)` before encryption become `text`.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from huren import sealed

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEALED = ("enc1:", "enc2:")  # Fernet, AES-GCM (huren.sealed.SEALED_PREFIXES)
HASH_LENGTH = 64
ID_KEYS = ("id_key", "id_region_birth", "id_birth_seq", "id_region_seq")  # keyed hashes of ID number parts
TEXT_COLUMNS = {"registry_records": ("id_number",), "recognitions": ("id_number",),
                "api_applications": ("form",), "api_screenings": ("result",)}  # fmt: skip


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _text_columns(bind)
    sealer = sealed.active()
    _rewrite("registry_records", "id_number", _clear, sealer.seal)
    for key in ID_KEYS:
        _rewrite("registry_records", key, lambda v: len(v) != HASH_LENGTH, lambda v: sealer.lookup_hash(v) or v)
    _hash_recognitions(sealer)
    _rewrite("recognitions", "id_number", _clear, sealer.seal)
    _rewrite("api_applications", "form", _clear, lambda v: sealer.seal(_json_text(v)))
    _rewrite("api_screenings", "result", _clear, lambda v: sealer.seal(_json_text(v)))


def _clear(value: str) -> bool:
    return not value.startswith(SEALED)


def _json_text(value: str) -> str:
    """The JSON as the column writes it (not ASCII-escaped), from the clear text stored."""
    return json.dumps(json.loads(value), ensure_ascii=False, default=str)


def _rewrite(table: str, column: str, wanted: Callable[[str], bool], new: Callable[[str], str]) -> None:
    bind = op.get_bind()
    t = sa.table(table, sa.column("id"), sa.column(column, sa.Text()))
    rows = bind.execute(sa.select(t.c.id, t.c[column]).where(t.c[column].is_not(None))).all()
    changed = [{"row_id": row_id, "value": new(value)} for row_id, value in rows if wanted(value)]
    if changed:
        bind.execute(
            sa.update(t).where(t.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("value")}), changed
        )


def _hash_recognitions(sealer: sealed.Sealer) -> None:
    """The look-up hash of an ID number stored before the hash column existed (read through the key)."""
    bind = op.get_bind()
    t = sa.table("recognitions", sa.column("id"), sa.column("id_number", sa.Text()), sa.column("id_number_hash"))
    rows = bind.execute(
        sa.select(t.c.id, t.c.id_number).where(t.c.id_number.is_not(None), t.c.id_number_hash.is_(None))
    ).all()
    for row_id, value in rows:
        bind.execute(sa.update(t).where(t.c.id == row_id).values(id_number_hash=sealer.lookup_hash(sealer.open(value))))


def _text_columns(bind: Any) -> None:
    inspector = sa.inspect(bind)
    for table, columns in TEXT_COLUMNS.items():
        types = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        for column in columns:
            if not isinstance(types[column], sa.Text):
                op.alter_column(table, column, type_=sa.Text(), postgresql_using=f"{column}::text")


def downgrade() -> None:
    """Nothing: the clear text is not written back."""
