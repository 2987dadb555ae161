"""verify_documents: one evidence per certificate, consistency over all, the JSON the CLI prints."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from huren.domain import DocType, Verdict
from matching.importer import import_files
from matching.registry import Registry
from matching.store import RegistryStore
from matching.verify import verify_documents
from samples.records import certificate_extraction

from .helpers import registration_record
from .test_consistency import ID, back, form, front
from .test_registry_files import GOOD, HEADER, write


def test_verify_documents_json_shape() -> None:
    record = registration_record(ID)
    registry = Registry([record])
    documents = [front(), back(), form(), certificate_extraction(record, source="cert.jpg")]
    result = verify_documents(documents, registry, date(2023, 6, 1))
    out = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert set(out) == {"documents", "evidence", "consistency"}
    assert len(out["documents"]) == 4
    assert [e["doc_type"] for e in out["evidence"]] == [DocType.REGISTRATION_CERTIFICATE.value]
    evidence = out["evidence"][0]
    assert evidence["record"]["cert_number"] == "沪ZC2019000123"
    assert evidence["score"] == 1.0
    assert {f["field"] for f in evidence["fields"]} >= {"cert_number", "id_number", "name", "level"}
    checks = {c["check"]: c["verdict"] for c in out["consistency"]}
    assert checks["id_card_name_matches_certificate"] == "match"
    assert checks["form_issuing_authority_matches_registration"] == "match", "质量技术监督局 = its successor"
    assert checks["certificate_valid_at_decision_date"] == "match"
    assert checks["id_card_valid_at_decision_date"] == "match"


def test_verify_against_a_csv_registry_and_a_store(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *GOOD], "gbk")
    store = RegistryStore(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    import_files(store, [path])
    for registry in (Registry.from_csv(path), store):
        record = registry.get("registration", "沪ZC2019000123")
        assert record is not None
        result = verify_documents([certificate_extraction(record)], registry, date(2020, 1, 1))
        assert result.evidence[0].record is not None
        assert result.evidence[0].record.cert_number == "沪ZC2019000123"
        assert all(f.verdict is Verdict.MATCH for f in result.evidence[0].fields)


def test_unknown_certificate_has_no_record() -> None:
    record = registration_record(ID)
    result = verify_documents([certificate_extraction(record)], Registry(), date(2020, 1, 1))
    assert result.evidence[0].record is None
    assert result.evidence[0].score == 0.0
