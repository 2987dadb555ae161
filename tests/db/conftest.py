"""A database not yet touched by the migrations, on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db import make_engine

from ..conftest import DATABASES, POSTGRES_URL_ENV, postgres_schema

HERE = Path(__file__).resolve().parent


@pytest.fixture(params=DATABASES)
def blank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (a schema of its own on PostgreSQL)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'huren.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with postgres_schema(os.environ[POSTGRES_URL_ENV], "db") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def release_schema(engine: Engine) -> None:
    """Build the schema the last release before migrations (0.1) made: its DDL, frozen as it printed it."""
    ddl = (HERE / f"release_0_1.{engine.dialect.name}.sql").read_text(encoding="utf-8")
    with engine.begin() as conn:
        for statement in filter(str.strip, ddl.split(";")):
            conn.exec_driver_sql(statement)
