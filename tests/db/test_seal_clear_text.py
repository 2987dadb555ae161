"""Revision 0003: what a database from before encryption holds in clear text is sealed, and found again."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select, text

import db
from db.tables import applications, metadata, registry_records, screenings
from huren import sealed
from huren.domain import CertType, RegistryRecord
from matching.search import record_block_keys
from matching.store import RegistryStore
from recognition.recognitions import RecognitionStore

from .conftest import release_schema

ID = "330106198805233941"  # synthetic, valid check digit
FORM = {"name": "韦秀旻", "id_number": ID, "categories": ["力学"]}


def _clear_text_rows(engine: Engine) -> None:
    """Rows as a version before encryption wrote them (on PostgreSQL with its column types)."""
    record = RegistryRecord(CertType.REGISTRATION, "沪注计20230001", "韦秀旻", id_number=ID)
    keys = record_block_keys(record)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE registry_records ALTER COLUMN id_number TYPE VARCHAR(18)")
            conn.exec_driver_sql("ALTER TABLE api_applications ALTER COLUMN form TYPE JSON USING form::json")
            conn.exec_driver_sql("ALTER TABLE api_screenings ALTER COLUMN result TYPE JSON USING result::json")
        conn.execute(
            text(
                "INSERT INTO registry_records (cert_type, cert_number, name, id_number, categories, items, status, "
                "cert_key, id_key, name_key, cert_tail, id_region_birth, id_birth_seq, id_region_seq) VALUES "
                "('registration', :number, '韦秀旻', :id, '', '', 'valid', :cert_key, :id_key, :name_key, :cert_tail, "
                ":id_region_birth, :id_birth_seq, :id_region_seq)"
            ),
            {"number": record.cert_number, "id": ID, **keys},
        )
        conn.execute(
            text(
                "INSERT INTO recognitions (number, area, year, sequence, cert_type, cert_number, holder_name, id_number, "
                "categories, recognising_authority, issued_on, decision_as_of, rules_version, created_at) VALUES "
                "('CSJ-QP-2025-0001', 'qingpu', 2025, 1, 'registration', '沪注计20230001', '韦秀旻', :id, '', '青浦区', "
                "'2025-06-01', '2025-06-01', 'r1', '2025-06-01T00:00:00+00:00')"
            ),
            {"id": ID},
        )
        conn.execute(
            text("INSERT INTO api_users (name, role, created_at, disabled) VALUES ('alice', 'applicant', 'x', FALSE)")
        )
        conn.execute(
            text(
                "INSERT INTO api_applications (id, owner_id, area, state, version, form, created_at, updated_at) "
                "VALUES ('a1', 1, 'qingpu', 'screened', 1, :form, 'x', 'x')"
            ),
            {"form": json.dumps(FORM)},  # ASCII-escaped, as the JSON column wrote it
        )
        conn.execute(
            text(
                "INSERT INTO api_jobs (application_id, kind, state, attempts, created_at) VALUES ('a1', 'screen', 'done', 1, 'x')"
            )
        )
        conn.execute(
            text("INSERT INTO api_screenings (application_id, job_id, outcome, result, created_at) VALUES ('a1', 1, 'approve', :r, 'x')"),
            {"r": json.dumps({"outcome": "approve", "id_number": ID})},
        )  # fmt: skip


def test_clear_text_is_sealed_and_still_found(blank: Engine) -> None:
    release_schema(blank)
    _clear_text_rows(blank)
    db.upgrade(blank)
    with blank.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT r.id_number, r.id_key, r.id_birth_seq, g.id_number, a.form, s.result FROM registry_records r, "
                "recognitions g, api_applications a, api_screenings s"
            )
        ).one()
        assert all(str(v).startswith(sealed.PREFIX) for v in (stored[0], stored[3], stored[4], stored[5])), stored
        assert ID not in "".join(map(str, stored)) and ID[6:] not in "".join(map(str, stored))
        assert len(stored[1]) == len(stored[2]) == sealed.LOOKUP_HASH_CHARS  # the blocking keys are keyed hashes now
        assert conn.execute(select(applications.c.form)).scalar_one() == FORM
        assert conn.execute(select(screenings.c.result)).scalar_one() == {"outcome": "approve", "id_number": ID}
        assert conn.execute(select(registry_records.c.id_number)).scalar_one() == ID
    registry = RegistryStore(blank)
    assert [r.cert_number for r in registry.candidates({"id_key": [ID]}, None)] == ["沪注计20230001"]
    assert [r.cert_number for r in registry.candidates({"id_birth_seq": [ID[6:]]}, None)] == ["沪注计20230001"]
    assert [r.number for r in RecognitionStore(blank).for_id_number(ID)] == ["CSJ-QP-2025-0001"]
    with blank.connect() as conn:  # the columns are text again on PostgreSQL
        assert list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)) == []
    db.upgrade(blank)  # nothing left to seal: the values stay as they are
    with blank.connect() as conn:
        assert conn.execute(text("SELECT id_number FROM registry_records")).scalar_one() == stored[0]
