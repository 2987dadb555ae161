"""Generated applications, one fault each and several at once: outcome and every expected reason code."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest

from huren.domain import Decision, DocType, FileError, Quality, RecordStatus
from matching.registry import Registry
from matching.verify import VerifyResult, verify_documents
from ocr.classify import CONTENT_CONFIDENCE, CONTENT_WARNING
from recognition.decide import decide
from recognition.rules import RULES, DecisionConfig, rules_digest

from .builders import AS_OF, ID, OTHER_ID, Application, doc, record, registry


@dataclass
class Case:
    name: str
    change: Callable[[Application], object] = lambda a: None
    outcome: str = "approve"
    codes: tuple[str, ...] = ()
    registry: Callable[[], Registry] = registry
    as_of: date = AS_OF
    config: DecisionConfig = field(default_factory=DecisionConfig)
    forged: bool = False  # an altered or forged document: must never approve


def _quality(a: Application, flags: list[str]) -> None:
    a.extra.append(doc(DocType.UNKNOWN, "extra.jpg", {}))
    a.extra[-1].quality = Quality(flags=flags)


def _back_typed_by_content(a: Application) -> None:
    """The ID back's labels unread: typed from 公安局 and a date range alone (`ocr.classify`)."""
    back = doc(DocType.ID_CARD_BACK, "id_back.jpg", dict(a.back or {}))
    back.doc_type_confidence, back.warnings = CONTENT_CONFIDENCE, [CONTENT_WARNING]
    a.drop("back").extra.append(back)


def _blurred_cert(a: Application) -> None:
    a.confidence["cert.name"] = 0.55


BAD_CHECK_DIGIT = ID[:-1] + ("0" if ID[-1] != "0" else "1")

