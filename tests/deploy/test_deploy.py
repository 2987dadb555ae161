"""The deployment recipe: systemd units that systemd accepts, an environment file naming every setting."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("huren.service", "huren-worker@.service")
VENV = str(Path(sys.executable).parent.parent)


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is missing (Debian's systemd package)", pytrace=False)
    paths = []
    for unit in UNITS:
        text = (DEPLOY / unit).read_text(encoding="utf-8").replace("/opt/huren/venv", VENV)
        target = tmp_path / unit.replace("@.", "@1.")  # an instance of the template
        target.write_text(text, encoding="utf-8")
        paths.append(str(target))
    result = subprocess.run(["systemd-analyze", "verify", *paths], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def _template() -> dict[str, str]:
    lines = (DEPLOY / "huren.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^HUREN_[A-Z_]+=", line))


def test_the_environment_file_names_every_setting() -> None:
    documented = {k.removeprefix("HUREN_").lower() for k in _template()}
    assert documented == set(Settings.model_fields), "deploy/huren.env.example and Settings disagree"


def test_the_environment_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _template().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HUREN_CERT_SECRET", "x" * 64)
    settings = Settings()
    assert settings.database_url in (None, "") and settings.resolved_database_url.startswith("sqlite:///")
    assert settings.as_of is None and settings.worker is False and settings.log_format == "json"


def test_backup_restores_into_an_empty_data_directory(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api import audit, auth
    from api.app import create_app

    from ..api.conftest import FORM, REFUSED, SECRET

    live = tmp_path / "live"
    keys = {"audit_key": "audit-key-from-the-environment-file", "data_key": "data-key-from-the-environment-file"}
    app = create_app(Settings(data_dir=live, cert_secret=SECRET, worker=False, **keys), start_worker=False)
    with app.state.engine.begin() as conn:
        _, token = auth.create_user(conn, "alice", "applicant")
    headers = {"Authorization": f"Bearer {token}"}
    client = TestClient(app)
    app_id = client.post("/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=headers).json()["id"]
    with REFUSED.open("rb") as fh:
        assert client.post(f"/api/v1/applications/{app_id}/documents", files={"file": fh}, headers=headers).is_success
    env = {"PATH": "/usr/bin:/bin", "HUREN_PYTHON": sys.executable}
    archive = tmp_path / "backup.tar.gz"
    subprocess.run([str(DEPLOY / "backup.sh"), str(archive)], env={**env, "HUREN_DATA_DIR": str(live)}, check=True)
    client.close()
    app.state.engine.dispose()

    restored = tmp_path / "restored"
    subprocess.run([str(DEPLOY / "restore.sh"), str(archive)], env={**env, "HUREN_DATA_DIR": str(restored)}, check=True)
    again = subprocess.run(
        [str(DEPLOY / "restore.sh"), str(archive)], env={**env, "HUREN_DATA_DIR": str(restored)}, capture_output=True
    )
    assert again.returncode == 2, "never over a data directory in use"
    app = create_app(Settings(data_dir=restored, cert_secret=SECRET, worker=False, **keys), start_worker=False)
    report = audit.verify(app.state.engine)
    assert report.ok and report.entries >= 3, report
    stored = [p for p in (restored / "files").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == REFUSED.read_bytes()
    with TestClient(app) as client:
        r = client.get(f"/api/v1/applications/{app_id}", headers=headers)
        assert r.status_code == 200 and r.json()["id"] == app_id
    app.state.engine.dispose()
