"""The service on SQLite (always) and PostgreSQL (when HUREN_TEST_POSTGRES_URL is set), worker driven by hand."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import auth
from api.app import create_app
from api.settings import Settings
from api.worker import Worker
from matching.importer import import_files
from matching.store import RegistryStore

from ..conftest import DATABASES, POSTGRES_URL_ENV, SAMPLES, postgres_schema

AS_OF = "2025-06-01"
SECRET = "test-secret"
VERIFY_BASE_URL = "https://verify.huren.test"

# P003 韦秀旻: bundle_001.pdf (registration certificate + ID card, text layer) is approved as it is;
# idf_004.pdf alone (someone's ID card front, text layer) is refused: no certificate, no ID card back.
APPROVABLE = SAMPLES / "bundle_001.pdf"
REFUSED = SAMPLES / "idf_004.pdf"
FORM: dict[str, Any] = {
    "name": "韦秀旻",
    "gender": "女",
    "id_number": "330106198805233941",
    "title": "工程师",
    "education": "本科",
    "phone": "13800000000",
    "cert_number": "沪注计20233781",
    "level": 2,
    "issuing_authority": "上海市市场监督管理局",
    "valid_from": "2023-06-22",
    "valid_until": "2028-06-21",
    "categories": ["力学"],
    "current_employer": "上海青浦示范计量服务有限公司",  # in the area applied for (qingpu)
    "former_employer": "上海青松计量技术服务有限公司",
}


@dataclass
class Service:
    app: FastAPI
    client: TestClient
    engine: Engine
    worker: Worker
    settings: Settings
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def user(self, name: str, role: str, **scope: Any) -> str:
        with self.engine.begin() as conn:
            _, token = auth.create_user(conn, name, role, **scope)
        self.tokens[name] = token
        return token

    def new_application(self, who: str = "alice", area: str = "qingpu", **form: Any) -> str:
        r = self.client.post(
            "/api/v1/applications", json={"area": area, "form": {**FORM, **form}}, headers=self.headers(who)
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def upload(self, app_id: str, path: Path, who: str = "alice", name: str | None = None) -> Any:
        with path.open("rb") as fh:
            return self.client.post(
                f"/api/v1/applications/{app_id}/documents",
                files={"file": (name or path.name, fh, "application/octet-stream")},
                headers=self.headers(who),
            )

    def submitted(self, path: Path, who: str = "alice", area: str = "qingpu") -> str:
        """An application with one document, submitted and screened."""
        app_id = self.new_application(who, area)
        assert self.upload(app_id, path, who).status_code == 201
        assert self.client.post(f"/api/v1/applications/{app_id}/submit", headers=self.headers(who)).status_code == 202
        self.worker.run_until_idle()
        return app_id

    def status(self, app_id: str, who: str = "alice") -> dict[str, Any]:
        r = self.client.get(f"/api/v1/applications/{app_id}/status", headers=self.headers(who))
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture(params=DATABASES)
def make_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Service]]:
    """A factory: the service over one database and data directory (call it again to 'restart')."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'huren.sqlite3'}"
        else:  # a schema of its own on the shared server, dropped afterwards
            url = stack.enter_context(postgres_schema(os.environ[POSTGRES_URL_ENV], "api"))
        yield from _services(url, tmp_path)


def _services(url: str, tmp_path: Path) -> Iterator[Callable[..., Service]]:
    made: list[Service] = []
    tokens: dict[str, str] = {}

    def make(**overrides: Any) -> Service:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            cert_secret=SECRET,
            verify_base_url=VERIFY_BASE_URL,
            as_of=AS_OF,
            worker=False,
            **{"login_tarpit_seconds": 0, **overrides},  # tests that count 429s don't sleep them out
        )
        app = create_app(settings, start_worker=False)
        engine = app.state.engine
        if not made:
            import_files(RegistryStore(engine), [SAMPLES / "registry.csv"])
        service = Service(app, TestClient(app), engine, app.state.worker, settings, tokens)
        if not made:
            service.user("alice", "applicant")
            service.user("bob", "applicant")
            service.user("rita", "reviewer", area="qingpu")
            service.user("ruth", "reviewer", province="shanghai")
            service.user("wu", "reviewer", area="wujiang")
            service.user("ada", "admin")
            service.user("otto", "auditor")
        made.append(service)
        return service

    yield make
    for s in made:
        s.client.close()
    for s in made:
        s.engine.dispose()


@pytest.fixture
def service(make_service: Callable[..., Service]) -> Service:
    return make_service()