CASES: list[Case] = [
    Case("clean application"),
    Case("clean without form", lambda a: a.drop("form")),
    # required documents
    Case("no certificate", lambda a: a.drop("cert"), "reject", ("certificate_missing",)),
    Case("no ID card front", lambda a: a.drop("front"), "reject", ("id_card_front_missing",)),
    Case("no ID card back", lambda a: a.drop("back"), "reject", ("id_card_back_missing",)),
    Case(
        "form required and missing",
        lambda a: a.drop("form"),
        "reject",
        ("application_form_missing",),
        config=DecisionConfig(require_application_form=True),
    ),
    Case("ID card back not required", lambda a: a.drop("back"), config=DecisionConfig(require_id_card_back=False)),
    # readability
    Case("poor scan", lambda a: _quality(a, ["blurred"]), "review", ("scan_quality_poor", "document_unrecognised")),
    # a phone photo is softer than a scan: read clearly, it is not held for its looks (issue 12.6) …
    Case("soft desk photos read clearly", lambda a: a.flags.update(back=["blurred"], form=["glare"], cert=["blurred"])),
    # … but a soft one with a value read unsure, a cut-off one, or one whose expiry went unread, is
    Case(
        "soft photo with a value read unsure",
        lambda a: (a.flags.update(back=["blurred"]), a.confidence.update({"back.valid_from": 0.7})),
        "review",
        ("scan_quality_poor", "field_low_confidence"),
    ),
    Case("cut-off photo read clearly", lambda a: a.flags.update(cert=["cut_off"]), "review", ("scan_quality_poor",)),
    Case(
        "soft ID back whose expiry went unread",
        lambda a: (a.flags.update(back=["blurred"]), a.set("back", "valid_until", None)),
        "review",
        ("scan_quality_poor",),
    ),
    Case(
        "low OCR confidence on a key field",
        lambda a: a.confidence.update({"cert.categories": 0.5}),
        "review",
        ("field_low_confidence",),
    ),
    # … unless it is exactly the registry's value and another document read that value clearly
    Case("low OCR confidence on a level the form bears out", lambda a: a.confidence.update({"cert.level": 0.5})),
    Case(
        "low OCR confidence on a level nothing else bears out",
        lambda a: (a.confidence.update({"cert.level": 0.5}), a.set("form", "level", 2)),
        "review",
        ("field_low_confidence", "form_differs_from_certificate"),
    ),
    Case("key field unread", lambda a: a.set("cert", "level", None), "review", ("field_unread",)),
    # whatever confidence it carries, a type no title or label bore out is for a person to confirm
    Case("ID back typed by content alone", _back_typed_by_content, "review", ("document_type_from_content",)),
    Case(
        "ID card expiry read with low confidence",
        lambda a: a.confidence.update({"back.valid_until": 0.6}),
        "review",
        ("field_low_confidence",),
    ),
    # the holder
    Case(
        "invalid ID number on the ID card",
        lambda a: a.set("front", "id_number", BAD_CHECK_DIGIT),
        "reject",
        ("id_number_invalid", "id_number_unclear"),
        forged=True,
    ),
    Case(
        "another person's ID number on the certificate",
        lambda a: a.set("cert", "id_number", OTHER_ID),
        "reject",
        ("id_number_differs_from_registry", "id_number_disagrees"),
        forged=True,
    ),
    Case(
        "changed name on the certificate",
        lambda a: a.set("cert", "name", "李明"),
        "reject",
        ("name_differs_from_registry", "name_disagrees"),
        forged=True,
    ),
    Case(
        "ID card of someone else",
        lambda a: (
            a.set("front", "name", "王芳")
            .set("front", "id_number", OTHER_ID)
            .set("front", "gender", "女")
            .set("front", "birth_date", "1990-01-01")
        ),
        "reject",
        ("name_disagrees", "id_number_disagrees"),
        forged=True,
    ),
    Case(
        "gender contradicts ID number",
        lambda a: a.set("front", "gender", "女"),
        "reject",
        ("gender_disagrees_with_id_number",),
    ),
    Case(
        "birth date contradicts ID number",
        lambda a: a.set("front", "birth_date", "1985-03-21"),
        "reject",
        ("birth_date_disagrees_with_id_number",),
    ),
    Case("ID card expired", lambda a: a.set("back", "valid_until", "2025-01-31"), "reject", ("id_card_expired",)),
    Case("ID card long-term validity", lambda a: a.set("back", "valid_until", None)),
    # the registry
    Case(
        "certificate number never issued (holder known)",
        lambda a: a.set("cert", "cert_number", "沪ZC2021999999").set("form", "cert_number", "沪ZC2021999999"),
        "reject",
        ("cert_number_differs_from_registry",),
        forged=True,
    ),
    Case(
        "certificate not in the registry at all",
        outcome="reject",
        codes=("cert_not_in_registry",),
        registry=lambda: Registry(),
        forged=True,
    ),
    Case(
        "certificate revoked",
        outcome="reject",
        codes=("cert_revoked",),
        registry=lambda: registry(record(status=RecordStatus.REVOKED)),
    ),
    Case(
        "certificate suspended",
        outcome="reject",
        codes=("cert_suspended",),
        registry=lambda: registry(record(status=RecordStatus.SUSPENDED)),
    ),
    Case("certificate expired", outcome="reject", codes=("cert_expired",), as_of=date(2026, 3, 15)),
    Case("certificate not yet valid", outcome="reject", codes=("cert_not_yet_valid",), as_of=date(2021, 1, 4)),
    Case("changed level", lambda a: a.set("cert", "level", 2), "reject", ("level_differs_from_registry",), forged=True),
    Case(
        "changed categories",
        lambda a: a.set("cert", "categories", ["电磁", "化学"]),
        "reject",
        ("categories_differs_from_registry",),
        forged=True,
    ),
    Case(
        "validity one digit off",
        lambda a: a.set("cert", "valid_until", "2029-02-28"),
        "review",
        ("valid_until_unclear_against_registry",),
        forged=True,
    ),
    Case(
        "changed validity",
        lambda a: a.set("cert", "valid_until", "2031-08-31"),
        "reject",
        ("valid_until_differs_from_registry",),
        forged=True,
    ),
    Case("one look-alike in the certificate number", lambda a: a.set("cert", "cert_number", "沪ZC2O21000123")),
    Case(
        "one real digit off in the certificate number",
        lambda a: a.set("cert", "cert_number", "沪ZC2021000129"),
        "review",
        ("cert_number_unclear_against_registry", "registry_match_below_threshold"),
        forged=True,
    ),
    Case(
        "blurred certificate name misread",
        lambda a: _blurred_cert(a.set("cert", "name", "张纬")),
        "review",
        ("field_low_confidence",),
    ),
    # scope
    Case(
        "issued outside the three provinces",
        lambda a: a.set("cert", "issuing_authority", "北京市市场监督管理局"),
        "reject",
        ("authority_out_of_zone",),
        registry=lambda: registry(record(issuing_authority="北京市市场监督管理局")),
    ),
    Case("former bureau of a zone province", lambda a: a.set("cert", "issuing_authority", "上海市质量技术监督局")),
    # several faults at once: every reason, not the first
    Case(
        "several faults at once",
        lambda a: (
            a.set("cert", "level", 2).set("back", "valid_until", "2024-12-31").set("front", "gender", "女").drop("form")
        ),
        "reject",
        (
            "level_differs_from_registry",
            "id_card_expired",
            "gender_disagrees_with_id_number",
            "registry_match_below_threshold",
        ),
        forged=True,
    ),
    Case(
        "forged number, expired ID, no back",
        lambda a: a.set("cert", "cert_number", "沪ZC2021888888").drop("back").set("cert", "name", "张卫"),
        "reject",
        ("cert_number_differs_from_registry", "id_card_back_missing", "name_unclear_against_registry"),
        forged=True,
    ),
]


