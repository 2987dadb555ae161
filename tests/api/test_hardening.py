"""The smaller findings of the attack (issue 14, item 11): no 5xx on huge numbers, dates near 9999 or
unreadable stored files; the page route reads one page; security headers everywhere; NUL bytes in
file names; a job's lease kept alive by a heartbeat."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from api import auth
from api.db import documents, jobs, users
from ocr import ingest

from .conftest import APPROVABLE, REFUSED, Service

PASSWORD = "correct horse battery"


def _session(service: Service, name: str) -> None:
    """The browser's session cookie for `name` (a password login's token, as the sign-in form sets it)."""
    with service.engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(password_hash=auth.hash_password(PASSWORD)))
    token = service.client.post("/api/v1/auth/login", json={"name": name, "password": PASSWORD}).json()
    service.client.cookies.set("huren_session", token["access_token"])


@pytest.mark.parametrize("after", ["99999999999999999999", "-1", "2147483648"])
def test_audit_after_a_huge_or_negative_number_is_422(service: Service, after: str) -> None:
    r = service.client.get(f"/api/v1/audit?after={after}", headers=service.headers("otto"))
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    assert service.client.get("/api/v1/audit?after=2147483647", headers=service.headers("otto")).json() == []


@pytest.mark.parametrize("as_of", ["9999-12-31", "9999-12-01"])
def test_expiring_near_the_end_of_the_calendar_answers(service: Service, as_of: str) -> None:
    r = service.client.get(f"/api/v1/recognitions/expiring?days=365&as_of={as_of}", headers=service.headers("ada"))
    assert r.status_code == 200, r.text
    assert r.json()["until"] == "9999-12-31" and r.json()["count"] == 0


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF",  # a corrupt PDF
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64,  # a truncated JPEG
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00" + b"\x00" * 64,
    ],
    ids=["corrupt-pdf", "truncated-jpeg", "bomb-png"],
)
def test_the_page_image_of_an_unreadable_stored_file_is_a_clear_4xx(service: Service, content: bytes) -> None:
    app_id = service.new_application()
    r = service.client.post(
        f"/api/v1/applications/{app_id}/documents",
        files={"file": ("scan.bin", content, "application/octet-stream")},
        headers=service.headers("alice"),
    )
    assert r.status_code == 201, r.text
    _session(service, "rita")
    page = service.client.get(f"/applications/{app_id}/documents/{r.json()['id']}/pages/1.png")
    assert page.status_code in (404, 422) and page.headers["content-type"].startswith("text/html"), page.status_code


def test_the_page_image_route_reads_only_the_page_asked_for(service: Service, monkeypatch: Any) -> None:
    app_id = service.submitted(APPROVABLE)  # 3 pages
    doc_id = service.status(app_id) and _document_ids(service, app_id)[0]
    _session(service, "rita")
    rendered: list[int] = []
    render = ingest._render
    monkeypatch.setattr(ingest, "_render", lambda doc, index, dpi: rendered.append(index) or render(doc, index, dpi))
    r = service.client.get(f"/applications/{app_id}/documents/{doc_id}/pages/3.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert rendered == [2]
    far = service.client.get(f"/applications/{app_id}/documents/{doc_id}/pages/100000.png")
    assert far.status_code == 404 and rendered == [2]  # past the page limit: nothing read
    assert service.client.get(f"/applications/{app_id}/documents/{doc_id}/pages/4.png").status_code == 404


def _document_ids(service: Service, app_id: str) -> list[str]:
    with service.engine.connect() as conn:
        return [r.id for r in conn.execute(select(documents.c.id).where(documents.c.application_id == app_id))]


def test_security_headers_on_json_redirects_and_docs(service: Service) -> None:
    answers = {
        "json": service.client.get("/api/v1/auth/me"),
        "redirect": service.client.get("/", follow_redirects=False),
        "docs": service.client.get("/docs"),
        "openapi": service.client.get("/openapi.json"),
        "health": service.client.get("/healthz"),
    }
    assert answers["redirect"].status_code == 303 and answers["json"].status_code == 401
    for what, r in answers.items():
        for header in ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"):
            assert header in r.headers, (what, header)
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answers["docs"].headers["content-security-policy"]
    assert answers["json"].headers["cache-control"] == "no-store"


def test_nul_bytes_and_control_characters_leave_the_file_name(service: Service) -> None:
    app_id = service.new_application()
    body = (  # written by hand: a client library would escape the bytes an attacker sends raw
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="id\x00card\x07.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + REFUSED.read_bytes() + b"\r\n--xyz--\r\n"
    )
    r = service.client.post(
        f"/api/v1/applications/{app_id}/documents",
        content=body,
        headers={**service.headers("alice"), "content-type": "multipart/form-data; boundary=xyz"},
    )
    assert r.status_code == 201 and r.json()["filename"] == "idcard.pdf", r.text


@pytest.mark.parametrize(
    "url", ["/api/v1/applications/ab%00cd/status", "/api/v1/recognitions/expiring?days=1&area=q%00"]
)
def test_a_nul_byte_in_a_path_or_query_is_400_not_a_database_error(service: Service, url: str) -> None:
    r = service.client.get(url, headers=service.headers("ada"))
    assert (r.status_code, r.json()["code"]) == (400, "nul_byte")


def test_a_heartbeat_keeps_a_long_job_and_a_dead_worker_releases_it_after_one_lease(
    make_service: Callable[..., Service],
) -> None:
    service = make_service(job_lease_seconds=0.3)
    app_id = service.new_application()
    assert service.upload(app_id, REFUSED).status_code == 201
    assert (
        service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice")).status_code
        == 202
    )
    worker, other = service.worker, make_service(job_lease_seconds=0.3).worker
    screen = worker.screen
    taken: list[Any] = []

    def slow(job: Any) -> None:
        time.sleep(1.2)  # one long page: four leases long
        taken.append(other.claim())
        screen(job)

    worker.screen = slow  # type: ignore[method-assign]
    runner = threading.Thread(target=worker.run_once)
    runner.start()
    runner.join(timeout=60)
    assert taken == [None], "the job was taken from a live worker"
    assert service.status(app_id)["state"] == "rejected"

    # a worker that dies holding a job (no heartbeat any more): another claims it after one lease
    second = service.new_application()
    assert service.upload(second, REFUSED).status_code == 201
    assert (
        service.client.post(f"/api/v1/applications/{second}/submit", headers=service.headers("alice")).status_code
        == 202
    )
    dead = worker.claim()
    assert dead is not None and other.claim() is None
    time.sleep(0.4)
    again = other.claim()
    assert again is not None and again.id == dead.id
    with service.engine.connect() as conn:
        assert conn.execute(select(jobs.c.attempts).where(jobs.c.id == dead.id)).scalar_one() == 2
