"""The index on the sealed `registry_records.id_number`, dropped: nothing looks ciphertext up.

Since 0003 the column holds the ID number encrypted with a fresh nonce each time, so no two
ciphertexts of one number are equal and no query compares them: candidates are found by the keyed
hashes of `id_key` and the other ID blocking keys. The index only cost every insert (~2 % of an
import). Dropped only where present, so a database that never had it passes through.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_registry_records_id_number"


def upgrade() -> None:
    indexes = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("registry_records")}
    if INDEX in indexes:
        op.drop_index(INDEX, table_name="registry_records")


def downgrade() -> None:
    op.create_index(INDEX, "registry_records", ["id_number"], unique=False)
