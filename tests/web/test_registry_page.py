"""The admins' registry page: upload a workbook, see the preview with its row errors, confirm."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api import auth
from api.app import create_app
from api.settings import Settings
from huren.domain import CertType, RecordStatus
from matching.store import RegistryStore

from ..matching.registry_builders import ZH_HEADER, ZH_ROWS, workbook
from .conftest import csrf_of

PASSWORD = "correct horse 42"


def _signed_in(tmp_path: Path) -> tuple[TestClient, TestClient, Engine]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}", worker=False)
    app = create_app(settings, start_worker=False)
    with app.state.engine.begin() as conn:
        auth.create_user(conn, "boss", "admin", password=PASSWORD)
        auth.create_user(conn, "wang", "reviewer", area="qingpu", password=PASSWORD)
    clients = []
    for who in ("boss", "wang"):
        client = TestClient(app, follow_redirects=False)
        token = csrf_of(client.get("/login").text)
        assert (
            client.post("/login", data={"name": who, "password": PASSWORD, "csrf": token, "next": "/"}).status_code
            == 303
        )
        clients.append(client)
    return clients[0], clients[1], app.state.engine


def _settled(client: TestClient, url: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = client.get(url).text
        if 'http-equiv="refresh"' not in html:
            return html
        time.sleep(0.05)
    raise AssertionError(f"{url} still running")


def test_upload_preview_confirm_in_the_page(tmp_path: Path) -> None:
    admin, reviewer, engine = _signed_in(tmp_path)
    assert reviewer.get("/registry").status_code == 403, "admins only"
    page = admin.get("/registry")
    assert page.status_code == 200 and "登记库导入" in page.text
    rows = [list(r) for r in ZH_ROWS]
    rows[2][3] = "3.30421E+17"
    path = workbook(tmp_path / "登记表.xlsx", {"上海": [["2024年登记表"], ZH_HEADER, *rows]})
    with path.open("rb") as fh:
        posted = admin.post(
            "/registry",
            files={"file": (path.name, fh, "application/octet-stream")},
            data={"csrf": csrf_of(page.text), "cert_type": "registration", "partial": "1", "map": "序号=-"},
        )
    assert posted.status_code == 303, posted.text
    url = posted.headers["location"]
    html = _settled(admin, url)
    assert "预览" in html and "登记表.xlsx" in html
    assert "沪ZC2019000123 张伟" in html and "苏ZC2020000007 李秀英" in html
    assert "Excel stored the ID number as a number" in html and "身份证号码" in html, "the row error, with its column"
    assert RegistryStore(engine).count() == 0

    confirmed = admin.post(f"{url}/confirm", data={"csrf": csrf_of(html)})
    assert confirmed.status_code == 303
    done = _settled(admin, url)
    assert "已导入" in done
    record = RegistryStore(engine).get(CertType.REGISTRATION, "苏ZC2020000007")
    assert record is not None and record.status is RecordStatus.REVOKED
    english = admin.get(f"{url}?lang=en").text
    assert "Imported" in english and "Row errors" in english
