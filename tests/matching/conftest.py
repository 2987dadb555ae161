"""Fixtures for the matching tests: a store on every backend, a synthetic registry."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from huren.domain import RegistryRecord
from matching.registry import Registry
from matching.store import RegistryStore
from samples.records import generate_records

from ..conftest import DATABASES, POSTGRES_URL_ENV, postgres_schema


@pytest.fixture(params=DATABASES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RegistryStore]:
    """An empty registry store on SQLite (always) and PostgreSQL (when HUREN_TEST_POSTGRES_URL is set)."""
    if request.param == "sqlite":
        # A path that does not exist yet: the store creates the directory and the file.
        s = RegistryStore(f"sqlite:///{tmp_path / 'db' / f'{uuid.uuid4().hex}.sqlite3'}")
        yield s
        s.dispose()
        return
    with postgres_schema(os.environ[POSTGRES_URL_ENV], "matching") as url:
        s = RegistryStore(url)
        yield s
        s.dispose()


@pytest.fixture(scope="session")
def synthetic_records() -> list[RegistryRecord]:
    return list(generate_records(2000, seed=11))


@pytest.fixture(scope="session")
def synthetic_registry(synthetic_records: list[RegistryRecord]) -> Registry:
    return Registry(synthetic_records)
