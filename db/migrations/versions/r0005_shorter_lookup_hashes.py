"""The keyed look-up hashes cut to their first 20 hex characters (`huren.sealed.LOOKUP_HASH_CHARS`).

The registry's ID blocking keys (`id_key`, `id_region_birth`, `id_birth_seq`, `id_region_seq`) and the
recognitions' `id_number_hash` held all 64 hex characters of HMAC-SHA256; Huren now writes and looks up
the first 20 (80 bits: as good for equality look-ups at a registry's size, ~40 % smaller indexes, a
faster import). A prefix of the old hash is the new hash, so the cut is plain SQL: no key is needed and
no ID number is opened, and a database written before finds its rows again. Values already short are
left alone (the revision can meet a database half written by either version). No way back: the cut
characters are gone, and the version before would no longer find these rows (restore a backup instead).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEPT = 20  # huren.sealed.LOOKUP_HASH_CHARS when this revision was written (a revision never changes)
HASHED = {
    "registry_records": ("id_key", "id_region_birth", "id_birth_seq", "id_region_seq"),
    "recognitions": ("id_number_hash",),
}


def upgrade() -> None:
    for table, columns in HASHED.items():
        for column in columns:
            op.execute(f"UPDATE {table} SET {column} = SUBSTR({column}, 1, {KEPT}) WHERE LENGTH({column}) > {KEPT}")


def downgrade() -> None:
    """Nothing: the cut characters cannot be brought back (restore a backup made before 0005 to run the version before)."""