def run(case: Case) -> tuple[VerifyResult, Decision]:
    app = Application()
    case.change(app)
    result = verify_documents(app.extractions(), case.registry(), case.as_of)
    return result, decide(result, as_of=case.as_of, config=case.config, versions={"ocr_engine": "test"})


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    _, decision = run(case)
    codes = [r.code for r in decision.reasons]
    assert decision.outcome == case.outcome, f"{case.name}: expected {case.outcome}, got {decision.outcome} {codes}"
    missing = [c for c in case.codes if c not in codes]
    assert not missing, f"{case.name}: reasons {missing} missing; got {codes}"
    if case.outcome == "approve":
        assert codes == []
    if case.forged:
        assert decision.outcome != "approve"


def test_reject_lists_every_reason_with_document_and_field() -> None:
    case = next(c for c in CASES if c.name == "several faults at once")
    _, decision = run(case)
    out = decision.to_json()
    fails = [r for r in out["reasons"] if r["severity"] == "fail"]
    assert len(fails) >= 3
    for r in out["reasons"]:
        assert set(r) == {
            "code",
            "severity",
            "document",
            "field",
            "message_zh",
            "message_en",
            "applicant_zh",
            "applicant_en",
        }
    level = next(r for r in fails if r["code"] == "level_differs_from_registry")
    assert level["document"] == "reg.jpg#1" and level["field"] == "level"
    assert "注册证（reg.jpg 第1页）" in level["message_zh"] and "二级" in level["message_zh"]
    expired = next(r for r in fails if r["code"] == "id_card_expired")
    assert "2024-12-31" in expired["message_zh"]
    # fails come before doubts
    severities = [r["severity"] for r in out["reasons"]]
    assert severities == sorted(severities, key=lambda s: s != "fail")


def test_messages_never_hold_a_whole_id_number() -> None:
    for case in CASES:
        _, decision = run(case)
        text = json.dumps(decision.to_json(), ensure_ascii=False)
        assert ID not in text and OTHER_ID not in text, case.name


def test_review_lists_fields_to_look_at() -> None:
    case = next(c for c in CASES if c.name == "low OCR confidence on a key field")
    _, decision = run(case)
    assert {"document": "reg.jpg#1", "field": "categories"} in decision.review_fields


def test_decision_record_is_reproducible() -> None:
    case = CASES[0]
    _, decision = run(case)
    record_ = decision.to_json()["decision_record"]
    assert record_["as_of"] == "2025-06-01"
    assert record_["rules_version"].endswith(rules_digest())
    assert record_["versions"]["ocr_engine"] == "test"
    assert record_["thresholds"]["approve_score"] == 0.9
    assert record_["settings"]["required_certificates"] == ["registration_certificate"]
    # the same evidence, the same decision
    _, again = run(case)
    assert [r.code for r in again.reasons] == [r.code for r in decision.reasons]


