"""Document types recognised by their printed words, and by the shapes of their values when the words fail."""

from __future__ import annotations

import pytest

from huren.domain import DocType, Page, TextLine
from ocr.classify import CONTENT_CONFIDENCE, CONTENT_WARNING, classify, classify_with_content
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
