"""What a value of each kind must look like, and how a value that ran on into its neighbours is cut back.

A reader turns the text found at a label into a value; the rule of its kind (`RULES`, one row per
kind) then decides whether that value is whole.  A value that fails is cut back — at the next
label, a watermark's or a seal's words, a date stuck on, a doubled ending — to what validates; a
value that still fails is kept, with a warning and its certainty lowered, never as a clean read.

    kind          valid when                                         cut back at
    name          2–4 Han characters, or Han parts joined by ·        a label, an overlay or a note word
    authority     ends in a known bureau suffix (or is national),    a label/overlay word, a doubled
                  starts with its province when it names one        ending, the last complete suffix,
                  and begins with a place (a known one, or …市/县/  what stands before the province
                  区/省 within its first characters); a branch      or before a known place
                  (…分局) is a bureau's — one ending in …公安 or
                  …市场监督 is truncated
    cert_number   the provinces' shapes: [沪苏浙][letters][kind]digits  a date stuck on, Han text after digits
    address       does not end in a label, overlay or stamp word     those words at its end
                  (doubted: an odd ending, a house number without 号)
    items         no label, overlay or stamp words among them         those entries dropped
    text          (employers) as address                             …and at a date run on inside it
                  (one cut off inside its company form, …技术有, is completed: 有限公司, warned)
    ethnicity     one of the 56 groups                                 after the group's name (汉住址)
    date…         a year from 1950 to 2100; a range that runs forward
    birth_date    the date inside a valid ID number on the same document (`agree`)

The other kinds validate in their readers (`ocr.fields`): an ID number by its GB 11643 check digit,
a date by existing, gender, level and categories by their closed vocabularies, a phone by its shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import cache

from rapidfuzz.distance import Hamming, Levenshtein

from huren.bureaus import (
    AUTHORITY_SUFFIXES,
    CITIES_NEAR_ZONE,
    MARKET_BUREAU_SUFFIXES,
    NATIONAL_AUTHORITIES,
    OVERLAY_LEADS,
    OVERLAY_PIECES,
    OVERLAY_STRAYS,
    OVERLAY_WORDS,
    PLACES_NEAR_PROVINCES,
    PROVINCE_NAMES,
    STAMP_WORDS,
    TRUNCATED_AUTHORITY_ENDINGS,
    pieces,
)
from huren.domain import ExtractedField, FieldValueType
from huren.normalize import id_number_valid
from huren.zone import ZONE
from ocr.overlays import remove_phrases

CUT_CERTAINTY = 0.95  # a value cut back to its valid part: most likely right, but not as read
NOTE_WORDS = ("注", "本证", "备注", "说明")  # a note printed beside a value (注：本证…)

Cut = Callable[[str, Sequence[str]], str]
Check = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class Doubt:
    """A value that validates but is suspect: the warning it carries and what it does to certainty."""

    test: Check
    warning: str
    penalty: float


@dataclass(frozen=True, slots=True)
class ValueRule:
    valid: Check
    cuts: tuple[Cut, ...]  # applied in turn until the value validates
    warning: str  # when nothing validates
    penalty: float  # certainty multiplier then
    doubts: tuple[Doubt, ...] = ()


@dataclass(slots=True)
class Verdict:
    value: FieldValueType
    certainty: float = 1.0
    warnings: list[str] = field(default_factory=list)
    valid: bool = True


# --- checks -------------------------------------------------------------------------------------------

_HAN = r"\u4e00-\u9fff"
_NAME = re.compile(rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,8}}(?:·[{_HAN}]{{1,8}}){{1,3}}")
_CERT_NUMBER = re.compile(
    rf"(?:No\.?)?[沪苏浙]?[A-Z]{{0,3}}[{_HAN}]{{0,4}}[A-Z]{{0,3}}[-]?"
    r"(?:[(（]\d{4}[)）])?第?\d[\d\-]{3,18}[\dA-Z][号]?"
)
_DATE_TAIL = re.compile(r"(?:19|20)\d{2}(?:年\d{1,2}月?\d{0,2}日?|[.\-/]\d{1,2}[.\-/]\d{1,2})$")
_ADDRESS_END = re.compile(
    r"(?:号|室|村|组|弄|栋|幢|楼|户|队|屯|院|单元|层|巷|街|路|道|镇|乡|宅|座|苑|园|里|区|附\d+|[\d]|[A-Za-z])$"
)


def _is_name(value: str) -> bool:
    return _NAME.fullmatch(value) is not None


def _repeated_tail(value: str) -> bool:
    """…管理局管理局: the end of a name read twice (two overlapping boxes of one line)."""
    return any(value[-2 * k : -k] == value[-k:] for k in range(2, len(value) // 2 + 1))


# A label the specs do not know, left at a value's start: words ending like a label (颁发单位,
# 发证机构) before a place's name.
_LABEL_LEAD = re.compile(rf"^[{_HAN}]{{0,4}}(?:单位|机关|机构|部门)(?=[{_HAN}]{{2,}}?(?:省|市|自治区|县|区))")
# A date (with its 自/从/于) run on after a free-text value: the next cell's validity.
# The date may be written in numerals or in words (自二〇二一年十二月十七日).
_DATED_TAIL = re.compile(
    r"(?:自|从|于|至)?(?:(?:19|20)\d{2}(?:年\d{1,2}月?\d{0,2}日?|[.\-/]\d{1,2}[.\-/]\d{1,2})"
    r"|[一二][〇○零一二三四五六七八九]{3}年[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?)(?:起|止|至)?$"
)


def _is_authority(value: str) -> bool:
    if value in NATIONAL_AUTHORITIES:
        return True
    return (
        len(value) >= 4
        and value.endswith(AUTHORITY_SUFFIXES)
        and not _repeated_tail(value)
        and not _LABEL_LEAD.search(value)
        and _province_start(value) == 0
        and _names_place(value)
        and _branch_of_a_bureau(value)
    )


# A place's name as an issuer begins with it: a few characters and its unit (嘉善县, 浦东新区, 乌鲁木齐市),
# or a longer name before 自治… (延边朝鲜族自治州).
PLACE_NAME_MAX = 4
_PLACE_LIKE = re.compile(
    rf"[{_HAN}]{{2,8}}?自治(?:区|州|县|旗)|[{_HAN}]{{1,{PLACE_NAME_MAX}}}?(?:省|市|县|区|州|盟|旗)"
)


@cache
def _authority_places() -> tuple[str, ...]:
    """Places an issuer's name may begin with: the zone's and the provinces' (`_known_places`), real cities
    near a municipality's name, and the zone's provinces' cities and districts.  Built once."""
    return (*_known_places(), *PLACES_NEAR_PROVINCES, *CITIES_NEAR_ZONE)


