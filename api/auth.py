"""People and machines: argon2 password hashes, bearer tokens (stored as SHA-256), roles and scope.

Roles: `applicant` (files and follows their own applications), `reviewer` (decides the applications
of one area, or of a province — shanghai→qingpu, jiangsu→wujiang, zhejiang→jiashan), `admin`
(manages users, sees every application), `auditor` (reads and verifies the audit log).
An application outside a user's scope answers 404, as if it did not exist.

Every token has a lifetime (`expires_at`): a password login's token the session's hours, a machine
token `machine_token_days`. A disabled user's tokens and password fail. Password hashing (argon2,
~50–100 ms of CPU) runs in the login gate's low-priority threads and never inside a transaction: a
login reads, hashes, then writes briefly, so nobody queues behind it. An unknown name is hashed against a dummy hash and counted by the throttle
like a real one: same answer, same time.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from api import audit, throttle
from api.db import now_iso, reading, tokens, users
from api.errors import ApiError, forbidden, unauthorized
from api.throttle import LoginBusy, LoginGate, LoginPolicy
from huren import zone

ROLES = ("applicant", "reviewer", "admin", "auditor")
RESERVED_NAMES = frozenset({"system", "worker", "cli", "anonymous"})  # actors the audit log uses
SESSION_SECONDS = 8 * 3600.0
DEFAULT_POLICY = LoginPolicy()
MACHINE_TOKEN_SECONDS = 90 * 86400.0

_hasher = PasswordHasher()
_bearer = HTTPBearer(auto_error=False)
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # unknown names are checked against this: same time


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    area: str | None = None
    province: str | None = None

    @property
    def areas(self) -> frozenset[str]:
        """The areas whose applications this user may see and decide (reviewers); all for admins."""
        if self.role == "admin":
            return frozenset(zone.areas())
        if self.role != "reviewer":
            return frozenset()
        if self.area:
            return frozenset({self.area})
        if self.province:
            return zone.areas_in(self.province)
        return frozenset()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """argon2; call it outside any transaction (it is the slow part of a login or a sign-up)."""
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash costs the same time as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_token(conn: Connection, user_id: int, kind: str, lifetime_seconds: float) -> tuple[str, int]:
    """A fresh bearer token (returned once, stored as SHA-256) and its row id."""
    token = secrets.token_urlsafe(32)
    row = {
        "user_id": user_id,
        "token_hash": hash_token(token),
        "kind": kind,
        "created_at": now_iso(),
        "expires_at": time.time() + lifetime_seconds,
        "revoked": False,
    }
    token_id = int(conn.execute(insert(tokens).values(**row)).inserted_primary_key[0])  # type: ignore[index]
    return token, token_id


def check_name(name: str) -> None:
    """Names the audit log uses for itself, and names with control characters, are refused."""
    if name.strip().lower() in RESERVED_NAMES or any(ord(c) < 32 or ord(c) == 127 for c in name) or not name.strip():
        raise ApiError(422, "reserved_name", "该用户名不可使用", "this name cannot be used")


def create_user(
    conn: Connection,
    name: str,
    role: str,
    *,
    area: str | None = None,
    province: str | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    actor: str = "system",
    token_seconds: float = MACHINE_TOKEN_SECONDS,
) -> tuple[User, str]:
    """Insert a user and return them with a fresh machine token (printed once, stored hashed).

    Request paths pass `password_hash` (hashed before the transaction); `password` is hashed here."""
    if role not in ROLES:
        raise ApiError(
            422, "invalid_role", f"角色必须是 {'、'.join(ROLES)} 之一", f"role must be one of {', '.join(ROLES)}"
        )
    if role == "reviewer" and bool(area) == bool(province):
        raise ApiError(
            422, "reviewer_scope", "审核人员须指定一个地区或一个省份", "a reviewer needs --area or --province"
        )
    if area and area not in zone.areas():
        raise ApiError(422, "invalid_area", f"地区必须是 {'、'.join(zone.areas())} 之一", "unknown area")
    if province and province not in zone.provinces():
        raise ApiError(422, "invalid_province", f"省份必须是 {'、'.join(zone.provinces())} 之一", "unknown province")
    if role != "reviewer" and (area or province):
        raise ApiError(422, "scope_not_allowed", "只有审核人员有地区范围", "only reviewers have a scope")
    check_name(name)
    # SQLite's lower() folds ASCII only: the exact name is checked too, and the unique index has the last word
    same = or_(users.c.name == name, func.lower(users.c.name) == name.lower())
    if conn.execute(select(users.c.id).where(same)).first() is not None:
        raise user_exists()
    row = {
        "name": name,
        "role": role,
        "area": area,
        "province": province,
        "password_hash": password_hash or (hash_password(password) if password else None),
        "created_at": now_iso(),
        "disabled": False,
    }
    try:
        with conn.begin_nested():  # two creations of one name at once: the second is a 409, not a 500
            user_id = int(conn.execute(insert(users).values(**row)).inserted_primary_key[0])  # type: ignore[index]
    except IntegrityError as exc:
        raise user_exists() from exc
    audit.append(conn, actor, "user.create", f"user:{user_id}", name=name, role=role, area=area, province=province)
    token, token_id = issue_token(conn, user_id, "machine", token_seconds)
    audit.append(conn, actor, "token.issue", f"user:{user_id}", token=token_id, kind="machine")
    return User(user_id, name, role, area, province), token


def user_exists() -> ApiError:
    return ApiError(409, "user_exists", "用户名已存在", "a user of that name exists")


def login_failed() -> ApiError:
    return ApiError(401, "login_failed", "用户名或密码错误", "wrong name or password")


def login(
    engine: Engine,
    name: str,
    password: str,
    *,
    address: str | None = None,
    policy: LoginPolicy = DEFAULT_POLICY,
    session_seconds: float = SESSION_SECONDS,
    gate: LoginGate | None = None,
) -> str:
    """A password login's bearer token; throttled (429), failures audited and counted (401)."""
    with reading(engine) as conn:
        refused = throttle.refusal(conn, name, address, time.time())
        row = None if refused else conn.execute(select(users).where(users.c.name == name)).first()
    if refused is not None:  # no password is checked, nothing is written: a flood costs a read each
        if refused.locked:
            raise ApiError(
                429, "account_locked", "登录失败次数过多，账户已锁定，请联系管理员解锁",
                "too many failed logins: the account is locked until an administrator unlocks it",
            )  # fmt: skip
        retry = max(1, round(refused.retry_after + 0.5))
        throttled = ApiError(
            429, "login_throttled", f"登录失败次数过多，请 {retry} 秒后再试",
            f"too many failed logins: try again in {retry} s", retry_after=retry,
        )  # fmt: skip
        throttled.wait_seconds = refused.retry_after  # the route holds the answer this long (its tarpit)
        raise throttled
    try:
        stored = row.password_hash if row is not None else None
        # outside any transaction; with a gate, in its low-priority hashing threads
        ok = gate.hash(check_password, stored, password) if gate is not None else check_password(stored, password)
    except LoginBusy:
        if gate is not None:
            gate.busy(address, time.time())
        raise ApiError(
            503, "login_busy", "登录请求过多，请稍后再试", "too many logins at once: try again shortly", retry_after=1
        ) from None
    ok = ok and row is not None and not row.disabled
    with engine.begin() as conn:  # committed whether the login succeeds or not
        if not ok or row is None:
            failure = throttle.record_failure(conn, name, address, time.time(), policy)
            audit.append(
                conn, "anonymous", "auth.login_failed", None, name=name[:64], address=address, locked=failure.locked_now
            )
        else:
            throttle.clear_account(conn, name)
            token, token_id = issue_token(conn, int(row.id), "login", session_seconds)
            audit.append(conn, row.name, "auth.login", f"user:{row.id}", token=token_id, address=address)
    if not ok or row is None:
        if gate is not None:
            gate.block(address, failure.address_blocked_until)
        raise login_failed()
    if gate is not None:
        gate.succeeded(address)
    return token


