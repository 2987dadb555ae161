"""Label-and-geometry extraction on pages built from text boxes (no OCR): every layout style."""

from huren.domain import DocType, Page, TextLine
from huren.normalize import id_check_digit
from ocr.classify import classify
from ocr.documents import BY_TYPE
from ocr.extract import extract_fields, without_echoes, without_scraps

ID = "32050919880315001" + id_check_digit("32050919880315001")
H = 30.0


def box(text: str, x: float, y: float, w: float | None = None) -> TextLine:
    width = w if w is not None else H * sum(2 if ord(c) > 0x2E80 else 1 for c in text) / 2
    return TextLine(text, (x, y, x + width, y + H), 0.99)


def page(*lines: TextLine) -> Page:
    return Page(source="t", number=1, width=1400, height=1000, lines=list(lines))


def values(doc_type: DocType, p: Page) -> dict[str, object]:
    fields, _ = extract_fields(BY_TYPE[doc_type], p)
    return {k: f.value for k, f in fields.items()}


def test_label_and_value_in_one_box_and_two_fields_on_a_row() -> None:
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("姓名：王晓明性别：男", 100, 150),
        box(f"身份证号：{ID}", 100, 200),
        box("注册证编号：苏2021-00345", 100, 250),
        box("级别：一级", 100, 300),
        box("执业类别：长度、力学、时间频率", 100, 350),
        box("注册有效期：2021年6月1日至2026年5月31日", 100, 400),
        box("聘用单位：苏州市计量测试院", 100, 450),
        box("江苏省市场监督管理局", 800, 600),
    )
    assert values(DocType.REGISTRATION_CERTIFICATE, p) == {
        "name": "王晓明",
        "gender": "男",
        "id_number": ID,
        "cert_number": "苏2021-00345",
        "level": 1,
        "categories": ["长度", "力学", "时间频率"],
        "issuing_authority": "江苏省市场监督管理局",
        "valid_from": "2021-06-01",
        "valid_until": "2026-05-31",
        "employer": "苏州市计量测试院",
    }


def test_spaced_label_split_into_boxes_and_value_far_right() -> None:
    p = page(
        box("姓", 100, 150),
        box("名", 190, 150),
        box("李娟", 400, 150),
        box("性", 100, 200),
        box("别", 190, 200),
        box("女", 400, 200),
        box("证书编号", 100, 250),
        box("沪计考2020-118", 400, 250),
    )
    v = values(DocType.ASSESSMENT_CERTIFICATE, p)
    assert (v["name"], v.get("cert_number")) == ("李娟", "沪计考2020-118")


def test_value_in_the_cell_below_its_label() -> None:
    p = page(
        box("姓名", 100, 150),
        box("身份证号码", 400, 150),
        box("陈志强", 100, 200),
        box(ID, 400, 200),
        box("检定项目", 100, 260),
        box("电子天平、砝码", 100, 310),
        box("有效期至", 100, 370),
        box("2027.12.31", 100, 420),
    )
    v = values(DocType.VERIFIER_CERTIFICATE, p)
    assert v["name"] == "陈志强"
    assert v["id_number"] == ID
    assert v["items"] == ["电子天平", "砝码"]
    assert v["valid_until"] == "2027-12-31"


def test_id_card_address_wraps_to_a_second_line() -> None:
    p = page(
        box("姓名", 60, 60),
        box("张三", 160, 60),
        box("性别", 60, 110),
        box("男", 160, 110),
        box("民族", 260, 110),
        box("汉", 360, 110),
        box("出生", 60, 160),
        box("1988", 160, 160),
        box("年", 240, 160),
        box("3", 290, 160),
        box("月", 320, 160),
        box("15", 370, 160),
        box("日", 420, 160),
        box("住址", 60, 210),
        box("江苏省苏州市吴江区松陵镇", 160, 210),
        box("人民路100号", 160, 250),
        box("公民身份号码", 60, 330),
        box(ID, 300, 330),
    )
    doc_type, _ = classify(p.text)
    assert doc_type is DocType.ID_CARD_FRONT
    assert values(DocType.ID_CARD_FRONT, p) == {
        "name": "张三",
        "gender": "男",
        "ethnicity": "汉",
        "birth_date": "1988-03-15",
        "address": "江苏省苏州市吴江区松陵镇人民路100号",
        "id_number": ID,
    }
    # its box covers both lines, so the reviewer's page lights the whole value (issue 15.10)
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], p)
    address = fields["address"].bbox
    assert address is not None and address[1] <= 215 and address[3] >= 250, address
    assert fields["name"].bbox is not None and fields["name"].bbox[3] < 100  # a one-line value keeps its line


def test_id_card_back_long_term_validity_is_null() -> None:
    p = page(
        box("中华人民共和国", 300, 40),
        box("居民身份证", 300, 100),
        box("签发机关", 60, 400),
        box("苏州市公安局吴江分局", 220, 400),
        box("有效期限", 60, 450),
        box("2010.03.01-长期", 220, 450),
    )
    assert classify(p.text)[0] is DocType.ID_CARD_BACK
    assert values(DocType.ID_CARD_BACK, p) == {
        "issuing_authority": "苏州市公安局吴江分局",
        "valid_from": "2010-03-01",
        "valid_until": None,
    }


def test_invalid_check_digit_is_kept_and_warned() -> None:
    wrong = ID[:-1] + ("1" if ID[-1] != "1" else "2")
    p = page(box("姓名：王晓明", 100, 150), box(f"身份证号码：{wrong}", 100, 200))
    fields, warnings = extract_fields(BY_TYPE[DocType.ASSESSMENT_CERTIFICATE], p)
    assert fields["id_number"].value == wrong
    assert any(w.startswith("id_number_invalid_check_digit") for w in warnings)
    assert "missing_field: cert_number" in warnings


def test_application_form_checkboxes_from_glyphs() -> None:
    p = page(
        box("注册计量师注册资质互认申请表", 300, 40),
        box("姓名", 60, 120),
        box("王晓明", 160, 120),
        box("职称", 400, 120),
        box("高级工程师", 500, 120),
        box("级别", 60, 200),
        box("□一级 ☑二级", 160, 200),
        box("执业类别", 60, 260),
        box("☑长度 □力学 □声学 ☑温度", 200, 260),
        box("□电磁 □无线电 ☑时间频率", 200, 300),
        box("现执业单位", 60, 360),
        box("单位名称", 240, 360),
        box("嘉兴市计量检定测试院", 400, 360),
        box("原执业单位", 60, 410),
        box("单位名称", 240, 410),
        box("苏州市计量测试院", 400, 410),
    )
    assert classify(p.text)[0] is DocType.APPLICATION_FORM
    v = values(DocType.APPLICATION_FORM, p)
    assert v["level"] == 2
    assert v["categories"] == ["长度", "温度", "时间频率"]
    assert v["current_employer"] == "嘉兴市计量检定测试院"
    assert v["former_employer"] == "苏州市计量测试院"
    assert v["title"] == "高级工程师"