def _name_part(value: str) -> str:
    """The authority without its bureau's suffix: what must name its place (苏州市公安局吴江 of …分局)."""
    suffix = next((s for s in AUTHORITY_SUFFIXES if value.endswith(s)), "")
    return value[: len(value) - len(suffix)]


def _names_place(value: str) -> bool:
    """An issuing authority names its place first: it begins with a known place, or with a place-like name
    (…市, …县, …自治区) that no known place begins inside.  A footnote ending in a bureau's kind
    (本证书须加盖市场监督管理局) names none; words run on before a known place (须加盖苏州市…) are no
    place's name, so a cut (`_cut_before_place`) finds the place after them."""
    head = _name_part(value)
    places = _authority_places()
    if head.startswith(places):
        return True
    like = _PLACE_LIKE.match(head)
    return like is not None and not any(head.startswith(places, i) for i in range(1, like.end()))


def _branch_of_a_bureau(value: str) -> bool:
    """A branch (…分局) is a bureau's: 苏州市公安局吴江分局, never 吴江分局 alone."""
    head = _name_part(value)
    return not value.endswith("分局") or value.endswith("公安分局") or "局" in head


def _cut_before_place(value: str, _: Sequence[str]) -> str:
    """Words before the first known place (须加盖苏州市市场监督管理局 → 苏州市…) when the value names no
    place where it begins; an unknown place's start is not guessed (加盖 or 盖 or nothing before 丹阳市?)."""
    if _names_place(value):
        return value
    places = _authority_places()
    start = next((i for i in range(1, len(value) - 1) if value.startswith(places, i) and _names_place(value[i:])), 0)
    return value[start:]


STRAY_LEAD = 3  # at most this many characters before a province's name: a label's remnant, not the authority's


def _province_start(value: str) -> int:
    """Where a province's name begins within the value's first characters (0 when it starts there or
    names none): an authority's name starts with its place, so 计浙江省… or 等发上海市… carry a
    misread label's or a watermark's characters in front."""
    for i in range(STRAY_LEAD + 1):
        if value.startswith(PROVINCE_NAMES, i):
            return i
    return 0


