"""Public verification: a page for people, JSON for machines, nothing without the QR's code, rate-limited;
each recognition its own certificate, an earlier one of the same registration shown as superseded."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app as huren_cli
from huren import zone
from recognition.recognitions import RecognitionStore
from recognition.reissue import (
    CHECK_ALPHABET,
    CODE_ALPHABET,
    certificate_number,
    number_valid,
    printed_code,
    verification_code,
)

from .conftest import APPROVABLE, FORM, SECRET, Service

ID_DIGITS = re.compile(r"\d{4,}")


def _issued(service: Service, who: str = "alice", **form: Any) -> tuple[str, str]:
    """(application id, certificate number) of an approved application with the bundle's documents."""
    app_id = service.new_application(who, **form)
    assert service.upload(app_id, APPROVABLE, who).status_code == 201
    assert service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers(who)).status_code == 202
    service.worker.run_until_idle()
    status = service.status(app_id, who)
    assert status["state"] == "approved", status
    return app_id, str(status["certificate"]["number"])


def _code(number: str) -> str:
    return verification_code(number, FORM["id_number"], FORM["name"], SECRET.encode())


def _json(service: Service, number: str, code: str | None = None) -> tuple[int, dict[str, Any]]:
    r = service.client.get(f"/api/v1/verify/{number}", params={"c": code} if code is not None else {})
    return r.status_code, r.json()


def test_without_the_code_only_existence_is_told(service: Service) -> None:
    _, number = _issued(service)
    status, body = _json(service, number)
    assert (status, body["status"], body["exists"]) == (200, "code_required", True)
    assert not {"holder_name", "id_number", "level", "categories", "valid_until"} & set(body), body
    page = service.client.get(f"/verify/{number}")
    assert page.headers["content-type"].startswith("text/html")
    assert "请输入核验码" in page.text and 'name="c"' in page.text
    assert "韦" not in page.text and "3941" not in page.text and "力学" not in page.text
    missing = certificate_number("qingpu", 2025, 999)
    assert _json(service, missing)[0] == 404 and "查无此证书" in service.client.get(f"/verify/{missing}").text


def test_a_wrong_code_cannot_be_verified(service: Service) -> None:
    _, number = _issued(service)
    for wrong in ("AAAAAAAAAAAAAAAA", _code(number)[:-1] + ("A" if _code(number)[-1] != "A" else "B"), "x"):
        status, body = _json(service, number, wrong)
        assert (status, body["status"], body["code_valid"]) == (200, "unverifiable", False)
        assert "holder_name" not in body and "有效" not in body["status_zh"]
        page = service.client.get(f"/verify/{number}", params={"c": wrong})
        assert "无法核验" in page.text and "韦" not in page.text and "有效" not in page.text
    other = certificate_number("wujiang", 2025, 1)  # a number that does not exist, any code: the same answer
    assert _json(service, other, _code(other))[1]["status"] == "unverifiable"


def test_the_right_code_shows_status_and_masked_holder(service: Service) -> None:
    _, number = _issued(service)
    status, body = _json(service, number, _code(number))
    assert (status, body["status"], body["code_valid"]) == (200, "valid", True)
    assert body["holder_name"] == "韦**" and body["id_number"] == "3301**********3941"
    assert FORM["id_number"] not in str(body)
    page = service.client.get(f"/verify/{number.lower()}", params={"c": _code(number)})  # lower case is the same
    assert page.status_code == 200 and "有效" in page.text and "韦**" in page.text
    assert FORM["id_number"] not in page.text and "韦秀旻" not in page.text
    # the code as printed under the QR and typed by hand: groups, lower case, O for 0 and l for 1
    typed = printed_code(_code(number)).lower().replace("0", "o").replace("1", "l")
    assert _json(service, number, typed)[1]["status"] == "valid"
    assert set(_code(number)) <= set(CODE_ALPHABET) and len(_code(number)) == 16
    # JSON from the page's URL, asked for either way
    assert service.client.get(f"/verify/{number}", params={"c": _code(number), "format": "json"}).json() == body
    accept = service.client.get(f"/verify/{number}?c={_code(number)}", headers={"Accept": "application/json"})
    assert accept.json() == body


def test_check_character_never_i_or_o_and_a_mistyped_check_is_caught() -> None:
    assert "I" not in CHECK_ALPHABET and "O" not in CHECK_ALPHABET
    for area in zone.areas():
        for seq in range(1, 3000):
            number = certificate_number(area, 2026, seq)
            assert number[-1] not in "IO" and number_valid(number), number
            assert not number_valid(number[:-1] + ("1" if number[-1] != "1" else "2"))


