"""People and machines: argon2 password hashes, bearer tokens (stored as SHA-256), roles and scope.

Roles: `applicant` (files and follows their own applications), `reviewer` (decides the applications
of one area, or of a province — shanghai→qingpu, jiangsu→wujiang, zhejiang→jiashan), `admin`
(manages users, sees every application), `auditor` (reads and verifies the audit log).
An application outside a user's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine, insert, select

from api import audit
from api.db import now_iso, tokens, users
from api.errors import ApiError, forbidden, unauthorized
from recognition.reissue import AREAS

ROLES = ("applicant", "reviewer", "admin", "auditor")
PROVINCE_AREAS: dict[str, str] = {area.province: key for key, area in AREAS.items()}

_hasher = PasswordHasher()
_bearer = HTTPBearer(auto_error=False)


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
            return frozenset(AREAS)
        if self.role != "reviewer":
            return frozenset()
        if self.area:
            return frozenset({self.area})
        if self.province:
            return frozenset({PROVINCE_AREAS[self.province]})
        return frozenset()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(conn: Connection, user_id: int, kind: str) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(insert(tokens).values(user_id=user_id, token_hash=hash_token(token), kind=kind, created_at=now_iso()))
    return token


def create_user(
    conn: Connection,
    name: str,
    role: str,
    *,
    area: str | None = None,
    province: str | None = None,
    password: str | None = None,
    actor: str = "system",
) -> tuple[User, str]:
    """Insert a user and return them with a fresh machine token (printed once, stored hashed)."""
    if role not in ROLES:
        raise ApiError(
            422, "invalid_role", f"角色必须是 {'、'.join(ROLES)} 之一", f"role must be one of {', '.join(ROLES)}"
        )
    if role == "reviewer" and bool(area) == bool(province):
        raise ApiError(
            422, "reviewer_scope", "审核人员须指定一个地区或一个省份", "a reviewer needs --area or --province"
        )
    if area and area not in AREAS:
        raise ApiError(422, "invalid_area", "地区必须是 qingpu、wujiang、jiashan 之一", "unknown area")
    if province and province not in PROVINCE_AREAS:
        raise ApiError(422, "invalid_province", "省份必须是 shanghai、jiangsu、zhejiang 之一", "unknown province")
    if role != "reviewer" and (area or province):
        raise ApiError(422, "scope_not_allowed", "只有审核人员有地区范围", "only reviewers have a scope")
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise ApiError(409, "user_exists", "用户名已存在", "a user of that name exists")
    row = {
        "name": name,
        "role": role,
        "area": area,
        "province": province,
        "password_hash": _hasher.hash(password) if password else None,
        "created_at": now_iso(),
    }
    user_id = int(conn.execute(insert(users).values(**row)).inserted_primary_key[0])  # type: ignore[index]
    audit.append(conn, actor, "user.create", f"user:{user_id}", name=name, role=role, area=area, province=province)
    return User(user_id, name, role, area, province), issue_token(conn, user_id, "machine")


def login(conn: Connection, name: str, password: str) -> str:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    ok = False
    if row is not None and row.password_hash:
        try:
            ok = _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    if row is None or not ok:
        audit.append(conn, name, "auth.login_failed", None)
        raise ApiError(401, "login_failed", "用户名或密码错误", "wrong name or password")
    audit.append(conn, row.name, "auth.login", f"user:{row.id}")
    return issue_token(conn, int(row.id), "login")


def user_for_token(engine: Engine, token: str) -> User | None:
    stmt = (
        select(users)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(tokens.c.token_hash == hash_token(token), tokens.c.revoked.is_(False))
    )
    with engine.connect() as conn:
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