def test_unrelated_text_is_unknown() -> None:
    p = page(box("关于召开年度工作会议的通知", 100, 50), box("各有关单位：现将有关事项通知如下", 100, 120))
    assert classify(p.text)[0] is DocType.UNKNOWN


def big(text: str, x: float, y: float, scale: float = 2.5) -> TextLine:
    width = H * scale * sum(2 if ord(c) > 0x2E80 else 1 for c in text) / 2
    return TextLine(text, (x, y, x + width, y + H * scale), 0.99)


def _name_under_title(*extra: TextLine) -> Page:
    return page(
        big("计量检定员证", 450, 40),
        big("白晨涛", 520, 140),
        box("证书编号", 100, 300),
        box("沪检员200701025", 100, 340),
        box(f"身份证号：{ID}", 100, 400),
        box("执业单位：上海华新质量检测技术有限公司", 100, 460),
        box("上海市质量技术监督局", 800, 700),
        *extra,
    )


def test_a_name_with_no_label_in_large_type_under_the_title() -> None:
    fields, warnings = extract_fields(BY_TYPE[DocType.VERIFIER_CERTIFICATE], _name_under_title())
    assert fields["name"].value == "白晨涛"
    assert fields["name"].bbox is not None and fields["name"].bbox[1] == 140
    assert "missing_field: name" not in warnings


def test_a_labelled_note_that_is_no_name_gives_way_to_the_headline() -> None:
    """持证人应妥善保管本证: the label 持证人 leads to words that are no name; the large name is."""
    p = _name_under_title(box("持证人应妥善保管本证，不得涂改", 100, 900))
    assert values(DocType.VERIFIER_CERTIFICATE, p)["name"] == "白晨涛"


def test_no_headline_name_from_a_title_word_or_small_type() -> None:
    """Large type that is the document's own words, or a name-like line at the field size, is no headline."""
    p = page(
        big("中华人民共和国", 450, 20),
        big("注册证", 520, 120),
        box("王晓明", 520, 250),
        box("证书编号：沪注计20210001", 100, 300),
        box("注册有效期：2021年6月1日至2026年5月31日", 100, 350),
        box("聘用单位：苏州市计量测试院", 100, 400),
        box("级别：一级", 100, 450),
        box("上海市市场监督管理局", 800, 700),
    )
    assert "name" not in values(DocType.REGISTRATION_CERTIFICATE, p)


def test_bilingual_labels_above_their_values_in_two_columns() -> None:
    """An English gloss beside a label (聘用单位 Employer) is part of it: not the next column, not a value."""
    p = page(
        box("注册计量师注册证", 500, 40),
        box("姓名 Name", 100, 150),
        box("性别 Sex", 700, 150),
        box("刘健祎", 100, 190),
        box("男", 700, 190),
        box("身份证号码 ID No.", 100, 250),
        box("注册证编号 Certificate No.", 700, 250),
        box(ID, 100, 290),
        box("苏2022203270", 700, 290),
        box("聘用单位 Employer", 100, 350),
        box("吴江盛泽精测计量有限公司", 100, 390),
        box("生效日期 Date of Registration", 100, 450),
        box("有效期限至 Valid Until", 700, 450),
        box("2022年11月19日", 100, 490),
        box("2027年11月18日", 700, 490),
        box("江苏省市场监督管理局", 800, 700),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert got["cert_number"] == "苏2022203270"
    assert got["employer"] == "吴江盛泽精测计量有限公司"
    assert (got["valid_from"], got["valid_until"]) == ("2022-11-19", "2027-11-18")
    assert (got["name"], got["id_number"]) == ("刘健祎", ID)


def test_a_certificate_number_whose_label_was_lost_is_read_by_its_shape() -> None:
    """证　号 spaced so wide that only 证 was read: the number stands alone in its province's shape."""
    p = page(
        box("注册计量师注册证", 500, 40),
        box("姓名：唐俊", 100, 150),
        box("证", 100, 200),
        box("沪注计20218156", 100, 240),
        box("有效日期至", 100, 300),
        box("2026年8月27日", 100, 340),
        box("备注：苏州市计量测试院2021年检定报告0001234567", 100, 400),
    )
    fields, _ = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], p)
    assert fields["cert_number"].value == "沪注计20218156"
    assert fields["cert_number"].confidence < 0.9, "found by shape, not at a label: less sure"


def _items_in_a_merged_cell(*items: str) -> Page:
    """A table whose items label stands centred on its merged cell, level with the middle item."""
    middle = len(items) // 2
    return page(
        box("计量检定员证", 500, 40),
        box("持证人", 100, 150),
        box("熊秀慧", 300, 150),
        box("证号", 100, 200),
        box("沪检员200800539", 300, 200),
        box("所在单位", 100, 250),
        box("上海华新质量检测技术有限公司", 300, 250),
        *(box(item, 300, 300 + 40 * i) for i, item in enumerate(items)),
        box("检定项目", 100, 300 + 40 * middle),
        box("有效期限至", 100, 300 + 40 * len(items) + 20),
        box("2027年4月2日", 300, 300 + 40 * len(items) + 20),
        box("上海市质量技术监督局", 800, 700),
    )


def test_a_list_whose_label_is_centred_on_its_merged_cell_keeps_its_first_items() -> None:
    """Items above the label's row are the list's, not the employer's run-on (numbered or not)."""
    for items in (
        ("(1)燃油加油机", "(2)钢直尺", "(3)电能表", "(4)机动车测速仪", "(5)工作用热电偶"),
        ("燃气表", "玻璃液体温度计", "压力变送器", "电子天平", "机动车测速仪"),
    ):
        got = values(DocType.VERIFIER_CERTIFICATE, _items_in_a_merged_cell(*items))
        assert got["items"] == [item.split(")")[-1] for item in items], got
        assert got["employer"] == "上海华新质量检测技术有限公司"


