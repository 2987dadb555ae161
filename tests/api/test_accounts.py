"""Tokens that end, machine tokens listed, revoked and rotated, users disabled, passwords reset, from the
admin API and from `huren user …`, all audited (issue 14, item 4)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from api import auth
from api.db import audit_log, tokens, users
from cli.app import app as huren_cli

from .conftest import Service

PASSWORD = "correct horse battery"


def _me(service: Service, token: str) -> int:
    return service.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _actions(service: Service) -> list[tuple[str, str]]:
    with service.engine.connect() as conn:
        return [(r.actor, r.action) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq))]


def _with_password(service: Service, name: str) -> None:
    with service.engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(password_hash=auth.hash_password(PASSWORD)))


def test_a_login_token_lives_eight_hours_and_not_longer_as_an_api_bearer(service: Service) -> None:
    _with_password(service, "rita")
    r = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": PASSWORD})
    token = r.json()["access_token"]
    assert r.json()["expires_in"] == 8 * 3600 and _me(service, token) == 200
    with service.engine.begin() as conn:
        row = conn.execute(select(tokens).where(tokens.c.token_hash == auth.hash_token(token))).one()
        assert row.kind == "login" and abs(row.expires_at - time.time() - 8 * 3600) < 60
        nine_hours_ago = time.time() - 9 * 3600  # the token as it is 9 h after the login
        conn.execute(update(tokens).where(tokens.c.id == row.id).values(expires_at=nine_hours_ago + 8 * 3600))
    assert _me(service, token) == 401


def test_machine_tokens_are_listed_rotated_and_revoked_by_an_admin(service: Service) -> None:
    admin = service.headers("ada")
    issued = service.client.post("/api/v1/users/rita/tokens", json={"days": 30}, headers=admin)
    assert issued.status_code == 201, issued.text
    new, new_id = issued.json()["access_token"], issued.json()["id"]
    assert _me(service, new) == 200
    listed = service.client.get("/api/v1/users/rita/tokens", headers=admin).json()["items"]
    assert {t["id"] for t in listed} >= {new_id} and all("access_token" not in t for t in listed)
    mine = next(t for t in listed if t["id"] == new_id)
    expires = datetime.fromisoformat(mine["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30) and mine["active"]

    rotated = service.client.post(f"/api/v1/users/rita/tokens/{new_id}/rotate", json={}, headers=admin)
    assert rotated.status_code == 201 and rotated.json()["replaces"] == new_id
    assert _me(service, new) == 401 and _me(service, rotated.json()["access_token"]) == 200
    gone = service.client.delete(f"/api/v1/users/rita/tokens/{rotated.json()['id']}", headers=admin)
    assert gone.status_code == 204 and _me(service, rotated.json()["access_token"]) == 401
    assert service.client.delete(f"/api/v1/users/wu/tokens/{new_id}", headers=admin).status_code == 404  # not wu's
    assert service.client.get("/api/v1/users/rita/tokens", headers=service.headers("rita")).status_code == 403
    logged = _actions(service)
    for action in ("token.issue", "token.rotate", "token.revoke"):
        assert ("ada", action) in logged, action


def test_a_disabled_user_cannot_sign_in_or_use_a_token_and_a_reset_password_ends_sessions(service: Service) -> None:
    admin = service.headers("ada")
    _with_password(service, "rita")
    session = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": PASSWORD}).json()
    assert service.client.post("/api/v1/users/rita/disable", headers=admin).json()["disabled"] is True
    assert _me(service, service.tokens["rita"]) == 401 and _me(service, session["access_token"]) == 401
    refused = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": PASSWORD})
    assert (refused.status_code, refused.json()["code"]) == (401, "login_failed")  # nothing said about why
    assert service.client.post("/api/v1/users/rita/enable", headers=admin).json()["disabled"] is False
    assert _me(service, service.tokens["rita"]) == 200  # the machine token comes back, the session does not
    assert _me(service, session["access_token"]) == 401

    second = service.client.post("/api/v1/auth/login", json={"name": "rita", "password": PASSWORD}).json()
    reset = service.client.post("/api/v1/users/rita/password", json={"password": "a new secret"}, headers=admin)
    assert reset.status_code == 204 and _me(service, second["access_token"]) == 401
    assert service.client.post("/api/v1/auth/login", json={"name": "rita", "password": PASSWORD}).status_code == 401
    assert (
        service.client.post("/api/v1/auth/login", json={"name": "rita", "password": "a new secret"}).status_code == 200
    )
    logged = _actions(service)
    for action in ("user.disable", "user.enable", "user.password_reset"):
        assert ("ada", action) in logged, action


def test_cli_lists_rotates_revokes_disables_resets_and_unlocks(service: Service, monkeypatch: Any) -> None:
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setenv("HUREN_DATA_DIR", str(service.settings.data_dir))
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> str:
        result = runner.invoke(huren_cli, ["user", *args], input=input)
        assert result.exit_code == 0, result.output
        return result.output

    assert "rita" in run("list")
    listed = run("tokens", "rita", "--json")
    token_id = __import__("json").loads(listed)[0]["id"]
    fresh = run("token-rotate", "rita", str(token_id)).strip().splitlines()[-1]
    assert _me(service, service.tokens["rita"]) == 401 and _me(service, fresh) == 200
    issued = run("token-issue", "rita", "--days", "1").strip().splitlines()[-1]
    assert _me(service, issued) == 200
    run("disable", "rita")
    assert _me(service, fresh) == 401
    run("enable", "rita")
    run("password", "rita", input="a new secret\na new secret\n")
    assert (
        service.client.post("/api/v1/auth/login", json={"name": "rita", "password": "a new secret"}).status_code == 200
    )
    assert "not locked" in run("unlock", "rita")
    missing = runner.invoke(huren_cli, ["user", "disable", "nobody"])
    assert missing.exit_code == 2 and "user_not_found" in missing.output
    logged = _actions(service)
    for action in ("token.rotate", "token.issue", "user.disable", "user.enable", "user.password_reset", "user.unlock"):
        assert ("cli", action) in logged, action


def test_tokens_issued_before_lifetimes_expire_from_their_creation(make_service: Callable[..., Service]) -> None:
    service = make_service()
    if not service.settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("rebuilds an old SQLite schema")
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="seconds")
    with service.engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.user_id == select(users.c.id).where(users.c.name == "alice")
                                          .scalar_subquery()).values(created_at=old))  # fmt: skip
        conn.execute(text("ALTER TABLE api_tokens DROP COLUMN expires_at"))  # the schema before lifetimes
        conn.execute(text("ALTER TABLE api_users DROP COLUMN disabled"))
        conn.execute(text("DROP TABLE alembic_version"))  # … made before migrations
    restarted = make_service()  # the upgrade on start (db/migrations 0002)
    assert _me(restarted, restarted.tokens["alice"]) == 401  # 400 days old
    assert _me(restarted, restarted.tokens["bob"]) == 200  # made today: 90 days


@pytest.mark.parametrize("name", ["Ãmé\U000ff9faÒ", "张三", "wang"])
def test_a_name_taken_twice_is_409_never_500(service: Service, name: str) -> None:
    """SQLite's lower() folds ASCII only: a non-ASCII name created twice reached the unique index (500)."""
    body = {"role": "auditor", "name": name}
    first = service.client.post("/api/v1/users", json=body, headers=service.headers("ada"))
    assert first.status_code == 201, first.text
    again = service.client.post("/api/v1/users", json=body, headers=service.headers("ada"))
    assert again.status_code == 409 and again.json()["code"] == "user_exists", again.text