def test_file_error_is_a_doubt() -> None:
    app = Application()
    result = verify_documents(app.extractions(), registry(), AS_OF)
    decision = decide(result, as_of=AS_OF, file_errors=[FileError("broken.pdf", "pdf_encrypted", "encrypted")])
    assert decision.outcome == "review"
    assert [r.code for r in decision.reasons] == ["file_unreadable"]


def test_low_confidence_softens_a_failure_to_a_doubt() -> None:
    app = Application().set("form", "name", "荔氟")
    app.confidence["form.name"] = 0.6
    result = verify_documents(app.extractions(), registry(), AS_OF)
    decision = decide(result, as_of=AS_OF)
    assert decision.outcome == "review"
    name = next(r for r in decision.reasons if r.code == "name_disagrees")
    assert name.severity == "doubt" and "识别置信度低" in name.message_zh


def test_unknown_consistency_check_still_counts() -> None:
    from huren.domain import ConsistencyCheck, Verdict

    app = Application()
    result = verify_documents(app.extractions(), registry(), AS_OF)
    check = ConsistencyCheck("photo_matches_id_card", Verdict.MISMATCH, "faces differ", ["reg.jpg#1"])
    result.consistency.append(check)
    assert decide(result, as_of=AS_OF).outcome == "reject"


def test_rule_codes_unique_and_messages_format() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.severity in ("fail", "doubt")
        assert r.message_zh and r.message_en


# --- issue 15: the odd document out, the applicant's texts, look-alikes only for what OCR read -------


def _decide(app: Application, reg: Registry | None = None) -> Decision:
    result = verify_documents(app.extractions(), reg or registry(), AS_OF)
    return decide(result, as_of=AS_OF)


def test_another_persons_id_card_is_the_document_blamed() -> None:
    app = Application()
    app.front = {"name": "王芳", "gender": "女", "birth_date": "1990-01-01", "id_number": OTHER_ID}
    decision = _decide(app)
    pair = [r for r in decision.reasons if r.code in ("name_disagrees", "id_number_disagrees")]
    assert {r.code for r in pair} == {"name_disagrees", "id_number_disagrees"}
    assert {r.document for r in pair} == {"id_front.jpg#1"}, [(r.code, r.document) for r in pair]
    assert not [r for r in decision.reasons if r.document == "reg.jpg#1"]  # the certificate matched its record


def test_a_changed_certificate_is_blamed_not_the_id_card() -> None:
    decision = _decide(Application().set("cert", "name", "李明"))
    name = next(r for r in decision.reasons if r.code == "name_disagrees")
    assert name.document == "reg.jpg#1"


def test_applicant_texts_never_show_the_records_values() -> None:
    """Issue 14 item 3: reviewers see the record's values; the applicant is told what does not match."""
    secret = record(name="赵敏", gender="女", categories=["电离辐射", "光学"], id_number=OTHER_ID)
    app = Application()
    for where in ("front", "cert", "form"):
        app.set(where, "cert_number", "沪ZC2021000123")
    decision = _decide(app, registry(secret))
    assert decision.outcome == "reject"
    reviewer = " ".join(r.message_zh for r in decision.reasons)
    assert "赵敏" in reviewer  # the reviewer sees the record's name
    for r in decision.reasons:
        told = r.applicant_zh + " " + r.applicant_en
        assert r.applicant_zh and r.applicant_en, r.code
        for leaked in ("赵敏", "电离辐射", "光学", OTHER_ID[:4], OTHER_ID[-4:], "女", ID[-4:]):
            assert leaked not in told, f"{r.code}: {leaked} in {told}"
        assert "请" in r.applicant_zh, f"{r.code}: says nothing to do: {r.applicant_zh}"


def test_every_rule_has_an_applicant_text_that_formats() -> None:
    from recognition.notices import NOTICES, applicant_notice

    for rule in RULES:
        zh, en = applicant_notice(rule.code, {"doc": "注册证", "doc_en": "certificate", "field": "姓名"})
        assert "{" not in zh + en and zh and en, rule.code
    assert set(NOTICES) >= {r.code for r in RULES if not r.code.endswith("_registry")}


