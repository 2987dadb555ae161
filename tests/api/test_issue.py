"""Issuing the zone certificate from the stored screening: the decision made then, never the rules run again."""

from __future__ import annotations

from sqlalchemy import insert, select

from api.db import applications, jobs, now_iso, screenings
from matching.registry import Registry
from recognition.screening import Screening

from .conftest import APPROVABLE, Service


def _submit(service: Service, **form: object) -> str:
    app_id = service.new_application(**form)
    assert service.upload(app_id, APPROVABLE).status_code == 201
    r = service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice"))
    assert r.status_code == 202, r.text
    return app_id


def test_issuing_uses_the_stored_decision_not_the_rules_run_again(service: Service) -> None:
    """The registry loses the record between the automatic approval and the issuing job: run again, the
    rules would find no registration certificate; the approval made on the stored evidence issues."""
    app_id = _submit(service)
    assert service.worker.run_once()  # the screening job
    assert service.status(app_id)["state"] == "approved"
    with service.engine.connect() as conn:
        stored = Screening.from_json(
            conn.execute(select(screenings.c.result).where(screenings.c.application_id == app_id)).scalar_one()
        )
    registered = next(e.record for e in stored.evidence if e.record is not None)
    service.worker.registry = Registry()  # an empty registry: the same application would now be refused
    assert service.worker.run_once()  # the issuing job
    certificate = service.status(app_id)["certificate"]
    assert certificate is not None and certificate.get("number") and not certificate.get("error"), certificate
    recognition = service.worker.recognitions.for_application(app_id)
    assert recognition is not None and recognition.number == certificate["number"]
    assert recognition.cert_number == registered.cert_number
    assert recognition.decision_as_of == stored.decision.as_of


def test_only_an_approved_application_is_issued(service: Service) -> None:
    """A reissue job for an application a person has still to decide issues nothing; the reviewer's approval does."""
    app_id = _submit(service, current_employer="苏州市计量测试院")  # outside the area: a point for a person
    service.worker.run_until_idle()
    assert service.status(app_id)["state"] == "review"
    with service.engine.begin() as conn:
        conn.execute(insert(jobs).values(application_id=app_id, kind="reissue", state="queued", created_at=now_iso()))
    service.worker.run_until_idle()
    assert service.status(app_id)["certificate"] is None
    r = service.client.post(
        f"/api/v1/applications/{app_id}/decision", json={"action": "approve"}, headers=service.headers("rita")
    )
    assert r.status_code == 200, r.text
    service.worker.run_until_idle()
    with service.engine.connect() as conn:
        number = conn.execute(select(applications.c.certificate_number).where(applications.c.id == app_id)).scalar()
    assert number and service.status(app_id)["certificate"]["number"] == number
