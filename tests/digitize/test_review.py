"""Flags, the correction queue, and the export `huren registry import` loads."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from digitize import outdir
from digitize.records import REGISTRY_COLUMNS, rows_from_entries
from digitize.run import RunOptions, run
from huren.domain import CertType, RegistryRecord
from matching import Registry, RegistryStore

runner = CliRunner()

VALID_ID = "330106198805233941"  # synthetic, valid check digit


def _field(value: Any, confidence: float = 1.0) -> dict[str, Any]:
    return {"value": value, "confidence": confidence, "bbox": [10.0, 10.0, 200.0, 40.0]}


def _entry(page: int, **fields: dict[str, Any]) -> dict[str, Any]:
    base = {
        "name": _field("韦秀旻"),
        "cert_number": _field(f"沪注计2023{page:04d}"),
        "id_number": _field(VALID_ID),
        "level": _field(2),
        "issuing_authority": _field("上海市市场监督管理局"),
        "valid_from": _field("2023-06-22"),
        "valid_until": _field("2028-06-21"),
    }
    base.update(fields)
    return {
        "key": f"{'a' * 32}:{page}",
        "source": "/box/a.pdf",
        "page": page,
        "file_sha256": "a" * 64,
        "status": "ok",
        "doc_type": "registration_certificate",
        "fields": base,
    }


def _Registry() -> Registry:
    return Registry([RegistryRecord(CertType.REGISTRATION, "沪注计20230009", "某人")])


def test_review_reasons() -> None:
    entries = [
        _entry(1),
        _entry(2, name=_field("韦秀旻", 0.41)),
        _entry(3, id_number=_field("330106198805233940")),
        _entry(4, issuing_authority=_field("火星市计量局")),
        {**_entry(5), "fields": {k: v for k, v in _entry(5)["fields"].items() if k != "name"}},
        _entry(6, cert_number=_field("沪注计20230001")),  # the same certificate as page 1
        _entry(9),
        {**_entry(7), "doc_type": "id_card_front"},  # not a certificate: no row
        {**_entry(8), "status": "failed"},
    ]
    rows = rows_from_entries({e["key"]: e for e in entries}, registry=_Registry())
    got = {r.page: [str(f).split("(")[0] for f in r.flags] for r in rows}
    assert got == {
        1: [],
        2: ["name:low_confidence"],
        3: ["id_number:invalid_id_check_digit"],
        4: ["issuing_authority:unknown_authority"],
        5: ["name:missing_required"],
        6: ["cert_number:duplicate_row"],
        9: ["cert_number:duplicate_registry"],
    }, got


def test_registry_duplicate_is_found_on_the_normalised_number() -> None:
    """The registry holds JL20190123; the scan prints JL2019-0123 (and OCR read a full-width dash)."""
    registry = Registry([RegistryRecord(CertType.REGISTRATION, "JL20190123", "某人")])
    for printed in ("JL2019-0123", "jl2019 0123", "JL2019－0123"):
        (row,) = rows_from_entries({"k": _entry(1, cert_number=_field(printed))}, registry=registry)
        assert [str(f) for f in row.flags] == ["cert_number:duplicate_registry"], (printed, row.flags)


def test_legacy_verifier_without_id_number_needs_no_review() -> None:
    entry = {
        **_entry(1),
        "doc_type": "verifier_certificate",
        "fields": {
            "name": _field("孙艳"),
            "cert_number": _field("苏检1403375"),
            "issuing_authority": _field("江苏省质量技术监督局"),
            "items": _field(["电子汽车衡", "血压计"]),
        },
    }
    (row,) = rows_from_entries({entry["key"]: entry})
    assert row.flags == [] and row.values["items"] == "电子汽车衡;血压计" and row.values["cert_type"] == "verifier"


@pytest.fixture()
def finished_run(text_folder: Path, tmp_path: Path) -> Path:
    """A run whose one registration certificate has a field a person must look at."""
    out = tmp_path / "out"
    run(RunOptions(inputs=[text_folder], out=out, min_confidence=0.9))  # 上海…局 is read at 0.85
    return out


def _records(out: Path) -> list[dict[str, str]]:
    with (out / outdir.RECORDS).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_review_set_and_confirm(finished_run: Path) -> None:
    out = finished_run
    flagged = [r for r in _records(out) if r["needs_review"] == "true"]
    assert flagged, _records(out)
    row = flagged[0]
    assert "issuing_authority:low_confidence" in row["review_reasons"]

    listed = runner.invoke(app, ["digitize", "review", str(out), "--list"])
    assert listed.exit_code == 0, listed.output
    assert row["row_id"] in listed.output and "crop" in listed.output
    crop = out / "crops" / f"{row['row_id']}_issuing_authority.png"
    assert crop.exists() and crop.stat().st_size > 100

    result = runner.invoke(
        app,
        [
            "digitize", "review", str(out),
            "--set", f"{row['row_id']}:employer=上海青松计量技术服务有限公司（更正）",
            "--confirm", f"{row['row_id']}:issuing_authority",
            "--reviewer", "王审核",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    corrections = list(outdir.read_jsonl(out / outdir.CORRECTIONS))
    assert [c["action"] for c in corrections] == ["correct", "confirm"]
    assert corrections[0]["reviewer"] == "王审核" and corrections[0]["at"]
    assert corrections[0]["ocr_value"] == row["employer"]

    after = next(r for r in _records(out) if r["row_id"] == row["row_id"])
    assert after["employer"].endswith("（更正）")
    assert after["needs_review"] == "false"


def test_review_interactive(finished_run: Path) -> None:
    out = finished_run
    result = runner.invoke(
        app, ["digitize", "review", str(out), "--no-crops"], input="李审核\n上海市市场监督管理局\n\n"
    )
    assert result.exit_code == 0, result.output
    c1, c2 = list(outdir.read_jsonl(out / outdir.CORRECTIONS))
    assert (c1["reviewer"], c1["field"], c1["action"]) == ("李审核", "issuing_authority", "confirm")
    assert c2["action"] == "confirm" and c2["value"] == "江苏省市场监督管理局"
    assert all(r["needs_review"] == "false" for r in _records(out))


def test_review_rejects_unknown_row_and_field(finished_run: Path) -> None:
    bad_row = runner.invoke(app, ["digitize", "review", str(finished_run), "--set", "999:name=x", "--reviewer", "a"])
    assert bad_row.exit_code == 2 and "row_not_found" in bad_row.output
    bad_field = runner.invoke(app, ["digitize", "review", str(finished_run), "--set", "1:colour=x", "--reviewer", "a"])
    assert bad_field.exit_code == 2 and "unknown_field" in bad_field.output


def test_export_loads_with_registry_import(finished_run: Path, tmp_path: Path) -> None:
    out = finished_run
    export = tmp_path / "registry.csv"
    held = runner.invoke(app, ["digitize", "export", str(out), "--out", str(export)])
    assert held.exit_code == 0, held.output
    with export.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == (*REGISTRY_COLUMNS, "source")
        assert len(list(reader)) == 1  # the two flagged rows are held back until reviewed

    confirms = [f"{r['row_id']}:issuing_authority" for r in _records(out) if r["needs_review"] == "true"]
    assert len(confirms) == 2
    args = [a for c in confirms for a in ("--confirm", c)]
    assert runner.invoke(app, ["digitize", "review", str(out), *args, "--reviewer", "王"]).exit_code == 0
    assert runner.invoke(app, ["digitize", "export", str(out), "--out", str(export)]).exit_code == 0

    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    imported = runner.invoke(app, ["registry", "import", str(export), "--database-url", url])
    assert imported.exit_code == 0, imported.output
    store = RegistryStore(url)
    assert store.count() == 3
    record = store.get("assessment", "苏E计考20225436")
    assert record is not None and record.name == "陶阳頔" and record.items == ["电磁流量计", "砝码", "电子计价秤"]
    store.dispose()


def test_registry_duplicates_from_a_registry_file(text_folder: Path, tmp_path: Path) -> None:
    registry = tmp_path / "known.csv"
    registry.write_text("cert_type,cert_number,name\nregistration,沪注计20233781,韦秀旻\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["digitize", "run", str(text_folder), "--out", str(out), "--registry", str(registry)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / outdir.SUMMARY).read_text(encoding="utf-8"))
    assert summary["review_reasons"].get("duplicate_registry") == 1
    # review and export remember the registry of the run
    export = runner.invoke(app, ["digitize", "export", str(out)])
    assert "沪注计20233781" not in export.stdout


def test_digitised_rows_never_overwrite_an_authoritys_record_unasked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The authority's record stays unless `--overwrite-authority`, and then each change is audited."""
    from sqlalchemy import select

    from api import audit
    from api.db import audit_log
    from db import open_database
    from digitize.records import write_registry_csv

    monkeypatch.setenv("HUREN_DATA_DIR", str(tmp_path / "data"))  # where the audit key lives
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    authority = tmp_path / "authority.csv"
    authority.write_text(
        "cert_type,cert_number,name,id_number,level,issuing_authority,valid_from,valid_until,employer\n"
        + "".join(
            f"registration,沪注计2023000{i},韦秀旻,{VALID_ID},2,上海市市场监督管理局,2023-06-22,2028-06-21,"
            "上海青松计量技术服务有限公司\n"
            for i in (1, 2)
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["registry", "import", str(authority), "--database-url", url]).exit_code == 0
    # the scans: page 1 read the employer differently (OCR), page 3 is a certificate the registry lacks,
    # page 2 says exactly what the authority says
    entries = [
        _entry(1, employer=_field("上海青松计量技术服务有眼公司")),
        _entry(2, employer=_field("上海青松计量技术服务有限公司")),
        _entry(3),
    ]
    rows = rows_from_entries({e["key"]: e for e in entries})
    digitised = tmp_path / "digitised.csv"
    with digitised.open("w", encoding="utf-8", newline="") as fh:
        write_registry_csv(rows, fh)

    refused = runner.invoke(app, ["registry", "import", str(digitised), "--database-url", url])
    assert refused.exit_code == 1, refused.output
    assert "digitised.csv:2: cert_number" in refused.output and "overwrite" in refused.output
    store = RegistryStore(url)
    kept = store.get("registration", "沪注计20230001")
    assert kept is not None and kept.employer == "上海青松计量技术服务有限公司" and kept.source == "authority.csv"
    assert store.get("registration", "沪注计20230003") is None  # all or nothing: a row error writes nothing
    partial = runner.invoke(app, ["registry", "import", str(digitised), "--database-url", url, "--partial"])
    assert partial.exit_code == 1, partial.output
    assert store.get("registration", "沪注计20230003") is not None  # the good rows land with --partial …
    kept = store.get("registration", "沪注计20230001")
    assert kept is not None and kept.employer == "上海青松计量技术服务有限公司"  # … and the authority's stays

    forced = runner.invoke(app, ["registry", "import", str(digitised), "--database-url", url, "--overwrite-authority"])
    assert forced.exit_code == 0, forced.output
    changed = store.get("registration", "沪注计20230001")
    assert changed is not None and changed.employer == "上海青松计量技术服务有眼公司"
    assert changed.source == "digitized:a.pdf#p1"
    engine = open_database(url)
    with engine.connect() as conn:
        entries_ = [dict(r._mapping) for r in conn.execute(select(audit_log))]
    overwrites = [e for e in entries_ if e["action"] == "registry.overwrite_authority"]
    assert [(e["target"], e["detail"]["fields"]) for e in overwrites] == [("registration:沪注计20230001", ["employer"])]
    assert audit.verify(engine).ok
    store.dispose()
    engine.dispose()


def test_a_page_holding_two_certificates_gives_two_rows() -> None:
    first, second = _entry(1), _entry(1, cert_number=_field("沪注计20239999"), name=_field("孙艳"))
    entry = {
        **first,
        "documents": [
            {"index": 0, "doc_type": "registration_certificate", "fields": first["fields"]},
            {"index": 1, "doc_type": "id_card_front", "fields": {"name": _field("孙艳")}},  # not a certificate
            {"index": 2, "doc_type": "registration_certificate", "fields": second["fields"]},
        ],
    }
    rows = rows_from_entries({entry["key"]: entry})
    assert [(r.row_id, r.values["cert_number"], r.values["name"]) for r in rows] == [
        ("aaaaaaaaaaaa-p1", "沪注计20230001", "韦秀旻"),
        ("aaaaaaaaaaaa-p1-d2", "沪注计20239999", "孙艳"),
    ]


def test_a_scanned_page_of_two_certificates_is_journalled_as_two_documents(tmp_path: Path) -> None:
    import cv2

    from digitize.pages import PageTask, process_task
    from tests.ocr.test_regions import page, sample, width

    scan = tmp_path / "two.png"
    reg, ver = width(sample("reg_004.jpg"), 1100), width(sample("ver_005.png"), 1100)
    cv2.imwrite(str(scan), page((reg, 70, 30), (ver, 70, 30 + reg.shape[0] + 100)))
    entry = process_task(PageTask(str(scan), 1, "b" * 64))
    assert entry["status"] == "ok", entry
    assert [d["doc_type"] for d in entry["documents"]] == ["registration_certificate", "verifier_certificate"]
    rows = rows_from_entries({entry["key"]: entry})
    assert [r.row_id for r in rows] == ["bbbbbbbbbbbb-p1", "bbbbbbbbbbbb-p1-d1"]
    assert [str(r.cert_type) for r in rows] == ["registration", "verifier"]
