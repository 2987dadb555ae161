"""One engine factory for every caller (service, worker, command line), and how a transaction starts.

SQLite (the embedded default) runs in WAL mode with foreign keys on. A transaction that may write
starts with `BEGIN IMMEDIATE`, so request threads, the worker thread and a command line running
beside them queue for the write lock instead of failing with "database is locked" when a read
transaction later writes. A read (`reading(engine)`) starts a deferred transaction: a WAL snapshot
that neither waits for nor blocks a writer, so a poll never queues behind a login or a screening.
PostgreSQL needs none of that; the same code runs there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

DATABASE_FILE = "huren.sqlite3"  # the SQLite file in the data directory, when no URL is configured
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
    engine = create_engine(parsed)
    if engine.dialect.name == "sqlite":
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
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_OPTION) else "BEGIN IMMEDIATE")
