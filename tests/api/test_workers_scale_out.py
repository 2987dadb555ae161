"""Four `huren worker` processes share one PostgreSQL queue; two are killed mid-way; SIGTERM is graceful.

Every application is screened exactly once: a job is claimed by one worker (`FOR UPDATE SKIP LOCKED`)
under a lease; the killed workers' jobs run again elsewhere when their leases end, and a result
written by no one is never half there. The tables live in a schema of their own, so other tests on the
same database are not touched.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from api import audit, auth
from api.app import create_app
from api.db import applications, jobs, screenings
from api.settings import Settings
from matching.importer import import_files
from matching.store import RegistryStore

from ..conftest import SAMPLES
from .conftest import AS_OF, FORM, POSTGRES_URL_ENV, REFUSED, SECRET

ROOT = Path(__file__).resolve().parents[2]
APPLICATIONS = 40
WORKERS = 4

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_URL_ENV), reason=f"{POSTGRES_URL_ENV} not set"),
]


@pytest.fixture
def schema_url() -> object:
    base = os.environ[POSTGRES_URL_ENV]
    schema = f"scale_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "huren", "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_four_workers_two_killed_every_application_screened_once(schema_url: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=schema_url,
        cert_secret=SECRET,
        as_of=AS_OF,
        worker=False,
        max_applications_per_day=APPLICATIONS,  # one applicant files them all
    )
    app = create_app(settings, start_worker=False)
    engine = app.state.engine
    import_files(RegistryStore(engine), [SAMPLES / "registry.csv"])
    with engine.begin() as conn:
        _, token = auth.create_user(conn, "alice", "applicant")
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    for _ in range(APPLICATIONS):
        r = client.post("/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=headers)
        app_id = r.json()["id"]
        with REFUSED.open("rb") as fh:
            files = {"file": (REFUSED.name, fh, "application/pdf")}
            assert (
                client.post(f"/api/v1/applications/{app_id}/documents", files=files, headers=headers).status_code == 201
            )
        assert client.post(f"/api/v1/applications/{app_id}/submit", headers=headers).status_code == 202
        ids.append(app_id)

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HUREN_DATABASE_URL": schema_url,
        "HUREN_DATA_DIR": str(tmp_path / "data"),
        "HUREN_CERT_SECRET": SECRET,
        "HUREN_VERIFY_BASE_URL": "https://huren.test",
        "HUREN_AS_OF": AS_OF,
        "HUREN_JOB_LEASE_SECONDS": "10",
        "HUREN_WORKER_POLL_SECONDS": "0.2",
    }
    workers = [_worker(env) for _ in range(WORKERS)]

    def screened() -> int:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(screenings)).scalar() or 0)

    try:
        deadline = time.monotonic() + 240
        while screened() < APPLICATIONS // 4:
            assert time.monotonic() < deadline, "the workers screened nothing"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers if w.poll() is not None]
            time.sleep(0.2)
        for w in workers[:2]:
            w.send_signal(signal.SIGKILL)
        while True:
            with engine.connect() as conn:
                open_jobs = conn.execute(select(func.count()).select_from(jobs).where(jobs.c.state != "done")).scalar()
            if not open_jobs:
                break
            assert time.monotonic() < deadline, f"{open_jobs} job(s) never finished"
            time.sleep(0.5)
        for w in workers[2:]:
            w.send_signal(signal.SIGTERM)
        for w in workers[2:]:
            _, err = w.communicate(timeout=60)
            assert w.returncode == 0, err
            assert "SIGTERM" in err and "stopped" in err
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.communicate()

    with engine.connect() as conn:
        per_app = dict(
            conn.execute(select(screenings.c.application_id, func.count()).group_by(screenings.c.application_id)).all()
        )
        states = dict(conn.execute(select(applications.c.id, applications.c.state)).all())
        claimed_by = {r[0] for r in conn.execute(select(jobs.c.claimed_by)).all()}
    assert per_app == {i: 1 for i in ids}, "every application screened exactly once"
    assert {states[i] for i in ids} == {"rejected"}
    assert len(claimed_by) >= 2, "the work was shared"
    report = audit.verify(engine)
    assert report.ok, report
    client.close()
    engine.dispose()
