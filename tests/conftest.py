import os
import secrets
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from huren import sealed

# one key for the encrypted columns in every test (huren.sealed), rather than a key file made under ./data:
# set for the code under test (the environment, read by Settings at the top) and for code used directly
os.environ.setdefault("HUREN_DATA_KEY", "tests-only-data-key-0123456789abcdef")
sealed.configure_on_first_use(os.environ["HUREN_DATA_KEY"])

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "documents"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from current extraction")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# PostgreSQL connections: every engine the product makes during the tests is remembered, and after each
# test the idle connections of its pool are closed (the engine stays usable: a new pool is made on next
# use). Module-scoped services and stores otherwise keep up to five idle connections each, and a few
# hundred PostgreSQL-parametrised tests exhaust the server's 100 slots.
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


@pytest.fixture(scope="session", autouse=True)
def _track_engines() -> Iterator[None]:
    import db.engine as db_engine

    create_engine = db_engine.create_engine

    def tracked(*args: Any, **kwargs: Any) -> Engine:
        engine = create_engine(*args, **kwargs)
        _ENGINES.add(engine)
        return engine

    db_engine.create_engine = tracked  # type: ignore[assignment]
    yield
    db_engine.create_engine = create_engine


@pytest.fixture(autouse=True)
def _close_idle_postgres_connections() -> Iterator[None]:
    yield
    for engine in list(_ENGINES):
        if engine.dialect.name == "postgresql":
            engine.dispose()


POSTGRES_URL_ENV = "HUREN_TEST_POSTGRES_URL"
POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_URL_ENV), reason=f"{POSTGRES_URL_ENV} not set"),
]
DATABASES = ["sqlite", pytest.param("postgresql", marks=POSTGRES)]
"""A database fixture's params: SQLite always, PostgreSQL when `HUREN_TEST_POSTGRES_URL` is set."""


@contextmanager
def postgres_schema(base_url: str, prefix: str) -> Iterator[str]:
    """A URL whose connections work in a schema of their own on the shared PostgreSQL server (other
    test runs use it at the same time), dropped with everything in it afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