def test_a_date_that_wraps_inside_its_table_cell_is_read_whole() -> None:
    # Two dates side by side in narrow cells, each wrapped after 月二 / 月十: the line under the value
    # finishes it; read alone it would be a wrong, valid-looking date (2020-03-02).
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("姓名", 100, 150),
        box("王晓明", 260, 150),
        box("二〇二〇年三月二", 260, 290),
        box("二〇二五年三月十", 690, 290),
        box("生效日期", 100, 303),
        box("有效期至", 530, 303),
        box("十日", 258, 320),
        box("九日", 688, 320),
        box("上海市市场监督管理局", 700, 600),
    )
    v = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert v["valid_from"] == "2020-03-20"
    assert v["valid_until"] == "2025-03-19"


def test_a_date_complete_on_its_line_takes_nothing_from_the_line_under_it() -> None:
    p = page(
        box("检定项目", 100, 150),
        box("电子天平", 260, 150),
        box("有效期至", 100, 200),
        box("2027年12月31日", 260, 200),
        box("12日", 260, 235),
    )
    assert values(DocType.VERIFIER_CERTIFICATE, p)["valid_until"] == "2027-12-31"


def test_a_misread_copy_mark_on_the_authoritys_row_stays_out_of_it() -> None:
    # A slanted copy mark read as 此复糊件 (此复印件 with one character misread) stands on the row of
    # the issuing authority, before it.
    p = page(
        box("中华人民共和国", 300, 40),
        box("居民身份证", 300, 100),
        box("签发机关", 60, 400),
        TextLine("此复糊件", (150, 350, 260, 460), 0.7),
        box("苏州市公安局吴中分局", 270, 400),
        box("有效期限", 60, 450),
        box("2007.12.23-2027.12.23", 270, 450),
    )
    v = values(DocType.ID_CARD_BACK, p)
    assert v["issuing_authority"] == "苏州市公安局吴中分局"
    assert v["valid_until"] == "2027-12-23"


def test_two_overlapping_boxes_of_one_line_do_not_read_their_shared_characters_twice() -> None:
    # The detector cut one printed line into two boxes that overlap by a character: 姓名李 / 李丽琴,
    # 2021年09月22日至2026年 / 年09月21日.  A name that doubles a character stays as printed.
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("姓名李", 100, 150),
        box("李丽琴", 100 + 2 * H, 150),
        box("有效期限", 100, 250),
        box("2021年09月22日至2026年", 100 + 4.5 * H, 250),
        box("年09月21日", 100 + 4.5 * H + 10 * H, 250),
    )
    v = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert v["name"] == "李丽琴"
    assert (v["valid_from"], v["valid_until"]) == ("2021-09-22", "2026-09-21")
    apart = page(box("中华人民共和国注册计量师注册证", 300, 40), box("姓名", 100, 150), box("李李丽", 100 + 3 * H, 150))
    assert values(DocType.REGISTRATION_CERTIFICATE, apart)["name"] == "李李丽"


def test_a_validity_label_centred_on_its_two_lines_takes_both_and_the_employer_neither() -> None:
    # A ruled table: 有效期 stands level with the middle of 自2022.09.23 / 至2027.09.22, right under the
    # employer's row; neither line is more of the employer.
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("所在单位", 100, 200),
        box("苏州市计量测试院", 300, 200),
        box("自2022.09.23", 300, 246),
        box("有效期", 100, 262),
        box("至2027.09.22", 300, 278),
        box("发证机关", 100, 400),
        box("江苏省市场监督管理局", 300, 400),
    )
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], p)
    assert (fields["valid_from"].value, fields["valid_until"].value) == ("2022-09-23", "2027-09-22")
    assert fields["employer"].value == "苏州市计量测试院"
    assert not [w for w in warnings if "employer" in w], "the date is not the employer's, not even cut off it"


def test_labels_above_values_take_the_value_below_not_text_far_along_the_labels_row() -> None:
    # A booklet's page: labels above their values; far along 姓名's row stands the next column's spaced
    # label with its value between its pieces (性 男 别), read as one box 性男别.
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 20),
        box("姓名", 100, 150),
        box("性男别", 420, 150),
        box("吕东成", 102, 190),
        box("注册编号", 100, 250),
        box("浙ZJ2020-1406", 102, 290),
    )
    v = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert v["name"] == "吕东成"
    assert v["cert_number"] == "浙ZJ2020-1406"


def test_a_row_of_label_value_cells_keeps_its_value_far_along_not_the_merged_cell_below() -> None:
    # A form's ruled table: 性别 男 | 姓名 方建 on one row, each value centred far along its wide cell; the
    # row below is 学历 with its value centred in a merged cell, right under 姓名 by chance. The row
    # holds a value before 姓名 (男), so it is not a row of labels over their values.
    p = page(
        box("注册计量师注册资质互认申请表", 300, 20),
        box("性别", 100, 150),
        box("男", 340, 150),
        box("姓名", 700, 150),
        box("方建", 1000, 150),
        box("学历", 100, 200),
        box("中专", 720, 200),
        box("身份证号", 100, 250),
        box(ID, 260, 250),
    )
    v = values(DocType.APPLICATION_FORM, p)
    assert v["name"] == "方建"
    assert v["gender"] == "男"


def test_text_far_along_a_continuation_row_joins_neither_a_list_nor_an_address() -> None:
    # An e-certificate card: the QR code's caption (扫码核验) stands far right, level with an item; a
    # tilted watermark's piece far right of an address's second line.
    card = page(
        box("计量检定员证", 300, 20),
        box("考核项目：（1）血压计", 60, 100),
        box("（2）百分表", 250, 140),
        box("（3）压力变送器", 250, 180),
        box("扫码核验", 900, 182),
        box("（4）燃气表", 250, 220),
        box("有效期限至：2025年9月19日", 60, 300),
    )
    assert values(DocType.VERIFIER_CERTIFICATE, card)["items"] == ["血压计", "百分表", "压力变送器", "燃气表"]
    across = page(
        box("计量检定员证", 300, 20),
        box("考核项目：电子天平", 60, 100),
        box("砝码", 500, 100),
        box("压力表", 205, 140),
        box("水表", 500, 140),
        box("有效期限至：2025年9月19日", 60, 300),
    )
    assert values(DocType.VERIFIER_CERTIFICATE, across)["items"] == ["电子天平", "砝码", "压力表", "水表"]
    id_front = page(
        box("姓名", 60, 60),
        box("张三", 160, 60),
        box("住址", 60, 210),
        box("江苏省苏州市吴江区松陵镇", 160, 210),
        box("人民路100号", 160, 250),
        box("护校", 900, 250),  # a watermark misread
        box("公民身份号码", 60, 330),
        box(ID, 300, 330),
    )
    assert values(DocType.ID_CARD_FRONT, id_front)["address"] == "江苏省苏州市吴江区松陵镇人民路100号"


