"""Reading registry files: encodings, columns, and every reason a row is rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stdnum.cn import ric

from huren.domain import CertType, RecordStatus
from matching.errors import RegistryFileError
from matching.files import COLUMNS, RejectedRow, read_registry_file


def valid_id(body: str = "31011819850312001") -> str:
    return body + ric.calc_check_digit(body + "0")


HEADER = ",".join(COLUMNS[:13])
GOOD = [
    f"registration,沪ZC2019000123,张伟,{valid_id()},男,1,长度;力学,,上海市市场监督管理局,2019-03-01,2024-02-28,valid,上海青浦计量检测中心",
    f"assessment,苏KH2020000007,李秀英,{valid_id('32050919900101002')},女,,,电子天平检定;压力表检定,苏州市吴江区市场监督管理局,2020-05-01,2025-04-30,valid,吴江计量测试所",
    "verifier,浙JD2003000045,王芳,,女,,,衡器检定,嘉善县质量技术监督局,2003-06-01,2008-05-31,revoked,嘉善质量技术服务有限公司",
]


def write(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    parsed = read_registry_file(write(tmp_path / "r.csv", [HEADER, *GOOD], encoding))
    assert parsed.rejected == []
    names = [row.record.name for row in parsed.rows]
    assert names == ["张伟", "李秀英", "王芳"], f"encoding {encoding}: got {names}"
    first = parsed.rows[0].record
    assert first.cert_type is CertType.REGISTRATION
    assert first.categories == ["长度", "力学"]
    assert first.issuing_authority == "上海市市场监督管理局"
    assert parsed.rows[1].record.items == ["电子天平检定", "压力表检定"]
    assert parsed.rows[2].record.status is RecordStatus.REVOKED
    assert parsed.rows[2].record.id_number is None
    assert [row.line for row in parsed.rows] == [2, 3, 4]


def test_jsonl_accepts_lists_and_strings(tmp_path: Path) -> None:
    rows = [
        {
            "cert_type": "registration",
            "cert_number": "沪ZC2019000123",
            "name": "张伟",
            "id_number": valid_id(),
            "level": 2,
            "categories": ["长度", "温度"],
            "valid_from": "2019-03-01",
        },
        {"cert_type": "assessment", "cert_number": "苏KH2020000007", "name": "李秀英", "items": "衡器检定;水表检定"},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    parsed = read_registry_file(path)
    assert parsed.rejected == []
    assert parsed.rows[0].record.level == 2
    assert parsed.rows[0].record.categories == ["长度", "温度"]
    assert parsed.rows[1].record.items == ["衡器检定", "水表检定"]


BAD_ROWS = [
    # (row, field, reason fragment)
    ("registration,,张伟,,,,,,,,,,", "cert_number", "missing"),
    (",沪ZC2019000999,张伟,,,,,,,,,,", "cert_type", "missing"),
    ("licence,沪ZC2019000999,张伟,,,,,,,,,,", "cert_type", "unknown cert_type 'licence'"),
    ("registration,沪ZC2019000999,,,,,,,,,,,", "name", "missing"),
    ("registration,沪ZC2019000999,张伟,,,,,,,2023-02-30,,,", "valid_from", "impossible date '2023-02-30'"),
    ("registration,沪ZC2019000999,张伟,,,,,,,2023-02-01,2022-01-01,,", "valid_until", "before valid_from"),
    ("registration,沪ZC2019000999,张伟,310118198503120010,,,,,,,,,", "id_number", "invalid check digit"),
    ("registration,沪ZC2019000999,张伟,3101181985031200,,,,,,,,,", "id_number", "expected 18 characters"),
    ("registration,沪ZC2019000999,张伟,,,,,,,,,expired,", "status", "unknown status 'expired'"),
    ("registration,沪ZC2019000999,张伟,,,3,,,,,,,", "level", "unknown level '3'"),
]


@pytest.mark.parametrize(("row", "field", "reason"), BAD_ROWS, ids=[b[1] + ":" + b[2][:20] for b in BAD_ROWS])
def test_bad_row_is_reported_with_its_line(tmp_path: Path, row: str, field: str, reason: str) -> None:
    path = write(tmp_path / "r.csv", [HEADER, GOOD[0], row, GOOD[1]], "utf-8")
    parsed = read_registry_file(path)
    assert [r.line for r in parsed.rows] == [2, 4], "good rows around the bad one still land"
    assert len(parsed.rejected) == 1, parsed.rejected
    rejected = parsed.rejected[0]
    assert (rejected.line, rejected.field) == (3, field), f"expected line 3 {field}, got {rejected}"
    assert reason in rejected.reason, f"expected {reason!r} in {rejected.reason!r}"
    assert str(rejected).startswith(f"{path}:3: {field}: ")


def test_rejected_id_number_is_masked(tmp_path: Path) -> None:
    bad = "310118198503120010"
    path = write(tmp_path / "r.csv", [HEADER, f"registration,沪ZC1,张伟,{bad},,,,,,,,,"], "utf-8")
    rejected = read_registry_file(path).rejected[0]
    assert bad not in str(rejected)
    assert "3101**********0010" in rejected.reason


def test_conflicting_duplicates_are_all_rejected_identical_ones_dropped(tmp_path: Path) -> None:
    changed = GOOD[0].replace(",1,长度", ",2,长度")
    path = write(tmp_path / "r.csv", [HEADER, GOOD[0], GOOD[1], changed, GOOD[1]], "utf-8")
    parsed = read_registry_file(path)
    assert [r.record.cert_number for r in parsed.rows] == ["苏KH2020000007"]
    assert [(r.line, r.field) for r in parsed.rejected] == [(2, "cert_number"), (4, "cert_number")]
    assert "conflicting duplicate of line 4" in parsed.rejected[0].reason
    assert "conflicting duplicate of line 2" in parsed.rejected[1].reason


def test_fifteen_digit_legacy_id_is_widened(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, "verifier,沪JD1999000001,张伟,310118850312001,,,,,,,,,"], "utf-8")
    record = read_registry_file(path).rows[0].record
    assert record.id_number == valid_id("31011819850312001")


def test_unknown_column_is_noted_and_ignored(tmp_path: Path) -> None:
    from matching.files import RegistryReader

    path = write(tmp_path / "r.csv", [HEADER + ",phone", GOOD[0] + ",138"], "utf-8")
    reader = RegistryReader(path)
    rows = list(reader)
    assert [r.record.name for r in rows if not isinstance(r, RejectedRow)] == ["张伟"]
    assert reader.notices == [
        f"{path}:1: column(s) not imported: phone (name them with --map HEADER=FIELD to import them)"
    ]


def test_missing_required_column_rejects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", ["cert_type,name", "registration,张伟"], "utf-8")
    with pytest.raises(RegistryFileError, match="cert_number"):
        read_registry_file(path)


def test_columns_are_the_record_fields() -> None:
    assert COLUMNS[:3] == ("cert_type", "cert_number", "name")
    assert "source" in COLUMNS and "updated_at" in COLUMNS


def test_more_cells_than_headers_is_a_row_error(tmp_path: Path) -> None:
    shifted = GOOD[0].replace("上海青浦计量检测中心", "上海青浦,计量检测中心")
    path = write(tmp_path / "r.csv", [HEADER, shifted, GOOD[1]], "utf-8")
    parsed = read_registry_file(path)
    assert [r.line for r in parsed.rows] == [3]
    assert [(r.line, r.field) for r in parsed.rejected] == [(2, "row")]
    assert "14 cells for 13 columns" in parsed.rejected[0].reason


def test_rows_shorter_than_the_header_read_the_cells_they_have(tmp_path: Path) -> None:
    """A row that stops early (a spreadsheet trims empty trailing cells) has the fields up to its end, no more."""
    short = [
        "registration,沪ZC2019000123,张伟",
        "registration,沪ZC2019000124",
        f"assessment,苏KH2020000007,李秀英,{valid_id()}",
    ]
    parsed = read_registry_file(write(tmp_path / "r.csv", [HEADER, *short], "utf-8"))
    assert [(r.line, r.record.name, r.record.id_number) for r in parsed.rows] == [
        (2, "张伟", None),
        (4, "李秀英", valid_id()),
    ]
    assert [(r.line, r.field, r.reason) for r in parsed.rejected] == [(3, "name", "missing")]


def test_a_bad_date_is_reported_on_every_row_and_field_that_holds_it(tmp_path: Path) -> None:
    """The same bad value is an error on each row that holds it, under its own field; other written forms read as ISO."""
    rows = [
        "registration,沪ZC2019000001,张伟,,,,,,,2023-02-30,,,",
        "registration,沪ZC2019000002,张伟,,,,,,,2023-02-28,2023-02-30,,",
        "registration,沪ZC2019000003,张伟,,,,,,,2023-02-30,,,",
        "registration,沪ZC2019000004,张伟,,,,,,,2023/2/28, 2028.2.27 ,,",
        "registration,沪ZC2019000005,张伟,,,,,,,2023-02-28,2028-02-27,,",
    ]
    parsed = read_registry_file(write(tmp_path / "r.csv", [HEADER, *rows], "utf-8"))
    assert [(r.line, r.field) for r in parsed.rejected] == [(2, "valid_from"), (3, "valid_until"), (4, "valid_from")]
    assert all("impossible date '2023-02-30'" in r.reason for r in parsed.rejected)
    written, iso = (r.record for r in parsed.rows)
    assert (written.valid_from, written.valid_until) == (iso.valid_from, iso.valid_until)
    assert str(iso.valid_from) == "2023-02-28" and str(iso.valid_until) == "2028-02-27"
