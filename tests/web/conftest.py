"""The service with the review pages, on SQLite, with people who sign in with passwords.

The registry is the committed samples' registry with planted mismatches: the registry spells two
holders' names differently from their certificates, so their applications come back from
pre-screening as `review` with the name flagged — what a reviewer meets every day.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
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

from ..api.conftest import AS_OF, FORM, SECRET, VERIFY_BASE_URL
from ..conftest import SAMPLES

PASSWORD = "correct-horse-battery"
APPROVABLE = SAMPLES / "bundle_001.pdf"  # P003 韦秀旻, text layer: approved as it is
REFUSED = SAMPLES / "idf_004.pdf"  # an ID card front alone: refused
PLANTED = SAMPLES / "bundle_005.pdf"  # P013 陶阳頔, text layer: the registry says 陶阳迪
PLANTED_SCAN = SAMPLES / "bundle_003.pdf"  # P008 田红雯, scanned pages (OCR): the registry says 田虹雯
FOREIGN_ID = SAMPLES / "idf_002.pdf"  # P002 韦慧丽's ID card front, text layer: planted beside APPROVABLE

REGISTRY_CHANGES = {"苏2021207543": {"name": "陶阳迪"}, "苏2021202343": {"name": "田虹雯"}}

PEOPLE: dict[Path, dict[str, Any]] = {
    APPROVABLE: FORM,
    REFUSED: FORM,
    PLANTED: {
        **FORM, "name": "陶阳頔", "gender": "男", "id_number": "310209197402011371", "cert_number": "苏2021207543",
        "issuing_authority": "江苏省市场监督管理局", "valid_from": "2021-04-24", "valid_until": "2026-04-23",
        "categories": ["力学", "时间频率"], "current_employer": "苏州市计量测试院",
    },
    PLANTED_SCAN: {
        **FORM, "name": "田红雯", "gender": "女", "id_number": "322728197708175467", "cert_number": "苏2021202343",
        "issuing_authority": "江苏省市场监督管理局", "valid_from": "2021-12-21", "valid_until": "2026-12-20",
        "categories": ["声学", "电离辐射"], "current_employer": "江苏省计量科学研究院",
    },
}  # fmt: skip

USERS: list[tuple[str, str, dict[str, str]]] = [
    ("alice", "applicant", {}),
    ("rita", "reviewer", {"area": "qingpu"}),
    ("ruth", "reviewer", {"province": "shanghai"}),  # the same scope as rita: two reviewers at once
    ("wu", "reviewer", {"area": "wujiang"}),
    ("ada", "admin", {}),
    ("otto", "auditor", {}),
]


def planted_registry(out: Path) -> Path:
    """The samples' registry with `REGISTRY_CHANGES` applied."""
    with (SAMPLES / "registry.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update(REGISTRY_CHANGES.get(row["cert_number"], {}))
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@dataclass
class Site:
    app: FastAPI
    engine: Engine
    worker: Worker
    api: TestClient  # bearer-token client for setting things up through the API
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def draft(self, path: Path | None = None, *, area: str = "qingpu", **form: Any) -> str:
        body = {"area": area, "form": {**PEOPLE.get(path or APPROVABLE, FORM), **form}}
        r = self.api.post("/api/v1/applications", json=body, headers=self.headers("alice"))
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def submitted(self, path: Path, *more: Path, area: str = "qingpu", screen: bool = True, **form: Any) -> str:
        """An application with its documents (the form typed for the first), submitted and pre-screened."""
        app_id = self.draft(path, area=area, **form)
        for upload in (path, *more):
            with upload.open("rb") as fh:
                r = self.api.post(
                    f"/api/v1/applications/{app_id}/documents",
                    files={"file": (upload.name, fh, "application/octet-stream")},
                    headers=self.headers("alice"),
                )
            assert r.status_code == 201, r.text
        r = self.api.post(f"/api/v1/applications/{app_id}/submit", headers=self.headers("alice"))
        assert r.status_code == 202, r.text
        if screen:
            self.worker.run_until_idle()
        return app_id

    def state(self, app_id: str) -> str:
        r = self.api.get(f"/api/v1/applications/{app_id}/status", headers=self.headers("alice"))
        return str(r.json()["state"])

    def browser_client(self) -> TestClient:
        """A cookie-keeping client, as a browser is (no bearer token)."""
        return TestClient(self.app, follow_redirects=False)

    def signed_in(self, who: str) -> TestClient:
        client = self.browser_client()
        form = client.get("/login")
        token = csrf_of(form.text)
        r = client.post("/login", data={"name": who, "password": PASSWORD, "csrf": token, "next": "/"})
        assert r.status_code == 303 and r.headers["location"] == "/", r.text
        return client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def build_site(root: Path) -> Site:
    settings = Settings(
        data_dir=root / "data",
        database_url=f"sqlite:///{root / 'huren.sqlite3'}",
        cert_secret=SECRET,
        verify_base_url=VERIFY_BASE_URL,
        as_of=AS_OF,
        worker=False,
        max_applications_per_day=1000,  # one applicant files every case of the module's site
    )
    app = create_app(settings, start_worker=False)
    engine = app.state.engine
    import_files(RegistryStore(engine), [planted_registry(root / "registry.csv")])
    site = Site(app, engine, app.state.worker, TestClient(app))
    with engine.begin() as conn:
        for name, role, scope in USERS:
            _, token = auth.create_user(conn, name, role, password=PASSWORD, **scope)
            site.tokens[name] = token
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One service per test module: pre-screening costs seconds, so applications are shared."""
    made = build_site(tmp_path_factory.mktemp("web"))
    yield made
    made.api.close()
    made.engine.dispose()
