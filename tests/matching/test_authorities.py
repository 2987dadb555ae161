"""Authority names: former bureaus, city and district bureaus, abbreviations, OCR damage."""

from __future__ import annotations

import pytest

from matching.authorities import authority_province, canonical_authority, same_authority

CASES = [
    ("上海市质量技术监督局", "上海市市场监督管理局", "shanghai"),
    ("上海市市场监管局", "上海市市场监督管理局", "shanghai"),
    ("沪市场监管局", "上海市市场监督管理局", "shanghai"),
    ("上海市青浦区质量技术监督局", "上海市青浦区市场监督管理局", "shanghai"),
    ("青浦区市场监督管理局", "上海市青浦区市场监督管理局", "shanghai"),
    ("江苏省质量技术监督局", "江苏省市场监督管理局", "jiangsu"),
    ("苏州市质监局", "苏州市市场监督管理局", "jiangsu"),
    ("吴江市质量技术监督局", "苏州市吴江区市场监督管理局", "jiangsu"),
    ("江苏省苏州市吴江区市场监督管理局", "苏州市吴江区市场监督管理局", "jiangsu"),
    ("浙江省质量技术监督局", "浙江省市场监督管理局", "zhejiang"),
    ("嘉兴市质量技术监督局", "嘉兴市市场监督管理局", "zhejiang"),
    ("嘉善县市场监管局", "嘉兴市嘉善县市场监督管理局", "zhejiang"),
    ("浙江嘉善市场监管局", "嘉兴市嘉善县市场监督管理局", "zhejiang"),
    ("ＳＨ上海市市场监督管理局"[2:], "上海市市场监督管理局", "shanghai"),
    ("上 海 市 市 场 监 督 管 理 局", "上海市市场监督管理局", "shanghai"),
    ("上海市质量技木监督局", "上海市市场监督管理局", "shanghai"),  # OCR: 术 → 木
    ("北京市质量技术监督局", "北京市市场监督管理局", None),
    ("安徽省市场监督管理局", "安徽省市场监督管理局", None),
]


@pytest.mark.parametrize(("name", "canonical", "province"), CASES, ids=[c[0] for c in CASES])
def test_canonical_and_province(name: str, canonical: str, province: str | None) -> None:
    found = canonical_authority(name)
    assert found is not None, name
    assert (found.canonical, found.province) == (canonical, province)
    assert authority_province(name) == province


def test_unknown_and_empty() -> None:
    assert canonical_authority("Some Company Ltd") is None
    assert authority_province(None) is None
    assert authority_province("") is None


def test_same_authority() -> None:
    assert same_authority("吴江市质量技术监督局", "苏州市吴江区市场监督管理局")
    assert not same_authority("苏州市市场监督管理局", "苏州市吴江区市场监督管理局")
