"""Bad input and faults: each answers with a stable code, and nothing is lost or duplicated."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from sqlalchemy import func, select, update

from api.db import applications, documents, jobs, screenings

from .conftest import APPROVABLE, REFUSED, Service


def _post_bytes(service: Service, app_id: str, data: bytes, name: str) -> tuple[int, dict[str, object]]:
    r = service.client.post(
        f"/api/v1/applications/{app_id}/documents",
        files={"file": (name, io.BytesIO(data), "application/pdf")},
        headers=service.headers("alice"),
    )
    return r.status_code, r.json()


def test_wrong_type_is_415_whatever_the_name(service: Service) -> None:
    app_id = service.new_application()
    code, body = _post_bytes(service, app_id, b"MZ\x90\x00 not a pdf at all", "certificate.pdf")
    assert (code, body["code"]) == (415, "unsupported_file_type")
    assert body["message_zh"]
    code, body = _post_bytes(service, app_id, b"", "empty.pdf")
    assert (code, body["code"]) == (415, "empty_file")
    assert not list((service.settings.data_dir / "files").iterdir())  # nothing left on disk


def test_oversized_is_413(make_service: Callable[..., Service]) -> None:
    service = make_service(max_upload_bytes=1000)
    app_id = service.new_application()
    code, body = _post_bytes(service, app_id, b"%PDF-1.7\n" + b"0" * 2000, "big.pdf")
    assert (code, body["code"]) == (413, "file_too_large")
    assert not list((service.settings.data_dir / "files").iterdir())


def test_same_file_twice_is_one_document_under_a_random_name(service: Service) -> None:
    app_id = service.new_application()
    first = service.upload(app_id, APPROVABLE)
    second = service.upload(app_id, APPROVABLE, name="again.pdf")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    stored = [p.name for p in (service.settings.data_dir / "files").iterdir()]
    assert len(stored) == 1 and "bundle" not in stored[0]


def test_submit_without_documents_is_422(service: Service) -> None:
    app_id = service.new_application()
    r = service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice"))
    assert (r.status_code, r.json()["code"]) == (422, "no_documents")


def test_invalid_form_is_422_with_a_code(service: Service) -> None:
    r = service.client.post(
        "/api/v1/applications",
        json={"area": "pudong", "form": {"name": "x"}},
        headers=service.headers("alice"),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_request")


def test_no_token_is_401_and_wrong_role_403(service: Service) -> None:
    assert service.client.get("/api/v1/applications").json()["code"] == "unauthorized"
    r = service.client.post("/api/v1/applications", json={}, headers=service.headers("rita"))
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")


def test_scope_outside_is_404(service: Service) -> None:
    app_id = service.new_application(area="qingpu")
    for who, code in (("rita", 200), ("ruth", 200), ("wu", 404), ("bob", 404), ("alice", 200)):
        r = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers(who))
        assert r.status_code == code, who
    assert service.client.get("/api/v1/applications", headers=service.headers("wu")).json()["items"] == []
    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision", json={"action": "approve"}, headers=service.headers("wu")
    )
    assert r.status_code == 404


def _review_case(service: Service) -> str:
    """An application the rules sent to a person (forced: the screening outcome set to review)."""
    app_id = service.submitted(REFUSED)
    with service.engine.begin() as conn:
        conn.execute(
            update(applications)
            .where(applications.c.id == app_id)
            .values(state="review", decided_by=None, version=applications.c.version + 1)
        )
    return app_id


def test_deciding_a_decided_application_is_409(service: Service) -> None:
    app_id = _review_case(service)
    ok = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "reject", "reasons": [{"message_zh": "注册证复印件模糊，请重新上传"}]},
        headers=service.headers("rita"),
    )
    assert ok.status_code == 200 and ok.json()["state"] == "rejected"
    again = service.client.post(
        f"/api/v1/applications/{app_id}/decision", json={"action": "approve"}, headers=service.headers("ruth")
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    assert service.status(app_id)["message_zh"] == ["注册证复印件模糊，请重新上传"]


def test_two_reviewers_at_once_only_one_wins(service: Service) -> None:
    app_id = _review_case(service)
    version = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()["version"]
    first = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "request_reupload", "version": version, "documents": [{"message_zh": "请补充注册证"}]},
        headers=service.headers("rita"),
    )
    second = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "approve", "version": version},
        headers=service.headers("ruth"),
    )
    assert first.status_code == 200
    assert (second.status_code, second.json()["code"]) == (409, "version_conflict")
    assert service.status(app_id)["state"] == "reupload_requested"


def test_override_needs_a_comment_and_approves_with_a_certificate(service: Service) -> None:
    app_id = service.submitted(REFUSED)
    bare = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "override", "outcome": "approve"},
        headers=service.headers("rita"),
    )
    assert (bare.status_code, bare.json()["code"]) == (422, "comment_required")
    ok = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "override", "outcome": "approve", "comment": "窗口已核验原件"},
        headers=service.headers("rita"),
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    service.worker.run_until_idle()
    # no registration certificate among the documents: the approval stands, the certificate cannot be made
    assert service.status(app_id)["certificate"] == {"error": "no_registration"}  # no null number or links


def test_reupload_then_resubmit(service: Service) -> None:
    app_id = service.submitted(REFUSED)
    doc_id = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()["documents"][
        0
    ]["id"]
    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "request_reupload", "documents": [{"document_id": doc_id, "message_zh": "请上传注册证"}]},
        headers=service.headers("rita"),
    )
    assert r.status_code == 200
    status = service.status(app_id)
    assert status["state"] == "reupload_requested"
    assert status["reupload"][0]["filename"] == "idf_004.pdf" and status["message_zh"] == ["请上传注册证"]
    assert service.upload(app_id, APPROVABLE).status_code == 201
    assert (
        service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice")).status_code
        == 202
    )
    service.worker.run_until_idle()
    assert service.status(app_id)["state"] in ("approved", "review", "rejected")
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(screenings)).scalar_one() == 2


def test_worker_killed_mid_job_runs_it_again_exactly_once(make_service: Callable[..., Service]) -> None:
    service = make_service(job_lease_seconds=0.2)
    app_id = service.new_application()
    assert service.upload(app_id, APPROVABLE).status_code == 201
    service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice"))
    dead = service.worker
    assert dead.claim() is not None  # claimed, then the process "dies": no result, no renewal
    assert service.status(app_id)["state"] == "screening"

    restarted = make_service(job_lease_seconds=0.2)  # same database and data directory
    assert restarted.worker.run_until_idle() == 0 or True  # the lease may not have expired yet
    time.sleep(0.3)
    restarted.worker.run_until_idle()
    assert restarted.status(app_id)["state"] == "approved"
    # the dead worker waking up cannot write its result again
    with service.engine.connect() as conn:
        job = conn.execute(select(jobs).where(jobs.c.kind == "screen")).one()
    try:
        dead.screen(job)
        raise AssertionError("a stale worker wrote a result")
    except Exception as exc:
        assert type(exc).__name__ == "LeaseLost"
    with service.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(screenings)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(documents)).scalar_one() == 1
        issued = conn.execute(select(jobs.c.state).where(jobs.c.kind == "reissue")).scalars().all()
    assert issued == ["done"]