def login_token(engine: Engine, token: str) -> Any:
    """A password login's token row (`created_at`, `revoked`), or None when the token is no login's."""
    with reading(engine) as conn:
        return conn.execute(
            select(tokens.c.created_at, tokens.c.revoked).where(
                tokens.c.token_hash == hash_token(token), tokens.c.kind == "login"
            )
        ).first()


def revoke_login(engine: Engine, token: str) -> None:
    """Sign out: a password login's token is revoked (a machine token is not ended this way)."""
    with engine.begin() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == hash_token(token), tokens.c.kind == "login")
            .values(revoked=True)
        )


def user_for_token(engine: Engine, token: str) -> User | None:
    """The user of a live token: not revoked, not expired, the user not disabled."""
    stmt = (
        select(users)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(
            tokens.c.token_hash == hash_token(token),
            tokens.c.revoked.is_(False),
            tokens.c.expires_at > time.time(),
            users.c.disabled.is_(False),
        )
    )
    with reading(engine) as conn:
        row = conn.execute(stmt).first()
    return None if row is None else User(int(row.id), row.name, row.role, row.area, row.province)


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def current_user(
    engine: EngineDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized()
    user = user_for_token(engine, credentials.credentials)
    if user is None:
        raise unauthorized()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: str) -> Callable[[User], User]:
    """A dependency admitting only the given roles (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise forbidden()
        return user

    return check


Applicant = Annotated[User, Depends(require("applicant"))]
Reviewer = Annotated[User, Depends(require("reviewer"))]
Admin = Annotated[User, Depends(require("admin"))]
Auditor = Annotated[User, Depends(require("auditor", "admin"))]
CaseReader = Annotated[User, Depends(require("applicant", "reviewer", "admin"))]  # sees applications
CertificateHolder = Annotated[User, Depends(require("applicant", "reviewer"))]
