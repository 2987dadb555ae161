"""Values with honest ends: each kind's rule, and boundaries on pages built from text boxes (no OCR)."""

import pytest

from huren.domain import DocType, Page, TextLine
from huren.normalize import id_check_digit
from ocr.documents import BY_TYPE
from ocr.extract import extract_fields
from ocr.validators import check, check_range

ID = "31011519900307002" + id_check_digit("31011519900307002")
H = 30.0


def box(text: str, x: float, y: float) -> TextLine:
    return TextLine(text, (x, y, x + H * sum(2 if ord(c) > 0x2E80 else 1 for c in text) / 2, y + H), 0.99)


def extract(doc_type: DocType, *lines: TextLine) -> tuple[dict[str, object], dict[str, float], list[str]]:
    page = Page(source="t", number=1, width=1600, height=1000, lines=list(lines))
    fields, warnings = extract_fields(BY_TYPE[doc_type], page)
    return {k: f.value for k, f in fields.items()}, {k: f.confidence for k, f in fields.items()}, warnings


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("name", "王晓明注本证", "王晓明"),
        ("name", "金辉钟复印无效", "金辉钟"),
        ("name", "阿依古丽·买买提", "阿依古丽·买买提"),
        ("name", "杜红丹复印", "杜红丹"),  # a copy mark's piece (复印无效) after the name
        ("authority", "上海市市场监督管理局管理局", "上海市市场监督管理局"),
        ("authority", "上海市公安局青浦分局", "上海市公安局青浦分局"),
        ("authority", "嘉兴市市场监督管理局印", "嘉兴市市场监督管理局"),
        ("cert_number", "沪注计202149832" + "2026年6月23日", "沪注计202149832"),
        ("cert_number", "浙ZJ2021-3373", "浙ZJ2021-3373"),
        ("cert_number", "苏E计考20225436", "苏E计考20225436"),
        ("address", "上海市青浦区赵巷镇南汇村11组68号样本", "上海市青浦区赵巷镇南汇村11组68号"),
        ("address", "江苏省苏州市吴江区盛泽镇塘桥苑2幢1003室章", "江苏省苏州市吴江区盛泽镇塘桥苑2幢1003室"),
        ("ethnicity", "汉住址", "汉"),
        ("authority", "颁发单位江苏省市场监督管理局", "江苏省市场监督管理局"),
        ("text", "上海华新质量检测技术有限公司自2023年11月9日", "上海华新质量检测技术有限公司"),
        ("text", "上海华新质量检测技术有限公司有效量2023年9月2日至2028年9月1日", "上海华新质量检测技术有限公司"),
        ("text", "嘉善县计量检定测试所2021.03.01", "嘉善县计量检定测试所"),
        ("organisation", "嘉善县计量检定测试所自二〇二一年十二月十七日", "嘉善县计量检定测试所"),  # a date in words
        ("address", "江苏省吴江市七都镇塘桥路69弄27号Adi", "江苏省吴江市七都镇塘桥路69弄27号"),
        ("ethnicity", "土家", "土家"),
        # a copy mark's piece left at the end (复印无效 → 无效, 与原件一致 → 原件一): cut, with a warning
        ("text", "本科无效", "本科"),
        ("text", "高级工程师印无效", "高级工程师"),
        ("address", "上海市青浦区赵巷镇南汇村11组68号原件一", "上海市青浦区赵巷镇南汇村11组68号"),
        ("text", "苏州市计量测试院", "苏州市计量测试院"),
        # the ID number's line run on after the address's last word
        (
            "address",
            "江苏省苏州市吴江区平望镇李家浜村10组64号322728197912172909",
            "江苏省苏州市吴江区平望镇李家浜村10组64号",
        ),
        ("address", "上海市浦东新区张江路1001号", "上海市浦东新区张江路1001号"),
        ("address", "止江苏省吴江市黎里镇梅园苑37幢2803室", "江苏省吴江市黎里镇梅园苑37幢2803室"),  # 住址 misread
        ("text", "吴江盛泽复印设备有限公司", "吴江盛泽复印设备有限公司"),
    ],
)
def test_a_run_on_value_is_cut_back_to_what_validates(kind: str, raw: str, expected: str) -> None:
    verdict = check(kind, "k", raw)
    assert verdict.value == expected, (kind, raw, verdict)
    assert verdict.valid
    if raw != expected:
        assert verdict.certainty < 1.0 and verdict.warnings, verdict
    else:
        assert verdict.certainty == 1.0 and not verdict.warnings, verdict