def test_a_spaced_label_with_a_mark_read_between_its_characters_is_still_a_label() -> None:
    # 性　别 in a form's cell, a rule's speck read between its characters as a tick box.
    p = page(
        box("注册计量师注册资质跨区域互认申请表", 300, 20),
        box("姓名", 100, 150),
        box("莫家", 300, 150),
        box("学历", 600, 150),
        box("硕士研究生", 800, 150),
        box("职称", 100, 200),
        box("工程师", 300, 200),
        box("性☑别", 600, 200),
        box("男", 800, 200),
    )
    v = values(DocType.APPLICATION_FORM, p)
    assert (v["gender"], v["title"], v["education"]) == ("男", "工程师", "硕士研究生")


def test_a_value_after_its_sub_label_is_beside_it_however_far_from_the_label() -> None:
    # 原执业单位 | 单位名称 | value: the blank is counted from the sub-label, so the statement under the
    # row (aligned with the label) is no value of it.
    p = page(
        box("注册计量师注册资质跨区域互认申请表", 300, 20),
        box("原执业单位", 100, 150),
        box("单位名称", 400, 150),
        box("嘉善县计量检定测试所", 530, 150),
        box("本人声明，上述填写的所有信息均真实", 100, 195),
    )
    assert values(DocType.APPLICATION_FORM, p)["former_employer"] == "嘉善县计量检定测试所"


