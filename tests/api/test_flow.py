"""The applicant's path: create, attach, submit, pre-screening, status, certificate, public verification."""

from __future__ import annotations

from recognition.reissue import verification_code

from .conftest import APPROVABLE, FORM, REFUSED, SECRET, Service


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
    code = verification_code(number, FORM["id_number"], FORM["name"], SECRET.encode())
    public = service.client.get(f"/api/v1/verify/{number}?c={code}").json()
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
        listed = service.client.get("/api/v1/applications", headers=service.headers(who)).json()["items"]
        assert listed[0]["form"]["id_number"] == "3301**********3941", who
    own = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("alice")).json()
    assert own["form"]["id_number"] == "3301**********3941"
    full = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()
    assert full["form"]["id_number"] == "330106198805233941"
    log = service.client.get("/api/v1/audit?limit=1000", headers=service.headers("otto")).json()
    views = [e for e in log if e["action"] == "application.view_personal_data"]
    assert [(e["actor"], e["target"]) for e in views] == [("rita", app_id)]


def test_typed_form_is_checked_against_the_scans(service: Service) -> None:
    """The portal form declares level 1 and another certificate number; the scans say otherwise."""
    app_id = service.new_application(level=1, cert_number="沪注计20233782")
    assert service.upload(app_id, APPROVABLE).status_code == 201
    assert (
        service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice")).status_code
        == 202
    )
    service.worker.run_until_idle()
    assert service.status(app_id)["state"] != "approved"
    detail = service.client.get(f"/api/v1/applications/{app_id}", headers=service.headers("rita")).json()
    screening = detail["screening"]
    form_checks = {
        c["check"]: c["verdict"]
        for c in screening["consistency"]
        if any(d.startswith("网上申请表") for d in c["documents"])
    }
    assert form_checks["form_level_matches_registration"] == "mismatch", form_checks
    assert form_checks["form_cert_number_matches_registration"] != "match", form_checks
    assert form_checks["form_name_matches_id_card"] == "match", form_checks
    codes = {r["code"] for r in screening["reasons"] if str(r["document"]).startswith("网上申请表")}
    assert codes, screening["reasons"]


def test_the_certificate_carries_the_id_card_photo_and_the_confirmed_employer(service: Service) -> None:
    """The service prints what `huren reissue` prints: the portrait cut from the uploaded ID card front, and
    the current employer a reviewer confirmed when approving (issue 15.3, 15.11)."""
    import io

    import pdfplumber

    app_id = service.submitted(APPROVABLE)
    pdf = service.client.get(f"/api/v1/applications/{app_id}/certificate", headers=service.headers("alice"))
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        portraits = [im for im in doc.pages[0].images if im["height"] > im["width"] * 1.1]
    assert portraits, "the holder's photo from the ID card front"

    # an employer outside the area applied for: a point for the reviewer, who confirms the real one
    app_id = service.new_application("alice", "qingpu", current_employer="苏州市计量测试院")
    assert service.upload(app_id, APPROVABLE).status_code == 201
    assert service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice")).is_success
    service.worker.run_until_idle()
    assert service.status(app_id)["state"] == "review"
    employer = "上海市青浦区计量测试所"
    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "approve", "comment": "核对原件", "confirmed_employer": employer},
        headers=service.headers("rita"),
    )
    assert r.status_code == 200, r.text
    service.worker.run_until_idle()
    pdf = service.client.get(f"/api/v1/applications/{app_id}/certificate", headers=service.headers("alice"))
    assert pdf.status_code == 200, pdf.text
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        assert employer in "".join(doc.pages[0].extract_text().split())


def test_reopening_an_automatic_approval_revokes_its_certificate(service: Service) -> None:
    """An automatic approval can be reopened after its certificate was issued: the certificate is withdrawn
    (public verification says revoked, the export too), the case goes to a person, audited (issue 15.10)."""
    from sqlalchemy import select

    from api.db import audit_log

    app_id = service.submitted(APPROVABLE)
    number = service.status(app_id)["certificate"]["number"]
    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision",
        json={"action": "reopen", "comment": "抽查：执业单位需核实"},
        headers=service.headers("rita"),
    )
    assert r.status_code == 200, r.text
    assert service.status(app_id)["state"] == "review"
    code = verification_code(number, FORM["id_number"], FORM["name"], SECRET.encode())
    assert service.client.get(f"/api/v1/verify/{number}?c={code}").json()["status"] == "revoked"
    with service.engine.connect() as conn:
        entry = conn.execute(
            select(audit_log).where(audit_log.c.target == app_id, audit_log.c.action == "certificate.revoke")
        ).one()
    assert entry.detail["number"] == number

    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision", json={"action": "approve"}, headers=service.headers("rita")
    )
    assert r.status_code == 200, r.text
    service.worker.run_until_idle()
    again = service.status(app_id)["certificate"]["number"]
    assert again and again != number, "a new certificate, the withdrawn one stays withdrawn"
    assert service.client.get(f"/api/v1/verify/{number}?c={code}").json()["status"] == "revoked"
