"""The hash-chained audit log, `huren user create`, `huren audit verify`, and the worker thread."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import delete, func, select, update
from typer.testing import CliRunner

from api import audit
from api.db import audit_log
from cli.app import app as huren_cli

from .conftest import APPROVABLE, Service


def test_every_state_change_is_logged_and_the_chain_verifies(service: Service) -> None:
    app_id = service.submitted(APPROVABLE)
    actions = [e["action"] for e in audit.entries(service.engine, limit=1000) if e["target"] == app_id]
    for expected in ("application.create", "document.add", "application.submit", "application.screening",
                     "application.screened", "certificate.issue"):  # fmt: skip
        assert expected in actions, expected
    r = service.client.get("/api/v1/audit/verify", headers=service.headers("otto"))
    assert r.json()["ok"] is True, r.json()
    assert service.client.get("/api/v1/audit", headers=service.headers("alice")).status_code == 403


def test_a_changed_or_deleted_entry_is_detected(service: Service) -> None:
    service.new_application()
    service.new_application()
    assert audit.verify(service.engine).ok
    with service.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(actor="mallory"))
    report = audit.verify(service.engine)
    assert not report.ok and any("entry 3: content changed" in p for p in report.problems)
    with service.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
    assert any("entry 3 missing" in p for p in audit.verify(service.engine).problems)


def test_a_deleted_last_entry_is_detected(service: Service) -> None:
    service.new_application()
    with service.engine.begin() as conn:
        last = conn.execute(select(func.max(audit_log.c.seq))).scalar_one()
        conn.execute(delete(audit_log).where(audit_log.c.seq == last))
    assert not audit.verify(service.engine).ok


def test_cli_user_create_prints_a_working_token_and_audit_verify(service: Service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setenv("HUREN_DATA_DIR", str(service.settings.data_dir))
    runner = CliRunner()
    result = runner.invoke(huren_cli, ["user", "create", "qian", "--role", "reviewer", "--area", "jiashan"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = service.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["role"], me["areas"]) == ("reviewer", ["jiashan"])
    bad = runner.invoke(huren_cli, ["user", "create", "zed", "--role", "reviewer"])
    assert bad.exit_code == 2
    assert runner.invoke(huren_cli, ["audit", "verify"]).exit_code == 0
    with service.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 1).values(action="nothing"))
    broken = runner.invoke(huren_cli, ["audit", "verify"])
    assert broken.exit_code == 1 and "entry 1" in broken.output


def test_password_login(make_service: Callable[..., Service]) -> None:
    service = make_service(self_registration=True)
    r = service.client.post("/api/v1/auth/register", json={"name": "carol", "password": "correct horse"})
    assert r.status_code == 202
    wrong = service.client.post("/api/v1/auth/login", json={"name": "carol", "password": "wrong password"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "login_failed")
    token = service.client.post("/api/v1/auth/login", json={"name": "carol", "password": "correct horse"}).json()
    me = service.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["role"] == "applicant"
    made = service.client.post(
        "/api/v1/users",
        json={"name": "dora", "role": "reviewer", "province": "zhejiang"},
        headers=service.headers("ada"),
    )
    assert made.status_code == 201 and made.json()["access_token"]


def test_worker_thread_runs_with_the_app_lifespan(service: Service) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings = service.settings.model_copy(update={"worker_poll_seconds": 0.05})
    with TestClient(create_app(settings, start_worker=True)) as client:
        headers = service.headers("alice")
        from .conftest import FORM

        app_id = client.post("/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=headers).json()[
            "id"
        ]
        with APPROVABLE.open("rb") as fh:
            client.post(f"/api/v1/applications/{app_id}/documents", files={"file": ("b.pdf", fh)}, headers=headers)
        assert client.post(f"/api/v1/applications/{app_id}/submit", headers=headers).status_code == 202
        deadline = time.time() + 30
        state = ""
        while time.time() < deadline:
            state = client.get(f"/api/v1/applications/{app_id}/status", headers=headers).json()["state"]
            if state == "approved":
                break
            time.sleep(0.1)
        assert state == "approved"


# --- a keyed chain and checkpoints outside the database (issue 14, item 6) -----------------------------


def _rewrite(service: Service, seq: int, **change: object) -> None:
    """What an attacker with the database but without the key does: edit a row and recompute every later
    hash the way the chain used to be computed (plain SHA-256 of the content and the previous hash)."""
    import hashlib
    import json

    from api.db import audit_head

    with service.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(**change))
        rows = list(conn.execute(select(audit_log).where(audit_log.c.seq >= seq).order_by(audit_log.c.seq)))
        prev = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq - 1)).scalar() or "0" * 64
        for row in rows:
            body = json.dumps(
                [row.seq, row.at, row.actor, row.action, row.target, row.detail, prev],
                ensure_ascii=False, sort_keys=True, separators=(",", ":"),
            )  # fmt: skip
            digest = hashlib.sha256(body.encode()).hexdigest()
            conn.execute(update(audit_log).where(audit_log.c.seq == row.seq).values(prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=prev))


def test_rewriting_rows_and_recomputing_the_hashes_is_detected(service: Service) -> None:
    for _ in range(4):
        service.new_application()
    assert audit.verify(service.engine).ok
    _rewrite(service, 3, actor="mallory")
    report = audit.verify(service.engine)
    assert not report.ok and report.first_break == 3, report.problems


def test_rewriting_with_the_key_in_hand_disagrees_with_a_checkpoint(service: Service) -> None:
    """Even whoever holds the key cannot rewrite what a checkpoint outside the database already recorded."""
    for _ in range(4):
        service.new_application()
    cp = audit.checkpoint(service.engine)
    assert cp is not None and cp.seq >= 4 and audit.checkpoint(service.engine) is None  # unchanged: no new line
    key = audit.keys_for(service.engine).key
    with service.engine.begin() as conn:  # rewrite entry 2 and re-sign everything after it with the real key
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="mallory"))
        prev = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == 1)).scalar_one()
        for row in list(conn.execute(select(audit_log).where(audit_log.c.seq >= 2).order_by(audit_log.c.seq))):
            digest = audit.entry_hash(key, row.seq, row.at, row.actor, row.action, row.target, row.detail, prev)
            conn.execute(update(audit_log).where(audit_log.c.seq == row.seq).values(prev_hash=prev, hash=digest))
            prev = digest
        from api.db import audit_head

        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=prev))
    report = audit.verify(service.engine)
    assert not report.ok and any("differs from the checkpoint" in p for p in report.problems), report.problems


def test_cutting_the_tail_and_rewinding_the_head_is_detected(service: Service) -> None:
    from api.db import audit_head

    for _ in range(5):
        service.new_application()
    audit.checkpoint(service.engine)
    with service.engine.begin() as conn:
        last = conn.execute(select(func.max(audit_log.c.seq))).scalar_one()
        conn.execute(delete(audit_log).where(audit_log.c.seq > last - 2))
        row = conn.execute(select(audit_log).where(audit_log.c.seq == last - 2)).one()
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=row.seq, hash=row.hash))
    report = audit.verify(service.engine)
    assert not report.ok and report.first_break == last - 1, report.problems
    assert any("tail cut" in p for p in report.problems)


def test_an_edited_checkpoint_file_is_detected(service: Service) -> None:
    service.new_application()
    cp = audit.checkpoint(service.engine)
    assert cp is not None
    path = audit.keys_for(service.engine).checkpoint_dir / cp.where
    path.write_text(path.read_text().replace(f'"seq": {cp.seq}', f'"seq": {cp.seq - 1}'))
    assert any("signature does not match" in p for p in audit.verify(service.engine).problems)


def test_cli_checkpoint_and_verify_say_where_the_chain_breaks(service: Service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setenv("HUREN_DATA_DIR", str(service.settings.data_dir))
    for _ in range(3):
        service.new_application()
    runner = CliRunner()
    written = runner.invoke(huren_cli, ["audit", "checkpoint"])
    entries = audit.verify(service.engine).entries
    assert written.exit_code == 0 and f"checkpoint {entries} " in written.output, written.output
    assert list((service.settings.data_dir / "audit-checkpoints").glob("*.jsonl"))
    ok = runner.invoke(huren_cli, ["audit", "verify"])
    assert ok.exit_code == 0 and "1 checkpoints" in ok.output, ok.output
    _rewrite(service, 2, action="nothing")
    broken = runner.invoke(huren_cli, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN from entry 2" in broken.output, broken.output


def test_the_service_writes_a_checkpoint_when_it_stops(service: Service) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    service.new_application()
    with TestClient(create_app(service.settings, start_worker=False)):
        pass
    found, _ = audit.read_checkpoints(audit.keys_for(service.engine).checkpoint_dir)
    assert found and found[-1].seq == audit.verify(service.engine).entries