@pytest.mark.parametrize(
    ("kind", "raw", "warning"),
    [
        ("name", "欧阳王晓明天", "name_unusual"),
        ("authority", "上海市公安", "authority_truncated"),
        ("authority", "上海市市场监督", "authority_truncated"),
        ("authority", "苏州市计量所", "authority_unrecognised"),
        ("cert_number", "ABCDEFG12", "cert_number_unusual"),
        ("date", "1890-01-01", "date_implausible"),
        ("ethnicity", "火星", "ethnicity_unknown"),
    ],
)
def test_a_value_that_cannot_be_cut_is_kept_with_a_warning_and_low_certainty(kind: str, raw: str, warning: str) -> None:
    verdict = check(kind, "k", raw)
    assert verdict.value == raw
    assert not verdict.valid
    assert verdict.certainty <= 0.6
    assert any(w.startswith(warning) for w in verdict.warnings), verdict.warnings


def test_a_range_that_ends_before_it_starts_is_doubted() -> None:
    assert not check_range("2026-01-01", "2021-01-01").valid
    assert check_range("2021-01-01", "2026-01-01").valid


def test_a_watermark_far_along_the_name_row_never_joins_the_name() -> None:
    values, confidence, warnings = extract(
        DocType.ID_CARD_FRONT,
        box("姓名金辉钟", 100, 100),
        box("仅供办理互认使用", 100 + 300 + 150, 100),
        box("性别男民族汉", 100, 160),
        box("出生1990年3月7日", 100, 220),
        box("住址上海市青浦区赵巷镇南汇村11组68号", 100, 280),
        box(f"公民身份号码{ID}", 100, 400),
    )
    assert values["name"] == "金辉钟"
    assert confidence["name"] > 0.9
    assert not [w for w in warnings if "name" in w]


def test_text_far_along_the_row_without_overlay_words_is_cut_at_the_wide_gap() -> None:
    values, _, _ = extract(
        DocType.ID_CARD_FRONT,
        box("姓名金辉钟", 100, 100),
        box("张三丰", 100 + 150 + 400, 100),
        box("性别男民族汉", 100, 160),
        box("出生1990年3月7日", 100, 220),
        box("住址上海市青浦区赵巷镇南汇村11组68号", 100, 280),
        box(f"公民身份号码{ID}", 100, 400),
    )
    assert values["name"] == "金辉钟"


def test_a_date_stuck_to_a_certificate_number_and_a_doubled_authority_are_cut() -> None:
    values, confidence, warnings = extract(
        DocType.REGISTRATION_CERTIFICATE,
        box("注册计量师注册证", 400, 30),
        box("姓名王晓明注：本证", 100, 150),
        box(f"身份证号{ID}", 100, 200),
        box("注册证编号沪注计2021498322026年6月23日", 100, 250),
        box("级别一级", 100, 300),
        box("执业类别长度、力学", 100, 350),
        box("注册有效期2021年6月24日至2026年6月23日", 100, 400),
        box("聘用单位苏州市计量测试院", 100, 450),
        box("发证机关上海市市场监督管理局管理局", 100, 500),
    )
    assert values["name"] == "王晓明"
    assert values["cert_number"] == "沪注计202149832"
    assert values["issuing_authority"] == "上海市市场监督管理局"
    assert all(confidence[k] < 0.99 for k in ("name", "cert_number", "issuing_authority"))
    assert {w.split(": ")[1] for w in warnings if w.startswith("value_cut")} >= {
        "name",
        "cert_number",
        "issuing_authority",
    }