def _cut_label_lead(value: str, _: Sequence[str]) -> str:
    return _LABEL_LEAD.sub("", value)


def _cut_before_province(value: str, _: Sequence[str]) -> str:
    return value[_province_start(value) :]


def _cut_dated_tail(value: str, _: Sequence[str]) -> str:
    return _DATED_TAIL.sub("", value)


def _truncated_authority(value: str) -> bool:
    return value.endswith(TRUNCATED_AUTHORITY_ENDINGS)


def _is_cert_number(value: str) -> bool:
    return _CERT_NUMBER.fullmatch(value) is not None and 5 <= sum(ch.isdigit() for ch in value) <= 20


def _ends_clean(value: str) -> bool:
    return (
        len(value) >= 2
        and not value.endswith((*OVERLAY_WORDS, *OVERLAY_PIECES, *STAMP_WORDS))
        and not _DATED_TAIL.search(value)
    )


_LATIN_TAIL = re.compile(rf"(?<=[{_HAN}\d])[A-Za-z]{{1,4}}$")  # a seal's or a pattern's strokes read as letters


# A long number after an address's last word (…10组64号322728197912172909): the ID number's line run on;
# no house number is eight digits long.
_NUMBER_TAIL = re.compile(r"(?<=\D)\d{8,}[Xx]?$")


def _is_address(value: str) -> bool:
    """Ends cleanly, and starts with its place: a province's name a character or more in (止江苏省…)
    means a misread label's remnant stands before it."""
    return (
        _ends_clean(value)
        and _LATIN_TAIL.search(value) is None
        and _NUMBER_TAIL.search(value) is None
        and _province_start(value) == 0
    )


def _cut_number_tail(value: str, _: Sequence[str]) -> str:
    return _NUMBER_TAIL.sub("", value)


def _cut_latin_tail(value: str, _: Sequence[str]) -> str:
    return _LATIN_TAIL.sub("", value)


# A house number with no 号 after a road's or lane's name (…复兴路855弄12): its end was lost.
_BARE_NUMBER = re.compile(r"(?:路|街|巷|弄|道)\d+$")


def _unusual_address_end(value: str) -> bool:
    return _ADDRESS_END.search(value) is None or _BARE_NUMBER.search(value) is not None


def _plausible_date(value: str) -> bool:
    try:
        return 1950 <= date.fromisoformat(value).year <= 2100
    except ValueError:
        return False


# --- cuts ---------------------------------------------------------------------------------------------


def _cut_at_words(value: str, words: Sequence[str]) -> str:
    """Up to the first label, overlay or note word after the value's first two characters."""
    cut = len(value)
    for word in words:
        i = value.find(word, 2)
        if i != -1:
            cut = min(cut, i)
    return value[:cut]


_DATE_INSIDE = re.compile(r"(?:19|20)\d{2}(?:年\d|[.\-/]\d{1,2}[.\-/]\d)")
_ORGANISATION = re.compile(r".*(?:公司|中心|所|院|局|站|厂|处|室|会|社)")


def _cut_at_date(value: str, _: Sequence[str]) -> str:
    """An employer ran on into the next field (…有限公司有效期2023年9月2日至…): it ends before the
    date, at its last organisation word when it has one (the misread label between them goes too)."""
    m = _DATE_INSIDE.search(value)
    if m is None or m.start() < 2:
        return value
    head = value[: m.start()]
    organisation = _ORGANISATION.match(head)
    return organisation.group() if organisation else head


def _cut_trailing_words(value: str, words: Sequence[str]) -> str:
    ends = tuple(sorted({*words, *OVERLAY_WORDS, *OVERLAY_PIECES, *STAMP_WORDS}, key=len, reverse=True))
    while len(value) > 2 and (end := next((w for w in ends if w and value.endswith(w)), None)):
        value = value[: -len(end)]
    return value


