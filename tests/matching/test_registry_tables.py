"""Registry files as clerks have them: workbooks with title rows and merged headers, Chinese headers,
TSV in UTF-16, GBK, values typed by hand or mangled by Excel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from huren.domain import CertType, RecordStatus
from matching.errors import RegistryFileError
from matching.files import ReadOptions, read_registry_file
from matching.headers import HEADER_TABLE, field_for, fold_header, parse_column_map

from .registry_builders import ZH_HEADER, ZH_ROWS, body_with_x, person_id, text_file, workbook

REG = ReadOptions(cert_type=CertType.REGISTRATION)


def check_zh_rows(path: Path, options: ReadOptions = REG) -> None:
    parsed = read_registry_file(path, options=options)
    assert parsed.rejected == [], [str(r) for r in parsed.rejected]
    records = [row.record for row in parsed.rows]
    assert [r.name for r in records] == ["张伟", "李秀英", "王芳"]
    first, second, third = records
    assert first.cert_type is CertType.REGISTRATION
    assert (first.level, second.level, third.level) == (1, 2, 2), "一级 / 二级 / 贰级"
    assert first.categories == ["长度", "力学"], "categories separated by 、"
    assert second.categories == ["温度", "电磁"], "categories separated by ，"
    assert (first.valid_from, first.valid_until) == (date(2019, 3, 1), date(2024, 2, 28))
    assert (second.valid_from, second.valid_until) == (date(2020, 5, 1), date(2025, 4, 30))
    assert (third.valid_from, third.valid_until) == (date(2021, 6, 1), None), "长期: no end"
    assert [r.status for r in records] == [RecordStatus.VALID, RecordStatus.REVOKED, RecordStatus.SUSPENDED]
    assert first.employer == "上海青浦计量检测中心" and first.issuing_authority == "上海市市场监督管理局"
    assert first.id_number == person_id("31011819850312001") and first.gender == "男"


def test_workbook_with_title_row_and_chinese_headers(tmp_path: Path) -> None:
    path = workbook(tmp_path / "r.xlsx", {"注册计量师": [["2023年注册计量师登记表"], [], ZH_HEADER, *ZH_ROWS]})
    check_zh_rows(path)
    parsed = read_registry_file(path, options=REG)
    assert [row.line for row in parsed.rows] == [4, 5, 6], "row numbers as Excel shows them"
    assert {row.sheet for row in parsed.rows} == {"注册计量师"}


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("gbk", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", "\t"), ("gb18030", ";")]
)
def test_text_tables_in_any_encoding_and_delimiter(tmp_path: Path, encoding: str, delimiter: str) -> None:
    # ranges written with a comma inside would need quoting; this table's ranges have none
    path = text_file(tmp_path / "r.txt", [ZH_HEADER, *ZH_ROWS], encoding=encoding, delimiter=delimiter)
    check_zh_rows(path)


def test_merged_header_cells_over_two_rows(tmp_path: Path) -> None:
    top = ["序号", "姓名", "证书编号", "身份证号码", "有效期", None, "证书类型"]
    sub = [None, None, None, None, "起", "至", None]
    rows = [
        [1, "赵敏", "沪ZC2023000001", person_id("31011819880101001"), datetime(2023, 5, 1), 46873, "注册证"],
        [2, "钱军", "苏KH2023000002", person_id("32050919870202002"), "2023年5月1日", "2028/4/30", "考核合格证"],
    ]
    merges = {"S": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "G1:G2"]}
    parsed = read_registry_file(workbook(tmp_path / "m.xlsx", {"S": [top, sub, *rows]}, merges=merges))
    assert parsed.rejected == [], [str(r) for r in parsed.rejected]
    a, b = (row.record for row in parsed.rows)
    assert (a.valid_from, a.valid_until) == (date(2023, 5, 1), date(2028, 4, 30)), "Excel serial 46873 = 2028-04-30"
    assert (b.valid_from, b.valid_until) == (date(2023, 5, 1), date(2028, 4, 30))
    assert (a.cert_type, b.cert_type) == (CertType.REGISTRATION, CertType.ASSESSMENT), "cert type in Chinese"
    assert [row.line for row in parsed.rows] == [3, 4]


def test_every_sheet_or_one(tmp_path: Path) -> None:
    sheets = {
        "说明": [["本表由发证机关填写"], ["请勿修改表头"]],
        "上海": [ZH_HEADER, *ZH_ROWS[:1]],
        "江苏": [ZH_HEADER, *ZH_ROWS[1:]],
    }
    path = workbook(tmp_path / "r.xlsx", sheets)
    parsed = read_registry_file(path, options=REG)
    assert [(row.sheet, row.record.name) for row in parsed.rows] == [
        ("上海", "张伟"),
        ("江苏", "李秀英"),
        ("江苏", "王芳"),
    ]
    only = read_registry_file(path, options=ReadOptions(sheet="江苏", cert_type=CertType.REGISTRATION))
    assert [row.record.name for row in only.rows] == ["李秀英", "王芳"]
    with pytest.raises(RegistryFileError, match=r"no sheet '浙江'.*说明, 上海, 江苏"):
        read_registry_file(path, options=ReadOptions(sheet="浙江"))


def test_excel_mangled_id_numbers_are_row_errors_that_say_so(tmp_path: Path) -> None:
    x_body = body_with_x()
    rows = [
        ["姓名", "证书编号", "身份证号码"],
        ["甲", "A1", 3.20582199001011e17],  # a number cell: Excel kept 15 digits
        ["乙", "A2", "3.20582E+17"],  # the same, saved to CSV and read back as text
        ["丙", "A3", x_body],  # the trailing X dropped
        ["丁", "A4", person_id("31011819850312001")],
    ]
    parsed = read_registry_file(workbook(tmp_path / "ids.xlsx", {"S": rows}), options=REG)
    assert [row.record.name for row in parsed.rows] == ["丁"]
    by_line = {r.line: r for r in parsed.rejected}
    assert set(by_line) == {2, 3, 4}
    for line in (2, 3):
        assert by_line[line].field == "id_number" and by_line[line].column == "身份证号码"
        assert "Excel stored the ID number as a number" in by_line[line].reason, by_line[line]
    assert "check digit would be X" in by_line[4].reason and x_body not in str(by_line[4]), "masked"
    assert str(by_line[2]).startswith(f"{tmp_path / 'ids.xlsx'}[S]:2: id_number (身份证号码): ")


def test_dates_as_people_type_them(tmp_path: Path) -> None:
    rows = [["姓名", "证书编号", "有效期起", "有效期至"]]
    forms = [("2023年5月1日", "2028年4月30日"), ("2023/5/1", "2028/4/30"), ("2023.05.01", "2028.04.30"),
             ("45047", "46873"), (45047, 46873.0), (datetime(2023, 5, 1), datetime(2028, 4, 30))]  # fmt: skip
    rows += [[f"人{i}", f"A{i}", a, b] for i, (a, b) in enumerate(forms)]
    parsed = read_registry_file(workbook(tmp_path / "d.xlsx", {"S": rows}), options=REG)
    assert parsed.rejected == [], [str(r) for r in parsed.rejected]
    for row in parsed.rows:
        assert (row.record.valid_from, row.record.valid_until) == (date(2023, 5, 1), date(2028, 4, 30)), row


def test_unknown_columns_noted_once_and_ignored(tmp_path: Path) -> None:
    from matching.files import RegistryReader

    rows = [["姓名", "证书编号", "联系电话", "备注"], ["张三", "A1", "13800000000", "x"], ["李四", "A2", "", ""]]
    reader = RegistryReader(workbook(tmp_path / "u.xlsx", {"S": rows}), REG)
    assert len(list(reader)) == 2
    assert len(reader.notices) == 1 and "联系电话, 备注" in reader.notices[0]


def test_map_names_any_other_header(tmp_path: Path) -> None:
    rows = [["人员", "证书号", "身份证", "备注"], ["张三", "A1", person_id("31011819850312001"), "x"]]
    path = workbook(tmp_path / "m.xlsx", {"S": rows})
    with pytest.raises(RegistryFileError, match=r"not a registry table.*first row: '人员', '证书号', '身份证', '备注'"):
        read_registry_file(path, options=REG)  # only 证书号 is known: not enough to call it a header
    column_map = parse_column_map(["人员=name", "身份证=id_number", "备注=-"])
    parsed = read_registry_file(path, options=ReadOptions(column_map=column_map, cert_type=CertType.REGISTRATION))
    assert parsed.rows[0].record.name == "张三" and parsed.rows[0].record.id_number
    with pytest.raises(ValueError, match="unknown field 'nam'"):
        parse_column_map(["人员=nam"])


def test_header_vocabulary_is_the_document_specs() -> None:
    from ocr.documents import common

    for label in (*common.NAME, *common.CERT_NUMBER, *common.ID_NUMBER, *common.VALID_UNTIL):
        assert field_for(label) is not None, label
    assert field_for("身份证号码（18位）*") == "id_number", "notes in brackets and required marks ignored"
    assert field_for("Ｃｅｒｔ ｎｏ．") == "cert_number", "width and case"
    assert fold_header("有效期") in HEADER_TABLE and HEADER_TABLE[fold_header("有效期")] == "validity"


def test_missing_required_column_lists_what_was_found(tmp_path: Path) -> None:
    rows = [["姓名", "身份证号码", "级别"], ["张三", person_id("31011819850312001"), "一级"]]
    with pytest.raises(
        RegistryFileError, match="missing column\\(s\\) cert_number; columns found: '姓名', '身份证号码', '级别'"
    ):
        read_registry_file(workbook(tmp_path / "r.xlsx", {"S": rows}), options=REG)
    with pytest.raises(RegistryFileError, match="cert_type \\(or give --cert-type\\)"):
        read_registry_file(workbook(tmp_path / "t.xlsx", {"S": [["姓名", "证书编号"], ["张三", "A1"]]}))


def test_two_columns_for_one_field(tmp_path: Path) -> None:
    rows = [["姓名", "证书编号", "注册证编号"], ["张三", "A1", "A2"]]
    with pytest.raises(RegistryFileError, match="'证书编号' and '注册证编号' both map to cert_number"):
        read_registry_file(workbook(tmp_path / "r.xlsx", {"S": rows}), options=REG)


def test_blank_rows_and_a_leftover_byte_order_mark_in_a_text_table(tmp_path: Path) -> None:
    """Rows of nothing but spaces are skipped (their line numbers kept for the rest); a byte-order mark
    that decoding left in front of a row's first cell is dropped, the header's included."""
    header, *rows = (",".join(str(c) for c in cells) for cells in [ZH_HEADER, *ZH_ROWS])
    text = "\n".join(["\ufeff\ufeff" + header, rows[0], " , ,\t", "", "\ufeff" + rows[1], rows[2]]) + "\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    check_zh_rows(path)
    assert [row.line for row in read_registry_file(path, options=REG).rows] == [2, 5, 6]