def test_a_truncated_police_authority_is_reported_with_a_warning_and_low_confidence() -> None:
    values, confidence, warnings = extract(
        DocType.ID_CARD_BACK,
        box("中华人民共和国", 300, 50),
        box("居民身份证", 300, 100),
        box("签发机关上海市公安", 100, 300),
        box("有效期限2015.05.01-2035.05.01", 100, 360),
    )
    assert values["issuing_authority"] == "上海市公安"
    assert confidence["issuing_authority"] < 0.6
    assert "authority_truncated: issuing_authority" in warnings


def test_an_address_keeps_a_copy_mark_out() -> None:
    values, _, _ = extract(
        DocType.ID_CARD_FRONT,
        box("姓名金辉钟", 100, 100),
        box("性别男民族汉", 100, 160),
        box("出生1990年3月7日", 100, 220),
        box("住址上海市青浦区赵巷镇南汇村11组68号复印无效", 100, 280),
        box(f"公民身份号码{ID}", 100, 400),
    )
    assert values["address"] == "上海市青浦区赵巷镇南汇村11组68号"


def test_a_label_the_spec_does_not_know_is_cut_from_the_authority_and_a_date_from_the_employer() -> None:
    values, _, warnings = extract(
        DocType.REGISTRATION_CERTIFICATE,
        box("注册计量师注册证", 400, 30),
        box("姓名王晓明", 100, 150),
        box(f"身份证号{ID}", 100, 200),
        box("注册证编号沪注计202149832", 100, 250),
        box("执业类别长度", 100, 300),
        box("注册有效期2021年6月24日至2026年6月23日", 100, 350),
        box("聘用单位苏州市计量测试院自2021年6月24日", 100, 400),
        box("颁发单位江苏省市场监督管理局", 100, 500),
    )
    assert values["employer"] == "苏州市计量测试院"
    assert values["issuing_authority"] == "江苏省市场监督管理局"
    assert {w.split(": ")[1] for w in warnings if w.startswith("value_cut")} == {"employer", "issuing_authority"}


def test_a_birth_date_that_disagrees_with_the_id_number_stays_as_read_with_a_warning() -> None:
    """Never filled in from the number: an altered card (a birth date the number contradicts) must still
    meet the decision's `birth_date_disagrees_with_id_number`. Only a missing one is the number's."""
    # The 出生 row misread (1978471月20): the only date left on the page is another document's.
    number = "32272819780720845" + id_check_digit("32272819780720845")
    lines = [
        box("姓名", 60, 60),
        box("金林俊", 160, 60),
        box("出", 60, 160),
        box("1978471月20", 160, 160),
        box("公民身份号码", 60, 330),
        box(number, 300, 330),
        box("2013.09.22-2033.09.22", 60, 500),
    ]
    values, confidence, warnings = extract(DocType.ID_CARD_FRONT, *lines)
    assert values["birth_date"] not in (None, "1978-07-20")
    assert "birth_date_disagrees_with_id_number: birth_date" in warnings
    # Not read at all, it is the number's, doubted and told.
    values, confidence, warnings = extract(DocType.ID_CARD_FRONT, *lines[:2], *lines[4:6])
    assert values["birth_date"] == "1978-07-20" and confidence["birth_date"] < 0.95
    assert "birth_date_from_id_number: birth_date" in warnings
    # An altered card, read clearly: its printed date stays, as sure as it was read.
    values, confidence, warnings = extract(
        DocType.ID_CARD_FRONT, *lines[:2], box("出生1980年1月1日", 60, 160), *lines[4:6]
    )
    assert values["birth_date"] == "1980-01-01" and confidence["birth_date"] >= 0.8
    assert "birth_date_disagrees_with_id_number: birth_date" in warnings
    # Read right, it stays as read; with an ID number that fails its check, nothing is taken from it.
    values, confidence, warnings = extract(
        DocType.ID_CARD_FRONT, *lines[:2], box("出生1978年7月20日", 60, 160), *lines[4:6]
    )
    assert values["birth_date"] == "1978-07-20" and not [w for w in warnings if "birth_date" in w]
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    values, _, warnings = extract(DocType.ID_CARD_FRONT, *lines[:4], box("公民身份号码", 60, 330), box(bad, 300, 330))
    assert values.get("birth_date") != "1978-07-20" and not any(w.startswith("birth_date_") for w in warnings)


