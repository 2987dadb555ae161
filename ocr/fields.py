"""Field readers: from the raw text found at a label to a normalised value (or None when it is not one).

Each reader both normalises and validates, so a label that points at the wrong text (a neighbour's
cell, a line of the seal) is rejected and the next candidate is tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from huren import normalize as n
from huren.domain import FieldValueType


@dataclass(slots=True)
class Reading:
    values: dict[str, FieldValueType]
    warnings: list[str] = field(default_factory=list)
    certainty: float = 1.0  # how sure the reader is that this text is such a value
    valid: bool = True  # the value passed its kind's rule (`ocr.validators`), perhaps after a cut


Reader = Callable[[str, tuple[str, ...]], Reading | None]

_CJK = r"\u4e00-\u9fff"


def _one(
    keys: tuple[str, ...], value: FieldValueType, certainty: float = 1.0, warnings: list[str] | None = None
) -> Reading:
    return Reading({keys[0]: value}, warnings or [], certainty)


def read_name(text: str, keys: tuple[str, ...]) -> Reading | None:
    """The Han run at the text's start; where it should end is the validator's to say (`ocr.validators`)."""
    m = re.match(rf"[{_CJK}·•]{{2,16}}", n.squash(text))
    if not m:
        return None
    return _one(keys, m.group().replace("•", "·"))


def read_text(text: str, keys: tuple[str, ...]) -> Reading | None:
    value = n.clean_value(text)
    value = re.sub(r"\s+", "", value) if re.search(rf"[{_CJK}]", value) else value
    return _one(keys, value) if len(value) >= 2 else None


def read_ethnicity(text: str, keys: tuple[str, ...]) -> Reading | None:
    """The characters that open the value, past any mark that is neither character nor letter (a box
    or tick read between label and value: ☑汉)."""
    m = re.match(rf"[^\w{_CJK}]*([{_CJK}]{{1,6}})", n.squash(text))
    return _one(keys, m.group(1)) if m else None


def read_gender(text: str, keys: tuple[str, ...]) -> Reading | None:
    gender = n.parse_gender(text[:4])
    return _one(keys, gender) if gender else None


_MASKED_ID = re.compile(r"(?<![0-9A-Za-z*])[0-9]{1,6}\*{6,14}[0-9]{1,4}[0-9Xx]?(?![0-9A-Za-z*])")


def read_id_number(text: str, keys: tuple[str, ...]) -> Reading | None:
    masked = _MASKED_ID.search(n.squash(text))
    if masked and len(masked.group()) == 18:
        # Printed masked (a reissued zone certificate): kept as printed, never "corrected".
        return _one(keys, masked.group().upper(), 1.0, ["id_number_masked: 证件号码部分隐藏 / printed masked"])
    m = re.search(r"[0-9A-Za-z|!×]{15,20}", n.squash(text))
    if not m:
        return None
    value, warnings = n.normalize_id_number(m.group())
    if len(value) != 18:
        return None
    certainty = 1.0 if not warnings else (0.9 if "corrected" in warnings[0] else 0.6)
    return _one(keys, value, certainty, warnings)


def read_date(text: str, keys: tuple[str, ...]) -> Reading | None:
    dates = n.find_dates(text)
    return _one(keys, dates[0][0].isoformat()) if dates else None


# A written date cut where its cell wrapped: the year and 年 are there, its 日 is not (二〇二〇年三月二 /
# 十日 on the line below).  What may carry it on: the rest of a month and day, ending at 日.
_UNFINISHED_DATE = re.compile(r"(?:[〇○◯零一二三四五六七八九Oo]{4}|(?:19|20)\d{2})\s*年[^年日]{0,6}$")
_DATE_TAIL = re.compile(r"^\s*[0-9〇○零一二三四五六七八九十月\s]{0,6}日")
DATE_KINDS = {"date", "loose_date", "date_range", "date_range_id"}


def date_tail(text: str, below: str) -> str:
    """What of the line `below` finishes a date that `text` ends in the middle of ('' when nothing does).

    Only a tail that makes a whole date of the two counts: a line that merely starts with digits
    (the next row's own date) does not carry on a date that stands complete."""
    if not _UNFINISHED_DATE.search(n.fold_width(text)):
        return ""
    tail = _DATE_TAIL.match(n.fold_width(below))
    if not tail:
        return ""
    joined = text + tail.group().strip()
    dates = n.find_dates(joined)
    return tail.group().strip() if dates and dates[-1][2] == len(joined) else ""


_LOOSE_DATE = re.compile(r"((?:19|20)\d{2})\D{0,2}?(1[0-2]|0?[1-9])\D{1,2}([0-3]?\d)")


def read_loose_date(text: str, keys: tuple[str, ...]) -> Reading | None:
    """A date whose 年/月/日 may be lost (a fax of an ID card: `198112月9`); less certain."""
    reading = read_date(text, keys)
    if reading:
        return reading
    m = _LOOSE_DATE.search(n.fix_digits(n.squash(text)))
    if not m:
        return None
    try:
        value = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return _one(keys, value.isoformat(), 0.7)


# After a range's first date: its separator and something more that no date could be read from.
_UNREAD_END = re.compile(r"\s*(?:至|到|[-~—])\s*[0-9〇○零一二三四五六七八九十年月日.\-/]{2,}")


def read_date_range(text: str, keys: tuple[str, ...]) -> Reading | None:
    """A validity range; a lone date after a validity label (有效期 2026年8月26日) is where it ends."""
    start, end, open_ended = n.parse_date_range(text)
    if start is None and end is None:
        return None
    warnings: list[str] = []
    certainty = 1.0
    if start is not None and end is None and not open_ended:
        dates = n.find_dates(text)
        if _UNREAD_END.match(n.fold_width(text[dates[0][2] :] if dates else "")):
            # 二〇二二年三月十九日至二七年…: the range's end is there but unreadable (a stamp over it).
            warnings.append(f"date_range_end_unread: {keys[1]}")
            certainty = 0.6
        elif "起" not in text:
            start, end = None, start
    values: dict[str, FieldValueType] = {}
    if start:
        values[keys[0]] = start.isoformat()
    if end:
        values[keys[1]] = end.isoformat()
    elif open_ended:
        values[keys[1]] = None
    return Reading(values, warnings, certainty)


def read_date_range_id(text: str, keys: tuple[str, ...]) -> Reading | None:
    """An ID card's 有效期限: `2015.05.01-2035.05.01`, or `2010.03.01-长期` (no end: null)."""
    reading = read_date_range(text, keys)
    if reading is not None and keys[1] not in reading.values:
        return None  # a range on an ID card always has an end, even if it is 长期
    return reading


def read_level(text: str, keys: tuple[str, ...]) -> Reading | None:
    level = n.parse_level(text[:6])
    return _one(keys, level) if level else None


def read_categories(text: str, keys: tuple[str, ...]) -> Reading | None:
    categories = n.parse_categories(text)
    return _one(keys, categories) if categories else None


_ENUMERATION = re.compile(r"^(?:\(?\d{1,2}[).、．]|[①-⑳]|[一二三四五六七八九十]、|\d{1,2}\s*(?=[\u4e00-\u9fff]{2}))\s*")
_TRAILING_NUMBER = re.compile(r"\s+\d{1,4}$")  # a date cut off by a neighbouring column


def read_items(text: str, keys: tuple[str, ...]) -> Reading | None:
    """Items listed with separators or one per line, numbered or not: (1) 电子天平 / ① 砝码 / 1. 压力表."""
    text = re.sub(r"[①-⑳]|[(（]\d{1,2}[)）]", "\n", text)
    parts = [
        _TRAILING_NUMBER.sub("", _ENUMERATION.sub("", i)) for line in text.split("\n") for i in n.split_items(line)
    ]
    # An entry of Chinese numerals only is a date cut off by the next column, not an item.
    items = [i for i in parts if re.search(r"[^\s\d〇○零一二三四五六七八九十年月日.\-]", i) and not n.find_dates(i)]
    return _one(keys, items) if items else None


_CERT_CHARS = re.compile(rf"[A-Za-z0-9\-()（）{_CJK}]+")


def read_cert_number(text: str, keys: tuple[str, ...]) -> Reading | None:
    m = _CERT_CHARS.search(n.squash(text).replace("—", "-").replace("_", "-"))
    if not m:
        return None
    value = m.group()
    # Letters inside runs of digits are OCR confusions (2O19 → 2019).
    value = re.sub(r"(?<=\d)[OoDQIl|](?=\d)|(?<=\d)[OoDQIl|]$", lambda x: n.fix_digits(x.group()), value)
    if sum(ch.isdigit() for ch in value) < 4 or len(value) > 30 or n.id_number_valid(value):
        return None  # an ID number is never a certificate's number
    return _one(keys, value)


def read_authority(text: str, keys: tuple[str, ...]) -> Reading | None:
    value = n.clean_value(text)
    value = re.split(r"\s|\d{4}\s*[年.\-/]", value)[0]  # a date or stamp text after the name is not part of it
    value = re.sub(rf"[^{_CJK}()（）]", "", value)
    return _one(keys, value) if len(value) >= 4 else None


def read_phone(text: str, keys: tuple[str, ...]) -> Reading | None:
    digits = re.sub(r"[^0-9\-]", "", n.fix_digits(n.squash(text)))
    m = re.search(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}", digits)
    return _one(keys, m.group()) if m else None


READERS: dict[str, Reader] = {
    "name": read_name,
    "text": read_text,
    "organisation": read_text,
    "address": read_text,
    "ethnicity": read_ethnicity,
    "gender": read_gender,
    "id_number": read_id_number,
    "date": read_date,
    "loose_date": read_loose_date,
    "date_range": read_date_range,
    "date_range_id": read_date_range_id,
    "level": read_level,
    "categories": read_categories,
    "items": read_items,
    "cert_number": read_cert_number,
    "authority": read_authority,
    "phone": read_phone,
}
