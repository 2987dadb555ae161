"""Request ids, logs without ID numbers, Prometheus metrics and readiness."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

import db
from api.observability import ContextFilter, configure_logging, request_id
from cli.app import app as huren_cli
from huren import sealed

from ..conftest import SAMPLES
from .conftest import Service

ID = "310101199003071238"  # a synthetic number with a valid check digit


def test_every_response_has_a_request_id(service: Service) -> None:
    r = service.client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{16}", r.headers["x-request-id"])
    r = service.client.get("/healthz", headers={"X-Request-ID": "proxy-42.a"})
    assert r.headers["x-request-id"] == "proxy-42.a", "the proxy's id is kept"
    r = service.client.get("/healthz", headers={"X-Request-ID": "bad id\r\nx: y"})
    assert r.headers["x-request-id"] != "bad id\r\nx: y"
    r = service.client.get("/api/v1/applications/nope/status", headers=service.headers("alice"))
    assert r.status_code == 404 and "x-request-id" in r.headers, "error responses too"


def test_log_lines_carry_the_request_id_and_never_an_id_number(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("json")
    try:
        token = request_id.set("req-7")
        logging.getLogger("huren.test").warning("looked up %s for %s", ID, "张三")
        request_id.reset(token)
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert line["request_id"] == "req-7" and line["level"] == "WARNING"
        assert ID not in line["message"] and "3101**********1238" in line["message"]
    finally:
        root.handlers[:], root.level = saved[0], saved[1]


def test_the_filter_masks_numbers_in_arguments_and_text() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"id {ID} and %s", (ID.lower(),), None)
    ContextFilter().filter(record)
    assert ID not in record.getMessage()
    assert "12345678901234567890" in _filtered("order 12345678901234567890"), "a longer number is no ID number"


def _filtered(message: str) -> str:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)
    ContextFilter().filter(record)
    return record.getMessage()


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics(service: Service) -> None:
    before = service.client.get("/metrics").text
    app_id = service.new_application("alice", "qingpu")
    assert service.upload(app_id, SAMPLES / "bundle_001.pdf").status_code == 201
    assert (
        service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers("alice")).status_code
        == 202
    )
    text = service.client.get("/metrics").text
    assert _metric(text, "huren_queue_jobs", state="queued") >= 1
    assert _metric(text, "huren_queue_oldest_job_age_seconds") >= 0
    route = "/api/v1/applications/{app_id}/submit"
    assert _metric(text, "huren_http_requests_total", route=route, status="202") >= 1, "routes by template"
    assert app_id not in text, "never an id in a label"
    approved = _metric(before, "huren_decisions_total", outcome="approve")
    service.worker.run_until_idle()
    text = service.client.get("/metrics").text
    assert _metric(text, "huren_decisions_total", outcome="approve") == approved + 1
    assert _metric(text, "huren_screening_seconds_per_page_count") >= 1
    assert _metric(text, "huren_queue_jobs", state="queued") == 0


def test_readyz_says_what_is_missing(make_service: Any) -> None:
    service = make_service()
    r = service.client.get("/readyz")
    assert r.status_code == 200, r.text
    assert set(r.json()["checks"]) == {"database", "schema", "ocr_model", "cert_secret", "cert_font"}
    service.app.state.settings = service.settings.model_copy(update={"cert_secret": None})
    r = service.client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["cert_secret"] == "HUREN_CERT_SECRET is not set"


def test_readyz_fails_until_the_database_is_at_the_head_revision(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setattr(sealed, "_active", sealed._active)  # `db upgrade` configures the data key: undone after
    runner = CliRunner()
    with service.engine.begin() as conn:  # a database left at an older revision (e.g. restored from a backup)
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    r = service.client.get("/readyz")
    assert r.status_code == 503, r.text
    assert r.json()["checks"]["schema"] == f"at revision 0001, not {db.head()}: run `huren db upgrade`"
    current = runner.invoke(huren_cli, ["db", "current"])
    assert current.exit_code == 1 and f"at revision 0001, head {db.head()}" in current.output
    with service.engine.begin() as conn:  # … or made before migrations: no revision at all
        conn.execute(text("DROP TABLE alembic_version"))
    assert service.client.get("/readyz").json()["checks"]["schema"].startswith("at revision none,")
    upgraded = runner.invoke(huren_cli, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and f"at revision {db.head()} (was unversioned)" in upgraded.output
    assert runner.invoke(huren_cli, ["db", "current"]).exit_code == 0
    r = service.client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"]["schema"] == "ok", r.text
