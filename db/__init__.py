"""Huren's one database: the engine factory, the tables on one MetaData, and the migrations that build them.

`db.upgrade(engine)` brings a database to the schema this version expects; `serve`, `worker` and the
commands that open a database run it at start (`open_database(url)`), and `huren db upgrade` runs it
on its own.
"""

from db.engine import DATABASE_FILE, READ_OPTION, default_database_url, make_engine, reading
from db.revisions import current, head, is_current, open_database, upgrade
from db.tables import metadata

__all__ = [
    "DATABASE_FILE",
    "READ_OPTION",
    "current",
    "default_database_url",
    "head",
    "is_current",
    "make_engine",
    "metadata",
    "open_database",
    "reading",
    "upgrade",
]
