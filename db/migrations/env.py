"""Alembic's entry point: runs the revisions on the connection `db.revisions.upgrade` hands over."""

from __future__ import annotations

from alembic import context

from db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `db.revisions` runs the migrations
    raise RuntimeError("run the migrations with `huren db upgrade` (db.revisions.upgrade), not the alembic command")
context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