def test_a_long_value_reaching_past_the_midway_between_two_labels_stays_in_its_own_column() -> None:
    """身份证号 | 注册编号 on one row, their values under them: the ID number is wider than the blank
    between the labels, so its last digits stand past the midway.  They are the ID number's, not the
    start of the certificate number."""
    p = page(
        box("注册计量师注册证", 200, 40),
        box("持证人", 600, 100),
        box("性别", 900, 100),
        box("钟喆秀", 600, 140),
        box("女", 900, 140),
        box("身份证号", 600, 200),
        box("注册编号", 900, 200),
        box(ID, 600, 240, w=285),  # to x=885: past the midway (780), within a line's height of 注册编号
        box("浙ZJ2022-4037", 915, 240),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert (got["id_number"], got["cert_number"]) == (ID, "浙ZJ2022-4037")


def test_an_english_gloss_read_with_look_alikes_is_still_the_label_not_the_value() -> None:
    """Emp1oyer (l read as 1), |D No. (I as |), Certificate N0.: the gloss stays out of the value."""
    p = page(
        box("注册计量师注册证", 500, 40),
        box("姓名 Name：刘健祎", 100, 150),
        box(f"身份证号码 |D No.：{ID}", 100, 200),
        box("注册证编号 Certificate N0.：苏2022203270", 100, 250),
        box("聘用单位 Emp1oyer：吴江盛泽精测计量有限公司", 100, 300),
        box("江苏省市场监督管理局", 800, 700),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert got["employer"] == "吴江盛泽精测计量有限公司"
    assert got["cert_number"] == "苏2022203270"
    assert got["id_number"] == ID


def test_a_gloss_is_mostly_letters_and_a_certificate_number_never_is() -> None:
    from ocr.extract import is_gloss

    for gloss in ("Date of Registration", "Emp1oyer", "0rganisation", "Date of Reg1stration", "Issued by"):
        assert is_gloss(gloss), gloss
    for number in ("ZJ2022001", "No.12345", "A1B2C3D4E5", "SH-00123", "No.2021-0345", "B10"):
        assert not is_gloss(number), number


def test_a_label_missing_its_last_character_ends_at_its_box_and_the_value_keeps_its_first() -> None:
    """合格证编 (合格证编号 with 号 lost) in its own box before 沪计考…: the value's first character is
    not the label's misread last one (it was read 计考…, the province lost)."""
    p = page(
        box("计量专业项目考核合格证", 360, 40, w=700),
        box("有效日期至", 190, 300),
        box("2027年10月14日", 364, 300),
        box("签发日期", 190, 380),
        box("2022年10月15日", 364, 380),
        box("合格证编", 190, 460),
        box("沪计考202209012", 364, 460),
        box("证件号码", 190, 540),
        box(ID, 364, 540),
        box("人员姓名", 190, 620),
        box("邹芳", 364, 620),
        box("发证机关（盖章）上海市市场监督管理局", 760, 900),
    )
    assert values(DocType.ASSESSMENT_CERTIFICATE, p)["cert_number"] == "沪计考202209012"


def test_a_short_label_misread_by_one_character_in_the_label_column_is_the_label() -> None:
    """住址 read 任址, a box of its own where the card's labels stand: the label, not the address's start;
    the address runs on to its second line."""
    p = page(
        box("姓名", 110, 110),
        box("苏刚勇", 300, 110),
        box("性别", 110, 200),
        box("男", 300, 200),
        box("民族", 110, 290),
        box("汉", 300, 290),
        box("出生", 110, 380),
        box("1970年6月10日", 300, 380),
        box("任址", 112, 470),
        box("江苏省苏州市吴江区平望", 300, 470),
        box("镇梅园路254弄106号", 300, 510),
        box("公民身份号码", 110, 620),
        box(ID, 400, 620),
    )
    assert values(DocType.ID_CARD_FRONT, p)["address"] == "江苏省苏州市吴江区平望镇梅园路254弄106号"


def test_a_value_with_one_character_of_a_short_label_outside_the_label_column_is_no_label() -> None:
    """任址 standing in the value column (not where the labels start) is text, not a misread 住址."""
    from ocr.extract import Extractor

    p = page(
        box("姓名", 110, 110),
        box("苏刚勇", 300, 110),
        box("住址", 110, 200),
        box("任址江苏省苏州市吴江区平望", 300, 200),
    )
    ex = Extractor(BY_TYPE[DocType.ID_CARD_FRONT], p)
    address = next(fs for fs in ex.spec.fields if fs.keys[0] == "address")
    assert ex._fuzzy_hits(address) == []


def test_an_item_under_a_red_seal_loses_the_seal_s_letters_and_one_without_a_seal_keeps_them() -> None:
    """水表场监: 场监 from 市场监督管理局 around a seal laid over the list; with no seal there, nothing is cut."""
    lines = [
        box("计量专业项目考核合格证", 360, 40, w=700),
        box("人员姓名", 190, 150),
        box("邹芳", 364, 150),
        box("考核项目", 190, 230),
        box("1.电能表", 364, 230),
        box("2.水表场监", 364, 270),
    ]
    plain = page(*lines)
    sealed = page(*lines)
    sealed.marks["red_regions"] = [(400.0, 240.0, 560.0, 330.0)]
    assert values(DocType.ASSESSMENT_CERTIFICATE, sealed)["items"] == ["电能表", "水表"]
    assert values(DocType.ASSESSMENT_CERTIFICATE, plain)["items"] == ["电能表", "水表场监"]


def test_a_validity_label_set_midway_between_its_two_lines_reads_both() -> None:
    """自2023.02.05 / 注册有效期 / 至 2028.02.04 in one cell, the label centred with a blank above and below
    it: it overlaps each line by a quarter of a line, too little to be on either's row."""
    p = page(
        box("注册计量师注册证", 300, 40),
        box("姓名", 100, 150),
        box("谭俊嘉", 300, 150),
        box("注册单位", 100, 220),
        box("上海华新质量检测技术有限公司", 300, 220),
        box("自2023.02.05", 300, 280),
        box("注册有效期", 100, 302),  # 8 px of each 30-px line
        box("至 2028.02.04", 300, 324),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert (got.get("valid_from"), got.get("valid_until")) == ("2023-02-05", "2028-02-04")
    assert got["employer"] == "上海华新质量检测技术有限公司"


def test_a_mark_read_between_label_and_value_is_no_part_of_the_value() -> None:
    """A tick or box the reader saw between 民族 and its value (民族☑汉), an address's cell under it: the
    ethnicity is 汉, not the address below."""
    p = page(
        box("姓名", 100, 130),
        box("沈俊林", 250, 125),
        box("性别", 100, 230),
        box("男", 250, 230),
        box("民族☑汉", 350, 225),
        box("住址", 100, 410),
        box("上海市闵行区七宝镇中", 250, 405),
        box("出生", 100, 320),
        box("1985年9月13日", 250, 320),
        box(f"公民身份号码{ID}", 100, 640),
    )
    assert values(DocType.ID_CARD_FRONT, p)["ethnicity"] == "汉"


def test_values_alone_in_their_boxes_under_labels_misread_beyond_recognition() -> None:
    """A blurred booklet: 性别 read 體测 and 工作单位 read 工修尊位. A lone 男/女 is the holder's sex, a
    box that is an organisation's whole name the employer — and only that box, not the lines under it
    (a validity label misread, then its dates)."""
    p = page(
        box("中华人民共和国", 150, 260),
        box("注册计量师注册证", 150, 320),
        box("寻证人", 740, 67),
        box("體测", 1040, 67),
        box("黎琳秀", 740, 95),
        box("女", 1043, 98),
        box("身份证号", 740, 159),
        box(ID, 740, 192),
        box("注册类别", 1044, 249),
        box("光学", 1044, 279),
        box("工修尊位", 740, 340),
        box("上海青松计量技术服务有限公司", 740, 371),
        box("注册有遗期", 740, 431),
        box("2023年06月23日～2028年06月22日", 740, 463),
        box("上海市市场监督管理局", 200, 720),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert got["gender"] == "女"
    assert got["employer"] == "上海青松计量技术服务有限公司"


def test_a_lone_sex_or_organisation_inside_a_longer_box_is_not_taken() -> None:
    p = page(
        box("注册计量师注册证", 150, 40),
        box("备注：男女不限", 100, 300),
        box("说明：本证由上海青松计量技术服务有限公司代为保管", 100, 400),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert "gender" not in got and "employer" not in got


def test_a_validity_label_between_two_dates_reads_both_when_the_to_was_lost() -> None:
    """自 2021-06-13 / 有效期限 / 至 2026-06-12 with the 至 set apart and not read: the two lines are
    still the range's two ends, not one run of digits that is no date."""
    p = page(
        box("注册计量师注册证", 300, 40),
        box("注册单位", 100, 220),
        box("上海淀山湖检测技术有限公司", 300, 220),
        box("自2021-06-13", 300, 280),
        box("有效期限", 100, 302),
        box("2026-06-12", 330, 324),
    )
    got = values(DocType.REGISTRATION_CERTIFICATE, p)
    assert (got.get("valid_from"), got.get("valid_until")) == ("2021-06-13", "2026-06-12")
    assert got["employer"] == "上海淀山湖检测技术有限公司"


def _booklet_verifier(items: TextLine, items_label: str = "项目名称") -> Page:
    """A verifier booklet's right-hand page: each label alone on its row, its value under it."""
    return page(
        box("计量检定员证", 200, 300),
        box("人员姓名", 780, 80),
        box("林垚", 780, 116),
        box("证号", 780, 180),
        box("浙质监检2012-8720", 780, 216),
        box("所在单位", 780, 380),
        box("浙江禾信计量检测有限公司", 780, 416),
        box(items_label, 780, 480),
        items,
        box("有效期至", 780, 580),
        box("2026年11月27日", 780, 616),
    )


def test_items_set_apart_by_a_blank_the_recogniser_did_not_write_are_split_by_their_centres() -> None:
    # 百分表 砝码 电能表 游标卡尺 酸度计, read with two of its four spaces lost: the characters' centres
    # step by 27 px, and by 41 where a blank half a character wide stands.
    text = "百分表 砝码电能表 游标卡尺酸度计"
    steps = [27.2, 27.2, 20.4, 20.4, 27.2, 40.8, 27.2, 27.2, 20.4, 20.4, 27.2, 27.2, 27.2, 40.8, 27.2, 27.2]
    centres = [799.0]
    for step in steps:
        centres.append(centres[-1] + step)
    items = TextLine(text, (780.0, 513.0, 1258.0, 553.0), 0.95, char_x=centres)
    got = values(DocType.VERIFIER_CERTIFICATE, _booklet_verifier(items))
    assert got["items"] == ["百分表", "砝码", "电能表", "游标卡尺", "酸度计"]
    assert got["employer"] == "浙江禾信计量检测有限公司"


def test_a_value_under_its_label_ends_at_the_next_label_read_with_one_character_wrong() -> None:
    # 考核项目 read 考指项目: a label alone on its row all the same, not more of the employer above it.
    p = _booklet_verifier(box("血压计", 780, 516), items_label="考指项目")
    p.lines.insert(-2, box("电子计价秤", 780, 550))
    got = values(DocType.VERIFIER_CERTIFICATE, p)
    assert got["employer"] == "浙江禾信计量检测有限公司"
    assert got["items"] == ["血压计", "电子计价秤"]


def test_a_list_wrapped_mid_item_joins_though_a_caption_far_along_a_row_reaches_further() -> None:
    # The items' first line runs to the column's edge and breaks inside 电子计价秤; the QR code's caption
    # (扫码核验) stands far along the authority's row, past the edge: it is another column's.
    card = page(
        box("计量检定员证", 300, 20),
        box("持证人姓名：姜萍蓉", 60, 100),
        box("检定项目：弹簧管式精密压力表、压力变送器、游标卡尺、燃气表、电", 60, 150),
        box("子计价秤", 210, 190),
        box("有效日期至：2025年4月26日", 60, 240),
        box("发证机构：江苏省质量技术监督局", 60, 290),
        box("扫码核验", 1200, 290),
    )
    assert values(DocType.VERIFIER_CERTIFICATE, card)["items"] == [
        "弹簧管式精密压力表",
        "压力变送器",
        "游标卡尺",
        "燃气表",
        "电子计价秤",
    ]


def test_an_unlabelled_authority_that_validates_wins_over_a_later_match_that_does_not() -> None:
    # A seal's ring under the authority, read as a bureau's suffix after words that name no place: the
    # last match on the page, but not an authority; the valid one above it is the value.
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("姓名：王晓明", 100, 150),
        box("注册证编号：苏2021-00345", 100, 250),
        box("江苏省市场监督管理局", 800, 600),
        box("计量专用章市场监局管理局", 820, 700),
    )
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], p)
    assert fields["issuing_authority"].value == "江苏省市场监督管理局"
    assert not any("issuing_authority" in w for w in warnings)


def test_an_unlabelled_value_that_does_not_validate_is_still_taken_when_it_is_the_only_one() -> None:
    p = page(
        box("中华人民共和国注册计量师注册证", 300, 40),
        box("姓名：王晓明", 100, 150),
        box("注册证编号：苏2021-00345", 100, 250),
        box("计量专用章市场监局管理局", 820, 700),
    )
    fields, warnings = extract_fields(BY_TYPE[DocType.REGISTRATION_CERTIFICATE], p)
    assert fields["issuing_authority"].value == "计量专用章市场监局管理局"
    assert "authority_unrecognised: issuing_authority" in warnings


def test_a_seal_ring_piece_read_as_a_line_beside_a_list_is_no_item() -> None:
    """A seal's ring over a list's column comes back as a box of its own (市场监), to the right of the
    items and taller than a line: it is no instrument, and it goes with a warning."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), 0.99)

    p = page(
        at("计量专业项目考核合格证", 408, 50, 1041, 114),
        at("人员姓名：魏俊志", 68, 218, 312, 256),
        at("证书编号：浙计考202406501", 66, 277, 451, 315),
        at(f"公民身份号码：{ID}", 67, 336, 562, 371),
        at("项目名称：弹簧管式精密压力表", 67, 391, 498, 430),
        at("血压计", 212, 442, 314, 482),
        at("市场监", 361, 465, 475, 525),
        at("千分尺", 211, 492, 314, 533),
        at("发证单位：浙江省市场监督管理局", 68, 550, 527, 589),
        at("签发日期：2024年4月7日", 68, 608, 401, 647),
        at("有效期至：2029年4月6日", 67, 665, 402, 704),
    )
    fields, warnings = extract_fields(BY_TYPE[DocType.ASSESSMENT_CERTIFICATE], p)
    assert fields["items"].value == ["弹簧管式精密压力表", "血压计", "千分尺"]
    assert "value_cut: items: 市场监" in warnings
    assert fields["issuing_authority"].value == "浙江省市场监督管理局"


def test_a_doubtful_box_laid_over_a_values_end_is_no_part_of_it() -> None:
    """A box that starts inside the value's box and was read unsurely (a seal's ring, a piece read twice)
    does not join the value; one that starts after it, read surely, still does."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 0.99) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), conf)

    lines = [
        at("计量专业项目考核合格证", 508, 303, 1129, 364),
        at("姓名", 265, 410, 329, 432),
        at("郑萍蓉", 266, 433, 343, 464),
        at("江", 332, 436, 365, 460, 0.66),
        at("编号", 829, 407, 900, 437),
        at("苏计考字20239809", 834, 434, 1016, 463),
        at("身份证件号码", 259, 479, 362, 508),
        at(ID, 265, 508, 471, 530),
    ]
    fields, _ = extract_fields(BY_TYPE[DocType.ASSESSMENT_CERTIFICATE], page(*lines))
    assert fields["name"].value == "郑萍蓉"
    lines[3] = at("江", 345, 436, 378, 460)  # beside it, read surely: the name's own last character
    fields, _ = extract_fields(BY_TYPE[DocType.ASSESSMENT_CERTIFICATE], page(*lines))
    assert fields["name"].value == "郑萍蓉江"


def test_a_line_read_twice_below_an_address_is_not_more_of_it() -> None:
    """The detector's second, unsure box over an address line it has read already (reaching up into it)
    ends the address; the same line set clear below it, read surely, is still its next line."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 0.99) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), conf)

    number = "32058419950712440" + id_check_digit("32058419950712440")
    lines = [  # in the order the reader gave them
        at(f"公民身份号码{number}", 121, 603, 913, 662),
        TextLine("镇况家村5", (97, 504, 410, 568), 0.72, [264, 305, 347, 388, 429]),  # its characters by the column
        at("住 址江苏省苏州市吴江区盛泽", 118, 396, 711, 464, 0.97),
        at("出生1995年7月12日", 123, 318, 588, 370),
        at("性别女", 122, 227, 288, 286, 0.96),
        at("姓名芮萍怡", 119, 132, 390, 202),
        at("民族壮", 391, 227, 574, 287, 0.97),
        TextLine("镇沈家村3组70号", (233, 468, 560, 519), 0.99, [263, 298, 341, 384, 419, 453, 488, 505, 540]),
    ]
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*lines))
    assert fields["address"].value == "江苏省苏州市吴江区盛泽镇沈家村3组70号"
    lines[1] = at("5幢", 233, 530, 300, 580)
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*lines))
    assert fields["address"].value == "江苏省苏州市吴江区盛泽镇沈家村3组70号5幢"


def test_a_misread_label_with_its_gloss_ends_the_list_above_it() -> None:
    """A label read with one character wrong (变证日期 for 发证日期), followed on its box only by its English
    gloss and the next column's label, is a row of labels: the list above does not run on into it."""
    p = page(
        box("计量专业项目考核合格证", 253, 164),
        box("姓名 Name", 118, 359),
        box("证书编号 Certificate No.", 597, 359),
        box("邱林蕊", 116, 397),
        box("浙计考202402003", 597, 397),
        box("身份证号码 ID No.", 119, 470),
        box(ID, 118, 511),
        box("核准项目 Items", 118, 579),
        box("紫外可见分光光度计 心电图机", 118, 615),
        box("变证日期 Dntr of Issue有效期限至 Valid Until", 119, 688),
        box("2024年10月9日", 116, 726),
        box("2029年10月8日", 597, 726),
        box("颁发单位：浙江省市场监督管理局", 573, 1516),
    )
    got = values(DocType.ASSESSMENT_CERTIFICATE, p)
    assert got["items"] == ["紫外可见分光光度计", "心电图机"]
    assert got["valid_until"] == "2029-10-08"


def test_a_headline_name_between_a_watermarks_characters_far_along_its_row() -> None:
    """与原件一致 repeated across the page: its characters level with the name, far along the row, are no
    part of it; the name between them is read whole."""
    p = _name_under_title(
        box("与原件一致", 100, 900), box("致", 40, 150), box("与原", 1200, 150, w=60), box("件", 1320, 150)
    )
    p.marks["overlays"] = [("与原件一致", (100.0, 900.0, 250.0, 930.0), "tilt")]
    assert values(DocType.VERIFIER_CERTIFICATE, p)["name"] == "白晨涛"


def test_no_headline_name_from_a_half_read_line_above_the_title() -> None:
    """中华人民共和国 spaced above the title and half read (中民和国) is no name: a headline stands under it."""
    p = page(
        big("中", 400, 20, 1.6),
        big("民", 480, 20, 1.6),
        big("和", 560, 20, 1.6),
        big("国", 640, 20, 1.6),
        big("注册计量师注册证", 400, 90),
        box("证书编号：沪注计20210001", 100, 300),
        box("注册有效期：2021年6月1日至2026年5月31日", 100, 350),
        box("聘用单位：苏州市计量测试院", 100, 400),
        box("级别：一级", 100, 450),
        box("上海市市场监督管理局", 800, 700),
    )
    assert "name" not in values(DocType.REGISTRATION_CERTIFICATE, p)


def _card_front(address: str, ethnicity_row: list[TextLine]) -> Page:
    return page(
        box("姓名 王晓明", 100, 100),
        box("性别 男", 100, 150),
        *ethnicity_row,
        box("出生 1988年3月15日", 100, 250),
        box(f"住址 {address}", 100, 300),
        box(f"公民身份号码 {ID}", 100, 450),
    )


def test_an_address_that_runs_into_a_piece_of_the_next_label_is_cut_back() -> None:
    """…29号号码: the end of 公民身份号码 read on to the address's line is no part of it."""
    p = _card_front("浙江省嘉善县陶庄镇沈家村8组29号号码", [box("民族 汉", 300, 150)])
    fields, warnings = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], p)
    assert fields["address"].value == "浙江省嘉善县陶庄镇沈家村8组29号"
    assert "value_cut: address: 号码" in warnings


