"""Cross-document checks, each with a passing and a failing case."""

from __future__ import annotations

from datetime import date

import pytest

from huren.domain import ConsistencyCheck, DocType, Evidence, ExtractedField, Extraction, RecordStatus, Verdict
from matching.consistency import check_consistency
from samples.records import certificate_extraction

from .helpers import registration_record
from .test_registry_files import valid_id

ID = valid_id("31022919850312001")  # a man (17th digit odd), born 1985-03-12
OTHER_ID = valid_id("32058419900101002")
AS_OF = date(2024, 6, 1)


def doc(doc_type: DocType, source: str, **fields: object) -> Extraction:
    return Extraction(source, 1, doc_type, 0.99, {k: ExtractedField(v, 0.9) for k, v in fields.items()})  # type: ignore[arg-type]


def front(**overrides: object) -> Extraction:
    fields: dict[str, object] = {"name": "张伟", "id_number": ID, "gender": "男", "birth_date": "1985-03-12"}
    fields.update(overrides)
    return doc(DocType.ID_CARD_FRONT, "id_front.jpg", **fields)


def back(valid_from: str | None = "2015-01-01", valid_until: str | None = "2035-01-01") -> Extraction:
    fields = {k: v for k, v in {"valid_from": valid_from, "valid_until": valid_until}.items() if v}
    return doc(DocType.ID_CARD_BACK, "id_back.jpg", **fields)


def form(**overrides: object) -> Extraction:
    fields: dict[str, object] = {
        "name": "张伟",
        "id_number": ID,
        "gender": "男",
        "cert_number": "沪ZC2019000123",
        "level": 1,
        "issuing_authority": "上海市质量技术监督局",
        "valid_from": "2019-03-01",
        "valid_until": "2024-02-28",
        "categories": ["长度", "力学"],
    }
    fields.update(overrides)
    return doc(DocType.APPLICATION_FORM, "form.pdf", **fields)


def cert(**overrides: object) -> Extraction:
    extraction = certificate_extraction(registration_record(ID), source="cert.jpg")
    for key, value in overrides.items():
        extraction.fields[key] = ExtractedField(value, 0.9)  # type: ignore[arg-type]
    return extraction


def verdicts(checks: list[ConsistencyCheck], name: str) -> list[Verdict]:
    return [c.verdict for c in checks if c.check == name]


CASES = [
    # (check, documents that pass, documents that fail)
    ("id_card_name_matches_certificate", lambda: [front(), cert()], lambda: [front(name="李明"), cert()]),
    ("id_card_id_number_matches_certificate", lambda: [front(), cert()], lambda: [front(id_number=OTHER_ID), cert()]),
    ("form_name_matches_id_card", lambda: [form(), front()], lambda: [form(name="张玮琪"), front()]),
    ("form_id_number_matches_id_card", lambda: [form(), front()], lambda: [form(id_number=OTHER_ID), front()]),
    ("form_gender_matches_id_card", lambda: [form(), front()], lambda: [form(gender="女"), front()]),
    ("form_name_matches_certificate", lambda: [form(), cert()], lambda: [form(name="王芳"), cert()]),
    (
        "form_cert_number_matches_registration",
        lambda: [form(), cert()],
        lambda: [form(cert_number="沪ZC2019000777"), cert()],
    ),
    ("form_level_matches_registration", lambda: [form(), cert()], lambda: [form(level=2), cert()]),
    (
        "form_issuing_authority_matches_registration",
        lambda: [form(), cert()],
        lambda: [form(issuing_authority="北京市市场监督管理局"), cert()],
    ),
    (
        "form_valid_until_matches_registration",
        lambda: [form(), cert()],
        lambda: [form(valid_until="2027-08-28"), cert()],
    ),
    (
        "form_categories_matches_registration",
        lambda: [form(), cert()],
        lambda: [form(categories=["电磁", "化学"]), cert()],
    ),
    ("gender_matches_id_number", lambda: [front()], lambda: [front(gender="女")]),
    ("birth_date_matches_id_number", lambda: [front()], lambda: [front(birth_date="1985-03-21")]),
    ("id_card_valid_at_decision_date", lambda: [back()], lambda: [back(valid_until="2024-01-31")]),
]


@pytest.mark.parametrize(("check", "passing", "failing"), CASES, ids=[c[0] for c in CASES])
def test_check_passes_and_fails(check: str, passing, failing) -> None:
    ok = verdicts(check_consistency(passing(), [], AS_OF), check)
    assert ok == [Verdict.MATCH], f"{check}: expected [match], got {ok}"
    bad = verdicts(check_consistency(failing(), [], AS_OF), check)
    assert bad == [Verdict.MISMATCH], f"{check}: expected [mismatch], got {bad}"


def test_look_alike_in_name_still_consistent() -> None:
    checks = check_consistency([front(name="张伟"), cert(name="张伟")], [], AS_OF)
    assert verdicts(checks, "id_card_name_matches_certificate") == [Verdict.MATCH]
    checks = check_consistency([form(name="王己明"), front(name="王已明")], [], AS_OF)
    assert verdicts(checks, "form_name_matches_id_card") == [Verdict.MATCH]


def test_id_card_long_term_validity() -> None:
    checks = check_consistency([back(valid_from="2010-01-01", valid_until=None)], [], AS_OF)
    assert verdicts(checks, "id_card_valid_at_decision_date") == [Verdict.MATCH]
    assert "长期" in next(c.detail for c in checks if c.check == "id_card_valid_at_decision_date")


def test_id_card_back_missing() -> None:
    assert verdicts(check_consistency([front()], [], AS_OF), "id_card_valid_at_decision_date") == [Verdict.MISSING]


def test_invalid_id_number_is_flagged_and_masked() -> None:
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    checks = check_consistency([front(id_number=bad)], [], AS_OF)
    flagged = [c for c in checks if c.check == "id_number_check_digit"]
    assert [c.verdict for c in flagged] == [Verdict.MISMATCH]
    assert bad not in flagged[0].detail


def test_certificate_validity_from_document_and_registry() -> None:
    record = registration_record(ID)
    document = cert()
    assert verdicts(check_consistency([document], [], date(2020, 1, 1)), "certificate_valid_at_decision_date") == [
        Verdict.MATCH
    ]
    assert verdicts(check_consistency([document], [], date(2024, 6, 1)), "certificate_valid_at_decision_date") == [
        Verdict.MISMATCH
    ]
    # The registry's status wins over the dates printed on the certificate.
    record.status = RecordStatus.REVOKED
    evidence = Evidence(document.source, document.page, document.doc_type, record, 1.0)
    checks = check_consistency([document], [evidence], date(2020, 1, 1))
    assert verdicts(checks, "certificate_valid_at_decision_date") == [Verdict.MISMATCH]
    assert "revoked" in next(c.detail for c in checks if c.check == "certificate_valid_at_decision_date")


def test_legacy_certificate_without_id_number_is_missing_not_mismatch() -> None:
    checks = check_consistency([front(), cert(id_number=None)], [], AS_OF)
    assert verdicts(checks, "id_card_id_number_matches_certificate") == [Verdict.MISSING]
