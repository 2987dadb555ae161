"""Every engine on a SQLite file gets the same pragmas and transactions, whoever opens it (service or command line)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

from sqlalchemy import Engine, text

from db import default_database_url, make_engine, reading


def _pragma(engine: Engine, name: str) -> object:
    with reading(engine) as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_sqlite_file_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(default_database_url(tmp_path / "nested" / "data"))  # the directory is made
    assert str(engine.url) == f"sqlite:///{tmp_path / 'nested' / 'data' / 'huren.sqlite3'}"
    assert (tmp_path / "nested" / "data").is_dir()
    assert _pragma(engine, "journal_mode") == "wal"
    assert _pragma(engine, "foreign_keys") == 1
    assert _pragma(engine, "busy_timeout") == 30000
    engine.dispose()


def test_two_engines_that_read_then_write_queue_instead_of_failing(tmp_path: Path) -> None:
    """Deferred transactions that both read, then both write, deadlock: SQLite fails one at once with
    "database is locked". `BEGIN IMMEDIATE` makes the second wait for the first (the service and a
    command line on the same file, each with its own engine)."""
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    service, command_line = make_engine(url), make_engine(url)
    with service.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    both_read = threading.Barrier(2, timeout=5)
    errors: list[Exception] = []

    def read_then_write(engine: Engine) -> None:
        try:
            with engine.begin() as conn:
                count = conn.execute(text("SELECT count(*) FROM t")).scalar()
                if count == 0:
                    with suppress(threading.BrokenBarrierError):  # deferred BEGINs: both get here, then write
                        both_read.wait(timeout=0.5)
                conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": count})
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read_then_write, args=(e,)) for e in (service, command_line)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with reading(service) as conn:  # serialised: the second saw the first's row
        assert sorted(conn.execute(text("SELECT n FROM t")).scalars()) == [0, 1]
    service.dispose()
    command_line.dispose()


def test_a_new_file_whose_first_writer_holds_the_lock_is_waited_for(tmp_path: Path) -> None:
    """Servers starting together on a new file: one holds the write lock before the file is WAL (its first
    transaction writes the header); SQLite refuses another's switch to WAL at once, without its busy
    handler — the engine waits for the lock instead of failing with "database is locked"."""
    path = tmp_path / "huren.sqlite3"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")
    first.execute("CREATE TABLE t (x)")
    released = threading.Timer(1.0, lambda: first.execute("COMMIT"))
    released.start()
    try:
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _pragma(engine, "journal_mode") == "wal"
        engine.dispose()
    finally:
        released.join()
        first.close()
