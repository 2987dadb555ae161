"""Registry-grounded reading: a miss closed from the page, a disagreement kept, a forged page not approved."""

from __future__ import annotations

from huren.domain import Decision, DocType, TextLine, Verdict
from matching.verify import VerifyResult, verify_documents
from recognition.decide import decide
from tests.recognition.builders import AS_OF, ID, Application, registry

H = 30.0


def line(text: str, x: float, y: float, confidence: float = 0.96) -> TextLine:
    return TextLine(text, (x, y, x + H * sum(2 if ord(c) > 0x2E80 else 1 for c in text) / 2, y + H), confidence)


def certificate_lines(name: str, valid: str = "2021年3月1日至2026年2月28日") -> list[TextLine]:
    return [
        line("注册计量师注册证", 400, 30),
        line("姓名", 100, 150),
        line(name, 300, 152),
        line(f"身份证号{ID}", 100, 200),
        line("注册证编号沪ZC2021000123", 100, 250),
        line(f"注册有效期{valid}", 100, 300),
        line("上海市市场监督管理局", 800, 600),
    ]


def application_missing(*keys: str) -> Application:
    app = Application()
    for key in keys:
        app.set("cert", key, None)
    return app


def run(app: Application, lines: list[TextLine]) -> tuple[VerifyResult, Decision]:
    documents = app.extractions()
    cert = next(d for d in documents if d.doc_type is DocType.REGISTRATION_CERTIFICATE)
    cert.lines = lines
    for key in ("name", "valid_until"):
        if key not in cert.fields:
            cert.warnings.append(f"missing_field: {key}")
    result = verify_documents(documents, registry(), AS_OF)
    return result, decide(result, as_of=AS_OF, versions={"ocr_engine": "test"})


def test_a_missed_name_and_date_found_on_the_page_close_the_miss_with_a_box() -> None:
    lines = certificate_lines("张伟")
    app = application_missing("name", "valid_until")
    result, decision = run(app, lines)
    fields = {f.field: f for f in result.evidence[0].fields}
    for key, expected in (("name", "张伟"), ("valid_until", "2026-02-28")):
        assert fields[key].verdict is Verdict.MATCH, (key, fields[key])
        assert fields[key].found_via_registry, key
        assert fields[key].extracted == expected
        assert fields[key].bbox is not None
    x0, y0, x1, y1 = fields["name"].bbox or (0, 0, 0, 0)
    assert x0 >= 290 and x1 <= 370, fields["name"].bbox
    assert 150 <= y0 < y1 <= 185, fields["name"].bbox
    cert = next(d for d in result.documents if d.doc_type is DocType.REGISTRATION_CERTIFICATE)
    assert "found_via_registry: name" in cert.warnings and "missing_field: name" not in cert.warnings
    assert cert.fields["name"].confidence < 0.96, "found through the registry is less sure than read"
    assert decision.outcome == "approve", [r.code for r in decision.reasons]


def test_an_ocr_confusion_on_the_page_still_closes_the_miss() -> None:
    lines = certificate_lines("张伟", valid="2021年3月1日至2O26年2月28日")
    result, _ = run(application_missing("valid_until"), lines)
    fields = {f.field: f for f in result.evidence[0].fields}
    assert fields["valid_until"].found_via_registry
    assert fields["valid_until"].verdict is Verdict.MATCH


def test_a_value_read_as_something_else_stays_a_mismatch() -> None:
    lines = [*certificate_lines("李强"), line("张伟", 900, 700)]
    app = Application().set("cert", "name", "李强")
    result, decision = run(app, lines)
    name = next(f for f in result.evidence[0].fields if f.field == "name")
    assert name.verdict is Verdict.MISMATCH
    assert not name.found_via_registry
    assert decision.outcome != "approve"


def test_a_forged_name_the_extraction_missed_is_not_found_and_not_approved() -> None:
    lines = certificate_lines("李强")
    result, decision = run(application_missing("name"), lines)
    name = next(f for f in result.evidence[0].fields if f.field == "name")
    assert name.verdict is Verdict.MISSING
    assert not name.found_via_registry
    assert decision.outcome != "approve"


def test_a_forged_date_near_its_label_is_not_taken_for_the_registry_one() -> None:
    lines = certificate_lines("张伟", valid="2021年3月1日至2029年2月28日")
    result, decision = run(application_missing("valid_until"), lines)
    until = next(f for f in result.evidence[0].fields if f.field == "valid_until")
    assert until.verdict is not Verdict.MATCH
    assert decision.outcome != "approve"