def test_a_typed_look_alike_name_is_never_approved_on_the_spot() -> None:
    """许锋东 typed on the form, 许峰东 on the certificate and in the registry: another name, not OCR noise."""
    reg = registry(record(name="杨伟"))
    app = Application(typed={"form"}).name_everywhere("杨伟").set("form", "name", "扬伟")
    decision = _decide(app, reg)
    assert decision.outcome == "review", [r.code for r in decision.reasons]
    fold = next(r for r in decision.reasons if r.code == "name_agrees_only_after_folding")
    assert fold.document == "form.pdf#1"


def test_typed_against_text_layer_compares_without_folding() -> None:
    reg = registry(record(name="杨伟"))
    app = Application(typed={"form", "cert"}).name_everywhere("杨伟").set("form", "name", "扬伟")
    result = verify_documents(app.extractions(), reg, AS_OF)
    check = next(c for c in result.consistency if c.check == "form_name_matches_certificate")
    assert check.verdict != "match", check.detail
    assert decide(result, as_of=AS_OF).outcome != "approve"


def test_an_ocr_look_alike_borne_out_by_registry_and_id_card_still_approves() -> None:
    reg = registry(record(name="杨伟"))
    app = Application(typed={"form"}).name_everywhere("杨伟").set("cert", "name", "扬伟")
    decision = _decide(app, reg)
    assert decision.outcome == "approve", [r.message_zh for r in decision.reasons]


def test_two_spellings_each_borne_out_go_to_a_person() -> None:
    """The form and an ID card say 扬伟, the certificate and the registry 杨伟: two people, not a misreading."""
    reg = registry(record(name="杨伟"))
    app = Application().name_everywhere("杨伟").set("form", "name", "扬伟").set("front", "name", "扬伟")
    decision = _decide(app, reg)
    assert decision.outcome != "approve"
    assert "name_agrees_only_after_folding" in [r.code for r in decision.reasons]


def test_form_without_the_employers_seal_goes_to_a_person() -> None:
    decision = _decide(Application().set("form", "employer_sealed", False))
    assert decision.outcome == "review"
    assert [(r.code, r.field) for r in decision.reasons] == [("form_employer_unsealed", "employer_sealed")]


def test_typed_employer_checked_against_the_scanned_form_and_the_area() -> None:
    typed = doc(DocType.APPLICATION_FORM, "网上申请表", {"name": "张伟", "current_employer": "浙江某某计量有限公司"})
    typed.quality.text_layer = True
    app = Application(extra=[typed])
    decision = _decide(app)
    codes = [r.code for r in decision.reasons]
    assert "current_employer_differs_from_form" in codes and decision.outcome == "review"
    # the area applied for: 嘉善县计量检定测试所 sits in 嘉善, not in 青浦
    assert _decide(Application()).outcome == "approve"
    result = verify_documents(Application().extractions(), registry(), AS_OF)
    outside = decide(result, as_of=AS_OF, config=DecisionConfig(target_area="qingpu"))
    assert [r.code for r in outside.reasons] == ["employer_outside_area"]
    inside = decide(result, as_of=AS_OF, config=DecisionConfig(target_area="jiashan"))
    assert inside.outcome == "approve"


def test_an_employer_named_by_its_town_sits_in_its_area() -> None:
    app = Application().set("form", "current_employer", "上海朱家角精密仪器校准有限公司")
    result = verify_documents(app.extractions(), registry(), AS_OF)
    assert decide(result, as_of=AS_OF, config=DecisionConfig(target_area="qingpu")).outcome == "approve"
    elsewhere = decide(result, as_of=AS_OF, config=DecisionConfig(target_area="wujiang"))
    assert [r.code for r in elsewhere.reasons] == ["employer_outside_area"]


def test_both_id_sides_on_one_photocopy_page_satisfy_both_id_documents() -> None:
    a = Application()
    extractions = a.extractions()
    front = next(e for e in extractions if e.doc_type is DocType.ID_CARD_FRONT)
    back = next(e for e in extractions if e.doc_type is DocType.ID_CARD_BACK)
    front.source = back.source = "id_copy.jpg"  # one page, two documents
    back.index = 1
    result = verify_documents(extractions, registry(), AS_OF)
    decision = decide(result, as_of=AS_OF)
    assert decision.outcome == "approve", [r.code for r in decision.reasons]
    assert not [r for r in decision.reasons if "missing" in r.code]


