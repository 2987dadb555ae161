"""Registry-grounded reading: a miss closed from the page, a disagreement kept, a forged page not approved."""

from __future__ import annotations

from huren.domain import Decision, DocType, RegistryRecord, TextLine, Verdict
from matching.verify import VerifyResult, verify_documents
from recognition.decide import decide
from tests.recognition.builders import AS_OF, ID, Application, record, registry

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


# --- an unsure value confirmed by the registry and another document ----------------------------------


def decided(app: Application, *records: RegistryRecord) -> tuple[VerifyResult, Decision]:
    result = verify_documents(app.extractions(), registry(*records), AS_OF)
    return result, decide(result, as_of=AS_OF, versions={"ocr_engine": "test"})


def warnings_of(result: VerifyResult, doc_type: DocType) -> list[str]:
    return next(d for d in result.documents if d.doc_type is doc_type).warnings


def codes(decision: Decision) -> list[str]:
    return [f"{r.code}:{r.field}" for r in decision.reasons]


def test_an_unsure_value_the_registry_and_another_document_bear_out_is_confirmed() -> None:
    """The certificate's authority read at 0.79 (found by its shape), the form reading it clearly: approve."""
    app = Application(confidence={"cert.issuing_authority": 0.7988, "cert.name": 0.69})
    app.set("form", "issuing_authority", "上海市市场监督管理局")
    result, decision = decided(app)
    cert = warnings_of(result, DocType.REGISTRATION_CERTIFICATE)
    assert "confirmed_via_registry: issuing_authority" in cert and "confirmed_via_registry: name" in cert
    assert decision.outcome == "approve", codes(decision)
    cert_fields = next(d for d in result.documents if d.doc_type is DocType.REGISTRATION_CERTIFICATE).fields
    assert cert_fields["name"].confidence == 0.69, "the confidence stays as read"
    assert "confirmed_via_registry: name" not in warnings_of(result, DocType.ID_CARD_FRONT), "only unsure values"


def test_an_unsure_value_that_differs_from_the_registry_is_never_confirmed() -> None:
    for name in ("张玮", "张伟伟"):  # another character, one too many
        app = Application(confidence={"cert.name": 0.69}).set("cert", "name", name)
        result, decision = decided(app)
        cert = warnings_of(result, DocType.REGISTRATION_CERTIFICATE)
        assert not any(w.startswith("confirmed_via_registry") for w in cert), name
        assert decision.outcome != "approve", (name, codes(decision))
    # 玉强 against the record's 王强: 王/玉 are look-alikes, yet a folded agreement never confirms
    app = Application(confidence={"front.name": 0.69}).name_everywhere("王强").set("front", "name", "玉强")
    result, decision = decided(app, record(name="王强"))
    assert "confirmed_via_registry: name" not in warnings_of(result, DocType.ID_CARD_FRONT)
    assert decision.outcome != "approve", codes(decision)
    result, decision = decided(app.set("front", "name", "王强"), record(name="王强"))
    assert "confirmed_via_registry: name" in warnings_of(result, DocType.ID_CARD_FRONT), "the exact one is"
    assert decision.outcome == "approve", codes(decision)


def test_an_unsure_value_no_other_document_read_clearly_stays_held() -> None:
    # the form prints the bureau's former name: not the same value, so nothing bears the authority out
    result, decision = decided(Application(confidence={"cert.issuing_authority": 0.7988}))
    assert "confirmed_via_registry: issuing_authority" not in warnings_of(result, DocType.REGISTRATION_CERTIFICATE)
    assert "field_low_confidence:issuing_authority" in codes(decision)
    assert decision.outcome == "review"
    # every document read the name unsure: none of them confirms another
    unsure = {"cert.name": 0.69, "front.name": 0.7, "form.name": 0.75}
    result, decision = decided(Application(confidence=unsure))
    assert not any("confirmed_via_registry" in w for d in result.documents for w in d.warnings)
    assert decision.outcome == "review", codes(decision)


def test_an_id_cards_expiry_does_not_bear_out_a_certificates() -> None:
    app = Application(confidence={"cert.valid_until": 0.7}).set("back", "valid_until", "2026-02-28")
    result, decision = decided(app)
    assert "confirmed_via_registry: valid_until" not in warnings_of(result, DocType.REGISTRATION_CERTIFICATE)
    assert decision.outcome == "review", codes(decision)


def test_an_altered_application_read_unsure_is_not_confirmed_and_not_approved() -> None:
    """The holder's name changed on every document (the record keeps 张伟), the certificate's read unsure:
    held as today; an unsure name that is the record's does not let a validity extended on the
    certificate through."""
    app = Application(confidence={"cert.name": 0.69}).name_everywhere("李强")
    result, decision = decided(app)
    assert not any("confirmed_via_registry" in w for d in result.documents for w in d.warnings)
    assert decision.outcome != "approve", codes(decision)
    app = Application(confidence={"cert.name": 0.69})
    app.set("cert", "valid_until", "2031-09-15")
    result, decision = decided(app)
    assert decision.outcome == "reject", codes(decision)


def test_glare_on_a_page_whose_only_unsure_value_was_confirmed_does_not_hold_it() -> None:
    """A glare photo is cleared when everything the decision reads on it was read clearly; a value the
    registry and another document bear out counts as such, one that differs does not."""
    app = Application(confidence={"cert.issuing_authority": 0.7988}, flags={"cert": ["glare"]})
    app.set("form", "issuing_authority", "上海市市场监督管理局")
    result, decision = decided(app)
    assert "confirmed_via_registry: issuing_authority" in warnings_of(result, DocType.REGISTRATION_CERTIFICATE)
    assert decision.outcome == "approve", codes(decision)
    app.set("cert", "issuing_authority", "上海市市场监管管理局")  # unsure and not the registry's
    result, decision = decided(app)
    assert any(c.startswith("scan_quality_poor") for c in codes(decision)), codes(decision)
    assert decision.outcome != "approve", codes(decision)
