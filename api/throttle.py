"""Failed logins, counted per account name and per client address, with growing delays and a lockout.

After `free_failures` failures a key (a name, existing or not, or an address) must wait
`delay_seconds · 2^(failures − free_failures)`, at most `max_delay_seconds`, before a password is
checked again; an attempt inside the wait is refused at once, without hashing and without writing.
`lockout_failures` consecutive failures lock an account until an admin lifts it (`huren user unlock`,
`POST /api/v1/users/{name}/unlock`); addresses only wait, since many people share one. Unknown names
are counted and locked exactly like real ones, so neither the answer nor its timing tells them apart.
A success clears the account's count; an address's failures are forgotten after `window_seconds`.

The table is the truth, shared by every process. `LoginGate` is each process's fast path in front of
it: an address known to be waiting is refused by a middleware before routing, validation or a database
read, and at most `slots` passwords are hashed at once (argon2 takes 64 MiB and a core's worth of
work) — in a few hashing threads at `HUREN_BACKGROUND_NICE` (`api.priority`), so reads win the cores —
so a flood of logins cannot take the CPU from everyone else; a login that finds every slot busy
answers 503 `login_busy`, and its address waits (doubling) before the next try.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from api.db import login_throttle
from api.priority import BackgroundPool

ACCOUNT, ADDRESS = "account", "address"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    free_failures: int = 3
    address_free_failures: int = 20  # an office behind one address: more room before it waits
    delay_seconds: float = 1.0
    max_delay_seconds: float = 900.0
    lockout_failures: int = 10
    window_seconds: float = 3600.0

    @classmethod
    def of(cls, settings: Any) -> LoginPolicy:
        """From the service's settings (`HUREN_LOGIN_*`)."""
        return cls(
            free_failures=settings.login_free_failures,
            address_free_failures=max(settings.login_free_failures, settings.login_address_free_failures),
            delay_seconds=settings.login_delay_seconds,
            max_delay_seconds=settings.login_max_delay_seconds,
            lockout_failures=settings.login_lockout_failures,
            window_seconds=settings.login_failure_window_seconds,
        )

    def delay(self, failures: int, scope: str) -> float:
        free = self.free_failures if scope == ACCOUNT else self.address_free_failures
        if failures < free:
            return 0.0
        return float(min(self.delay_seconds * 2 ** min(failures - free, 30), self.max_delay_seconds))


@dataclass(frozen=True, slots=True)
class Refusal:
    locked: bool
    retry_after: float  # seconds; 0 when locked (only an admin helps)


def _keys(name: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(ACCOUNT, name[:128])]
    if address:
        keys.append((ADDRESS, address[:128]))
    return keys


def refusal(conn: Connection, name: str, address: str | None, now: float) -> Refusal | None:
    """Why an attempt must not check a password now (a read only), or None."""
    wait, locked = 0.0, False
    for scope, key in _keys(name, address):
        row = conn.execute(
            select(login_throttle).where(login_throttle.c.scope == scope, login_throttle.c.key == key)
        ).first()
        if row is None:
            continue
        locked = locked or bool(row.locked)
        wait = max(wait, float(row.blocked_until) - now)
    if locked:
        return Refusal(True, 0.0)
    return Refusal(False, wait) if wait > 0 else None


def _insert(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(login_throttle)


@dataclass(frozen=True, slots=True)
class Failure:
    locked_now: bool  # this failure locked the account
    address_blocked_until: float  # epoch seconds; 0 when the address may try again at once


def record_failure(conn: Connection, name: str, address: str | None, now: float, policy: LoginPolicy) -> Failure:
    """Count one failure under every key (in the caller's write transaction)."""
    locked_now, address_until = False, 0.0
    for scope, key in _keys(name, address):
        conn.execute(
            _insert(conn)
            .values(scope=scope, key=key, failures=0, last_failure=now, blocked_until=0.0, locked=False)
            .on_conflict_do_nothing()
        )
        where = (login_throttle.c.scope == scope, login_throttle.c.key == key)
        row = conn.execute(select(login_throttle).where(*where).with_for_update()).one()
        stale = now - float(row.last_failure) > policy.window_seconds and not row.locked
        failures = 1 if stale else int(row.failures) + 1
        lock = scope == ACCOUNT and (bool(row.locked) or failures >= policy.lockout_failures)
        locked_now = locked_now or (lock and not row.locked)
        delay = policy.delay(failures, scope)
        if scope == ADDRESS and delay:
            address_until = now + delay
        conn.execute(
            update(login_throttle)
            .where(*where)
            .values(failures=failures, last_failure=now, blocked_until=now + delay, locked=lock)
        )
    return Failure(locked_now, address_until)


def clear_account(conn: Connection, name: str) -> bool:
    """Forget an account's failures and lift its lockout; True when there was something to lift."""
    where = (login_throttle.c.scope == ACCOUNT, login_throttle.c.key == name[:128])
    return bool(conn.execute(delete(login_throttle).where(*where)).rowcount)


def is_locked(conn: Connection, name: str) -> bool:
    where = (login_throttle.c.scope == ACCOUNT, login_throttle.c.key == name[:128], login_throttle.c.locked.is_(True))
    return conn.execute(select(login_throttle.c.key).where(*where)).first() is not None


class LoginBusy(Exception):
    """Every hashing slot stayed busy: the login is refused rather than queued."""


class LoginGate:
    """One process's fast path: addresses known to be waiting, and a bound on concurrent hashing."""

    MAX_ADDRESSES = 100_000  # an attacker's many addresses must not grow this without end

    def __init__(
        self, slots: int = 2, *, busy_seconds: float = 0.05, policy: LoginPolicy | None = None, nice: int = 0
    ) -> None:
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self.pool = BackgroundPool(slots, nice, "huren-hash")  # argon2 at a low priority: reads win the cores
        self._busy_seconds = busy_seconds  # short: a waiting login holds a worker thread every request needs
        self._policy = policy or LoginPolicy()
        self._blocked: dict[str, float] = {}
        self._strikes: dict[str, int] = {}  # logins refused as busy, per address, since its last success
        self._lock = threading.Lock()

    def busy(self, address: str | None, now: float) -> None:
        """An address found every slot busy: it waits before its next try, longer each time."""
        if not address:
            return
        with self._lock:
            strikes = self._strikes[address] = self._strikes.get(address, 0) + 1
            if len(self._strikes) >= self.MAX_ADDRESSES:
                self._strikes = {address: strikes}
        delay = min(self._policy.delay_seconds * 2 ** min(strikes - 1, 30), self._policy.max_delay_seconds)
        self.block(address, now + delay)

    def succeeded(self, address: str | None) -> None:
        with self._lock:
            self._strikes.pop(address or "", None)

    def block(self, address: str | None, until: float) -> None:
        if not address or until <= 0:
            return
        with self._lock:
            if len(self._blocked) >= self.MAX_ADDRESSES:
                now = time.time()
                self._blocked = {a: t for a, t in self._blocked.items() if t > now}
            self._blocked[address] = max(until, self._blocked.get(address, 0.0))

    def retry_after(self, address: str | None, now: float) -> float:
        """Seconds the address must still wait (0 when it may try)."""
        return max(0.0, self._blocked.get(address or "", 0.0) - now)

    @contextmanager
    def hashing(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self._busy_seconds):
            raise LoginBusy()
        try:
            yield
        finally:
            self._slots.release()

    def hash(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` (a password hash or check) on a free slot, in the low-priority hashing threads;
        LoginBusy when none came free in time."""
        with self.hashing():
            return self.pool.run(fn, *args)