def test_a_reason_names_the_document_of_its_page_it_is_about() -> None:
    a = Application()
    a.back = None
    page_docs = a.extractions()
    front = next(e for e in page_docs if e.doc_type is DocType.ID_CARD_FRONT)
    expired = doc(DocType.ID_CARD_BACK, front.source, {"issuing_authority": "上海市公安局青浦分局"})
    expired.fields.update(
        doc(DocType.ID_CARD_BACK, "", {"valid_from": "2000-01-01", "valid_until": "2010-01-01"}).fields
    )
    expired.index = 1
    decision = decide(verify_documents([*page_docs, expired], registry(), AS_OF), as_of=AS_OF)
    assert decision.outcome != "approve"
    about_back = [r for r in decision.reasons if r.document == f"{front.source}#1/1"]
    assert about_back, [(r.code, r.document) for r in decision.reasons]
    assert "第1页第2件" in about_back[0].message_zh


# --- issue 12.7: the review threshold (huren.thresholds), the one the reliability table chose -----------

_CONFIDENCE_FIELDS = [
    (where, key)
    for where, doc_type in (
        ("front", DocType.ID_CARD_FRONT),
        ("back", DocType.ID_CARD_BACK),
        ("cert", DocType.REGISTRATION_CERTIFICATE),
        ("form", DocType.APPLICATION_FORM),
    )
    for key in DecisionConfig().confidence_fields_of(doc_type)
    if key in (getattr(Application(), where) or {})
]


@pytest.mark.parametrize(("where", "key"), _CONFIDENCE_FIELDS, ids=[f"{w}.{k}" for w, k in _CONFIDENCE_FIELDS])
def test_a_decision_resting_on_a_value_just_below_the_review_threshold_goes_to_review(where: str, key: str) -> None:
    """Read just below the threshold wherever it is printed (so no document bears it out clearly): review."""
    from huren.thresholds import REVIEW_CONFIDENCE

    below = Application()
    for w in ("front", "back", "cert", "form"):
        below.confidence[f"{w}.{key}"] = REVIEW_CONFIDENCE - 0.005
    decision = _decide(below)
    assert decision.outcome == "review", [r.code for r in decision.reasons]
    assert {(r.code, r.field) for r in decision.reasons} == {("field_low_confidence", key)}
    at = Application()
    at.confidence[f"{where}.{key}"] = REVIEW_CONFIDENCE
    assert _decide(at).outcome == "approve"


@pytest.mark.parametrize(("where", "key"), _CONFIDENCE_FIELDS, ids=[f"{w}.{k}" for w, k in _CONFIDENCE_FIELDS])
def test_an_unsure_value_the_registry_and_another_document_bear_out_exactly_is_not_held(where: str, key: str) -> None:
    """Just below the threshold on one document only: confirmed (approve) when it is the record's value and
    another document of the application printing it for the same record read it clearly; else review."""
    from huren.thresholds import REVIEW_CONFIDENCE
    from matching.grounded import CONFIRMED

    app = Application()
    app.confidence[f"{where}.{key}"] = REVIEW_CONFIDENCE - 0.005
    result = verify_documents(app.extractions(), registry(), AS_OF)
    decision = decide(result, as_of=AS_OF)
    confirmed = [(d.source, w) for d in result.documents for w in d.warnings if w.startswith(CONFIRMED)]
    # ID card and form bear out the holder's name and ID number and the certificate's number and level
    borne_out = key in ("name", "id_number") or (where, key) in {("cert", "cert_number"), ("cert", "level")}
    if borne_out:
        assert len(confirmed) == 1 and confirmed[0][1] == f"{CONFIRMED}: {key}", confirmed
        assert decision.outcome == "approve", [r.code for r in decision.reasons]
    else:
        assert not confirmed, confirmed
        assert [(r.code, r.field) for r in decision.reasons] == [("field_low_confidence", key)]
