"""Columns that databases older than 0.1 lack: the start-up upgrades that ran before migrations.

`api_users.disabled` and `api_tokens.expires_at` (tokens issued before lifetimes expire from their
creation: a 400-day-old token is expired, not renewed), and the recognitions' columns added after the
table (its application, supersession, revocation, the ID number's look-up hash) with their indexes.
Each is added only where missing: on a database made by 0.1 or by 0001 nothing changes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ADDED_COLUMNS: dict[str, list[sa.Column[Any]]] = {
    "api_users": [sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())],
    "api_tokens": [sa.Column("expires_at", sa.Float(), nullable=True)],
    "recognitions": [
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("application_id", sa.String(length=32), nullable=True),
        sa.Column("superseded_by", sa.String(length=40), nullable=True),
        sa.Column("superseded_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=512), nullable=True),
    ],
}
ADDED_INDEXES = {"ix_recognitions_id_number_hash": "id_number_hash", "ix_recognitions_application_id": "application_id"}
LEGACY_TOKEN_SECONDS = {"login": 8 * 3600.0, "machine": 90 * 86400.0}  # the lifetimes of tokens issued then


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for column in columns:
            if column.name not in present:
                op.add_column(table, column)
    indexes = {ix["name"] for ix in inspector.get_indexes("recognitions")}
    for name, column_name in ADDED_INDEXES.items():
        if name not in indexes:
            op.create_index(name, "recognitions", [column_name])
    tokens = sa.table(
        "api_tokens", sa.column("id"), sa.column("kind"), sa.column("created_at"), sa.column("expires_at")
    )
    bind = op.get_bind()
    for row in bind.execute(
        sa.select(tokens.c.id, tokens.c.kind, tokens.c.created_at).where(tokens.c.expires_at.is_(None))
    ):
        born = datetime.fromisoformat(row.created_at).timestamp()
        life = LEGACY_TOKEN_SECONDS.get(row.kind, LEGACY_TOKEN_SECONDS["login"])
        bind.execute(sa.update(tokens).where(tokens.c.id == row.id).values(expires_at=born + life))


def downgrade() -> None:
    """Nothing: 0001 already has these columns."""
