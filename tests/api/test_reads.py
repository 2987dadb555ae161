"""Reads do not write and do not wait for writers; login hashes outside any transaction (issue 14, item 1)."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import argon2
import pytest
from sqlalchemy import func, select, update

from api import auth
from api.db import audit_log, users

from .conftest import REFUSED, Service


def _audit_count(service: Service) -> int:
    with service.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def _sqlite_file(service: Service) -> str:
    url = service.settings.resolved_database_url
    if not url.startswith("sqlite"):
        pytest.skip("the write lock that reads must not take is SQLite's")
    return url.split("///", 1)[1]


def test_polls_and_lists_write_no_audit_rows_but_a_whole_id_view_does(service: Service) -> None:
    app_id = service.submitted(REFUSED)
    before = _audit_count(service)
    for _ in range(3):
        service.status(app_id)
        for who in ("alice", "rita", "ada"):
            r = service.client.get("/api/v1/applications", headers=service.headers(who))
            assert r.status_code == 200 and r.json()["items"], r.text
        assert service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("alice")).status_code == 200
        assert service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("ada")).status_code == 200
    assert _audit_count(service) == before, "a masked list, a status poll or a masked detail wrote to the audit log"
    whole = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()
    assert whole["form"]["id_number"].isdigit() or whole["form"]["id_number"][-1] == "X"
    with service.engine.connect() as conn:
        last = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).one()
    assert (_audit_count(service), last.action, last.actor) == (before + 1, "application.view_personal_data", "rita")


def test_reads_answer_while_another_connection_holds_the_write_lock(service: Service) -> None:
    app_id = service.submitted(REFUSED)
    path = _sqlite_file(service)
    answers: dict[str, Any] = {}

    def poll() -> None:
        started = time.monotonic()
        answers["status"] = service.client.get(
            f"/api/v1/applications/{app_id}/status", headers=service.headers("alice")
        )
        answers["list"] = service.client.get("/api/v1/applications", headers=service.headers("rita"))
        answers["seconds"] = time.monotonic() - started

    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long write transaction elsewhere (a login used to hash in one)
        writer.execute("UPDATE api_audit_head SET seq = seq WHERE id = 1")
        reader = threading.Thread(target=poll, daemon=True)
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "a read waited for the write lock"
    finally:
        writer.rollback()
        writer.close()
    assert answers["status"].status_code == 200 and answers["list"].status_code == 200
    assert answers["seconds"] < 5


def test_login_checks_the_password_outside_any_transaction(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _sqlite_file(service)
    password = "correct horse battery"
    with service.engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == "rita").values(password_hash=auth.hash_password(password)))
    seen: list[str] = []
    verify = argon2.PasswordHasher.verify

    def verify_while_someone_writes(self: argon2.PasswordHasher, hash: str, password: str) -> bool:
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another request's write: must not wait for the login
            other.execute("UPDATE api_audit_head SET seq = seq WHERE id = 1")
            other.execute("COMMIT")
            seen.append("written")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify_while_someone_writes)
    ok = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": password})
    wrong = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": "wrong password"})
    unknown = service.client.post("/api/v1/auth/login", json={"name": "nobody", "password": "wrong password"})
    assert ok.status_code == 200 and wrong.status_code == 401 and unknown.status_code == 401
    assert seen == ["written"] * 3, seen  # the unknown name is hashed too (same time as a real one)
    with service.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(3))]
    assert actions == ["auth.login_failed", "auth.login_failed", "auth.login"]  # failures committed too
