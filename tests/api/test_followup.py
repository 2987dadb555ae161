"""Follow-up management: the export for the provinces, reproducible 双随机 sampling, expiring certificates."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from api import audit, followup
from cli.app import app as huren_cli
from huren import zone
from huren.domain import CertType, RecordStatus, RegistryRecord
from matching.store import RegistryStore
from recognition.recognitions import Recognition, RecognitionStore
from recognition.reissue import certificate_number

from .conftest import APPROVABLE, AS_OF, Service

TODAY = date.fromisoformat(AS_OF)
FLOW_ID_NUMBER = "330106198805233941"


def _recognise(
    service: Service,
    area: str,
    i: int,
    *,
    valid_until: date | None = TODAY + timedelta(days=900),
    status: RecordStatus | None = None,
) -> str:
    """One recognition recorded through the recognitions table's own function; returns its number."""
    cert_number = f"TEST-{area}-{i:04d}"
    id_number = f"3101011990{i:07d}X"[:18]
    if status is not None:  # the issuing authority's record, e.g. revoked
        record = RegistryRecord(CertType.REGISTRATION, cert_number, f"测试{i}", id_number=id_number, status=status)
        RegistryStore(service.engine).upsert([record])
    recognition = Recognition(
        area=area,
        year=2025,
        cert_type="registration",
        cert_number=cert_number,
        holder_name=f"测试{i}",
        recognising_authority=zone.area(area).bureau,
        issued_on=TODAY,
        decision_as_of=TODAY,
        rules_version="test",
        id_number=id_number,
        level=2,
        categories=["力学", "声学"],
        valid_from=TODAY - timedelta(days=365),
        valid_until=valid_until,
        employer=f"测试计量单位{i}",
    )
    recorded, _ = RecognitionStore(service.engine).record(recognition, lambda seq: certificate_number(area, 2025, seq))
    assert recorded.number is not None
    return recorded.number


def _population(service: Service) -> dict[str, list[str]]:
    """50 recognitions in force (20 青浦, 15 吴江, 15 嘉善) and some that must never be sampled."""
    areas = {"qingpu": 20, "wujiang": 15, "jiashan": 15}
    numbers: dict[str, list[str]] = {area: [] for area in areas}
    i = 0
    for area, n in areas.items():
        for _ in range(n):
            i += 1
            numbers[area].append(_recognise(service, area, i))
    numbers["excluded"] = [
        _recognise(service, "qingpu", 901, status=RecordStatus.REVOKED),
        _recognise(service, "wujiang", 902, status=RecordStatus.SUSPENDED),
        _recognise(service, "jiashan", 903, valid_until=TODAY - timedelta(days=1)),
    ]
    return numbers


def _entries(service: Service, action: str) -> list[dict[str, Any]]:
    return [e for e in audit.entries(service.engine, limit=10_000) if e["action"] == action]


def _error(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code, body
    assert body["message_zh"] and body["message_en"], body


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode()), "CSV starts with a BOM so that Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- export --------------------------------------------------------------------------------------------