def _cut_repeated_tail(value: str, _: Sequence[str]) -> str:
    for k in range(len(value) // 2, 1, -1):
        if value[-2 * k : -k] == value[-k:]:
            return value[:-k]
    return value


def _cut_after_last_suffix(value: str, _: Sequence[str]) -> str:
    """Back to the longest start that ends in a bureau's suffix (a seal's character or a date after it)."""
    for end in range(len(value), 3, -1):
        if value[:end].endswith(AUTHORITY_SUFFIXES) and not _repeated_tail(value[:end]):
            return value[:end]
    return value


_PLACE_UNITS = ("省", "市", "自治区", "自治州", "地区", "县", "区")


def _place(units: Sequence[str]) -> str:
    """A place's name: a few characters, then what kind of place it is (苏州市, 吴江区)."""
    return rf"[{_HAN}]{{1,6}}?(?:{'|'.join(units)})"


# A place's name alone (江苏省, 上海市, 江苏省苏州市): what stands before a bureau's suffix.
_PLACE_ONLY = re.compile(rf"{_place(_PLACE_UNITS)}(?:{_place(('市', '县', '区'))})?")
MEND_MIN = 6  # a bureau's suffix at least this long may be read with a character wrong …
MENDED_CERTAINTY = 0.6  # … and, mended, is worth a warning and a reviewer's look


def mend_bureau_suffix(value: str) -> str:
    """A place's name and a market bureau's suffix read with one character in three wrong, its 局 kept
    (江苏省市场监局管理局, 上海市质董技家监督局): the suffix as it is written; else the value unchanged.
    A suffix read a character short or long (市场监有理局: 督管 read as one character) is mended only
    when both its ends were read right, so a lost first character (场监局管理局) is not guessed."""
    for suffix in sorted(MARKET_BUREAU_SUFFIXES, key=len, reverse=True):
        n = len(suffix)
        if n < MEND_MIN:
            continue
        for m in (n, n - 1, n + 1):  # as long as the suffix, or a character lost or added
            read, place = value[-m:], value[:-m]
            if len(value) <= m or read[-1] != suffix[-1] or not _PLACE_ONLY.fullmatch(place):
                continue
            if m != n and read[0] != suffix[0]:
                continue
            wrong = Hamming.distance(read, suffix) if m == n else Levenshtein.distance(read, suffix)
            if 0 < wrong <= (n - 1) // 3:
                return place + suffix
    return value


@cache
def _read_right_places() -> tuple[str, ...]:
    """Names never mended to a province's: the known places, and real cities near a province's name."""
    return (*_known_places(), *PLACES_NEAR_PROVINCES)


def mend_province(value: str) -> str:
    """An authority that begins with a province's or municipality's name read with one character wrong,
    its unit kept (上每市市场监督管理局, 江办省…): that name as it is written; else the value unchanged.
    Only when exactly one name is that near, and the value begins with no known place — a real city a
    character away from a municipality (南京市, 临海市) is read right."""
    if value.startswith(_read_right_places()):
        return value
    near = [
        name
        for name in PROVINCE_NAMES
        if len(value) > len(name)
        and value[len(name) - 1] == name[-1]
        and Hamming.distance(value[: len(name)], name) == 1
    ]
    return near[0] + value[len(near[0]) :] if len(near) == 1 else value


# A province's or region's name at an authority's start (…省, …自治区): no city's name ends so.
_PROVINCE_START = re.compile(_place(("省", "自治区")))
PLACE_DOUBT = Doubt(
    lambda value: _PROVINCE_START.match(value) is not None and not value.startswith(PROVINCE_NAMES),
    "authority_place_unknown",
    MENDED_CERTAINTY,
)


def _mended_place(key: str, verdict: Verdict) -> Verdict:
    """A valid authority whose province's name was misread (`mend_province`): mended, warned, less certain.
    One whose province is no province (江省…, 江办省…) and cannot be mended is doubted, never clean."""
    value = verdict.value
    if not isinstance(value, str):
        return verdict
    if (mended := mend_province(value)) == value:
        return _doubt(PLACE_DOUBT, key, value, verdict)
    verdict.value = mended
    verdict.certainty *= MENDED_CERTAINTY
    verdict.warnings.append(f"authority_mended: {key}: {mended_characters(value, mended)}")
    return verdict


def mended_characters(read: str, mended: str) -> str:
    """What a mend changed, as read → as written (局→督, 有→督管, 管→): for its warning."""
    matcher = SequenceMatcher(None, read, mended, autojunk=False)
    changes = [(read[i0:i1], mended[j0:j1]) for op, i0, i1, j0, j1 in matcher.get_opcodes() if op != "equal"]
    return "、".join(f"{a}→{b}" for a, b in changes)


# A company's legal form, as an organisation's name ends: a name cut off inside it (…技术有, the rest of
# its line lost under a seal or a code) ends in one of its starts.
COMPANY_FORMS = ("有限责任公司", "股份有限公司", "有限公司")
COMPLETE_MIN = 4  # characters of the name before its cut-off form, so a short word is never completed
_CUT_FORMS = sorted(
    {(form[:i], form) for form in COMPANY_FORMS for i in range(1, len(form))}, key=lambda p: (-len(p[0]), len(p[1]))
)  # the longest start first; of two forms it begins, the shorter (有 → 有限公司)


def complete_company(value: str) -> str:
    """An organisation's name that ends inside a company's legal form (苏州太湖校准技术有, …股份有限公):
    the name with its form written out (有限公司, 股份有限公司); else the value unchanged.  A guess, so
    the caller warns and lowers its certainty."""
    if value.endswith(COMPANY_FORMS):
        return value
    for start, form in _CUT_FORMS:
        if value.endswith(start) and len(value) - len(start) >= COMPLETE_MIN:
            return value[: len(value) - len(start)] + form
    return value


def _cut_date_tail(value: str, _: Sequence[str]) -> str:
    return _DATE_TAIL.sub("", value)


def _cut_han_after_digits(value: str, _: Sequence[str]) -> str:
    """Han text after the number's digits is the next thing on the row (a date, a stamp), not the number."""
    m = re.search(rf"(?<=[\dA-Z])[{_HAN}].*$", value)
    return value[: m.start()] if m and m.group()[0] != "号" else value


def _cut_out_overlays(value: str, _: Sequence[str]) -> str:
    """A copy mark laid across a long value splits it: the words go, both sides stay."""
    return remove_phrases(value)


def _with_notes(words: Sequence[str]) -> tuple[str, ...]:
    return (*words, *OVERLAY_WORDS, *NOTE_WORDS)


def _cut_name(value: str, words: Sequence[str]) -> str:
    return _cut_at_words(value, _with_notes(words))


def _cut_at_label(value: str, words: Sequence[str]) -> str:
    return _cut_at_words(value, words)


def _cut_at_label_or_overlay(value: str, words: Sequence[str]) -> str:
    return _cut_at_words(value, (*words, *OVERLAY_WORDS))


# The 56 ethnic groups as an ID card prints them (without 族).
ETHNIC_GROUPS = frozenset(
    [
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ]
)


def _is_ethnicity(value: str) -> bool:
    return value.removesuffix("族") in ETHNIC_GROUPS


def _cut_to_ethnicity(value: str, _: Sequence[str]) -> str:
    """The longest start that names a group: 汉住址 → 汉."""
    return next((value[:end] for end in range(len(value), 0, -1) if _is_ethnicity(value[:end])), value)


_DATE_RULE = ValueRule(_plausible_date, (), "date_implausible", 0.5)
_TEXT_RULE = ValueRule(
    _ends_clean,
    (_cut_out_overlays, _cut_at_label, _cut_dated_tail, _cut_trailing_words, _cut_at_date),
    "value_unclean_end",
    0.6,
)

RULES: dict[str, ValueRule] = {
    "name": ValueRule(_is_name, (_cut_name, _cut_trailing_words), "name_unusual", 0.6),  # 杜红丹复印: a mark's piece
    "authority": ValueRule(
        _is_authority,
        (
            _cut_label_lead,
            _cut_before_province,
            _cut_before_place,
            _cut_at_label_or_overlay,
            _cut_repeated_tail,
            _cut_after_last_suffix,
        ),
        "authority_unrecognised",
        0.6,
        doubts=(),
    ),
    "cert_number": ValueRule(
        _is_cert_number, (_cut_at_label_or_overlay, _cut_date_tail, _cut_han_after_digits), "cert_number_unusual", 0.6
    ),
    "address": ValueRule(
        _is_address,
        (
            _cut_out_overlays,
            _cut_before_province,
            _cut_at_label,
            _cut_dated_tail,
            _cut_trailing_words,
            _cut_latin_tail,
            _cut_number_tail,
        ),
        "address_unclean_end",
        0.6,
        doubts=(Doubt(_unusual_address_end, "address_unusual_end", 0.85),),
    ),
    "text": _TEXT_RULE,
    "organisation": _TEXT_RULE,  # and `complete_company` before it
    "ethnicity": ValueRule(_is_ethnicity, (_cut_to_ethnicity,), "ethnicity_unknown", 0.6),
    "date": _DATE_RULE,
    "loose_date": _DATE_RULE,
}
TRUNCATED = Doubt(_truncated_authority, "authority_truncated", 0.5)
RANGE_KINDS = frozenset({"date_range", "date_range_id"})


def _stray_item(item: str, labels: Sequence[str]) -> bool:
    """An entry that is no item: a label's, an overlay's or a stamp's words, a copy mark inside it, or junk."""
    return (
        item in labels
        or item in OVERLAY_WORDS
        or item in STAMP_WORDS
        or remove_phrases(item) != item
        or _junk_item(item)
    )


_HAN_PAIR = re.compile(rf"[{_HAN}]{{2}}")
_LATIN_NAMED = re.compile(rf"[A-Za-z]{{2,}}[{_HAN}]+")  # pH计: an instrument named by its letters


def _junk_item(item: str) -> bool:
    """No two Chinese characters together, and nothing Chinese at all or a Latin letter glued to one
    (y人, y, 12): strokes of a mark or specks read as text, which no instrument's name is.  pH计 is one,
    and a lone Chinese character (表) stays, doubted: it may be an item's surviving half."""
    if _HAN_PAIR.search(item) or _LATIN_NAMED.fullmatch(item):
        return False
    return re.search(rf"[{_HAN}]", item) is None or re.search("[A-Za-z]", item) is not None


def _whole_item(item: str) -> bool:
    return _HAN_PAIR.search(item) is not None


def _cut_trailing_pieces(item: str) -> str:
    while len(item) > 2 and (piece := next((p for p in OVERLAY_PIECES if item.endswith(p)), None)):
        if len(item) - len(piece) < 2:
            break
        item = item[: -len(piece)]
    return item


def _odd_item(item: str) -> bool:
    """An item no instrument's name looks like: one character, or no Chinese at all."""
    return len(item) < 2 or re.search(rf"[{_HAN}]", item) is None


def check_items(key: str, items: list[str], labels: Sequence[str] = (), overlaid: str = "") -> Verdict:
    """A list of items: strays (a label, a copy mark, a stamp's words, junk) dropped from it; a seen
    copy mark's piece cut from an item's start or end; an odd entry kept, with a warning and less certainty."""
    kept = [item for item in items if not _stray_item(item, labels)]
    verdict = Verdict(kept)
    if len(kept) < len(items):
        dropped = "、".join(item for item in items if item not in kept)
        verdict = Verdict(kept, CUT_CERTAINTY, [f"value_cut: {key}: {dropped}"], valid=bool(kept))
    verdict = _cut_items(key, verdict, _cut_trailing_pieces)  # a copy mark's piece (压力表一致 from 与原件一致)
    if marks := seen_marks(overlaid):  # …and one before it (原件电子血压计), where that mark was seen
        verdict = _cut_items(key, verdict, lambda item: cut_mark_lead(item, marks, _whole_item))
    if any(_odd_item(str(item)) for item in verdict.value or []):  # type: ignore[union-attr]
        verdict.certainty *= 0.6
        verdict.warnings.append(f"item_unusual: {key}")
        verdict.valid = False
    return verdict


STRAY_KINDS = frozenset({"address", "text", "organisation"})  # kinds whose values never hold a copy mark's character
_STRAY = re.compile(rf"(?<=[{_HAN}])[{''.join(OVERLAY_STRAYS)}](?=[{_HAN}])")


def without_strays(value: str, overlaid: str) -> str:
    """`value` without the copy mark's characters inside it (木仅渎镇 → 木渎镇), when `overlaid` — the
    text of the copy marks seen on the page — holds them; with none seen, nothing is guessed."""
    return _STRAY.sub(lambda m: "" if m.group() in overlaid else m.group(), value) if overlaid else value


def _removed(raw: str, kept: str) -> str:
    """What a cut took from `raw` to leave `kept`: its end, its start, both (须加盖、印), or (cut elsewhere)
    all of it."""
    at = raw.find(kept)
    if at < 0:
        return raw
    return "、".join(piece for piece in (raw[:at], raw[at + len(kept) :]) if piece)


# --- a copy mark's piece at a value's start -------------------------------------------------------------

# (此复印件)仅供…使用: its middle as the page has it
_SEEN_PHRASE = re.compile(r"(?:此复印件|复印件|此件|本件)?(?:仅供|仅限).{1,14}?(?:使用|之用)")
_PLACE_START = re.compile(_place((*_PLACE_UNITS, "盟", "旗")))


def seen_marks(overlaid: str) -> tuple[str, ...]:
    """The copy marks' words the page's overlays (`overlaid`, their text) show: a fixed word when three
    of its characters in a row (all of a shorter one) were read there, and each 仅供…使用 as read.  A
    grey mark is often read in pieces and misread; a piece that all the fixed words share (无效) is not
    enough to say which was seen."""
    text = re.sub(r"\s", "", overlaid)
    if not text:
        return ()
    fixed = (
        word
        for word in OVERLAY_WORDS
        if not word.isascii()
        and any(word[i : i + k] in text for k in [min(3, len(word))] for i in range(len(word) - k + 1))
    )
    return (*fixed, *_SEEN_PHRASE.findall(text))


@cache
def _known_places() -> tuple[str, ...]:
    """Places a value may begin with (the provinces, the zone's areas, districts and towns): built once, from
    the zone as this module imported it (`huren.zone.ZONE`)."""
    zone = [name for area in ZONE.areas.values() for name in (area.name, area.short, area.bureau, *area.places) if name]
    return (
        *PROVINCE_NAMES,
        *(p.name for p in ZONE.provinces.values()),
        *(p.short for p in ZONE.provinces.values()),
        *zone,
    )


def cut_mark_lead(value: str, marks: Sequence[str], valid: Check) -> str:
    """`value` without a piece of a seen copy mark's words (`marks`) at its start — 与苏州市… → 苏州市…,
    原件电子血压计 → 电子血压计 — when what is left is `valid` for its kind.  A piece of one character
    only when it is one that begins no name (`OVERLAY_LEADS`); a value that begins with a known place
    (无锡…, 相城区…) keeps it whole.  The longest piece that leaves a valid value goes."""
    if not marks or value.startswith(_known_places()):
        return value
    for n in range(len(value) - 2, 0, -1):
        head = value[:n]
        if (n >= 2 or head in OVERLAY_LEADS) and any(head in mark for mark in marks) and valid(value[n:]):
            return value[n:]
    return value


def _begins_as_authority(value: str) -> bool:
    return _is_authority(value) and (value in NATIONAL_AUTHORITIES or _PLACE_START.match(value) is not None)


def _begins_as_address(value: str) -> bool:
    return _is_address(value) and _PLACE_START.match(value) is not None


# What is left of a value once a copy mark's piece before it goes must still be a value of its kind:
# an authority or an address that begins with a place, a name, a text that ends clean.
LEAD_KINDS: dict[str, Check] = {
    "authority": _begins_as_authority,
    "address": _begins_as_address,
    "name": _is_name,
    "text": _ends_clean,
    "organisation": _ends_clean,
}


def check(kind: str, key: str, value: FieldValueType, labels: Sequence[str] = (), overlaid: str = "") -> Verdict:
    """The value as its kind allows it: whole, cut back, or kept with a warning and less certainty.

    `overlaid` is the text of the overlays found on the page: their stray characters inside a value go."""
    if kind == "items" and isinstance(value, list):
        return check_items(key, [str(item) for item in value], labels, overlaid)
    rule = RULES.get(kind)
    if rule is None or not isinstance(value, str) or not value:
        return Verdict(value)
    lead_valid = LEAD_KINDS.get(kind)
    if lead_valid is not None and (clean := cut_mark_lead(value, seen_marks(overlaid), lead_valid)) != value:
        return _cut_and_checked(kind, key, clean, value[: len(value) - len(clean)], labels, overlaid)
    if kind in STRAY_KINDS and (clean := without_strays(value, overlaid)) != value:
        dropped = "".join(ch for ch in OVERLAY_STRAYS if value.count(ch) > clean.count(ch))
        return _cut_and_checked(kind, key, clean, dropped, labels, "")  # no stray is looked for twice
    if kind == "organisation" and (completed := complete_company(value)) != value:
        return Verdict(completed, MENDED_CERTAINTY, [f"value_completed: {key}: {completed[len(value) :]}"])
    whole = _valid_verdict(rule, key, value, labels)
    if whole is not None:
        return _mended_place(key, whole) if kind == "authority" else whole
    if kind == "authority" and (mended := mend_bureau_suffix(value)) != value:
        changed = mended_characters(value, mended)
        return _mended_place(key, Verdict(mended, MENDED_CERTAINTY, [f"authority_mended: {key}: {changed}"]))
    if kind == "authority" and TRUNCATED.test(value):
        return Verdict(value, TRUNCATED.penalty, [f"{TRUNCATED.warning}: {key}"], valid=False)
    return Verdict(value, rule.penalty, [f"{rule.warning}: {key}"], valid=False)


def _cut_and_checked(kind: str, key: str, clean: str, removed: str, labels: Sequence[str], overlaid: str) -> Verdict:
    """A value with a copy mark's piece (`removed`) cut out, checked as its kind: as certain as a cut."""
    verdict = check(kind, key, clean, labels, overlaid)
    verdict.certainty *= CUT_CERTAINTY
    verdict.warnings.insert(0, f"value_cut: {key}: {removed}")
    return verdict


def _valid_verdict(rule: ValueRule, key: str, value: str, labels: Sequence[str]) -> Verdict | None:
    """The value whole, or cut back by the rule's cuts to what validates (with its doubts); None when
    nothing validates."""
    if rule.valid(value):
        return _doubted(rule, key, value, Verdict(value))
    cut = value
    for step in rule.cuts:
        cut = step(cut, labels)
        if cut != value and rule.valid(cut):
            removed = _removed(value, cut)
            return _doubted(rule, key, cut, Verdict(cut, CUT_CERTAINTY, [f"value_cut: {key}: {removed}"]))
    return None


def _doubted(rule: ValueRule, key: str, value: str, verdict: Verdict) -> Verdict:
    for doubt in rule.doubts:
        _doubt(doubt, key, value, verdict)
    return verdict


def _doubt(doubt: Doubt, key: str, value: str, verdict: Verdict) -> Verdict:
    """The verdict warned and made less certain when `doubt` holds of the value."""
    if doubt.test(value):
        verdict.certainty *= doubt.penalty
        verdict.warnings.append(f"{doubt.warning}: {key}")
    return verdict


def check_range(start: FieldValueType, end: FieldValueType) -> Verdict:
    """A validity range that ends before it starts is misread (or two fields' dates were paired)."""
    if isinstance(start, str) and isinstance(end, str) and start and end and end <= start:
        return Verdict(None, 0.5, ["date_range_reversed"], valid=False)
    return Verdict(None)


AGREED_CERTAINTY = 0.9  # a birth date taken from the ID number beside it: its digits, not the date as printed


def birth_date_of(id_number: FieldValueType) -> str | None:
    """The birth date an ID number carries (digits 7–14), when its check character holds."""
    if not isinstance(id_number, str) or not id_number_valid(id_number):
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])).isoformat()
    except ValueError:
        return None


