"""Personal data at rest: ID numbers encrypted with the configured key and found by a keyed hash;
the uploads of decided applications purged after the retention period, the decision and evidence kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select, text
from typer.testing import CliRunner

from api import audit
from api.db import applications, documents, screenings
from api.storage import purge_decided_uploads
from cli.app import app as huren_cli
from huren import sealed
from recognition.recognitions import RecognitionStore

from .conftest import APPROVABLE, FORM, Service

ID = FORM["id_number"]


def _raw(service: Service, sql: str) -> list[str]:
    with service.engine.connect() as conn:
        return [str(v) for (v,) in conn.exec_driver_sql(sql)]


def test_id_numbers_are_encrypted_at_rest(service: Service) -> None:
    app_id = service.submitted(APPROVABLE)
    number = service.status(app_id)["certificate"]["number"]
    stored = {
        "api_applications.form": _raw(service, "SELECT form FROM api_applications"),
        "api_screenings.result": _raw(service, "SELECT result FROM api_screenings"),
        "recognitions.id_number": _raw(service, "SELECT id_number FROM recognitions"),
        "recognitions.id_number_hash": _raw(service, "SELECT id_number_hash FROM recognitions"),
    }
    for where, values in stored.items():
        assert values, where
        for value in values:
            assert ID not in value and ID[:6] + "********" not in value, where
            assert "韦秀旻" not in value, where  # the rest of the form and the evidence go with it
    assert all(v.startswith(sealed.PREFIX) for k, vs in stored.items() if not k.endswith("hash") for v in vs)
    # … and the service reads them back: the reviewer's detail shows the whole number, the store finds by it
    detail = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()
    assert detail["form"]["id_number"] == ID
    found = RecognitionStore(service.engine).for_id_number(ID.lower())
    assert [r.number for r in found] == [number] and found[0].id_number == ID
    # another key opens nothing
    stranger = sealed.Sealer("another-key-of-32-characters-----")
    with pytest.raises(InvalidToken):
        stranger.open(stored["recognitions.id_number"][0])
    assert stranger.lookup_hash(ID) != stored["recognitions.id_number_hash"][0]


def test_a_row_written_before_encryption_still_reads(service: Service) -> None:
    app_id = service.new_application()
    legacy = '{"name": "旧数据", "id_number": "x"}'
    with service.engine.begin() as conn:
        conn.execute(text("UPDATE api_applications SET form = :form WHERE id = :id"), {"form": legacy, "id": app_id})
    with service.engine.connect() as conn:
        form = conn.execute(select(applications.c.form).where(applications.c.id == app_id)).scalar_one()
    assert form == {"name": "旧数据", "id_number": "x"}


def _decided_and_pending(service: Service) -> tuple[str, str]:
    decided = service.submitted(APPROVABLE)
    pending = service.new_application()
    assert service.upload(pending, APPROVABLE).status_code == 201
    return decided, pending


def _stored(service: Service, app_id: str) -> list[bool]:
    with service.engine.connect() as conn:
        names = [d.storage_name for d in conn.execute(select(documents).where(documents.c.application_id == app_id))]
    return [service.app.state.files.path(n).exists() for n in names]


def test_uploads_of_decided_applications_are_purged_after_the_retention_period(service: Service) -> None:
    decided, pending = _decided_and_pending(service)
    files = service.app.state.files
    later = datetime.now(UTC) + timedelta(days=29)
    assert purge_decided_uploads(service.engine, files, days=30, now=later).files == 0
    assert _stored(service, decided) == [True]
    result = purge_decided_uploads(service.engine, files, days=30, now=later + timedelta(days=2))
    assert (result.applications, result.files) == (1, 1)
    assert _stored(service, decided) == [False] and _stored(service, pending) == [True]
    # the decision and its evidence stay, and so does the certificate
    status = service.status(decided)
    assert status["state"] == "approved" and status["certificate"]["number"]
    with service.engine.connect() as conn:
        assert conn.execute(select(screenings.c.outcome).where(screenings.c.application_id == decided)).scalar()
    entries = [e for e in audit.entries(service.engine, limit=1000) if e["action"] == "documents.purge"]
    assert [(e["target"], e["detail"]["retention_days"]) for e in entries] == [(decided, 30)]
    assert purge_decided_uploads(service.engine, files, days=30, now=later + timedelta(days=2)).files == 0
    assert audit.verify(service.engine).ok


def test_serve_purges_with_the_setting_and_the_cli_on_demand(
    make_service: Callable[..., Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    service = make_service()
    decided, pending = _decided_and_pending(service)
    with TestClient(create_app(service.settings.model_copy(update={"upload_retention_days": 0}), start_worker=False)):
        pass
    assert _stored(service, decided) == [False] and _stored(service, pending) == [True]

    again = service.submitted(APPROVABLE)
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setenv("HUREN_DATA_DIR", str(service.settings.data_dir))
    runner = CliRunner()
    assert runner.invoke(huren_cli, ["uploads", "purge"]).exit_code == 2  # no retention set, no --days
    done = runner.invoke(huren_cli, ["uploads", "purge", "--days", "0"])
    assert done.exit_code == 0 and "purged 1 files of 1 applications" in done.output, done.output
    assert _stored(service, again) == [False]


def test_the_registry_keeps_id_numbers_encrypted_and_finds_them_by_keyed_hash(service: Service) -> None:
    from matching.normalize import id_key
    from matching.search import BLOCKING_RULES
    from matching.store import RegistryStore

    columns = ["id_number", *(r.name for r in BLOCKING_RULES if r.name.startswith("id_"))]
    with service.engine.connect() as conn:
        rows = [
            tuple(str(v) for v in r) for r in conn.execute(text(f"SELECT {', '.join(columns)} FROM registry_records"))
        ]
    assert len(rows) > 10
    for row in rows:
        assert row[0].startswith(sealed.PREFIX), row  # the number itself: encrypted
        # its blocking keys: keyed hashes
        assert all(len(h) == sealed.LOOKUP_HASH_CHARS and not h.isdigit() for h in row[1:]), row
    assert not any(ID in v or ID[:14] in v or ID[6:] in v for row in rows for v in row)
    found = RegistryStore(service.engine).candidates({"id_key": [id_key(ID) or ""]}, None)
    assert found and {r.name for r in found} == {"韦秀旻"} and all(r.id_number == ID for r in found)
    by_birth = RegistryStore(service.engine).candidates({"id_birth_seq": [ID[6:]]}, None)
    assert "韦秀旻" in [r.name for r in by_birth]
