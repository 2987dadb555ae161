"""The applicant's path: create, attach, submit, pre-screening, status, certificate, public verification."""

from __future__ import annotations

from .conftest import APPROVABLE, REFUSED, Service


def test_openapi_and_health(service: Service) -> None:
    assert service.client.get("/healthz").json() == {"status": "ok"}
    paths = service.client.get("/openapi.json").json()["paths"]
    assert "/api/v1/applications/{app_id}/submit" in paths
    assert service.client.get("/docs").status_code == 200


def test_approved_application_gets_a_certificate(service: Service) -> None:
    app_id = service.submitted(APPROVABLE)
    status = service.status(app_id)
    assert status["state"] == "approved", status
    assert status["message_zh"] == []
    number = status["certificate"]["number"]
    assert number.startswith("YRD-QP-")
    for who in ("alice", "rita"):
        pdf = service.client.get(f"/api/v1/applications/{app_id}/certificate", headers=service.headers(who))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), who
    public = service.client.get(f"/verify/{number}").json()
    assert public["status"] == "valid"
    assert public["holder_name"] == "韦**"
    assert "330106198805233941" not in str(public)
    assert service.client.get(f"/api/v1/verify/{number[:-1]}Z").status_code == 404


def test_refusal_lists_every_reason_in_chinese_and_asks_for_documents(service: Service) -> None:
    app_id = service.submitted(REFUSED)
    status = service.status(app_id)
    assert status["state"] == "rejected"
    codes = {r["code"] for r in status["reasons"]}
    assert {"certificate_missing", "id_card_back_missing"} <= codes
    assert len(status["message_zh"]) >= len(status["reasons"])
    assert any("注册证" in m for m in status["message_zh"])
    assert any(r["document_id"] is None for r in status["reupload"])  # a missing document is asked for


def test_submit_returns_at_once_and_status_shows_the_queue(service: Service) -> None:
    app_id = service.new_application()
    assert service.upload(app_id, APPROVABLE).status_code == 201
    r = service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice"))
    assert r.status_code == 202 and r.json()["state"] == "queued"
    assert service.status(app_id)["state"] == "queued"
    again = service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice"))
    assert again.status_code == 409 and again.json()["code"] == "not_submittable"


def test_lists_mask_id_numbers_and_reviewer_detail_is_audited(service: Service) -> None:
    app_id = service.new_application()
    for who in ("alice", "rita", "ada"):
        listed = service.client.get("/api/v1/applications", headers=service.headers(who)).json()
        assert listed[0]["form"]["id_number"] == "3301**********3941", who
    own = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("alice")).json()
    assert own["form"]["id_number"] == "3301**********3941"
    full = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()
    assert full["form"]["id_number"] == "330106198805233941"
    log = service.client.get("/api/v1/audit?limit=1000", headers=service.headers("otto")).json()
    views = [e for e in log if e["action"] == "application.view_personal_data"]
    assert [(e["actor"], e["target"]) for e in views] == [("rita", app_id)]
