"""Managing accounts: list users and their tokens, issue, revoke and rotate machine tokens, disable and
enable users, reset passwords, lift a login lockout. Every change is audited; the CLI (`huren user …`)
and the admin API (`/api/v1/users/…`) both call these functions.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from api import audit, auth, throttle
from api.db import reading, tokens, users
from api.errors import ApiError, not_found
from api.paging import Paging, fetch_page


def _user(conn: Connection, name: str) -> Any:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise not_found("用户", "user")
    return row


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def user_json(row: Any, locked: bool = False) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "area": row.area,
        "province": row.province,
        "disabled": bool(row.disabled),
        "locked": locked,
        "has_password": bool(row.password_hash),
        "created_at": row.created_at,
    }


def token_json(row: Any, now: float) -> dict[str, Any]:
    live = not row.revoked and row.expires_at is not None and row.expires_at > now
    return {
        "id": row.id,
        "kind": row.kind,
        "created_at": row.created_at,
        "expires_at": _iso(row.expires_at),
        "revoked": bool(row.revoked),
        "active": live,
    }


def list_users(engine: Engine) -> list[dict[str, Any]]:
    """Every user, oldest first (the command line's list)."""
    with reading(engine) as conn:
        return [user_json(r, throttle.is_locked(conn, r.name)) for r in conn.execute(_USERS)]


def users_page(engine: Engine, paging: Paging) -> dict[str, Any]:
    """One page of `list_users`, cut in SQL."""
    with reading(engine) as conn:
        rows, total = fetch_page(conn, _USERS, paging)
        return paging.page([user_json(r, throttle.is_locked(conn, r.name)) for r in rows], total)


_USERS = select(users).order_by(users.c.id)


def list_tokens(engine: Engine, name: str) -> list[dict[str, Any]]:
    """A user's tokens, newest first (never the token itself: only its hash is stored)."""
    now = time.time()
    with reading(engine) as conn:
        rows = conn.execute(_tokens_of(_user(conn, name))).all()
    return [token_json(r, now) for r in rows]


def tokens_page(engine: Engine, name: str, paging: Paging) -> dict[str, Any]:
    """One page of `list_tokens`, cut in SQL."""
    now = time.time()
    with reading(engine) as conn:
        rows, total = fetch_page(conn, _tokens_of(_user(conn, name)), paging)
    return paging.page([token_json(r, now) for r in rows], total)


def _tokens_of(user: Any) -> Any:
    return select(tokens).where(tokens.c.user_id == user.id).order_by(tokens.c.id.desc())


def issue_machine_token(engine: Engine, actor: str, name: str, *, lifetime_seconds: float) -> dict[str, Any]:
    with engine.begin() as conn:
        user = _user(conn, name)
        token, token_id = auth.issue_token(conn, int(user.id), "machine", lifetime_seconds)
        audit.append(conn, actor, "token.issue", f"user:{user.id}", token=token_id, kind="machine")
        row = conn.execute(select(tokens).where(tokens.c.id == token_id)).one()
    return {**token_json(row, time.time()), "access_token": token}


def _revoke(conn: Connection, user: Any, token_id: int) -> Any:
    row = conn.execute(select(tokens).where(tokens.c.id == token_id, tokens.c.user_id == user.id)).first()
    if row is None:
        raise not_found("令牌", "token")
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(revoked=True))
    return row


def revoke_token(engine: Engine, actor: str, name: str, token_id: int) -> None:
    with engine.begin() as conn:
        user = _user(conn, name)
        row = _revoke(conn, user, token_id)
        audit.append(conn, actor, "token.revoke", f"user:{user.id}", token=token_id, kind=row.kind)


def rotate_token(engine: Engine, actor: str, name: str, token_id: int, *, lifetime_seconds: float) -> dict[str, Any]:
    """Revoke a machine token and issue its successor in one transaction (the new token shown once)."""
    with engine.begin() as conn:
        user = _user(conn, name)
        old = _revoke(conn, user, token_id)
        if old.kind != "machine":
            raise ApiError(409, "not_a_machine_token", "只能轮换机器令牌", "only machine tokens are rotated")
        token, new_id = auth.issue_token(conn, int(user.id), "machine", lifetime_seconds)
        audit.append(conn, actor, "token.rotate", f"user:{user.id}", token=token_id, successor=new_id)
        row = conn.execute(select(tokens).where(tokens.c.id == new_id)).one()
    return {**token_json(row, time.time()), "access_token": token, "replaces": token_id}


def set_disabled(engine: Engine, actor: str, name: str, disabled: bool) -> dict[str, Any]:
    """Disable (every token and the password stop working at once) or enable a user."""
    with engine.begin() as conn:
        user = _user(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(disabled=disabled))
        if disabled:  # sessions end for good; machine tokens come back with the user
            conn.execute(
                update(tokens).where(tokens.c.user_id == user.id, tokens.c.kind == "login").values(revoked=True)
            )
        audit.append(conn, actor, "user.disable" if disabled else "user.enable", f"user:{user.id}", name=name)
        return user_json(_user(conn, name), throttle.is_locked(conn, name))


def reset_password(engine: Engine, actor: str, name: str, password: str) -> None:
    """A new password (hashed before the transaction); the user's sessions end and a lockout is lifted."""
    digest = auth.hash_password(password)
    with engine.begin() as conn:
        user = _user(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(password_hash=digest))
        conn.execute(update(tokens).where(tokens.c.user_id == user.id, tokens.c.kind == "login").values(revoked=True))
        lifted = throttle.clear_account(conn, name)
        audit.append(conn, actor, "user.password_reset", f"user:{user.id}", name=name, unlocked=lifted)


def unlock(engine: Engine, actor: str, name: str) -> bool:
    """Lift a login lockout (and forget the failures); True when the account was locked or throttled.

    Works for names without an account too: unknown names are throttled like real ones."""
    with engine.begin() as conn:
        user = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        lifted = throttle.clear_account(conn, name)
        target = f"user:{user.id}" if user is not None else None
        audit.append(conn, actor, "user.unlock", target, name=name, lifted=lifted)
    return lifted