def test_an_ethnicity_that_is_a_piece_of_a_label_is_no_value() -> None:
    """民族 followed by 份号码 (公民身份号码 read apart): no ethnicity is read from a label's piece; the
    value further on is."""
    p = _card_front("浙江省嘉善县陶庄镇沈家村8组29号", [box("民族 份号码", 300, 150), box("畲", 300, 190)])
    assert values(DocType.ID_CARD_FRONT, p).get("ethnicity") in (None, "畲")
    assert values(DocType.ID_CARD_FRONT, p).get("ethnicity") != "份号码"


def _verifier_with_items(*item_lines: TextLine) -> Page:
    return page(
        box("计量检定员证", 500, 40),
        box("姓名：白晨涛", 100, 150),
        box("证书编号：沪检员200701025", 100, 200),
        box("检定项目", 100, 300),
        *item_lines,
        box("有效期至：2027年12月7日", 100, 520),
        box("上海市质量技术监督局", 800, 700),
    )


def test_a_full_line_of_items_set_apart_by_spaces_wraps_mid_item() -> None:
    """压力表 百 / 分表: a line of several items that runs full to the column's edge is cut where it was
    full, not at an item's end; a shorter line's end is an item's end."""
    p = _verifier_with_items(box("电子天平 压力表 百", 300, 300), box("分表 砝码", 300, 340))
    assert values(DocType.VERIFIER_CERTIFICATE, p)["items"] == ["电子天平", "压力表", "百分表", "砝码"]
    p = _verifier_with_items(box("电子天平 压力表", 300, 300), box("百分表 砝码 水表 燃气表", 300, 340))
    assert values(DocType.VERIFIER_CERTIFICATE, p)["items"] == [
        "电子天平",
        "压力表",
        "百分表",
        "砝码",
        "水表",
        "燃气表",
    ]


