"""An admin uploads a registry workbook, reads the preview, confirms; the import is audited."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import auth
from api.app import create_app
from api.settings import Settings
from huren.domain import CertType, RecordStatus
from matching.importer import file_sha256
from matching.store import RegistryStore

from ..matching.registry_builders import ZH_HEADER, ZH_ROWS, workbook


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, dict[str, str], Any]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}", worker=False)
    app = create_app(settings, start_worker=False)
    tokens = {}
    with app.state.engine.begin() as conn:
        for name, role in (("admin", "admin"), ("rev", "reviewer")):
            tokens[name] = auth.create_user(conn, name, role, area="qingpu" if role == "reviewer" else None)[1]
    return TestClient(app), tokens, app.state.engine


def _upload(client: TestClient, token: str, path: Path, **form: Any) -> Any:
    with path.open("rb") as fh:
        return client.post(
            "/api/v1/registry/imports",
            files={"file": (path.name, fh, "application/octet-stream")},
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        )


def _wait(client: TestClient, token: str, import_id: str, *, until: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/registry/imports/{import_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if state["status"] not in ("previewing", "importing"):
            assert state["status"] == until, state
            return dict(state)
        time.sleep(0.05)
    raise AssertionError(f"{import_id} still running")


def test_upload_preview_confirm(site: tuple[TestClient, dict[str, str], Any], tmp_path: Path) -> None:
    client, tokens, engine = site
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    path = workbook(tmp_path / "苏州登记表.xlsx", {"登记": [["2024年登记表"], ZH_HEADER, *ZH_ROWS]})

    refused = _upload(client, tokens["rev"], path)
    assert refused.status_code == 403, "admins only"

    started = _upload(client, tokens["admin"], path, cert_type="registration")
    assert started.status_code == 202, started.text
    import_id = started.json()["id"]
    preview = _wait(client, tokens["admin"], import_id, until="preview_ready")
    assert preview["summary"]["inserted"] == 3 and preview["summary"]["rejected"] == 0
    assert preview["summary"]["sha256"] == file_sha256(path)
    assert any("序号" in n for n in preview["summary"]["notices"]), "the unknown column is reported"
    assert [c["cert_number"] for c in preview["changes"]] == ["沪ZC2019000123", "苏ZC2020000007", "浙ZC2021000045"]
    assert preview["changes"][0]["sheet"] == "登记" and preview["changes"][0]["row"] == 3
    assert RegistryStore(engine).count() == 0, "a preview writes nothing"

    confirmed = client.post(f"/api/v1/registry/imports/{import_id}/confirm", headers=admin)
    assert confirmed.status_code == 202, confirmed.text
    done = _wait(client, tokens["admin"], import_id, until="done")
    assert done["written"] is True and done["summary"]["inserted"] == 3
    record = RegistryStore(engine).get(CertType.REGISTRATION, "苏ZC2020000007")
    assert record is not None and record.status is RecordStatus.REVOKED

    again = client.post(f"/api/v1/registry/imports/{import_id}/confirm", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "registry_import_not_ready"
    entries = client.get("/api/v1/audit", headers=admin).json()
    (entry,) = [e for e in entries if e["action"] == "registry.import"]
    assert entry["actor"] == "admin" and entry["target"] == "苏州登记表.xlsx"
    assert entry["detail"]["files"][0]["sha256"] == file_sha256(path) and entry["detail"]["inserted"] == 3


def test_preview_shows_row_errors_and_changes_and_refuses_a_stale_confirm(
    site: tuple[TestClient, dict[str, str], Any], tmp_path: Path
) -> None:
    client, tokens, engine = site
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    first = workbook(tmp_path / "v1.xlsx", {"S": [ZH_HEADER, *ZH_ROWS]})
    id1 = _upload(client, tokens["admin"], first, cert_type="registration").json()["id"]
    _wait(client, tokens["admin"], id1, until="preview_ready")

    rows = [list(r) for r in ZH_ROWS]
    rows[0][9] = "注销"
    rows[2][3] = "3.30421E+17"
    second = workbook(tmp_path / "v2.xlsx", {"S": [ZH_HEADER, *rows]})
    id2 = _upload(client, tokens["admin"], second, cert_type="registration", partial="true").json()["id"]
    preview = _wait(client, tokens["admin"], id2, until="preview_ready")
    (error,) = preview["summary"]["rejected_rows"]
    assert (error["file"], error["sheet"], error["row"], error["column"]) == ("v2.xlsx", "S", 4, "身份证号码")
    assert "Excel stored the ID number as a number" in error["reason"]

    assert client.post(f"/api/v1/registry/imports/{id1}/confirm", headers=admin).status_code == 202
    _wait(client, tokens["admin"], id1, until="done")
    stale = client.post(f"/api/v1/registry/imports/{id2}/confirm", headers=admin)
    assert stale.status_code == 409 and stale.json()["code"] == "registry_changed_since_preview"

    id3 = _upload(client, tokens["admin"], second, cert_type="registration", partial="true").json()["id"]
    preview = _wait(client, tokens["admin"], id3, until="preview_ready")
    (change,) = preview["changes"]
    assert change["kind"] == "update" and change["fields"] == {"status": {"old": "valid", "new": "revoked"}}
    assert client.post(f"/api/v1/registry/imports/{id3}/confirm", headers=admin).status_code == 202
    _wait(client, tokens["admin"], id3, until="done")
    record = RegistryStore(engine).get(CertType.REGISTRATION, "沪ZC2019000123")
    assert record is not None and record.status is RecordStatus.REVOKED


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "failed", "registry_file_invalid"),
        ("scan.pdf", b"%PDF-1.4", None, "registry_file_type"),
    ],
)
def test_bad_uploads_fail_clearly(
    site: tuple[TestClient, dict[str, str], Any],
    tmp_path: Path,
    name: str,
    content: bytes,
    status: str | None,
    code: str,
) -> None:
    client, tokens, engine = site
    path = tmp_path / name
    path.write_bytes(content)
    response = _upload(client, tokens["admin"], path)
    if status is None:
        assert response.status_code == 415 and response.json()["code"] == code
        return
    state = _wait(client, tokens["admin"], response.json()["id"], until=status)
    assert state["error"]["code"] == code and ".xls" in state["error"]["message"]
    assert str(tmp_path) not in state["error"]["message"] and "old.xls" in state["error"]["message"]
    assert RegistryStore(engine).count() == 0
