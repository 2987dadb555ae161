"""Document types recognised by their printed words, and by the shapes of their values when the words fail."""

from __future__ import annotations

import pytest

from huren.domain import DocType, Page, TextLine
from ocr.classify import CONTENT_CONFIDENCE, CONTENT_WARNING, bears_some_content, classify, classify_with_content
from ocr.pipeline import extract_page

# Pages whose labels were not read: only their values are left.
WITHOUT_LABELS = {
    DocType.ID_CARD_BACK: ["中华人民共和国", "吴江市公安局", "2021.03.22-2041.03.22"],
    DocType.ID_CARD_FRONT: ["孙艳", "1963年2月27日", "322727196302275483"],
    DocType.REGISTRATION_CERTIFICATE: ["张伟", "沪注计20213198", "长度 力学", "上海市市场监督管理局"],
    DocType.ASSESSMENT_CERTIFICATE: ["张伟", "苏E计考20225436", "苏州市市场监督管理局", "2022年5月1日"],
    DocType.VERIFIER_CERTIFICATE: ["张伟", "浙质监检2010-8285", "浙江省质量技术监督局"],
    DocType.APPLICATION_FORM: [
        "张伟 男",
        "310229198503120014",
        "13812345678",
        "沪注计20213198",
        "上海市市场监督管理局",
    ],
}


@pytest.mark.parametrize("doc_type", list(WITHOUT_LABELS), ids=str)
def test_every_type_is_recognised_by_content_with_a_warning(doc_type: DocType) -> None:
    text = "\n".join(WITHOUT_LABELS[doc_type])
    assert classify(text)[0] is DocType.UNKNOWN  # the words alone say nothing
    got, confidence, warnings = classify_with_content(text)
    assert got is doc_type
    assert confidence == CONTENT_CONFIDENCE < 0.6
    assert warnings == [CONTENT_WARNING]


def test_labels_win_over_content_and_carry_no_warning() -> None:
    text = "签发机关 吴江市公安局\n有效期限 2021.03.22-2041.03.22\n居民身份证"
    got, confidence, warnings = classify_with_content(text)
    assert got is DocType.ID_CARD_BACK and confidence > CONTENT_CONFIDENCE and warnings == []


def test_a_page_of_other_text_stays_unknown() -> None:
    text = "关于开展计量宣传活动的通知\n各有关单位：\n请于2024年5月20日前报送材料。\n联系人：王老师"
    assert classify_with_content(text) == (DocType.UNKNOWN, classify(text)[1], [])


def test_id_back_without_labels_is_read_from_its_values() -> None:
    lines = [TextLine(t, (50, 60 * i, 500, 60 * i + 30)) for i, t in enumerate(WITHOUT_LABELS[DocType.ID_CARD_BACK])]
    got = extract_page(Page("idb.pdf", 1, 600, 400, lines))
    assert got.doc_type is DocType.ID_CARD_BACK
    assert got.doc_type_confidence == CONTENT_CONFIDENCE
    assert CONTENT_WARNING in got.warnings
    assert got.value("issuing_authority") == "吴江市公安局"
    assert (got.value("valid_from"), got.value("valid_until")) == ("2021-03-22", "2041-03-22")


# A registration certificate's lines without its title (white on a colour bar, or crossed by a watermark).
CERTIFICATE_WITHOUT_TITLE = [
    "执业单位：上海市青浦区计量质量检测所",
    "注册类别：电磁",
    "证书编号：沪注计20202101",
    "持证人：郑琳雯",
    "发证机关：上海市市场监督管理局",
    "性别：女",
    "级别：二级注册计量师",
    "身份证号码：330421199202066624",
    "有效期限至：二〇二五年八月七日",
]


def test_a_certificate_label_is_no_misread_id_back_label() -> None:
    """发证机关 and 有效期至 are printed words of their own, not 签发机关 / 有效期限 read slightly wrong."""
    assert classify("\n".join(CERTIFICATE_WITHOUT_TITLE))[0] is DocType.REGISTRATION_CERTIFICATE
    bilingual = ["中华人民共和国", "持证人Name", "性别 Sex", "所在单位 Employer", "有效期至Valid Until"]
    assert classify("\n".join([*bilingual, "发证机关 Issued by"]))[0] is DocType.UNKNOWN
    # a keyword OCR got slightly wrong still counts
    assert classify("中华人民共和国\n居民身份证\n签发机美 吴江市公安局\n有效期限 2021.03.22-2041.03.22")[0] is (
        DocType.ID_CARD_BACK
    )


def test_a_type_named_by_few_words_and_one_value_is_typed_by_content() -> None:
    """A bilingual certificate under a watermark: its title and number lost, one label and its authority left."""
    lines = ["中华人民共和国", "持证人Name", "性别 Sex", "男", "注册类别 Category", "温度", "所在单位 Employer"]
    lines += ["有效期至Valid Until", "2026年11月26日", "发证机关 Issued by", "上海市市场监督管理局"]
    got, confidence, warnings = classify_with_content("\n".join(lines))
    assert (got, confidence, warnings) == (DocType.REGISTRATION_CERTIFICATE, CONTENT_CONFIDENCE, [CONTENT_WARNING])
    # the same few words without any of the type's values name nothing
    assert classify_with_content("\n".join(lines[:-1]))[0] is DocType.UNKNOWN