def test_the_holders_name_missed_on_the_id_card_is_found_through_the_certificates_record() -> None:
    app = Application().set("front", "name", None)
    documents = app.extractions()
    front = next(d for d in documents if d.doc_type is DocType.ID_CARD_FRONT)
    front.lines = [line("姓名张伟", 100, 100), line(f"公民身份号码{ID}", 100, 400)]
    result = verify_documents(documents, registry(), AS_OF)
    grounded = next(d for d in result.documents if d.doc_type is DocType.ID_CARD_FRONT)
    assert grounded.value("name") == "张伟"
    assert "found_via_registry: name" in grounded.warnings


def test_a_certificate_whose_identifiers_were_missed_is_found_through_the_id_cards_number() -> None:
    lines = certificate_lines("张伟")
    result, decision = run(application_missing("cert_number", "id_number"), lines)
    evidence = result.evidence[0]
    assert evidence.record is not None and evidence.record.cert_number == "沪ZC2021000123"
    found = {f.field for f in evidence.fields if f.found_via_registry}
    assert found == {"cert_number", "id_number"}
    assert decision.outcome == "approve", [r.code for r in decision.reasons]


def test_a_page_that_bears_out_none_of_the_holders_identifiers_links_to_no_record() -> None:
    lines = [ln for ln in certificate_lines("张伟") if ID not in ln.text]
    lines = [line("注册证编号沪ZC2021999999", 100, 250) if "编号" in ln.text else ln for ln in lines]
    result, decision = run(application_missing("cert_number", "id_number"), lines)
    assert result.evidence[0].record is None
    assert decision.outcome != "approve"


def test_only_the_documents_own_region_is_searched_on_a_page_holding_several() -> None:
    """A certificate above an ID card on one A4: the card's 姓名张伟 is not the certificate's name."""
    lines = [ln for ln in certificate_lines("张伟") if ln.text != "张伟"]
    card = [line("姓名张伟", 150, 1200), line(f"公民身份号码{ID}", 150, 1400)]
    app = application_missing("name")
    documents = app.extractions()
    cert = next(d for d in documents if d.doc_type is DocType.REGISTRATION_CERTIFICATE)
    cert.lines, cert.region = lines + card, (0.0, 0.0, 1400.0, 1000.0)
    cert.warnings.append("missing_field: name")
    result = verify_documents(documents, registry(), AS_OF)
    name = next(f for f in result.evidence[0].fields if f.field == "name")
    assert not name.found_via_registry and name.verdict is Verdict.MISSING, name
    cert.region = (0.0, 0.0, 1400.0, 1500.0)  # the same lines, the card inside the region: found there
    result = verify_documents(documents, registry(), AS_OF)
    assert next(f for f in result.evidence[0].fields if f.field == "name").found_via_registry


def _wrapped_date(until: str, rest: str) -> list[TextLine]:
    """A ruled certificate's 有效期至 cell: the date in words, wrapped onto a second line under its start."""
    lines = [ln for ln in certificate_lines("张伟") if "有效期" not in ln.text]
    return [*lines, line("有效期至", 100, 300), line(until, 300, 296), line(rest, 300, 296 + H + 2)]


def test_a_date_in_words_wrapped_in_its_cell_closes_the_miss() -> None:
    result, decision = run(application_missing("valid_until"), _wrapped_date("二〇二六年二月", "二十八日"))
    until = next(f for f in result.evidence[0].fields if f.field == "valid_until")
    assert until.found_via_registry and until.verdict is Verdict.MATCH, until
    assert until.bbox is not None and until.bbox[3] > 296 + H, "the box covers both lines"
    assert decision.outcome == "approve", [r.code for r in decision.reasons]


def test_a_forged_date_in_words_wrapped_in_its_cell_is_not_taken_for_the_registry_one() -> None:
    for until, rest in (("二〇二八年二月", "二十八日"), ("二〇二六年二月", "十八日")):
        result, decision = run(application_missing("valid_until"), _wrapped_date(until, rest))
        found = next(f for f in result.evidence[0].fields if f.field == "valid_until")
        assert found.verdict is not Verdict.MATCH, (until, rest, found)
        assert decision.outcome != "approve", (until, rest)


def test_a_line_far_below_does_not_continue_a_value() -> None:
    lines = [*_wrapped_date("二〇二六年二月", "二十八日")[:-1], line("二十八日", 300, 296 + 3 * H)]
    result, _ = run(application_missing("valid_until"), lines)
    until = next(f for f in result.evidence[0].fields if f.field == "valid_until")
    assert not until.found_via_registry