def test_a_range_whose_end_is_unreadable_keeps_its_start_as_the_start_and_warns() -> None:
    from ocr.fields import read_date_range

    keys = ("valid_from", "valid_until")
    hidden = read_date_range("二〇二二年三月十九日至二七年二月十八日", keys)  # a stamp over 二〇二七
    assert hidden is not None and hidden.values == {"valid_from": "2022-03-19"}
    assert hidden.certainty < 0.9 and hidden.warnings == ["date_range_end_unread: valid_until"]
    lone = read_date_range("2026年8月26日", keys)  # 有效期 2026年8月26日: where it ends
    assert lone is not None and lone.values == {"valid_until": "2026-08-26"} and not lone.warnings
    whole = read_date_range("2022.03.19-2027.03.18", keys)
    assert whole is not None and whole.values == {"valid_from": "2022-03-19", "valid_until": "2027-03-18"}


def test_items_lose_their_strays_and_an_odd_one_is_doubted() -> None:
    cut = check("items", "items", ["电子天平", "复印无效", "压力表", "样本"])
    assert cut.value == ["电子天平", "压力表"] and cut.valid
    assert cut.certainty < 1.0 and cut.warnings == ["value_cut: items: 复印无效、样本"]
    labelled = check("items", "items", ["电子天平", "有效期限"], ["有效期限", "姓名"])
    assert labelled.value == ["电子天平"] and labelled.warnings
    odd = check("items", "items", ["电子天平", "表"])
    assert (
        odd.value == ["电子天平", "表"]
        and not odd.valid
        and odd.certainty < 0.8
        and odd.warnings == ["item_unusual: items"]
    )
    whole = check("items", "items", ["电子天平", "出租汽车计价器"])
    assert whole.value == ["电子天平", "出租汽车计价器"] and whole.certainty == 1.0 and not whole.warnings


def test_an_address_whose_house_number_lost_its_hao_is_doubted() -> None:
    lost = check("address", "address", "江苏省南京市玄武区孝陵卫街道复兴路855弄12")
    assert lost.value == "江苏省南京市玄武区孝陵卫街道复兴路855弄12" and lost.certainty < 1.0
    assert lost.warnings == ["address_unusual_end: address"]
    assert check("address", "address", "江苏省南京市玄武区孝陵卫街道复兴路855弄12号").warnings == []
    assert check("address", "address", "上海市青浦区赵巷镇南汇村11组").warnings == []


def test_a_copy_marks_character_inside_an_address_goes_only_when_a_copy_mark_was_seen() -> None:
    raw = "江苏省苏州市吴中区木仅渎镇塘桥路922弄21号"
    assert check("address", "address", raw).value == raw, "no copy mark seen on the page: nothing is guessed"
    assert check("address", "address", raw, overlaid="复印无效").value == raw, "a mark without 仅 leaves 仅"
    verdict = check("address", "address", raw, overlaid="仅供互认申请使用他用无效")
    assert verdict.value == "江苏省苏州市吴中区木渎镇塘桥路922弄21号"
    assert verdict.certainty < 1.0 and any(w.startswith("value_cut: address") for w in verdict.warnings)


def test_the_page_s_copy_marks_reach_the_extractor() -> None:
    lines = [box("住址", 100, 150), box("江苏省苏州市吴中区木仅渎镇塘桥路922弄21号", 250, 150)]
    page = Page(source="t", number=1, width=1600, height=1000, lines=lines)
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page)
    assert fields["address"].value == "江苏省苏州市吴中区木仅渎镇塘桥路922弄21号"
    page.marks["overlays"] = [("仅供互认申请使用", (0.0, 600.0, 900.0, 900.0), "tilt")]
    fields, warnings = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page)
    assert fields["address"].value == "江苏省苏州市吴中区木渎镇塘桥路922弄21号"
    assert any("value_cut: address" in w for w in warnings)
    del page.marks["overlays"]
    page.marks["overlaid"] = "仅供互认申请使用"  # seen on the whole page, outside this region's crop
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page)
    assert fields["address"].value == "江苏省苏州市吴中区木渎镇塘桥路922弄21号"


