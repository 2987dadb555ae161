"""Which revision of the schema a database is at, and bringing it to the head (Alembic).

Alembic is configured here, from the package (`db/migrations` travels in the wheel): no
`alembic.ini` at run time. `upgrade` runs in one transaction that holds the database's write lock
(SQLite's `BEGIN IMMEDIATE`, an advisory lock on PostgreSQL), so a server and workers starting
together migrate once: the others wait, then find the head. A database made before migrations
(tables, no `alembic_version`) is upgraded in place: the first revisions create only what is missing.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from db.engine import make_engine

SCRIPT_LOCATION = "db:migrations"
_PG_LOCK = 0x6875_7265_6E  # "huren": the advisory lock that serialises upgrades on PostgreSQL


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations; `connection` is the one they run on."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision: the schema this version of Huren reads and writes."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "db/migrations has no revision"
    return revision


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database or one made before migrations."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_current(engine: Engine) -> bool:
    return current(engine) == head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the head by default), creating or altering what it lacks."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        command.upgrade(alembic_config(conn), revision)


def open_database(url: str) -> Engine:
    """An engine for the URL, its database brought to the head: how a command or the service starts."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