def test_export_of_a_recognition_made_through_the_service(service: Service) -> None:
    app_id = service.submitted(APPROVABLE)  # approved and reissued by the worker (青浦)
    number = service.status(app_id)["certificate"]["number"]

    r = service.client.get("/api/v1/recognitions/export?format=csv", headers=service.headers("otto"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert list(rows[0]) == list(followup.EXPORT_COLUMNS)
    (row,) = rows
    expected = {
        "number": number,
        "area": "qingpu",
        "area_zh": "上海市青浦区",
        "province": "shanghai",
        "recognising_authority": "上海市青浦区市场监督管理局",
        "holder_name": "韦秀旻",
        "id_number": "3301**********3941",
        "cert_type": "registration",
        "cert_number": "沪注计20233781",
        "original_authority": "上海市市场监督管理局",
        "level": "2",
        "categories": "力学",
        "valid_from": "2023-06-22",
        "valid_until": "2028-06-21",
        "status": "valid",
    }
    for column, value in expected.items():
        assert row[column] == value, (column, value, row[column])

    full = service.client.get(
        "/api/v1/recognitions/export?format=json&province=shanghai&id_numbers=full", headers=service.headers("ada")
    )
    assert full.status_code == 200, full.text
    body = full.json()
    assert (body["id_numbers"], body["areas"], body["count"]) == ("full", ["qingpu"], 1)
    assert body["recognitions"][0]["id_number"] == FLOW_ID_NUMBER
    assert body["recognitions"][0]["categories"] == ["力学"]
    masked = service.client.get("/api/v1/recognitions/export?format=json", headers=service.headers("ada")).json()
    assert masked["id_numbers"] == "masked" and FLOW_ID_NUMBER not in json.dumps(masked)

    for who in ("rita", "ruth"):  # the 青浦 reviewer and the Shanghai reviewer
        seen = service.client.get("/api/v1/recognitions/export?format=json", headers=service.headers(who)).json()
        assert [x["number"] for x in seen["recognitions"]] == [number], who
        assert FLOW_ID_NUMBER not in json.dumps(seen), who
    wu = service.client.get("/api/v1/recognitions/export?format=json", headers=service.headers("wu")).json()
    assert (wu["areas"], wu["recognitions"]) == (["wujiang"], [])
    assert "韦秀旻" not in json.dumps(wu)

    exports = _entries(service, "recognition.export")
    assert [(e["actor"], e["detail"]["id_numbers"]) for e in exports] == [
        ("otto", "masked"),
        ("ada", "full"),
        ("ada", "masked"),
        ("rita", "masked"),
        ("ruth", "masked"),
        ("wu", "masked"),
    ]
    assert exports[0]["detail"]["sha256"] == r.headers["x-content-sha256"]
    assert exports[1]["detail"]["count"] == 1


def test_export_permissions_and_bad_parameters(service: Service) -> None:
    get = service.client.get
    _error(get("/api/v1/recognitions/export", headers=service.headers("alice")), 403, "forbidden")
    assert get("/api/v1/recognitions/export").status_code == 401
    for who in ("otto", "rita"):
        _error(
            get("/api/v1/recognitions/export?id_numbers=full", headers=service.headers(who)),
            403,
            "full_id_numbers_forbidden",
        )
    _error(get("/api/v1/recognitions/export?format=xml", headers=service.headers("ada")), 422, "invalid_format")
    _error(get("/api/v1/recognitions/export?id_numbers=all", headers=service.headers("ada")), 422, "invalid_id_numbers")
    _error(get("/api/v1/recognitions/export?province=anhui", headers=service.headers("ada")), 422, "invalid_province")
    _error(get("/api/v1/recognitions/export?area=suzhou", headers=service.headers("ada")), 422, "invalid_area")
    _error(
        get("/api/v1/recognitions/export?area=qingpu&province=zhejiang", headers=service.headers("ada")),
        422,
        "filter_conflict",
    )
    _error(get("/api/v1/recognitions/export?province=jiangsu", headers=service.headers("rita")), 403, "out_of_scope")
    assert not _entries(service, "recognition.export")  # a refused export leaves nothing behind


def test_export_status_and_province_filter(service: Service) -> None:
    numbers = _population(service)
    body = service.client.get(
        "/api/v1/recognitions/export?format=json&province=zhejiang", headers=service.headers("otto")
    ).json()
    got = [x["number"] for x in body["recognitions"]]
    assert got == sorted(numbers["jiashan"] + [numbers["excluded"][2]])
    assert {x["status"] for x in body["recognitions"]} == {"valid", "expired"}
    everything = service.client.get("/api/v1/recognitions/export", headers=service.headers("ada"))
    status = {row["number"]: row["status"] for row in _csv_rows(everything.content)}
    assert len(status) == 53
    assert [status[n] for n in numbers["excluded"]] == ["revoked", "suspended", "expired"]


# --- 双随机 sampling --------------------------------------------------------------------------------------


def _sample(service: Service, who: str = "ada", **body: Any) -> Any:
    return service.client.post("/api/v1/inspections/sample", json=body, headers=service.headers(who))


def test_sampling_is_reproducible_and_audited(service: Service) -> None:
    numbers = _population(service)
    in_force = {n for area in ("qingpu", "wujiang", "jiashan") for n in numbers[area]}

    first = _sample(service, size=5, seed="2025-双随机-01")
    assert first.status_code == 200, first.text
    drawn = first.json()
    assert (drawn["population"], drawn["size"], drawn["seed_generated"]) == (50, 5, False)
    selected = [x["number"] for x in drawn["selected"]]
    assert len(set(selected)) == 5 and set(selected) <= in_force
    assert all(x["id_number"].count("*") == 10 for x in drawn["selected"])  # masked

    again = _sample(service, who="otto", size=5, seed="2025-双随机-01").json()
    assert [x["number"] for x in again["selected"]] == selected
    other = _sample(service, size=5, seed="2025-双随机-02").json()
    assert [x["number"] for x in other["selected"]] != selected
    assert followup.draw("2025-双随机-01", sorted(in_force), 5) == selected  # anyone can redo the draw
    assert followup.draw("2025-双随机-01", sorted(in_force, reverse=True), 5) == selected  # whatever the order

    fresh = _sample(service, size=3).json()
    assert fresh["seed_generated"] is True and len(fresh["seed"]) >= 16
    redo = _sample(service, size=3, seed=fresh["seed"]).json()
    assert [x["number"] for x in redo["selected"]] == [x["number"] for x in fresh["selected"]]
    assert _sample(service, size=3, seed=42).json()["seed"] == "42"

    entries = _entries(service, "inspection.sample")
    assert len(entries) == 6
    first_entry = entries[0]
    assert first_entry["seq"] == drawn["audit_seq"] and first_entry["actor"] == "ada"
    detail = first_entry["detail"]
    assert (detail["seed"], detail["population"], detail["size"], detail["selected"]) == (
        "2025-双随机-01",
        50,
        5,
        selected,
    )
    assert detail["population_sha256"] == drawn["population_sha256"] == again["population_sha256"]
    assert entries[3]["detail"]["seed_generated"] is True and entries[3]["detail"]["seed"] == fresh["seed"]
    assert service.client.get("/api/v1/audit/verify", headers=service.headers("otto")).json()["ok"] is True


def test_sampling_scope_sizes_and_errors(service: Service) -> None:
    numbers = _population(service)
    rita = _sample(service, who="rita", size=4, seed="s").json()
    assert rita["areas"] == ["qingpu"] and rita["population"] == 20
    assert {x["number"] for x in rita["selected"]} <= set(numbers["qingpu"])
    _error(_sample(service, who="rita", size=4, province="jiangsu"), 403, "out_of_scope")
    _error(_sample(service, who="alice", size=4), 403, "forbidden")

    everyone = _sample(service, size=80, seed="s", province="jiangsu")
    assert everyone.status_code == 200, everyone.text
    body = everyone.json()
    assert body["population"] == 15 and len(body["selected"]) == 15
    assert {x["number"] for x in body["selected"]} == set(numbers["wujiang"])
    assert [w["code"] for w in body["warnings"]] == ["size_exceeds_population"]

    _error(_sample(service, size=0), 422, "invalid_size")
    _error(_sample(service, size=-3), 422, "invalid_size")
    _error(_sample(service, size=2, seed="   "), 422, "invalid_seed")
    _error(_sample(service, size=2, seed="x" * 200), 422, "invalid_seed")
    _error(_sample(service, size="many"), 422, "invalid_request")
    _error(_sample(service, size=2, sise=3), 422, "invalid_request")
    _error(_sample(service, size=2, area="nowhere"), 422, "invalid_area")


def test_sampling_an_empty_population_is_a_clear_error(service: Service) -> None:
    _recognise(service, "qingpu", 1, status=RecordStatus.REVOKED)
    _error(_sample(service, size=1), 409, "empty_population")
    assert not _entries(service, "inspection.sample")


# --- expiring ---------------------------------------------------------------------------------------------


def test_expiring_window_boundaries(service: Service) -> None:
    day = {n: TODAY + timedelta(days=n) for n in (-1, 0, 10, 30, 31)}
    today = _recognise(service, "qingpu", 1, valid_until=day[0])
    in_ten = _recognise(service, "wujiang", 2, valid_until=day[10])
    day_n = _recognise(service, "jiashan", 3, valid_until=day[30])
    _recognise(service, "qingpu", 4, valid_until=day[31])  # day N+1: not yet
    _recognise(service, "qingpu", 5, valid_until=day[-1])  # expired yesterday
    _recognise(service, "qingpu", 6, valid_until=day[10], status=RecordStatus.REVOKED)
    _recognise(service, "wujiang", 7, valid_until=day[10], status=RecordStatus.SUSPENDED)
    _recognise(service, "jiashan", 8, valid_until=None)  # no end date

    r = service.client.get("/api/v1/recognitions/expiring?days=30", headers=service.headers("otto"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["as_of"], body["until"], body["count"]) == (AS_OF, day[30].isoformat(), 3)
    assert [x["number"] for x in body["recognitions"]] == [today, in_ten, day_n]
    assert [x["days_left"] for x in body["recognitions"]] == [0, 10, 30]
    assert all("*" in x["id_number"] for x in body["recognitions"])

    day_zero = service.client.get("/api/v1/recognitions/expiring?days=0", headers=service.headers("ada")).json()
    assert [x["number"] for x in day_zero["recognitions"]] == [today]
    later = service.client.get(
        f"/api/v1/recognitions/expiring?days=0&as_of={day[31].isoformat()}", headers=service.headers("ada")
    ).json()
    assert later["count"] == 1 and later["recognitions"][0]["valid_until"] == day[31].isoformat()

    wu = service.client.get("/api/v1/recognitions/expiring?days=30", headers=service.headers("wu")).json()
    assert [x["number"] for x in wu["recognitions"]] == [in_ten]
    ruth = service.client.get(
        "/api/v1/recognitions/expiring?days=30&province=shanghai", headers=service.headers("ruth")
    ).json()
    assert [x["number"] for x in ruth["recognitions"]] == [today]
    logged = _entries(service, "recognition.expiring")
    assert logged[0]["actor"] == "otto" and logged[0]["detail"]["count"] == 3


def test_expiring_bad_parameters_and_permissions(service: Service) -> None:
    get = service.client.get
    ada = service.headers("ada")
    _error(get("/api/v1/recognitions/expiring?days=-1", headers=ada), 422, "invalid_days")
    _error(get("/api/v1/recognitions/expiring?days=100000", headers=ada), 422, "invalid_days")
    _error(get("/api/v1/recognitions/expiring?days=soon", headers=ada), 422, "invalid_request")
    _error(get("/api/v1/recognitions/expiring", headers=ada), 422, "invalid_request")
    _error(get("/api/v1/recognitions/expiring?days=5&as_of=01/06/2025", headers=ada), 422, "invalid_as_of")
    _error(get("/api/v1/recognitions/expiring?days=5", headers=service.headers("bob")), 403, "forbidden")
    _error(
        get("/api/v1/recognitions/expiring?days=5&area=jiashan", headers=service.headers("rita")), 403, "out_of_scope"
    )
    assert get("/api/v1/recognitions/expiring?days=5", headers=ada).json()["count"] == 0


# --- the commands ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(service: Service, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HUREN_DATABASE_URL", service.settings.resolved_database_url)
    monkeypatch.setenv("HUREN_DATA_DIR", str(service.settings.data_dir))
    monkeypatch.setenv("HUREN_AS_OF", AS_OF)
    return CliRunner()


def test_cli_export_sample_expiring_and_audit_verify(service: Service, cli: CliRunner, tmp_path: Any) -> None:
    numbers = _population(service)
    soon = _recognise(service, "jiashan", 100, valid_until=TODAY + timedelta(days=7))

    out = tmp_path / "zhejiang.csv"
    r = cli.invoke(
        huren_cli, ["recognitions", "export", "--format", "csv", "--province", "zhejiang", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    rows = _csv_rows(out.read_bytes())
    assert [row["number"] for row in rows] == sorted([*numbers["jiashan"], numbers["excluded"][2], soon])
    assert all("*" in row["id_number"] for row in rows)
    r = cli.invoke(huren_cli, ["recognitions", "export", "--format", "json", "--area", "qingpu", "--full-id-numbers"])
    assert r.exit_code == 0, r.output
    exported = json.loads(r.stdout)
    assert exported["id_numbers"] == "full" and exported["count"] == 21
    assert all("*" not in x["id_number"] for x in exported["recognitions"])

    args = ["inspections", "sample", "--size", "6", "--seed", "抽查-2025", "--json"]
    first, second = cli.invoke(huren_cli, args), cli.invoke(huren_cli, args)
    assert first.exit_code == 0, first.output
    picked = [x["number"] for x in json.loads(first.stdout)["selected"]]
    assert picked == [x["number"] for x in json.loads(second.stdout)["selected"]] and len(picked) == 6
    api = _sample(service, size=6, seed="抽查-2025").json()  # the service draws the same
    assert [x["number"] for x in api["selected"]] == picked
    plain = cli.invoke(huren_cli, ["inspections", "sample", "--size", "2"])
    assert plain.exit_code == 0 and "(generated" in plain.stdout
    big = cli.invoke(huren_cli, ["inspections", "sample", "--size", "500", "--province", "zhejiang"])
    assert big.exit_code == 0, big.output
    assert "warning" in big.stderr and "population 16" in big.stdout

    r = cli.invoke(huren_cli, ["recognitions", "expiring", "--days", "7", "--json"])
    assert r.exit_code == 0, r.output
    assert [x["number"] for x in json.loads(r.stdout)["recognitions"]] == [soon]
    r = cli.invoke(huren_cli, ["recognitions", "expiring", "--days", "6"])
    assert r.exit_code == 0 and r.stdout.startswith("0 expiring")

    for bad, code in (
        (["recognitions", "export", "--format", "xml"], "invalid_format"),
        (["recognitions", "expiring", "--days", "-1"], "invalid_days"),
        (["recognitions", "expiring", "--days", "3", "--as-of", "tomorrow"], "invalid_as_of"),
        (["inspections", "sample", "--size", "0"], "invalid_size"),
        (["inspections", "sample", "--size", "1", "--province", "anhui"], "invalid_province"),
    ):
        r = cli.invoke(huren_cli, bad)
        assert r.exit_code == 2 and f"error: {code}:" in r.stderr, (bad, r.output)

    actors = {e["actor"] for e in _entries(service, "inspection.sample")}
    assert actors == {"cli", "ada"}
    verified = cli.invoke(huren_cli, ["audit", "verify"])
    assert verified.exit_code == 0 and "ok" in verified.stdout, verified.output
