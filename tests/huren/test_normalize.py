from datetime import date

import pytest

from huren import normalize as n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年5月1日", date(2023, 5, 1)),
        ("2023.05.01", date(2023, 5, 1)),
        ("2023-5-1", date(2023, 5, 1)),
        ("2023/05/01", date(2023, 5, 1)),
        ("20230501", date(2023, 5, 1)),
        ("二〇二三年五月一日", date(2023, 5, 1)),
        ("二〇一九年十二月三十一日", date(2019, 12, 31)),
        ("２０２３年５月１日", date(2023, 5, 1)),
        ("2O23.O5.0l", date(2023, 5, 1)),
        ("2025年-5月28日", date(2025, 5, 28)),  # a stroke after 年 read as a dash
        ("2025年5月-28日", date(2025, 5, 28)),
        ("2029.0724", date(2029, 7, 24)),  # one dot lost: two-digit month and day, one reading
        ("202907.24", date(2029, 7, 24)),
        ("2029.07 24", date(2029, 7, 24)),  # the lost dot left as a blank
        ("2029.0734", None),
        ("2023年2月30日", None),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert n.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "open_ended"),
    [
        ("2023年5月1日至2028年4月30日", date(2023, 5, 1), date(2028, 4, 30), False),
        ("2023.05.01-2028.04.30", date(2023, 5, 1), date(2028, 4, 30), False),
        ("2023-5-1 — 2028-4-30", date(2023, 5, 1), date(2028, 4, 30), False),
        ("2010.03.01-长期", date(2010, 3, 1), None, True),
        ("至2028年4月30日", None, date(2028, 4, 30), False),
        ("2020年-2025年5月1日", None, date(2025, 5, 1), False),  # a year alone is no date
        ("有效期：2024.07.25-2029.0724", date(2024, 7, 25), date(2029, 7, 24), False),
    ],
)
def test_parse_date_range(text: str, start: date | None, end: date | None, open_ended: bool) -> None:
    assert n.parse_date_range(text) == (start, end, open_ended)


def _valid_id(body: str) -> str:
    return body + n.id_check_digit(body)


def test_check_digit_matches_python_stdnum() -> None:
    from stdnum.cn import ric

    for body in ("31011819900101123", "32050919880315001", "33042120001231002", "11010519491231002"):
        number = _valid_id(body)
        assert ric.calc_check_digit(number) == number[-1]  # stdnum's takes the full number


def test_id_number_valid_passes_unchanged() -> None:
    number = _valid_id("31011819900101123")
    assert n.normalize_id_number(number) == (number, [])


def test_id_number_confusion_corrected_only_when_it_validates() -> None:
    number = _valid_id("31011819900101123")
    misread = number.replace("0", "O", 2).replace("1", "l", 1)
    value, warnings = n.normalize_id_number(misread)
    assert value == number
    assert warnings and warnings[0].startswith("id_number_corrected")
    assert number not in warnings[0]  # never the whole number in a message


def test_id_number_invalid_returned_as_read_with_warning() -> None:
    number = _valid_id("31011819900101123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    value, warnings = n.normalize_id_number(wrong)
    assert value == wrong
    assert warnings[0].startswith("id_number_invalid_check_digit")


def test_id_number_implied_gender_and_birth() -> None:
    number = _valid_id("31011819900101123")  # 17th digit 3: odd → male
    assert n.id_number_gender(number) == "男"
    assert n.id_number_birth_date(number) == date(1990, 1, 1)


def test_mask_id_number() -> None:
    assert n.mask_id_number("31011819900101123X") == "3101**********123X"


@pytest.mark.parametrize(("text", "level"), [("一级", 1), ("二级注册计量师", 2), ("2", 2), ("三级", None)])
def test_parse_level(text: str, level: int | None) -> None:
    assert n.parse_level(text) == level


def test_categories_in_canonical_order_once() -> None:
    assert n.parse_categories("时间频率、长度 力学；长度") == ["长度", "力学", "时间频率"]


def test_split_items() -> None:
    assert n.split_items("电子天平、砝码；压力表,  血压计") == ["电子天平", "砝码", "压力表", "血压计"]


def test_clean_value_joins_letter_spaced_cjk() -> None:
    assert n.clean_value("张　三") == "张三"
    assert n.clean_value("：上海 市计量所 ") == "上海市计量所"


def test_id_check_digit_is_gb11643() -> None:
    """The weighted sum mod 11 (weights 2^(18-i) mod 11), written out, for every digit in every position."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]

    def reference(body: str) -> str:
        return "10X98765432"[sum(int(d) * w for d, w in zip(body[:17], weights, strict=True)) % 11]

    bodies = ["11010519491231002", "00000000000000000", "99999999999999999", "3101011990010112"[:16] + "3"]
    bodies += [f"{n:017d}" for n in range(0, 10**17, 10**17 // 3001)]
    bodies += ["0" * i + str(d) + "0" * (16 - i) for i in range(17) for d in range(10)]
    assert [n.id_check_digit(b) for b in bodies] == [reference(b) for b in bodies]
    assert n.id_check_digit("11010519491231002") == "X" and n.id_check_digit("110105194912310021") == "X"
    assert n.id_check_digit("\u0661" * 17) == reference("1" * 17)  # another script's digits, as int() reads them
    for bad in ("1101051949123100", "1101051949123100A", "11010519491231-02"):
        with pytest.raises(ValueError):
            n.id_check_digit(bad)