def agree(fields: dict[str, ExtractedField]) -> list[str]:
    """Fields of one document that must agree: a birth date read against the valid ID number beside it.

    A birth date that was not found is the ID number's, with less certainty and a warning. One read as
    another date stays as read, with a warning: the decision compares it with the number
    (`birth_date_disagrees_with_id_number`), where an altered card shows — filling the number's date in
    would turn that disagreement into a match."""
    id_field = fields.get("id_number")
    carried = birth_date_of(id_field.value) if id_field is not None else None
    if id_field is None or carried is None:
        return []
    read = fields.get("birth_date")
    if read is not None and read.value == carried:
        return []
    certainty = id_field.confidence * AGREED_CERTAINTY
    if read is None:
        fields["birth_date"] = ExtractedField(carried, certainty, None)
        return ["birth_date_from_id_number: birth_date"]
    return ["birth_date_disagrees_with_id_number: birth_date"]


# Pieces of a certifying bureau's name (…市场监督管理局), two characters or more: a seal's ring read into
# the text it lies over (水表场监 under 市场监督管理局's seal). 质量 and 技术 end instruments' names too.
SEAL_PIECES: tuple[str, ...] = pieces((*MARKET_BUREAU_SUFFIXES, *NATIONAL_AUTHORITIES), leave_out={"质量", "技术"})


def cut_seal_pieces(key: str, verdict: Verdict) -> Verdict:
    """Items that a red seal lies over: a piece of a bureau's name at an item's end (水表场监) is the
    seal's ring, not the item; it goes, with a `value_cut` warning, as long as two characters remain."""

    def cut(item: str) -> str:
        piece = next((p for p in SEAL_PIECES if item.endswith(p) and len(item) - len(p) >= 2), "")
        return item[: len(item) - len(piece)]

    return _cut_items(key, verdict, cut) if isinstance(verdict.value, list) else verdict


def _cut_items(key: str, verdict: Verdict, cut: Callable[[str], str]) -> Verdict:
    """`verdict`'s items each cut back by `cut`; what went is named in a `value_cut` warning."""
    items = [str(item) for item in verdict.value or []]  # type: ignore[union-attr]
    clean = [cut(item) for item in items]
    if clean != items:
        dropped = "、".join(_removed(item, c) for item, c in zip(items, clean, strict=True) if c != item)
        verdict.value = clean
        verdict.certainty *= CUT_CERTAINTY
        verdict.warnings.append(f"value_cut: {key}: {dropped}")
    return verdict
