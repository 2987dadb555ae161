"""The schema of the last release before migrations (0.1): what its `create_all` built.

A database made by that release (tables, no `alembic_version`) has the tables already: only the
missing ones are created (a registry made by `huren registry import` alone gains the service's), and
nothing is dropped or recreated. Types are frozen here as stored (the encrypted columns are text, the
look-up hashes 64 characters), not taken from the live tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64  # the audit chain's first `prev_hash` (api.audit)


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "api_audit_head" not in present:
        op.create_table(
            "api_audit_head",
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "api_audit_log" not in present:
        op.create_table(
            "api_audit_log",
            sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("at", sa.String(length=40), nullable=False),
            sa.Column("actor", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=48), nullable=False),
            sa.Column("target", sa.String(length=64), nullable=True),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.Column("prev_hash", sa.String(length=64), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("seq"),
        )
    if "api_login_throttle" not in present:
        op.create_table(
            "api_login_throttle",
            sa.Column("scope", sa.String(length=8), nullable=False),
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("last_failure", sa.Float(), nullable=False),
            sa.Column("blocked_until", sa.Float(), nullable=False),
            sa.Column("locked", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("scope", "key"),
        )
    if "api_users" not in present:
        op.create_table(
            "api_users",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("area", sa.String(length=16), nullable=True),
            sa.Column("province", sa.String(length=16), nullable=True),
            sa.Column("password_hash", sa.String(length=256), nullable=True),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("disabled", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )
    if "recognitions" not in present:
        op.create_table(
            "recognitions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("number", sa.String(length=40), nullable=False),
            sa.Column("area", sa.String(length=16), nullable=False),
            sa.Column("year", sa.SmallInteger(), nullable=False),
            sa.Column("sequence", sa.Integer(), nullable=False),
            sa.Column("cert_type", sa.String(length=16), nullable=False),
            sa.Column("cert_number", sa.String(length=64), nullable=False),
            sa.Column("holder_name", sa.String(length=64), nullable=False),
            sa.Column("id_number", sa.Text(), nullable=True),
            sa.Column("id_number_hash", sa.String(length=64), nullable=True),
            sa.Column("level", sa.SmallInteger(), nullable=True),
            sa.Column("categories", sa.Text(), nullable=False),
            sa.Column("valid_from", sa.Date(), nullable=True),
            sa.Column("valid_until", sa.Date(), nullable=True),
            sa.Column("employer", sa.String(length=256), nullable=True),
            sa.Column("former_employer", sa.String(length=256), nullable=True),
            sa.Column("original_authority", sa.String(length=128), nullable=True),
            sa.Column("recognising_authority", sa.String(length=128), nullable=False),
            sa.Column("issued_on", sa.Date(), nullable=False),
            sa.Column("decision_as_of", sa.Date(), nullable=False),
            sa.Column("rules_version", sa.String(length=64), nullable=False),
            sa.Column("pdf_path", sa.String(length=512), nullable=True),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("application_id", sa.String(length=32), nullable=True),
            sa.Column("superseded_by", sa.String(length=40), nullable=True),
            sa.Column("superseded_on", sa.Date(), nullable=True),
            sa.Column("revoked_on", sa.Date(), nullable=True),
            sa.Column("revoked_reason", sa.String(length=512), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("area", "year", "sequence", name="uq_recognitions_sequence"),
            sa.UniqueConstraint("number"),
        )
        op.create_index("ix_recognitions_application_id", "recognitions", ["application_id"], unique=False)
        op.create_index("ix_recognitions_id_number_hash", "recognitions", ["id_number_hash"], unique=False)
    if "registry_records" not in present:
        op.create_table(
            "registry_records",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("cert_type", sa.String(length=16), nullable=False),
            sa.Column("cert_number", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("id_number", sa.Text(), nullable=True),
            sa.Column("gender", sa.String(length=4), nullable=True),
            sa.Column("level", sa.SmallInteger(), nullable=True),
            sa.Column("categories", sa.Text(), nullable=False),
            sa.Column("items", sa.Text(), nullable=False),
            sa.Column("issuing_authority", sa.String(length=128), nullable=True),
            sa.Column("valid_from", sa.Date(), nullable=True),
            sa.Column("valid_until", sa.Date(), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("employer", sa.String(length=256), nullable=True),
            sa.Column("source", sa.String(length=512), nullable=True),
            sa.Column("updated_at", sa.String(length=40), nullable=True),
            sa.Column("cert_key", sa.String(length=64), nullable=True),
            sa.Column("id_key", sa.String(length=64), nullable=True),
            sa.Column("name_key", sa.String(length=64), nullable=True),
            sa.Column("cert_tail", sa.String(length=64), nullable=True),
            sa.Column("id_region_birth", sa.String(length=64), nullable=True),
            sa.Column("id_birth_seq", sa.String(length=64), nullable=True),
            sa.Column("id_region_seq", sa.String(length=64), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("cert_type", "cert_number", name="uq_registry_records_cert"),
        )
        op.create_index("ix_registry_records_cert_key", "registry_records", ["cert_key"], unique=False)
        op.create_index("ix_registry_records_cert_tail", "registry_records", ["cert_tail"], unique=False)
        op.create_index("ix_registry_records_id_birth_seq", "registry_records", ["id_birth_seq"], unique=False)
        op.create_index("ix_registry_records_id_key", "registry_records", ["id_key"], unique=False)
        op.create_index("ix_registry_records_id_number", "registry_records", ["id_number"], unique=False)
        op.create_index("ix_registry_records_id_region_birth", "registry_records", ["id_region_birth"], unique=False)
        op.create_index("ix_registry_records_id_region_seq", "registry_records", ["id_region_seq"], unique=False)
        op.create_index("ix_registry_records_name_key", "registry_records", ["name_key"], unique=False)
    if "api_applications" not in present:
        op.create_table(
            "api_applications",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("owner_id", sa.Integer(), nullable=False),
            sa.Column("area", sa.String(length=16), nullable=False),
            sa.Column("state", sa.String(length=24), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("form", sa.Text(), nullable=False),
            sa.Column("auto_outcome", sa.String(length=16), nullable=True),
            sa.Column("decided_by", sa.String(length=64), nullable=True),
            sa.Column("decision", sa.JSON(), nullable=True),
            sa.Column("reupload", sa.JSON(), nullable=True),
            sa.Column("certificate_number", sa.String(length=40), nullable=True),
            sa.Column("certificate_error", sa.String(length=64), nullable=True),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("updated_at", sa.String(length=40), nullable=False),
            sa.ForeignKeyConstraint(
                ["owner_id"],
                ["api_users.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_api_applications_area_state", "api_applications", ["area", "state"], unique=False)
    if "api_tokens" not in present:
        op.create_table(
            "api_tokens",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("revoked", sa.Boolean(), nullable=False),
            sa.Column("expires_at", sa.Float(), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["api_users.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("token_hash"),
        )
    if "api_documents" not in present:
        op.create_table(
            "api_documents",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("application_id", sa.String(length=32), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("storage_name", sa.String(length=64), nullable=False),
            sa.Column("filename", sa.String(length=255), nullable=False),
            sa.Column("content_type", sa.String(length=64), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.ForeignKeyConstraint(
                ["application_id"],
                ["api_applications.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("application_id", "sha256", name="uq_api_documents_content"),
        )
    if "api_jobs" not in present:
        op.create_table(
            "api_jobs",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("application_id", sa.String(length=32), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("state", sa.String(length=16), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("claimed_by", sa.String(length=64), nullable=True),
            sa.Column("lease_until", sa.Float(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("finished_at", sa.String(length=40), nullable=True),
            sa.ForeignKeyConstraint(
                ["application_id"],
                ["api_applications.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_api_jobs_state", "api_jobs", ["state", "id"], unique=False)
    if "api_screenings" not in present:
        op.create_table(
            "api_screenings",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("application_id", sa.String(length=32), nullable=False),
            sa.Column("job_id", sa.Integer(), nullable=False),
            sa.Column("outcome", sa.String(length=16), nullable=False),
            sa.Column("result", sa.Text(), nullable=False),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.ForeignKeyConstraint(
                ["application_id"],
                ["api_applications.id"],
            ),
            sa.ForeignKeyConstraint(
                ["job_id"],
                ["api_jobs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("job_id"),
        )
    audit_head = sa.table("api_audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    bind = op.get_bind()
    if bind.execute(sa.select(audit_head.c.id).where(audit_head.c.id == 1)).first() is None:
        op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])  # before the first append


def downgrade() -> None:
    for name in (
        "api_screenings",
        "api_jobs",
        "api_documents",
        "api_tokens",
        "api_applications",
        "registry_records",
        "recognitions",
        "api_users",
        "api_login_throttle",
        "api_audit_log",
        "api_audit_head",
    ):
        op.drop_table(name)