def test_an_organisation_s_own_characters_stay_under_a_copy_mark() -> None:
    """高效 and 复兴路 share characters with 复印无效, but those are the value's own."""
    for kind, raw in (("text", "苏州高效节能科技有限公司"), ("address", "上海市黄浦区复兴路855弄12号")):
        assert check(kind, "k", raw, overlaid="复印无效 仅供使用").value == raw


def test_a_read_whose_value_was_cut_clean_outweighs_one_whose_value_fails_its_rule() -> None:
    """Two reads of one region (its crop, the page's): the address cut clean of a copy mark's stray
    stands against the same fields with an address that stopped short (address_unusual_end)."""
    from huren.domain import ExtractedField, Extraction
    from ocr.pipeline import _reads_more

    def read(address: str, warning: str) -> Extraction:
        fields = {"name": ExtractedField("史嘉宏", 1.0), "address": ExtractedField(address, 0.9)}
        return Extraction("t", 1, DocType.ID_CARD_FRONT, 1.0, fields, warnings=[warning, "quality: blur"])

    cut = read("江苏省苏州市吴中区木渎镇塘桥路922弄21号", "value_cut: address: 仅")
    short = read("江苏省苏州市吴中区木", "address_unusual_end: address")
    assert _reads_more(cut, short)
    assert not _reads_more(short, cut)


def test_an_item_ending_in_a_copy_mark_s_piece_loses_it() -> None:
    verdict = check("items", "items", ["血压计", "压力表一致", "复印机"])
    assert verdict.value == ["血压计", "压力表", "复印机"]
    assert verdict.certainty < 1.0 and any(w.startswith("value_cut: items: 一致") for w in verdict.warnings)
    assert check("items", "items", ["血压计", "电能表"]).warnings == []


