"""Every table of Huren's one database, on one `MetaData` (SQLAlchemy Core).

The registry (`registry_records`), the recognitions and the service's `api_*` tables share a
database and a schema, which the migrations in `db/migrations` build: a table changed here without
a migration fails `tests/db/test_migrations.py`. The stores that read and write them live with their
use (`matching.store`, `recognition.recognitions`, `api.*`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from huren.sealed import LookupHash, SealedJSON, SealedText

metadata = MetaData()

# One indexed column per blocking rule of `matching.search.BLOCKING_RULES` (a test holds the two
# together); the keys taken from the ID number hold keyed hashes: found by equality, unreadable at rest.
REGISTRY_BLOCK_KEYS = (
    "cert_key",
    "id_key",
    "name_key",
    "cert_tail",
    "id_region_birth",
    "id_birth_seq",
    "id_region_seq",
)

# --- the issuing authorities' registry (matching.store) ------------------------------------------

registry_records = Table(
    "registry_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cert_type", String(16), nullable=False),
    Column("cert_number", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("id_number", SealedText),  # encrypted at rest (huren.sealed); not indexed: look-ups go by the keyed id_key
    Column("gender", String(4)),
    Column("level", SmallInteger),
    Column("categories", Text, nullable=False, default=""),
    Column("items", Text, nullable=False, default=""),
    Column("issuing_authority", String(128)),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("status", String(16), nullable=False),
    Column("employer", String(256)),
    Column("source", String(512)),
    Column("updated_at", String(40)),
    # the blocking keys taken from the ID number hold keyed hashes: found by equality, unreadable at rest
    *(Column(key, LookupHash if key.startswith("id_") else String(64)) for key in REGISTRY_BLOCK_KEYS),
    UniqueConstraint("cert_type", "cert_number", name="uq_registry_records_cert"),
)
for _key in REGISTRY_BLOCK_KEYS:
    Index(f"ix_registry_records_{_key}", registry_records.c[_key])

# --- recognitions and the zone certificate's numbering (recognition.recognitions) ---------------

recognitions = Table(
    "recognitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(40), nullable=False, unique=True),  # the zone certificate's number
    Column("area", String(16), nullable=False),  # qingpu | wujiang | jiashan
    Column("year", SmallInteger, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("cert_type", String(16), nullable=False),  # the recognised certificate, as in registry_records
    Column("cert_number", String(64), nullable=False),
    Column("holder_name", String(64), nullable=False),
    Column("id_number", SealedText),  # encrypted (huren.sealed); found by id_number_hash
    Column("id_number_hash", String(64), index=True),  # keyed hash of the ID number, for look-ups
    Column("level", SmallInteger),
    Column("categories", Text, nullable=False, default=""),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("employer", String(256)),  # the new employer (现执业单位)
    Column("former_employer", String(256)),
    Column("original_authority", String(128)),
    Column("recognising_authority", String(128), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("decision_as_of", Date, nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("pdf_path", String(512)),
    Column("created_at", String(40), nullable=False),
    Column("application_id", String(32), index=True),  # the application it was issued for (the service's)
    Column("superseded_by", String(40)),  # the number of the later certificate that replaced this one
    Column("superseded_on", Date),
    Column("revoked_on", Date),  # the zone authority withdrew this certificate (a reviewer reopened the case)
    Column("revoked_reason", String(512)),
    UniqueConstraint("area", "year", "sequence", name="uq_recognitions_sequence"),
)

# --- the service (api) ---------------------------------------------------------------------------

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
