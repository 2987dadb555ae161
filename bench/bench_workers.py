"""Applications pre-screened per minute with 1, 2 and 4 `huren worker` processes on one PostgreSQL queue.

    HUREN_TEST_POSTGRES_URL=postgresql+psycopg://… .venv/bin/python bench/bench_workers.py [--apps 40] [--scan]

Each round queues `--apps` applications (the text-layer ID card PDF by default; `--scan` uses a photo,
so every page is OCR'd), starts the workers, and times until the queue is empty; the tables live in a
schema of their own that is dropped after. It prints applications/minute, the ratio to one worker,
and what 20 machines would do on paper.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import auth  # noqa: E402
from api.app import create_app  # noqa: E402
from api.db import jobs  # noqa: E402
from api.settings import Settings  # noqa: E402
from matching.importer import import_files  # noqa: E402
from matching.store import RegistryStore  # noqa: E402
from tests.api.conftest import FORM  # noqa: E402  (the typed form of the samples' applicant)

SAMPLES = ROOT / "samples" / "documents"


def round_(base: str, workers: int, apps: int, document: Path) -> float:
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                data_dir=Path(tmp), database_url=url, cert_secret="bench", worker=False, max_applications_per_day=apps
            )
            app = create_app(settings, start_worker=False)
            engine = app.state.engine
            import_files(RegistryStore(engine), [SAMPLES / "registry.csv"])
            from fastapi.testclient import TestClient

            with engine.begin() as conn:
                _, token = auth.create_user(conn, "bench", "applicant")
            client, headers = TestClient(app), {"Authorization": f"Bearer {token}"}
            drafts = []
            for _ in range(apps):
                app_id = client.post(
                    "/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=headers
                ).json()["id"]
                with document.open("rb") as fh:
                    client.post(
                        f"/api/v1/applications/{app_id}/documents", files={"file": (document.name, fh)}, headers=headers
                    )
                drafts.append(app_id)
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "HUREN_DATABASE_URL": url,
                "HUREN_DATA_DIR": tmp,
                "HUREN_CERT_SECRET": "bench",
                "HUREN_VERIFY_BASE_URL": "https://huren.test",
                "HUREN_WORKER_POLL_SECONDS": "0.1",
                "HUREN_OCR_THREADS": str(max(1, (os.cpu_count() or 1) // workers)),
            }
            procs = [
                subprocess.Popen([sys.executable, "-m", "huren", "worker"], env=env, stderr=subprocess.PIPE, text=True)
                for _ in range(workers)
            ]
            for p in procs:  # started and polling: their start-up is not what is measured
                assert p.stderr is not None and "polling" in p.stderr.readline()
            started = time.perf_counter()
            for app_id in drafts:
                client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
            while True:
                with engine.connect() as conn:
                    left = conn.execute(select(func.count()).select_from(jobs).where(jobs.c.state != "done")).scalar()
                if not left:
                    break
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(60)
            client.close()
            engine.dispose()
            return apps / seconds * 60
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=40)
    parser.add_argument("--scan", action="store_true", help="a photographed ID card: every page OCR'd")
    args = parser.parse_args()
    base = os.environ.get("HUREN_TEST_POSTGRES_URL")
    if not base:
        sys.exit('set HUREN_TEST_POSTGRES_URL (eval "$(bash .ci/postgres.sh)")')
    document = SAMPLES / ("idf_003.jpg" if args.scan else "idf_004.pdf")
    print(f"{args.apps} applications of one page ({document.name}) on {os.cpu_count()} CPU(s)")
    rates = {}
    for n in (1, 2, 4):
        rates[n] = round_(base, n, args.apps, document)
        print(f"{n} worker(s): {rates[n]:7.1f} applications/min  ({rates[n] / rates[1]:.2f}× one worker)", flush=True)
    per_core = max(rates.values()) / (os.cpu_count() or 1)
    print(
        f"\non paper, 20 machines of {os.cpu_count()} cores, one worker per core: ~{per_core * 20 * (os.cpu_count() or 1):.0f} "
        "applications/min while screening is CPU-bound (OCR); each claim is one short transaction with "
        "SKIP LOCKED, so PostgreSQL is not the limit until hundreds of workers poll: then raise "
        "HUREN_WORKER_POLL_SECONDS, and the file store (uploads read by every worker) needs shared storage "
        "with the throughput of pages × ~1 MiB."
    )


if __name__ == "__main__":
    main()