def test_a_blank_inside_a_numbered_item_is_no_items_end() -> None:
    """5.声级 计 — a numbered line is one item, whatever blank the recogniser left inside it."""
    spread = TextLine("5.声级计", (290.0, 380.0, 425.0, 436.0), 0.99, [305.0, 318.0, 340.0, 368.0, 410.0])
    p = _verifier_with_items(box("1.电子天平", 300, 300), box("2.压力表", 300, 340), spread)
    assert values(DocType.VERIFIER_CERTIFICATE, p)["items"] == ["电子天平", "压力表", "声级计"]


def test_a_list_line_that_opens_with_a_separator_carries_on_from_the_line_above() -> None:
    """电子汽车衡、…光度计 / 核准项目 、弹簧管式精密压力表: a label level with the list's second line, which opens
    with the separator the first line's wrap pushed down; the first line is the list's start."""
    p = page(
        box("计量专业项目考核合格证", 400, 20),
        box("持证人姓名 程明", 100, 100),
        box("编号 浙计考202206323", 100, 150),
        box("电子汽车衡、工作用热电偶、紫外可见分光光度计", 300, 240),
        box("核准项目", 100, 262),
        box("、弹簧管式精密压力表", 300, 275),
        box("发证日期 2022年04月18日", 100, 380),
        box("有效期至 2027年04月17日", 100, 430),
        box("浙江省市场监督管理局", 700, 600),
    )
    assert values(DocType.ASSESSMENT_CERTIFICATE, p)["items"] == [
        "电子汽车衡",
        "工作用热电偶",
        "紫外可见分光光度计",
        "弹簧管式精密压力表",
    ]


def test_a_labelled_note_that_is_no_name_gives_way_to_a_misread_name_label() -> None:
    """持证人应妥善保管本证 is no name; 姓么 (姓名 misread) in the column of labels leads to the name."""
    p = page(
        box("注册计量师注册证", 400, 20),
        box("姓么", 100, 100),
        box("董宇林", 100, 135),
        box("证件号码", 100, 200),
        box(ID, 100, 235),
        box("注册级别", 100, 300),
        box("二级注册计量师", 100, 335),
        box("持证人应妥善保管本证，不得涂改、转让", 100, 800),
    )
    assert values(DocType.REGISTRATION_CERTIFICATE, p)["name"] == "董宇林"


