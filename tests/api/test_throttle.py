"""Login throttling per account and per address, lockout lifted by an admin, the same answer for unknown
names, audited failures, a registration that reveals no names (issue 14, item 2)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import argon2
import pytest
from sqlalchemy import delete, select, update

from api import auth
from api.db import audit_log, login_throttle, users

from .conftest import Service

PASSWORD = "correct horse battery"
FAST = {  # the real policy's shape with short delays, so a test can wait them out
    "login_free_failures": 2,
    "login_address_free_failures": 50,
    "login_delay_seconds": 0.05,
    "login_max_delay_seconds": 0.2,
    "login_lockout_failures": 6,
}


def _login(service: Service, name: str, password: str) -> Any:
    return service.client.post("/api/v1/auth/login", json={"name": name, "password": password})


def _with_password(service: Service, name: str) -> None:
    with service.engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(password_hash=auth.hash_password(PASSWORD)))


def _actions(service: Service, action: str) -> list[Any]:
    with service.engine.connect() as conn:
        return list(conn.execute(select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq)))


def test_many_wrong_passwords_then_the_right_one_is_refused_until_an_admin_unlocks(
    make_service: Callable[..., Service],
) -> None:
    service = make_service(**FAST)
    _with_password(service, "rita")
    codes = []
    for _ in range(60):
        r = _login(service, "rita", "wrong password")
        codes.append(r.json()["code"])
        if r.status_code == 429 and r.json()["code"] == "login_throttled":
            assert r.json()["retry_after"] >= 1
            time.sleep(0.21)  # wait the delay out: the next attempt is checked, and counted
    assert "login_throttled" in codes and codes[-1] == "account_locked"
    assert codes[:2] == ["login_failed", "login_failed"]
    right = _login(service, "rita", PASSWORD)
    assert (right.status_code, right.json()["code"]) == (429, "account_locked")
    failed = _actions(service, "auth.login_failed")
    assert len(failed) == FAST["login_lockout_failures"]  # refused attempts check no password, write nothing
    assert failed[-1].detail["name"] == "rita" and failed[-1].detail["locked"] is True

    lift = service.client.post("/api/v1/users/rita/unlock", headers=service.headers("ada"))
    assert lift.status_code == 200 and lift.json()["lifted"] is True
    assert service.client.post("/api/v1/users/rita/unlock", headers=service.headers("rita")).status_code == 403
    ok = _login(service, "rita", PASSWORD)
    assert ok.status_code == 200, ok.text
    assert _actions(service, "user.unlock")[-1].actor == "ada"


def test_a_throttled_attempt_checks_no_password(make_service: Callable[..., Service], monkeypatch: Any) -> None:
    service = make_service(**{**FAST, "login_delay_seconds": 60, "login_max_delay_seconds": 60})
    _with_password(service, "rita")
    for _ in range(FAST["login_free_failures"]):
        assert _login(service, "rita", "wrong password").status_code == 401
    calls: list[int] = []
    verify = argon2.PasswordHasher.verify
    monkeypatch.setattr(argon2.PasswordHasher, "verify", lambda *a: calls.append(1) or verify(*a))
    r = _login(service, "rita", PASSWORD)
    assert (r.status_code, r.json()["code"], calls) == (429, "login_throttled", [])
    assert r.json()["retry_after"] >= 59


def test_unknown_names_get_the_same_answer_and_the_same_work(
    make_service: Callable[..., Service], monkeypatch: Any
) -> None:
    service = make_service(**FAST)
    _with_password(service, "rita")
    calls: list[str] = []
    verify = argon2.PasswordHasher.verify
    monkeypatch.setattr(argon2.PasswordHasher, "verify", lambda self, h, p: calls.append(h[:9]) or verify(self, h, p))
    known = _login(service, "rita", "wrong password")
    unknown = _login(service, "no-such-person", "wrong password")
    machine = _login(service, "alice", "wrong password")  # a user without a password
    assert known.status_code == unknown.status_code == machine.status_code == 401
    assert known.json() == unknown.json() == machine.json()
    assert calls == ["$argon2id"] * 3  # every name costs one argon2 verification
    for _ in range(FAST["login_lockout_failures"] + 2):  # unknown names are throttled and locked like real ones
        time.sleep(0.21)
        last = _login(service, "no-such-person", "wrong password")
    assert last.json()["code"] == "account_locked"


def test_an_address_is_throttled_across_names(make_service: Callable[..., Service]) -> None:
    service = make_service(**{**FAST, "login_address_free_failures": 5, "login_delay_seconds": 30})
    codes = [_login(service, f"guess{i}", "wrong password").json()["code"] for i in range(8)]
    assert codes[:5] == ["login_failed"] * 5 and set(codes[5:]) == {"login_throttled"}
    addresses = {e.detail["address"] for e in _actions(service, "auth.login_failed")}
    assert addresses == {"testclient"}


def test_registration_is_off_by_default_and_never_tells_whether_a_name_exists(
    make_service: Callable[..., Service],
) -> None:
    closed = make_service()
    r = closed.client.post("/api/v1/auth/register", json={"name": "carol", "password": PASSWORD})
    assert (r.status_code, r.json()["code"]) == (403, "registration_closed")

    service = make_service(self_registration=True)
    fresh = service.client.post("/api/v1/auth/register", json={"name": "carol", "password": PASSWORD})
    taken = service.client.post("/api/v1/auth/register", json={"name": "carol", "password": "other password"})
    taken_case = service.client.post("/api/v1/auth/register", json={"name": "Alice", "password": PASSWORD})
    assert fresh.status_code == taken.status_code == taken_case.status_code == 202
    assert fresh.json() == taken.json() == taken_case.json()
    assert "access_token" not in fresh.json()
    assert _login(service, "carol", PASSWORD).status_code == 200  # the first registration stands
    assert _login(service, "carol", "other password").status_code == 401


@pytest.mark.parametrize("name", ["system", "worker", "System", "anonymous", "a\x00b"])
def test_reserved_and_control_character_names_cannot_be_registered(
    make_service: Callable[..., Service], name: str
) -> None:
    service = make_service(self_registration=True)
    control = "\x00" in name  # refused by the request's schema (422) before any lookup
    r = service.client.post("/api/v1/auth/register", json={"name": name, "password": PASSWORD})
    assert r.status_code == (422 if control else 202)
    made = service.client.post(
        "/api/v1/users", json={"name": name, "role": "reviewer", "area": "qingpu"}, headers=service.headers("ada")
    )
    assert (made.status_code, made.json()["code"]) == (422, "invalid_request" if control else "reserved_name")
    login = service.client.post("/api/v1/auth/login", json={"name": name, "password": PASSWORD})
    assert login.status_code == (422 if control else 401)
    with service.engine.connect() as conn:
        names = sorted(conn.execute(select(users.c.name)).scalars())
    assert names == ["ada", "alice", "bob", "otto", "rita", "ruth", "wu"]


def test_a_waiting_address_is_refused_before_routing_and_hashing_is_bounded(
    make_service: Callable[..., Service], monkeypatch: Any
) -> None:
    from api import throttle

    service = make_service(**{**FAST, "login_address_free_failures": 2, "login_delay_seconds": 30})
    for i in range(3):
        _login(service, f"guess{i}", "wrong password")
    looked_up: list[str] = []
    refusal = throttle.refusal
    monkeypatch.setattr(throttle, "refusal", lambda conn, name, *a: looked_up.append(name) or refusal(conn, name, *a))
    r = _login(service, "rita", PASSWORD)
    assert (r.status_code, r.json()["code"], looked_up) == (429, "login_throttled", [])  # the guard answered
    web = service.client.post("/login", data={"name": "rita", "password": PASSWORD}, follow_redirects=False)
    assert (web.status_code, web.headers["location"]) == (303, "/login?failed=1")

    busy = make_service(**FAST, login_concurrency=1)
    with busy.engine.begin() as conn:
        conn.execute(delete(login_throttle))  # the same database: forget the address's failures
    with busy.app.state.login_gate.hashing():  # another login is hashing: the only slot is taken
        started = time.monotonic()
        r = _login(busy, "rita", "wrong password")
        assert (r.status_code, r.json()["code"]) == (503, "login_busy")
        assert time.monotonic() - started < 2
    again = _login(busy, "rita", "wrong password")  # the address waits before its next try
    assert (again.status_code, again.json()["code"]) == (429, "login_throttled")
    time.sleep(0.06)
    assert _login(busy, "rita", "wrong password").status_code == 401


def test_a_throttled_login_is_answered_after_its_wait_without_holding_a_thread(
    make_service: Callable[..., Service],
) -> None:
    """The tarpit: a 429 comes only after the wait (capped at `login_tarpit_seconds`, not the whole
    `retry_after`), and while 60 logins are held anyone else is answered at once. (That the held answers
    sleep on the event loop rather than in threads shows in `bench/bench_api_load.py`: the test client
    gives each calling thread an event loop of its own.)"""
    import threading

    slow = {"login_delay_seconds": 10.0, "login_max_delay_seconds": 20.0, "login_tarpit_seconds": 2.0}
    service = make_service(**{**FAST, **slow})
    for _ in range(FAST["login_free_failures"]):
        assert _login(service, "rita", "wrong password").json()["code"] == "login_failed"
    started = time.monotonic()
    throttled = _login(service, "rita", "wrong password")
    assert throttled.json()["code"] == "login_throttled" and time.monotonic() - started >= 1.9  # held: the cap
    answers: list[tuple[int, float]] = []

    def flood() -> None:
        t0 = time.monotonic()
        r = _login(service, "rita", "wrong password")
        answers.append((r.status_code, time.monotonic() - t0))

    held = [threading.Thread(target=flood) for _ in range(60)]
    for t in held:
        t.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    me = service.client.get("/api/v1/auth/me", headers=service.headers("alice"))
    me_seconds = time.monotonic() - t0
    still_held = sum(t.is_alive() for t in held)
    for t in held:
        t.join()
    assert me.status_code == 200 and still_held > 0, "another request was answered while the logins were held"
    assert me_seconds < 1.5, "it was not queued behind them (each is held 2 s)"
    assert {code for code, _ in answers} == {429}
    assert min(seconds for _, seconds in answers) >= 1.9  # each waited the cap (2 s), not its retry_after (10 s)


def test_an_address_the_gate_holds_back_is_answered_after_its_wait(make_service: Callable[..., Service]) -> None:
    """The process's fast path (`LoginGuard`, before any route or database) holds its 429 too."""
    service = make_service(login_tarpit_seconds=1.0)
    service.app.state.login_gate.block("testclient", time.time() + 30)  # the test client's address
    started = time.monotonic()
    r = _login(service, "rita", "wrong password")
    assert (r.status_code, r.json()["code"]) == (429, "login_throttled")
    assert time.monotonic() - started >= 0.9  # held for the cap (1 s), not the 30 s the address must wait
    assert time.monotonic() - started < 10