def test_an_application_form_whose_title_was_crossed_out_is_still_one() -> None:
    lines = ["(适用于长三角一体化示范区注册计量师注册资质跨区域互认)", "性别 男 手机 19256383424"]
    lines += ["身份证号 322728196010268894", "学历 博士研究生 姓名 梁健", "职称 助理工程师", "级别 □一级 ■二级"]
    lines += ["注册有效期 2020年4月19日-2025年4月18日", "证书编号 沪注计20206901", "发证机构 上海市市场监督管理局"]
    lines += ["执业类别 □长度 □力学 ■温度", "现执业单位 苏州市计量测试院", "原执业单位 上海青松计量技术服务有限公司"]
    assert classify("\n".join(lines))[0] is DocType.APPLICATION_FORM


def test_a_region_is_typed_from_what_the_page_read_of_it_too() -> None:
    """The crop of a region lost its title at the edge; the page's read of it still had it."""
    lines = [
        TextLine(t, (50, 60 * i, 500, 60 * i + 30)) for i, t in enumerate(["姓名 张伟", "证书编号 沪注计20213198"])
    ]
    sub = Page("reg.png", 1, 600, 400, lines)
    assert extract_page(sub).doc_type is DocType.UNKNOWN
    got = extract_page(sub, seen="注册计量师注册证\n姓名 张伟")
    assert got.doc_type is DocType.REGISTRATION_CERTIFICATE and CONTENT_WARNING not in got.warnings
    assert got.value("cert_number") == "沪注计20213198"


# Certificates whose title was lost (a watermark across it, a faded red print): their ID number, dates and
# labels shared with an ID card (公民身份号码, 签发机关, 有效期限) are left, and so is their own number.
CERTIFICATES_WITHOUT_TITLE = {
    DocType.VERIFIER_CERTIFICATE: [
        "姓名 Name",
        "丁弢琳",
        "证号 Certificate No.",
        "苏E检20124593",
        "所在单位 Employer",
        "苏州市计量测试院",
        "有效期限至 Valid Until",
        "二〇二七年三月十八日",
        "签发机关 Issued by",
        "苏州市质量技术监督局",
    ],
    DocType.ASSESSMENT_CERTIFICATE: [
        "持证人",
        "曾超",
        "证书编号",
        "沪计考202206245",
        "身份证件号码",
        "310209196310235234",
        "签发机关",
        "上海市市场监督管理局",
        "有效期限至",
        "2027年5月16日",
    ],
    DocType.REGISTRATION_CERTIFICATE: [
        "中华人民共和国",
        "持证人 Name",
        "梁颖娟",
        "公民身份号码 ID No.",
        "33212219790413644X",
        "有效期限至 Valid Until",
        "2029.11.23",
        "发证机关 Issued by",
    ],
}


@pytest.mark.parametrize("doc_type", list(CERTIFICATES_WITHOUT_TITLE), ids=str)
def test_a_certificate_without_its_title_is_no_id_card(doc_type: DocType) -> None:
    """A certificate's number (or, without it, words no card carries) outweighs what a card shares with it."""
    got = classify_with_content("\n".join(CERTIFICATES_WITHOUT_TITLE[doc_type]))[0]
    assert got not in {DocType.ID_CARD_FRONT, DocType.ID_CARD_BACK}
    assert got in {doc_type, DocType.UNKNOWN}


def test_a_certificate_without_its_title_is_typed_by_its_number() -> None:
    lines = [*CERTIFICATES_WITHOUT_TITLE[DocType.REGISTRATION_CERTIFICATE], "证书号码 Certificate No.", "浙ZJ2024-7421"]
    assert classify_with_content("\n".join(lines))[0] is DocType.UNKNOWN  # its number alone: no card
    got = classify_with_content("\n".join([*lines, "浙江省市场监督管理局"]))
    assert got == (DocType.REGISTRATION_CERTIFICATE, CONTENT_CONFIDENCE, [CONTENT_WARNING])
    verifier = [*CERTIFICATES_WITHOUT_TITLE[DocType.VERIFIER_CERTIFICATE], "嘉检字20086501", "嘉兴市质量技术监督局"]
    assert classify_with_content("\n".join(verifier[2:]))[0] is DocType.VERIFIER_CERTIFICATE


def test_a_nation_printed_in_a_title_is_no_card_ethnicity() -> None:
    from ocr.classify import _ranked

    scores = dict(_ranked("中华人民共和国"))
    assert scores[DocType.ID_CARD_FRONT] == 0.0


@pytest.mark.parametrize(
    ("doc_type", "lines"),
    [
        (DocType.REGISTRATION_CERTIFICATE, ["张伟", "沪注计20213198", "长度 力学", "上海市市场监昏管理局"]),
        (DocType.VERIFIER_CERTIFICATE, ["张伟", "浙质监检2010-8285", "浙江省质量技术监替局"]),
    ],
    ids=str,
)
def test_an_authority_read_with_one_character_wrong_still_has_its_shape(doc_type: DocType, lines: list[str]) -> None:
    """A long authority suffix misread in one character (监昏, 监替) is still a market or quality bureau:
    the certificate is known by its values, and a page that lost its number still bears one of them."""
    text = "\n".join(lines)
    assert classify_with_content(text)[0] is doc_type
    assert bears_some_content(doc_type, lines[-1])