@pytest.mark.parametrize(
    ("read", "kept"),
    [
        ("计浙江省市场监督管理局", "浙江省市场监督管理局"),  # a watermark's 计 left on the label's row
        ("等发上海市公安局青浦分局", "上海市公安局青浦分局"),  # 签发 misread, its remnant in front
        ("江苏省市场监督管理局", "江苏省市场监督管理局"),
        ("苏州市市场监督管理局", "苏州市市场监督管理局"),  # a city's bureau: no province in it, nothing to cut
        ("广东省广州市公安局", "广东省广州市公安局"),
    ],
)
def test_an_authority_starts_with_its_province_what_stands_before_it_is_cut(read: str, kept: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == kept
    assert verdict.valid
    assert (verdict.certainty < 1.0) == (read != kept)
    assert any(w.startswith("value_cut") for w in verdict.warnings) == (read != kept)


def test_an_item_ending_in_a_piece_of_a_bureau_s_name_under_a_seal_loses_it() -> None:
    from ocr.validators import Verdict, cut_seal_pieces

    verdict = cut_seal_pieces("items", Verdict(["水表场监", "电能表", "监督"]))
    assert verdict.value == ["水表", "电能表", "监督"]  # a piece is cut only when two characters remain
    assert verdict.certainty < 1.0 and "value_cut: items: 场监" in verdict.warnings
    assert cut_seal_pieces("items", Verdict(["水表", "电子天平"])).warnings == []


@pytest.mark.parametrize(
    ("kind", "read", "mark", "kept"),
    [
        # (places the project does not know: before a known one an authority is cut whatever was seen)
        ("authority", "与丹阳市市场监督管理局", "与原件一致", "丹阳市市场监督管理局"),  # 与 of 与原件一致
        ("authority", "一致丹阳市市场监督管理局", "与原件一致", "丹阳市市场监督管理局"),
        ("authority", "此丹阳市公安局云阳分局", "此复印件仅供办理互认手续使用", "丹阳市公安局云阳分局"),
        (  # (before a province's name an address is cut whatever was seen: `_province_start`)
            "address",
            "认申请苏州市吴江区震泽镇北舍村14组51号",
            "仅供互认申请使用",
            "苏州市吴江区震泽镇北舍村14组51号",
        ),
        ("name", "原件王晓明", "与原件一致", "王晓明"),
        ("text", "无效苏州市计量测试院", "复印无效", "苏州市计量测试院"),
    ],
)
def test_a_seen_copy_mark_s_piece_before_a_value_is_cut(kind: str, read: str, mark: str, kept: str) -> None:
    verdict = check(kind, "k", read, overlaid=mark)
    assert verdict.value == kept
    assert verdict.certainty < 1.0 and verdict.warnings[0] == f"value_cut: k: {read[: len(read) - len(kept)]}"
    assert check(kind, "k", read).value == read, "no copy mark seen on the page: nothing is guessed"


@pytest.mark.parametrize(
    ("kind", "read", "mark"),
    [
        ("authority", "与丹阳市市场监督管理局", "复印无效"),  # 与 is no piece of the mark that was seen
        ("authority", "无锡市市场监督管理局", "复印无效"),  # 无 of 复印无效 begins 无锡
        ("authority", "原平市市场监督管理局", "与原件一致"),  # 原 of 与原件一致 begins 原平
        ("authority", "本溪市市场监督管理局", "样本"),
        ("authority", "相城区市场监督管理局", "与原件相符"),
        ("authority", "张家港市市场监督管理局", "样张"),
        ("authority", "嘉善县市场监督管理局", "此复印件仅供办理互认手续使用"),
        ("address", "无锡市梁溪区中山路12号", "复印无效"),
        ("name", "张晓明", "样张"),  # 张, a surname
        ("name", "符晓明", "与原件相符"),
        ("authority", "与原件一致", "与原件一致"),  # nothing valid is left
    ],
)
def test_a_place_s_or_a_name_s_first_character_is_never_cut_as_a_copy_mark_s(kind: str, read: str, mark: str) -> None:
    assert check(kind, "k", read, overlaid=mark).value == read


def test_an_item_loses_a_seen_copy_mark_s_piece_at_its_start_and_junk_entries_go() -> None:
    verdict = check("items", "items", ["原件电子血压计", "压力表", "y人"], overlaid="与原件一致")
    assert verdict.value == ["电子血压计", "压力表"] and verdict.valid
    assert verdict.certainty < 1.0
    assert verdict.warnings == ["value_cut: items: y人", "value_cut: items: 原件"]
    unseen = check("items", "items", ["原件电子血压计", "压力表"])
    assert unseen.value == ["原件电子血压计", "压力表"] and not unseen.warnings
    kept = check("items", "items", ["一氧化碳检测仪", "原件表", "pH计"], overlaid="与原件一致")
    assert kept.value == ["一氧化碳检测仪", "原件表", "pH计"], "one Chinese character would be left of 原件表"
    junk = check("items", "items", ["电子天平", "y", "12"])
    assert junk.value == ["电子天平"] and junk.warnings == ["value_cut: items: y、12"]


def test_a_copy_mark_s_piece_before_an_authority_goes_on_a_page_where_it_was_seen() -> None:
    lines = [
        box("注册计量师注册证", 400, 30),
        box("姓名王晓明", 100, 150),
        box("注册证编号苏注计202149832", 100, 250),
        box("发证机关与丹阳市市场监督管理局", 100, 500),
    ]
    page = Page(source="t", number=1, width=1600, height=1000, lines=lines)
    fields, _ = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], page)
    assert fields["issuing_authority"].value == "与丹阳市市场监督管理局"
    page.marks["overlays"] = [("与原件一致", (0.0, 600.0, 900.0, 900.0), "tilt")]
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], page)
    assert fields["issuing_authority"].value == "丹阳市市场监督管理局"
    assert "value_cut: issuing_authority: 与" in warnings


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("江苏省市场监局管理局", "江苏省市场监督管理局"),
        ("上海市质董技家监督局", "上海市质量技术监督局"),
        ("上海市市场监有理局", "上海市市场监督管理局"),  # 督管 read as one character
        ("浙江省市场监督管局", "浙江省市场监督管理局"),  # one lost
        ("浙江省市场监督管管理局", "浙江省市场监督管理局"),  # one read twice
    ],
)
def test_a_bureau_s_suffix_read_with_a_character_wrong_is_mended_with_a_warning(read: str, mended: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == mended and verdict.valid
    assert verdict.certainty < 1.0 and verdict.warnings[0].startswith("authority_mended: issuing_authority")


@pytest.mark.parametrize(
    "read",
    [
        "江苏省市场监督管理部",
        "江苏省计量科学研究院",
        "苏州太湖市场监局管理局",
        "江苏省场监局管理局",  # a character short and its first one lost: not guessed
        "江苏省市场有理局",  # a character short and two more wrong
    ],
)
def test_no_mending_without_a_place_before_the_suffix_or_with_its_end_or_too_much_wrong(read: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert not verdict.valid and verdict.value == read


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("上每市市场监督管理局", "上海市市场监督管理局"),
        ("浙汪省市场监督管理局", "浙江省市场监督管理局"),
        ("黑龙汪省市场监督管理局", "黑龙江省市场监督管理局"),
        ("上每市市场监局管理局", "上海市市场监督管理局"),  # the suffix misread too: both mended
    ],
)
def test_a_province_s_name_read_with_a_character_wrong_is_mended_with_a_warning(read: str, mended: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == mended and verdict.valid
    assert verdict.certainty <= 0.6
    assert any(w.startswith("authority_mended: issuing_authority") and "→" in w for w in verdict.warnings)


@pytest.mark.parametrize(
    "read",
    [
        "南京市市场监督管理局",  # a real city a character from 北京市
        "临海市市场监督管理局",  # … and from 上海市
        "苏州市吴江区市场监督管理局",  # a known place
        "江办省市场监督管理局",  # as near 江苏省 as 江西省: not guessed
        "上海币市场监督管理局",  # the unit misread: not guessed
        "上海公安局",
    ],
)
def test_a_place_that_is_real_known_or_ambiguous_is_not_mended(read: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == read and not any(w.startswith("authority_mended") for w in verdict.warnings)


@pytest.mark.parametrize("read", ["江省市场监督管理局", "江办省市场监督管理局", "浙苏省市场监督管理局"])
def test_a_province_that_is_no_province_and_cannot_be_mended_is_doubted(read: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == read and verdict.certainty <= 0.6
    assert "authority_place_unknown: issuing_authority" in verdict.warnings


@pytest.mark.parametrize("read", ["江苏省市场监督管理局", "苏州市市场监督管理局", "内蒙古自治区市场监督管理局"])
def test_a_province_or_a_city_read_right_is_not_doubted(read: str) -> None:
    assert check("authority", "issuing_authority", read).warnings == []


def test_an_unlabelled_authority_at_a_booklet_s_foot_is_found_with_its_suffix_misread() -> None:
    lines = [
        box("注册计量师注册证", 180, 320),
        box("姓名", 795, 64),
        box("龙慧倩", 795, 100),
        box("证书号码", 795, 338),
        box("苏2023204812", 795, 371),
        box("江苏省市场监局管理局", 237, 801),
    ]
    p = Page(source="t", number=1, width=1600, height=1000, lines=lines)
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], p)
    assert fields["issuing_authority"].value == "江苏省市场监督管理局"
    assert fields["issuing_authority"].confidence < 0.7
    assert any(w.startswith("authority_mended") for w in warnings)


@pytest.mark.parametrize(
    ("read", "completed"),
    [
        ("苏州太湖校准技术有", "苏州太湖校准技术有限公司"),
        ("江苏精测股份有限公", "江苏精测股份有限公司"),
        ("江苏精测有限责任", "江苏精测有限责任公司"),
    ],
)
def test_an_employer_cut_off_inside_its_company_form_is_completed_with_a_warning(read: str, completed: str) -> None:
    verdict = check("organisation", "employer", read)
    assert verdict.value == completed
    assert verdict.certainty < 1.0 and verdict.warnings == [f"value_completed: employer: {completed[len(read) :]}"]


@pytest.mark.parametrize("read", ["苏州太湖校准技术有限公司", "苏州市计量测试院", "技术有", "有限"])
def test_a_whole_name_or_a_short_word_is_not_completed(read: str) -> None:
    verdict = check("organisation", "employer", read)
    assert verdict.value == read and not verdict.warnings


def test_only_an_organisation_is_completed_as_a_company() -> None:
    """A title or an education read as text is no company's name: a value ending 有 stays as read."""
    verdict = check("text", "title", "苏州太湖校准技术有")
    assert verdict.value == "苏州太湖校准技术有" and not any(w.startswith("value_completed") for w in verdict.warnings)


def test_every_employer_field_is_read_as_an_organisation() -> None:
    employers = [fs for spec in BY_TYPE.values() for fs in spec.fields if any(k.endswith("employer") for k in fs.keys)]
    assert employers and all(fs.kind == "organisation" for fs in employers)


GOLDEN_AUTHORITIES = (  # every issuing authority of the golden set and the generators' bureaus
    "江苏省市场监督管理局",
    "浙江省市场监督管理局",
    "上海市市场监督管理局",
    "苏州市市场监督管理局",
    "嘉兴市市场监督管理局",
    "江苏省质量技术监督局",
    "上海市质量技术监督局",
    "浙江省质量技术监督局",
    "苏州市质量技术监督局",
    "嘉兴市质量技术监督局",
    "吴江市质量技术监督局",
    "嘉善县质量技术监督局",
    "苏州市吴江区市场监督管理局",
    "嘉兴市嘉善县市场监督管理局",
    "嘉善县市场监督管理局",
    "上海市青浦区质量技术监督局",
    "上海市青浦区市场监督管理局",
    "国家市场监督管理总局",
    "苏州市公安局吴江分局",
    "吴江市公安局",
    "苏州市公安局吴中分局",
    "上海市公安局青浦分局",
    "桐乡市公安局",
    "杭州市公安局西湖区分局",
    "嘉善县公安局",
    "上海市公安局徐汇分局",
    "嘉兴市公安局南湖区分局",
    "南京市公安局玄武分局",
    "上海市公安局闵行分局",
    "上海市公安局浦东分局",
)


@pytest.mark.parametrize("read", [*GOLDEN_AUTHORITIES, "浦东新区市场监督管理局", "延边朝鲜族自治州公安局"])
def test_an_authority_that_names_its_place_is_read_clean(read: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert (verdict.value, verdict.certainty, verdict.warnings, verdict.valid) == (read, 1.0, [], True)


@pytest.mark.parametrize(
    "read",
    [
        "本证书须加盖市场监督管理局",  # a footnote that ends in a bureau's kind
        "市场监督管理局",  # the kind alone
        "须加盖丹阳市市场监督管理局",  # words before a place the project does not know: not guessed
        "吴江分局",  # a branch of no bureau
        "公安局吴江分局",
    ],
)
def test_an_authority_that_names_no_place_is_kept_with_a_warning(read: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == read and not verdict.valid
    assert verdict.certainty <= 0.6 and "authority_unrecognised: issuing_authority" in verdict.warnings


@pytest.mark.parametrize(
    ("read", "kept", "removed"),
    [
        ("须加盖苏州市市场监督管理局", "苏州市市场监督管理局", "须加盖"),
        ("与苏州市市场监督管理局", "苏州市市场监督管理局", "与"),  # before a known place, whatever was seen
        ("本证由嘉兴市公安局南湖区分局", "嘉兴市公安局南湖区分局", "本证由"),
        ("须加盖苏州市市场监督管理局印", "苏州市市场监督管理局", "须加盖、印"),
    ],
)
def test_words_before_a_known_place_are_cut_from_an_authority(read: str, kept: str, removed: str) -> None:
    verdict = check("authority", "issuing_authority", read)
    assert verdict.value == kept and verdict.valid
    assert verdict.certainty < 1.0 and verdict.warnings == [f"value_cut: issuing_authority: {removed}"]
