"""One engine factory for every caller (service, worker, command line), and how a transaction starts.

SQLite (the embedded default) runs in WAL mode with foreign keys on. A transaction that may write
starts with `BEGIN IMMEDIATE`, so request threads, the worker thread and a command line running
beside them queue for the write lock instead of failing with "database is locked" when a read
transaction later writes. A read (`reading(engine)`) starts a deferred transaction: a WAL snapshot
that neither waits for nor blocks a writer, so a poll never queues behind a login or a screening.
PostgreSQL needs none of that; the same code runs there.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

DATABASE_FILE = "huren.sqlite3"  # the SQLite file in the data directory, when no URL is configured
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite connection waits for a lock another holds
READ_OPTION = "huren_read"  # execution option: a read-only transaction (deferred BEGIN on SQLite)


def default_database_url(data_dir: Path | str) -> str:
    """The SQLite file `huren.sqlite3` in the data directory: the database when no URL is set."""
    return f"sqlite:///{Path(data_dir) / DATABASE_FILE}"


def make_engine(url: str) -> Engine:
    """An engine for a URL; `postgresql://` means psycopg 3; a SQLite file's directory is created and
    every connection gets the pragmas and transaction handling above."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    # SQLite: the lock wait applies from the connection's first statement (pysqlite's own default is 5 s)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000} if sqlite else {})
    if sqlite:
        _sqlite_pragmas(engine)
    return engine


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A transaction that only reads: on SQLite a WAL snapshot that takes no write lock."""
    with engine.connect() as conn:
        conn.execution_options(**{READ_OPTION: True})
        yield conn


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None  # pysqlite must not BEGIN on its own: we do, IMMEDIATE
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _switch_to_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_OPTION) else "BEGIN IMMEDIATE")


def _switch_to_wal(cur: Any) -> None:
    """`PRAGMA journal_mode=WAL`, waiting as a lock would. On a new file another connection may still
    hold the write lock the old way (its first transaction writes the header that makes the file WAL);
    SQLite then answers "database is locked" at once, without its busy handler, so we wait here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
