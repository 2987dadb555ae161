"""The migrations build the tables from an empty database and from the last release's, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, func, insert, inspect, select, text

import db
from db.revisions import alembic_config
from db.tables import audit_head, metadata, recognitions, registry_records, tokens, users

from .conftest import release_schema


def schema_diff(engine: Engine, target: MetaData = metadata) -> list[Any]:
    """What Alembic finds between the database and the tables (types included): [] when they agree."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, target))


def test_an_empty_database_is_built_to_the_head_and_matches_the_tables(blank: Engine) -> None:
    assert db.current(blank) is None and not db.is_current(blank)
    db.upgrade(blank)
    assert db.current(blank) == db.head() and db.is_current(blank)
    assert schema_diff(blank) == [], "a table changed in db/tables.py needs a migration in db/migrations/versions"
    with blank.connect() as conn:
        assert conn.execute(select(audit_head.c.seq, audit_head.c.hash)).all() == [(0, "0" * 64)]
    db.upgrade(blank)  # again: nothing to do, nothing duplicated
    with blank.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_head)).scalar() == 1


def test_a_table_changed_without_a_migration_is_found(blank: Engine) -> None:
    db.upgrade(blank)
    changed = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["api_users"].append_column(Column("nickname", String(32)))
    diff = schema_diff(blank, changed)
    assert [(d[0], d[3].name) for d in diff if d[0] == "add_column"] == [("add_column", "nickname")], diff


def _release_rows(engine: Engine) -> None:
    """A user with a token, a registry record and a recognition, as the last release wrote them."""
    with engine.begin() as conn:
        conn.execute(insert(audit_head).values(id=1, seq=7, hash="a" * 64))
        user = conn.execute(
            insert(users).values(name="ada", role="admin", created_at="2025-01-02T03:04:05+00:00", disabled=False)
        ).inserted_primary_key[0]
        conn.execute(
            insert(tokens).values(user_id=user, token_hash="f" * 64, kind="machine", created_at="2025-01-02T03:04:05+00:00", revoked=False, expires_at=1.0e10)
        )  # fmt: skip
        conn.execute(
            insert(registry_records).values(cert_type="registration", cert_number="沪注计20230001", name="韦秀旻", status="valid", categories="", items="")
        )  # fmt: skip
        conn.execute(
            insert(recognitions).values(
                number="CSJ-QP-2025-0001", area="qingpu", year=2025, sequence=1, cert_type="registration",
                cert_number="沪注计20230001", holder_name="韦秀旻", categories="", recognising_authority="青浦区",
                issued_on=date(2025, 6, 1), decision_as_of=date(2025, 6, 1), rules_version="r1",
                created_at="2025-06-01T00:00:00+00:00",
            )
        )  # fmt: skip


def test_a_database_made_by_the_last_release_is_upgraded_in_place(blank: Engine) -> None:
    release_schema(blank)
    _release_rows(blank)
    assert db.current(blank) is None  # tables, no alembic_version: made before migrations
    db.upgrade(blank)
    assert db.is_current(blank) and schema_diff(blank) == []
    with blank.connect() as conn:
        assert conn.execute(select(audit_head.c.seq)).scalar_one() == 7  # the chain's head is kept, not reset
        assert conn.execute(select(users.c.name)).scalars().all() == ["ada"]
        assert conn.execute(select(tokens.c.expires_at)).scalar_one() == 1.0e10
        assert conn.execute(select(registry_records.c.name)).scalar_one() == "韦秀旻"
        assert conn.execute(select(recognitions.c.number)).scalar_one() == "CSJ-QP-2025-0001"


def test_a_database_older_than_the_release_gains_the_columns_added_at_start_up(blank: Engine) -> None:
    release_schema(blank)
    made = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="seconds")
    with blank.begin() as conn:  # the schema before token lifetimes, disabling and reissues
        conn.exec_driver_sql("DROP INDEX ix_recognitions_application_id")
        conn.exec_driver_sql("DROP INDEX ix_recognitions_id_number_hash")
        for table, column in (
            ("api_tokens", "expires_at"),
            ("api_users", "disabled"),
            *(("recognitions", c) for c in ("application_id", "id_number_hash", "superseded_by", "superseded_on", "revoked_on", "revoked_reason")),
        ):  # fmt: skip
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute(
            text("INSERT INTO api_users (name, role, created_at) VALUES ('rita', 'reviewer', :at)"), {"at": made}
        )
        for kind, token_hash in (("login", "1" * 64), ("machine", "2" * 64)):
            conn.execute(
                text("INSERT INTO api_tokens (user_id, token_hash, kind, created_at, revoked) VALUES (1, :h, :k, :at, FALSE)"),
                {"h": token_hash, "k": kind, "at": made},
            )  # fmt: skip
    db.upgrade(blank)
    assert db.is_current(blank) and schema_diff(blank) == []
    born = datetime.fromisoformat(made).timestamp()
    with blank.connect() as conn:
        lifetimes = dict(conn.execute(select(tokens.c.kind, tokens.c.expires_at - born)).all())
        assert conn.execute(select(users.c.disabled)).scalar_one() is False
    assert lifetimes == pytest.approx({"login": 8 * 3600.0, "machine": 90 * 86400.0})  # expired from creation
    assert {"ix_recognitions_application_id", "ix_recognitions_id_number_hash"} <= {
        ix["name"] for ix in inspect(blank).get_indexes("recognitions")
    }


def test_a_registry_made_by_the_command_line_alone_gains_the_services_tables(blank: Engine) -> None:
    """`huren registry import` of the last release made `registry_records` only."""
    release_schema(blank)
    with blank.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "registry_records":
                conn.exec_driver_sql(f"DROP TABLE {table.name}")
    db.upgrade(blank)
    assert db.is_current(blank) and schema_diff(blank) == []


def test_servers_starting_together_migrate_once(blank: Engine) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        engine = db.make_engine(str(blank.url.render_as_string(hide_password=False)))
        try:
            db.upgrade(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "upgrades starting together deadlocked"
    assert errors == []
    assert db.is_current(blank) and schema_diff(blank) == []


def test_the_sealed_id_number_is_not_indexed_after_the_upgrade(blank: Engine) -> None:
    """Revision 0004: the release's index on the registry's ID number (ciphertext, never compared) is dropped;
    the look-up keys' indexes stay, and going back to 0003 brings the index back."""
    release_schema(blank)
    assert "ix_registry_records_id_number" in {ix["name"] for ix in inspect(blank).get_indexes("registry_records")}
    db.upgrade(blank)
    indexed = {ix["column_names"][0] for ix in inspect(blank).get_indexes("registry_records")}
    assert "id_number" not in indexed and "id_key" in indexed
    with blank.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert "ix_registry_records_id_number" in {ix["name"] for ix in inspect(blank).get_indexes("registry_records")}
