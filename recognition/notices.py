"""What the applicant is told for each rule: plain words, what to do about it, never the record's values.

A rule's `message_zh` / `message_en` is written for the reviewer: it names values, the registry's
values, similarities and OCR confidences. The applicant reads a second text, one per rule code, made
from these templates. They may name only the kind of document (`{doc}`: 注册证, 身份证人像面), the
field (`{field}`), the other document compared (`{other}`), the decision date (`{as_of}`) and the
documents required (`{required}`) — never a value, so no name, gender, category, date or ID digit
of the authority's record (or of another person's document) can reach an applicant. Every refusal
ground says what to do, so that one notice tells everything at once (一次性告知).
"""

from __future__ import annotations

from collections.abc import Mapping

APPLICANT_PARAMS = ("doc", "doc_en", "field", "field_en", "other", "other_en", "as_of", "required", "required_en")
"""The only names an applicant's text may use."""

_REUPLOAD = "请上传清晰、完整、无遮挡的{doc}原件扫描件或照片。"
_REUPLOAD_EN = "Please upload a clear, complete scan or photo of the original {doc_en}."
_OWN = "请核对所提交的是否为本人的有效证件，并重新上传本人的{doc}。"
_OWN_EN = "Please check that it is your own valid document and upload your own {doc_en} again."
_RECORD = "如证书信息有误，请先向发证机关申请更正，再重新提交申请。"
_RECORD_EN = "If the certificate is wrong, ask the issuing authority to correct it first, then apply again."

