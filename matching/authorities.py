"""Issuing authorities: canonical names, former names, and the province each belongs to.

An authority is written many ways on certificates issued over twenty years: the former
质量技术监督局 (质监局) bureaus became 市场监督管理局 (市场监管局) in 2018–2019; a city or district
bureau stands for its province (苏州市 / 吴江区 → 江苏); 吴江市 became 苏州市吴江区 in 2012; and
沪 / 苏 / 浙 abbreviate the provinces.  `canonical_authority` brings every form to one name and a
province, so that the registry's 上海市市场监督管理局 and a legacy certificate's 上海市质量技术监督局
compare equal, and `authority_province` tells the decision step whether an authority is in the zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from huren.bureaus import JIANGSU_CITIES, MARKET_BUREAU_SUFFIXES, PROVINCE_NAMES, SHANGHAI_DISTRICTS, ZHEJIANG_CITIES
from huren.normalize import squash
from matching.normalize import fold_confusables

Province = Literal["shanghai", "jiangsu", "zhejiang"]

SUCCESSOR_SUFFIX = "市场监督管理局"

# Every way a bureau's kind is written → the successor's name. Longest first when matching.
SUFFIX_ALIASES: tuple[str, ...] = MARKET_BUREAU_SUFFIXES

_FOLDED_SUFFIXES = [fold_confusables(s) for s in SUFFIX_ALIASES]

NATIONAL_NAMES: dict[str, str] = {
    "国家市场监督管理总局": "国家市场监督管理总局",
    "市场监管总局": "国家市场监督管理总局",
    "国家质量监督检验检疫总局": "国家市场监督管理总局",
    "国家质检总局": "国家市场监督管理总局",
    "国家质量技术监督局": "国家市场监督管理总局",
}


@dataclass(frozen=True, slots=True)
class Place:
    canonical: str  # the place as the successor bureau's name starts, e.g. 苏州市吴江区
    province: Province | None
    aliases: tuple[str, ...]


# Places in the three provinces: the zone's three areas, their cities, and the provinces themselves.
# Abbreviations (沪/苏/浙) and bare names (青浦, 吴江) are aliases; 吴江市 is the pre-2012 name.
_OTHER_PROVINCES = tuple(p for p in PROVINCE_NAMES if p not in ("上海市", "江苏省", "浙江省"))


def _places() -> list[Place]:
    places = [
        Place("上海市青浦区", "shanghai", ("上海市青浦区", "上海青浦区", "沪青浦区", "青浦区", "青浦县", "青浦")),
        Place(
            "苏州市吴江区",
            "jiangsu",
            ("江苏省苏州市吴江区", "江苏省吴江市", "苏州市吴江区", "苏州吴江区", "吴江区", "吴江市", "吴江"),
        ),
        Place(
            "嘉兴市嘉善县",
            "zhejiang",
            ("浙江省嘉兴市嘉善县", "浙江省嘉善县", "嘉兴市嘉善县", "嘉兴嘉善县", "嘉善县", "嘉善"),
        ),
        Place("上海市", "shanghai", ("上海市", "上海", "沪")),
        Place("江苏省", "jiangsu", ("江苏省", "江苏", "苏")),
        Place("浙江省", "zhejiang", ("浙江省", "浙江", "浙")),
    ]
    for d in SHANGHAI_DISTRICTS:
        if d != "青浦":
            places.append(Place(f"上海市{d}区", "shanghai", (f"上海市{d}区", f"{d}区")))
    for city in JIANGSU_CITIES:
        places.append(Place(f"{city}市", "jiangsu", (f"江苏省{city}市", f"{city}市", city)))
    for city in ZHEJIANG_CITIES:
        places.append(Place(f"{city}市", "zhejiang", (f"浙江省{city}市", f"{city}市", city)))
    for prov in _OTHER_PROVINCES:
        short = prov.removesuffix("省").removesuffix("市").removesuffix("自治区")
        short = short.removesuffix("壮族").removesuffix("回族").removesuffix("维吾尔")
        places.append(Place(prov, None, (prov, short)))
    return places


PLACES: tuple[Place, ...] = tuple(_places())

_ALIASES: tuple[tuple[str, Place], ...] = tuple(
    sorted(((alias, p) for p in PLACES for alias in p.aliases), key=lambda t: -len(t[0]))
)


_PROVINCE_LEVEL = frozenset({"上海市", "江苏省", "浙江省"})


@dataclass(frozen=True, slots=True)
class Authority:
    canonical: str
    province: Province | None


def _clean(name: str) -> str:
    text = squash(name)
    for prefix in ("中华人民共和国", "原"):
        text = text.removeprefix(prefix)
    return text


def _canonical_exact(text: str) -> Authority | None:
    if text in NATIONAL_NAMES:
        return Authority(NATIONAL_NAMES[text], None)
    for alias, place in _ALIASES:
        if text.startswith(alias):
            rest = text[len(alias) :]
            # 沪/苏/浙 alone are ambiguous inside words (苏州 starts with 苏): only accept the
            # single-character alias when a bureau suffix follows directly.
            if len(alias) == 1 and not any(rest.startswith(s) for s in SUFFIX_ALIASES):
                continue
            # 浙江嘉善…: a province followed by one of its own cities or counties names the latter.
            if rest and place.canonical in _PROVINCE_LEVEL:
                inner = _canonical_exact(rest)
                if inner is not None and inner.province == place.province:
                    return inner
            for suffix in SUFFIX_ALIASES:
                if rest == suffix or rest.endswith(suffix):
                    return Authority(place.canonical + SUCCESSOR_SUFFIX, place.province)
            # An OCR-damaged bureau suffix (质量技木监督局) still names the bureau.
            if (
                rest
                and process.extractOne(fold_confusables(rest), _FOLDED_SUFFIXES, scorer=fuzz.ratio, score_cutoff=80)
                is not None
            ):
                return Authority(place.canonical + SUCCESSOR_SUFFIX, place.province)
            # A place without a recognised bureau (计量所, 计量测试研究院): keep the text, know the province.
            return Authority(place.canonical + rest if rest else place.canonical, place.province)
    return None


@lru_cache(maxsize=1)
def _fuzzy_choices() -> dict[str, Authority]:
    choices: dict[str, Authority] = {}
    for alias, place in _ALIASES:
        if len(alias) < 2:
            continue
        for suffix in SUFFIX_ALIASES:
            choices[fold_confusables(alias + suffix)] = Authority(place.canonical + SUCCESSOR_SUFFIX, place.province)
    for name, canonical in NATIONAL_NAMES.items():
        choices[fold_confusables(name)] = Authority(canonical, None)
    return choices


@lru_cache(maxsize=4096)
def canonical_authority(name: str | None) -> Authority | None:
    """The successor bureau's name and its province for any way an authority is written; None if unknown.

    Exact aliases first; then, for OCR-damaged names, the closest known name if it is close enough.
    """
    if not name:
        return None
    text = _clean(name)
    if not text:
        return None
    found = _canonical_exact(text)
    if found:
        return found
    choices = _fuzzy_choices()
    best = process.extractOne(fold_confusables(text), list(choices), scorer=fuzz.ratio, score_cutoff=85)
    if best is not None:
        return choices[best[0]]
    return None


def authority_province(name: str | None) -> str | None:
    """'shanghai' | 'jiangsu' | 'zhejiang' for an authority of the three provinces, else None."""
    found = canonical_authority(name)
    return found.province if found else None


def same_authority(a: str | None, b: str | None) -> bool:
    ca, cb = canonical_authority(a), canonical_authority(b)
    return ca is not None and cb is not None and ca.canonical == cb.canonical
