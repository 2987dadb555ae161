"""The keys' shortcut for values already clean gives exactly what the cleaners give (stored block keys depend on it)."""

from __future__ import annotations

import pytest

from matching.normalize import (
    cert_key,
    clean_cert_number,
    clean_cert_number_quickly,
    clean_id_number,
    clean_name,
    fold_confusables,
    id_key,
    name_key,
)
from matching.search import BLOCKING_RULES, SearchKeys, block_values
from samples.records import generate_records


def _cert_key(raw: str) -> str | None:
    return fold_confusables(clean_cert_number(raw)) or None


def _id_key(raw: str) -> str | None:
    text = clean_id_number(raw)
    body, last = (text[:-1], text[-1]) if text.endswith("X") else (text, "")
    return (fold_confusables(body) + last) or None


def _name_key(raw: str) -> str | None:
    return fold_confusables(clean_name(raw)) or None


CERT_NUMBERS = [
    "沪ZC2019000123", "NO123456", "NO.沪ZC 2019-000 777", "编号ZC1", "证号12", "证书编号:12", "第2023001号",
    "沪ZC２０１９", "\uf900ZC1", "zc2019o0l", "沪ZC2019000123 ", "ZC2019/000-1", "豈ZC1", "ZC\u0663\u0664",
]  # fmt: skip
ID_NUMBERS = [
    "11010519491231002X", "110105194912310021", "11010519491231002x", "1101051949123100２1",
    "110105194912310O21", "11010519491231002×", "\u0661" * 17 + "1", "110105 19491231 0021", "1101051949",
]  # fmt: skip
NAMES = ["张伟", "阿依·古丽", "阿依•古丽", "张 伟", "王已", "Zhang Wei", "韦秀旻", "豈伟", "張偉"]


@pytest.mark.parametrize("value", CERT_NUMBERS)
def test_cert_key(value: str) -> None:
    assert cert_key(value) == _cert_key(value)


@pytest.mark.parametrize("value", [*CERT_NUMBERS, "", "ZC", "NO", "第", "证", "ZC第1号"])
def test_clean_cert_number_quickly(value: str) -> None:
    assert clean_cert_number_quickly(value) == clean_cert_number(value)


def test_clean_cert_number_quickly_on_generated_numbers() -> None:
    numbers = [r.cert_number for r in generate_records(3000, seed=7)]
    assert [clean_cert_number_quickly(n) for n in numbers] == [clean_cert_number(n) for n in numbers]


@pytest.mark.parametrize("value", ID_NUMBERS)
def test_id_key(value: str) -> None:
    assert id_key(value) == _id_key(value)


@pytest.mark.parametrize("value", NAMES)
def test_name_key(value: str) -> None:
    assert name_key(value) == _name_key(value)


def test_keys_of_generated_records() -> None:
    for record in generate_records(3000, seed=3):
        assert cert_key(record.cert_number) == _cert_key(record.cert_number)
        assert name_key(record.name) == _name_key(record.name)
        if record.id_number:
            assert id_key(record.id_number) == _id_key(record.id_number)


def test_block_values_are_the_rules_keys() -> None:
    """The import's all-at-once blocking keys are each rule's key, in the rules' order, for any shape."""
    records = generate_records(3000, seed=5)
    shapes = [
        ("AB12", "11010519491231002X", "张三"),
        (None, None, None),
        ("", "", ""),
        ("123456789012", "1101051949", "x"),
    ]
    shapes += [(r.cert_number, r.id_number, r.name) for r in records]
    seen_id_parts = 0
    for cert, id_number, name in shapes:
        keys = SearchKeys(cert_key(cert), id_key(id_number), name_key(name))
        values = block_values(keys.cert_key, keys.id_key, keys.name_key)
        assert values == tuple(rule.key(keys) for rule in BLOCKING_RULES)
        seen_id_parts += values[-1] is not None
    assert seen_id_parts > 1000  # the ID number's parts were compared, not only the Nones