NOTICES: dict[str, tuple[str, str]] = {
    "certificate_missing": (
        "未提交{required}。请补充上传后再提交申请。",
        "No {required_en} was submitted. Please add it and submit again.",
    ),
    "id_card_front_missing": (
        "未提交身份证人像面。请补充上传本人居民身份证人像面。",
        "The front of your ID card is missing. Please upload it.",
    ),
    "id_card_back_missing": (
        "未提交身份证国徽面（载有有效期限）。请补充上传本人居民身份证国徽面。",
        "The back of your ID card (with its validity) is missing. Please upload it.",
    ),
    "application_form_missing": (
        "未提交注册计量师注册资质互认申请表。请填写并加盖单位公章后上传。",
        "The application form is missing. Please fill it in, have it sealed by your employer and upload it.",
    ),
    "file_unreadable": (
        "所上传的一个文件无法打开。请重新上传（支持 PDF、JPG、PNG，未加密）。",
        "One uploaded file could not be opened. Please upload it again (PDF, JPG or PNG, not encrypted).",
    ),
    "document_unrecognised": (
        "有一份材料无法确认是何种证件。请确认上传的是注册证、身份证或申请表，并上传清晰的完整页面。",
        "One document could not be recognised. Please upload a clear full page of the certificate, ID card or form.",
    ),
    "document_type_uncertain": (_REUPLOAD, _REUPLOAD_EN),
    "document_type_from_content": (_REUPLOAD, _REUPLOAD_EN),
    "scan_quality_poor": ("{doc}不够清晰或不完整。" + _REUPLOAD, "The {doc_en} is unclear or cut off. " + _REUPLOAD_EN),
    "page_low_confidence": ("{doc}不够清晰。" + _REUPLOAD, "The {doc_en} is hard to read. " + _REUPLOAD_EN),
    "field_low_confidence": (
        "{doc}上的{field}不够清晰。" + _REUPLOAD,
        "The {field_en} on the {doc_en} is hard to read. " + _REUPLOAD_EN,
    ),
    "field_unread": (
        "{doc}上的{field}无法辨认。" + _REUPLOAD,
        "The {field_en} on the {doc_en} cannot be read. " + _REUPLOAD_EN,
    ),
    "id_number_invalid": (
        "{doc}上的身份证号码不是有效号码。" + _OWN,
        "The ID number on the {doc_en} is not a valid number. " + _OWN_EN,
    ),
    "name_disagrees": (
        "{doc}上的姓名与{other}不一致。" + _OWN,
        "The name on the {doc_en} differs from the {other_en}. " + _OWN_EN,
    ),
    "name_unclear": (
        "{doc}上的姓名与{other}未能核对一致。" + _REUPLOAD,
        "The name on the {doc_en} could not be matched with the {other_en}. " + _REUPLOAD_EN,
    ),
    "name_agrees_only_after_folding": (
        "{doc}上的姓名与{other}有一字不同。请核对姓名用字，如填写有误请更正后重新提交。",
        "One character of the name on the {doc_en} differs from the {other_en}. Please check the name and "
        "correct it if it was mistyped.",
    ),
    "id_number_disagrees": (
        "{doc}上的身份证号码与{other}不一致。" + _OWN,
        "The ID number on the {doc_en} differs from the {other_en}. " + _OWN_EN,
    ),
    "id_number_unclear": (
        "{doc}上的身份证号码与{other}未能核对一致。" + _REUPLOAD,
        "The ID number on the {doc_en} could not be matched with the {other_en}. " + _REUPLOAD_EN,
    ),
    "gender_disagrees": (
        "{doc}上的性别与{other}不一致。" + _OWN,
        "The gender on the {doc_en} differs from the {other_en}. " + _OWN_EN,
    ),
    "gender_disagrees_with_id_number": (
        "{doc}上的性别与身份证号码不符。" + _OWN,
        "The gender on the {doc_en} contradicts its ID number. " + _OWN_EN,
    ),
    "birth_date_disagrees_with_id_number": (
        "{doc}上的出生日期与身份证号码不符。" + _OWN,
        "The birth date on the {doc_en} contradicts its ID number. " + _OWN_EN,
    ),
    "implied_by_id_number_unclear": (
        "{doc}上的{field}无法辨认。" + _REUPLOAD,
        "The {field_en} on the {doc_en} cannot be read. " + _REUPLOAD_EN,
    ),
    "form_differs_from_certificate": (
        "申请表填写的{field}与{other}不一致。请按证书如实填写后重新提交。",
        "The {field_en} on the form differs from the {other_en}. Please fill it in as the certificate says.",
    ),
    "id_card_expired": (
        "身份证已过有效期限。请换领新证后上传新身份证的两面。",
        "Your ID card has expired. Please renew it and upload both sides of the new card.",
    ),
    "id_card_not_yet_valid": (
        "身份证在{as_of}尚未生效。请核对后上传本人当前有效的身份证。",
        "Your ID card was not yet valid on {as_of}. Please upload your current valid card.",
    ),
    "id_card_validity_unread": (
        "身份证国徽面的有效期限无法辨认。请上传清晰的身份证国徽面。",
        "The validity on the back of your ID card cannot be read. Please upload a clear copy.",
    ),
    "cert_not_in_registry": (
        "{doc}在发证机关的登记记录中查无此证。请核对证书编号，或向发证机关确认登记情况。",
        "The {doc_en} is not in the issuing authority's register. Please check the certificate number or "
        "ask the issuing authority.",
    ),
    "cert_revoked": (
        "{doc}已被发证机关撤销，不能申请互认。如有异议，请向发证机关咨询。",
        "The {doc_en} has been revoked by the issuing authority and cannot be recognised.",
    ),
    "cert_suspended": (
        "{doc}目前处于暂停状态，暂不能申请互认。请待恢复后再申请。",
        "The {doc_en} is suspended and cannot be recognised until it is restored.",
    ),
    "cert_expired": (
        "{doc}在{as_of}已不在有效期内。请先办理延续注册，再申请互认。",
        "The {doc_en} was no longer valid on {as_of}. Please renew the registration first.",
    ),
    "cert_not_yet_valid": (
        "{doc}在{as_of}尚未生效。请在证书生效后再申请互认。",
        "The {doc_en} was not yet valid on {as_of}. Please apply once it is in force.",
    ),
    "cert_validity_unknown": (
        "{doc}的有效期无法确认。" + _REUPLOAD,
        "The validity of the {doc_en} cannot be established. " + _REUPLOAD_EN,
    ),
    "registry_field_differs": (
        "{doc}上的{field}与发证机关的登记记录不一致。" + _RECORD,
        "The {field_en} on the {doc_en} does not match the issuing authority's record. " + _RECORD_EN,
    ),
    "registry_match_below_threshold": (
        "{doc}与发证机关的登记记录未能完全核对一致，需工作人员进一步核实。" + _REUPLOAD,
        "The {doc_en} could not be fully matched with the issuing authority's record. " + _REUPLOAD_EN,
    ),
    "authority_out_of_zone": (
        "{doc}不是上海、江苏、浙江的发证机关颁发的，不在示范区互认范围内。",
        "The {doc_en} was not issued in Shanghai, Jiangsu or Zhejiang and is outside the zone's recognition.",
    ),
    "authority_unrecognised": (
        "{doc}上的发证机关无法辨认。" + _REUPLOAD,
        "The issuing authority on the {doc_en} cannot be read. " + _REUPLOAD_EN,
    ),
    "consistency_check_failed": (
        "{doc}与其他材料不一致。请核对所提交的材料是否为本人的有效材料。",
        "The {doc_en} does not agree with your other documents. Please check they are your own.",
    ),
    "consistency_check_unclear": (
        "{doc}与其他材料未能核对一致。" + _REUPLOAD,
        "The {doc_en} could not be matched with your other documents. " + _REUPLOAD_EN,
    ),
    "form_employer_unsealed": (
        "申请表未加盖现执业单位公章。请由现执业单位加盖公章后重新上传申请表。",
        "The application form bears no seal of your current employer. Please have it sealed and upload it again.",
    ),
    "current_employer_differs_from_form": (
        "网上填写的现执业单位与所上传申请表上的不一致。请核对并按加盖公章的申请表如实填写。",
        "The current employer you typed differs from the one on the uploaded form. Please correct it.",
    ),
    "employer_outside_area": (
        "现执业单位需在所申请的互认地区内，工作人员将与您核实。",
        "Your current employer should be in the area you apply for; we will check this with you.",
    ),
}

REGISTRY_FAIL = (
    "{doc}上的{field}与发证机关的登记记录不一致。" + _RECORD,
    "The {field_en} on the {doc_en} does not match the issuing authority's record. " + _RECORD_EN,
)
REGISTRY_UNCLEAR = (
    "{doc}上的{field}与发证机关的登记记录未能核对一致。" + _REUPLOAD,
    "The {field_en} on the {doc_en} could not be matched with the issuing authority's record. " + _REUPLOAD_EN,
)
GENERIC = (
    "{doc}未通过核验，需补正。请联系受理窗口了解详情。",
    "The {doc_en} did not pass the check. Please contact the office for details.",
)


def notice_templates(code: str) -> tuple[str, str]:
    """The applicant's Chinese and English templates for a rule code."""
    if code in NOTICES:
        return NOTICES[code]
    if code.endswith("_differs_from_registry"):
        return REGISTRY_FAIL
    if code.endswith("_unclear_against_registry"):
        return REGISTRY_UNCLEAR
    return GENERIC


def applicant_notice(code: str, params: Mapping[str, str]) -> tuple[str, str]:
    """The applicant's texts for one finding: only the names in `APPLICANT_PARAMS` are filled in."""
    safe = {k: params.get(k, "") for k in APPLICANT_PARAMS}
    zh, en = notice_templates(code)
    return zh.format(**safe).replace("（）", ""), en.format(**safe)