def test_requests_are_rate_limited(make_service: Callable[..., Service]) -> None:
    service = make_service(verify_rate_limit=5, verify_rate_window_seconds=60)
    number = certificate_number("qingpu", 2025, 1)
    answers = [service.client.get(f"/api/v1/verify/{number}").status_code for _ in range(8)]
    assert answers[:5] == [404] * 5 and answers[5:] == [429] * 3, answers
    page = service.client.get(f"/verify/{number}")
    assert page.status_code == 429 and "过于频繁" in page.text and page.headers["retry-after"]


def test_each_application_gets_its_own_certificate_and_the_earlier_is_superseded(service: Service) -> None:
    """Two accounts apply for the same registration, area and day: two certificates, not one PDF twice."""
    first_app, first = _issued(service, "alice")
    second_app, second = _issued(service, "bob")
    assert first != second
    pdfs = {}
    for app_id, who in ((first_app, "alice"), (second_app, "bob")):
        r = service.client.get(f"/api/v1/applications/{app_id}/certificate", headers=service.headers(who))
        assert r.status_code == 200
        pdfs[who] = hashlib.sha256(r.content).hexdigest()
    assert pdfs["alice"] != pdfs["bob"]
    store = RecognitionStore(service.engine)
    for app_id, number in ((first_app, first), (second_app, second)):
        mine = store.for_application(app_id)
        assert mine is not None and mine.number == number  # each application's own certificate
    assert _json(service, first, _code(first))[1]["status"] == "superseded"
    assert _json(service, second, _code(second))[1]["status"] == "valid"
    page = service.client.get(f"/verify/{first}", params={"c": _code(first)})
    assert "已换发新证" in page.text


@pytest.mark.parametrize("missing", ["HUREN_CERT_SECRET", "HUREN_VERIFY_BASE_URL"])
def test_serve_refuses_to_start_without_secret_and_base_url(
    missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("HUREN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUREN_CERT_SECRET", "s")
    monkeypatch.setenv("HUREN_VERIFY_BASE_URL", "https://verify.example")
    monkeypatch.delenv(missing)
    for command in (["serve"], ["worker"]):
        result = CliRunner().invoke(huren_cli, command)
        assert result.exit_code == 2 and missing in result.output, result.output


def test_expired_and_revoked_with_the_right_code(service: Service) -> None:
    from datetime import date, timedelta

    from huren.domain import CertType, RecordStatus, RegistryRecord
    from matching.store import RegistryStore
    from recognition.recognitions import Recognition

    today = date.fromisoformat(service.settings.as_of or "2025-06-01")
    people = {"expired": ("过期人", today - timedelta(days=1), None), "revoked": ("撤销人", None, RecordStatus.REVOKED)}
    for i, (expect, (name, valid_until, status)) in enumerate(people.items(), 1):
        id_number = f"11010119900101{i:03d}" + "X"
        if status is not None:
            RegistryStore(service.engine).upsert([RegistryRecord(CertType.REGISTRATION, f"V-{i}", name, status=status)])
        recognition = Recognition(
            area="jiashan", year=2025, cert_type="registration", cert_number=f"V-{i}", holder_name=name,
            recognising_authority=zone.area("jiashan").bureau, issued_on=today, decision_as_of=today,
            rules_version="t", id_number=id_number, valid_until=valid_until,
        )  # fmt: skip
        recorded, _ = RecognitionStore(service.engine).record(
            recognition, lambda s: certificate_number("jiashan", 2025, s)
        )
        number = str(recorded.number)
        code = verification_code(number, id_number, name, SECRET.encode())
        assert _json(service, number, code)[1]["status"] == expect
        page = service.client.get(f"/verify/{number}", params={"c": code})
        assert {"expired": "已过期", "revoked": "已撤销"}[expect] in page.text


def test_a_superseded_certificate_is_out_of_force_in_the_follow_up_lists(service: Service) -> None:
    _, first = _issued(service, "alice")
    _, second = _issued(service, "bob")
    exported = service.client.get("/api/v1/recognitions/export?format=json", headers=service.headers("otto")).json()
    status = {r["number"]: r["status"] for r in exported["recognitions"]}
    assert status == {first: "superseded", second: "valid"}
    drawn = service.client.post("/api/v1/inspections/sample", json={"size": 5}, headers=service.headers("otto"))
    assert [r["number"] for r in drawn.json()["selected"]] == [second]
    soon = service.client.get("/api/v1/recognitions/expiring?days=3650", headers=service.headers("otto")).json()
    assert [r["number"] for r in soon["recognitions"]] == [second]