def test_a_full_line_of_whole_space_set_items_ends_an_item() -> None:
    """电子汽车衡 气相色谱仪 / 电子天平: a line that ends in a whole item is no wrap mid-item."""
    p = _verifier_with_items(box("电子汽车衡 气相色谱仪", 300, 300), box("电子天平", 300, 340))
    assert values(DocType.VERIFIER_CERTIFICATE, p)["items"] == ["电子汽车衡", "气相色谱仪", "电子天平"]


def test_a_box_that_reads_only_the_end_of_the_line_under_it_again_is_dropped() -> None:
    """A second box over an address line that repeats the line's end (its box stretched by a watermark's
    strokes) adds nothing: the address is read once and runs on to its next line. Where its text is
    new, or it lies on a line of its own, it stays."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 0.99) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), conf)

    number = "32272819640827382" + id_check_digit("32272819640827382")
    lines = [
        at("姓名", 453, 446, 514, 477),
        at("孟欣丹", 538, 441, 627, 476),
        at("性别女", 452, 502, 571, 537),
        at("民族汉", 641, 501, 751, 536),
        at("出生", 454, 566, 529, 593),
        at("1964年8月27日", 538, 563, 709, 595),
        at("住址", 455, 621, 520, 655),
        at("省吴江市盛泽镇人民", 604, 624, 896, 653, 0.98),
        at("江苏省吴江市盛泽镇人民", 535, 621, 812, 657),
        at("小区3幢904室", 539, 659, 695, 690),
        at("公民身份号码", 455, 752, 586, 780),
        at(number, 624, 747, 968, 782),
    ]
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*lines))
    assert fields["address"].value == "江苏省吴江市盛泽镇人民小区3幢904室"
    below = at("省吴江市盛泽镇人民", 604, 700, 896, 730)  # on a line of its own: no echo of the one above
    other = at("省吴江市盛泽镇新村", 604, 624, 896, 653)  # over it, but reading other characters
    assert len(without_echoes([lines[8], below, other])) == 3
    assert without_echoes([lines[8], lines[7]]) == [lines[8]]
    # The whole line read with its label, and a box inside it reading its middle run again.
    whole = TextLine("住址 浙江省嘉善县西塘镇东港村13组23号", (90, 376, 921, 435), 0.98)
    middle = TextLine("浙江省嘉善县西塘镇东港村13组", (188, 386, 837, 429), 0.99)
    assert without_echoes([whole, middle]) == [whole]
    elsewhere = TextLine("浙江省嘉善县西塘镇东港村13组", (500, 386, 1149, 429), 0.99)  # not where its run stands
    assert without_echoes([whole, elsewhere]) == [whole, elsewhere]


def test_a_lone_tall_character_under_or_before_an_address_is_a_watermark_s() -> None:
    """A single character in type far taller than the address's (a watermark's 中, 此) neither runs on
    under the address nor, where it covers the lost label, keeps the address's next line from joining;
    the same character in the address's own type is its last line."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 0.99) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), conf)

    number = "31022919921112826" + id_check_digit("31022919921112826")
    head = [
        at("姓名", 453, 446, 514, 477),
        at("段昊", 538, 441, 627, 476),
        at("性别女", 452, 502, 571, 537),
        at("民族汉", 641, 501, 751, 536),
        at("出生", 454, 566, 529, 593),
        at("1992年11月12日", 538, 563, 709, 595),
    ]
    tail = [at("公民身份号码", 455, 800, 586, 830), at(number, 624, 797, 968, 832)]
    address = [
        at("住址", 455, 621, 520, 655),
        at("上海市青浦区练塘镇健", 538, 621, 812, 657),
        at("康路321弄96号", 539, 659, 695, 690),
    ]
    stray = at("中", 540, 684, 600, 744, 0.66)
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*head, *address, stray, *tail))
    assert fields["address"].value == "上海市青浦区练塘镇健康路321弄96号"
    own = at("中", 540, 694, 570, 726)
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*head, *address, own, *tail))
    assert fields["address"].value == "上海市青浦区练塘镇健康路321弄96号中"
    # The label lost under a watermark's tall 此: the address found by its shape keeps its next line.
    covered = [at("此", 427, 613, 535, 695), *address[1:]]
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*head, *covered, *tail))
    assert fields["address"].value == "上海市青浦区练塘镇健康路321弄96号"


def test_a_watermark_scrap_in_the_label_column_does_not_end_the_address_above_it() -> None:
    """A few characters of a diagonal watermark (手手用), read unsurely in a box twice as tall as the
    card's lines, beside the address's second line in the label's column, are no field's text: the
    address keeps its second line. Read surely, in the card's own type, such a box is text and stays."""

    def at(text: str, x0: float, y0: float, x1: float, y1: float, conf: float = 0.99) -> TextLine:
        return TextLine(text, (x0, y0, x1, y1), conf)

    number = "32272819690512985" + id_check_digit("32272819690512985")
    lines = [
        at("姓名", 478, 1487, 536, 1523),
        at("姜斌伟", 580, 1482, 686, 1526),
        at("性别", 480, 1545, 536, 1582),
        at("男", 580, 1545, 616, 1582),
        at("民族", 483, 1606, 536, 1641),
        at("汉", 579, 1606, 616, 1641),
        at("出生", 480, 1667, 535, 1699),
        at("1969年5月12日", 582, 1665, 949, 1697),
        at("住址", 482, 1725, 535, 1759),
        at("江苏省苏州市吴江区松陵", 582, 1725, 873, 1757),
        at("街道复兴路693弄82号", 582, 1760, 841, 1795),
        at("手手用", 461, 1771, 587, 1835, 0.56),
        at(number, 651, 1815, 1024, 1850),
        at("公民身份号码", 483, 1821, 646, 1850),
    ]
    fields, _ = extract_fields(BY_TYPE[DocType.ID_CARD_FRONT], page(*lines))
    assert fields["address"].value == "江苏省苏州市吴江区松陵街道复兴路693弄82号"
    assert without_scraps(lines) == [ln for ln in lines if ln.text != "手手用"]
    sure = at("手手用", 461, 1771, 587, 1835)
    assert sure in without_scraps([*lines[:-3], sure])
    small = at("手手用", 461, 1771, 530, 1800, 0.56)
    assert small in without_scraps([*lines[:-3], small])
