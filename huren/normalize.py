"""Normalisers shared by extraction (`ocr`) and matching (`matching`).

Both sides must agree on what "the same value" means, so every value is brought to one canonical form
here: ISO dates, an 18-character ID number, 男/女, level 1/2, categories from the fixed list.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from datetime import date
from typing import Any

from huren.domain import CATEGORIES

# --- text -------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def fold_width(text: str) -> str:
    """Full-width ASCII and punctuation to half width (ＡＢＣ１２３：→ ABC123:), ideographic space to space."""
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=8192)
def simplified_char(ch: str) -> str:
    """One character in its simplified form (長 → 长), for vocabulary and labels.

    Only character by character and never for names: a recogniser that answers in traditional forms
    is misreading a simplified document, but 乾 in a person's name is not 干.
    """
    out = _t2s().convert(ch) if ord(ch) > 0x2E80 else ch
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    return "".join(simplified_char(ch) for ch in text)


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def squash(text: str) -> str:
    """Fold width and drop every space: the form in which labels and keys are compared."""
    return _SPACES.sub("", fold_width(text))


def clean_value(text: str) -> str:
    """A free-text value as a person would write it: folded width, no stray spaces or separators."""
    text = fold_width(text)
    text = _SPACES.sub(" ", text).strip(" :：;；,，.。、|")
    # Spaces between CJK characters are layout (letter-spaced names), not content.
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


# OCR confusions between letters and digits, used only where the result then validates.
DIGIT_CONFUSIONS: dict[str, str] = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "〇": "0",
    "U": "0",
    "I": "1",
    "l": "1",
    "i": "1",
    "|": "1",
    "L": "1",
    "!": "1",
    "J": "1",
    "Z": "2",
    "z": "2",
    "E": "3",
    "A": "4",
    "h": "4",
    "S": "5",
    "s": "5",
    "G": "6",
    "b": "6",
    "T": "7",
    "B": "8",
    "g": "9",
    "q": "9",
}


def fix_digits(text: str) -> str:
    """Replace letters OCR confuses with digits (for fields that hold only digits)."""
    return "".join(DIGIT_CONFUSIONS.get(ch, ch) for ch in text)


# --- dates ------------------------------------------------------------------------------------------


def _cn_number(text: str) -> int | None:
    """二〇二三 → 2023, 十二 → 12, 二十一 → 21 (cn2an), or None when it is not a numeral."""
    import cn2an

    try:
        for zero in "Oo○◯":
            text = text.replace(zero, "〇")  # OCR and fonts write the zero of 二〇二三 many ways
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


_CN_DATE = re.compile(
    r"([〇○◯零一二三四五六七八九Oo]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日?"
)
_NUM_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年[.\-/．—_·,]?|[.\-/．—_·,])\s*(\d{1,2})\s*(?:月[.\-/．—_·,]?|[.\-/．—_·,])\s*(\d{1,2})(?!\d)\s*日?"
)
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)")
# 2029.0724 / 202907.24 / 2029.07 24: one of a dotted date's two dots lost (a small dot the recogniser
# dropped, or left as the blank it stood in); the month and day both written with two digits, so the
# date still has one reading.
_ONE_DOT_DATE = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})(?:[.．](0[1-9]|1[0-2]) ?|(0[1-9]|1[0-2]) ?[.．])([0-2]\d|3[01])(?![\d.])"
)
_DATE_DIGITS = re.compile(r"[0-9OoDQIl|SBZ]")


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every date written in `text`, with its span, in reading order.

    Understands 2023年5月1日, 2023.05.01, 2023-5-1, 2023/5/1, 20230501 and 二〇二三年五月一日, and
    2023.0501 with one dot lost; a letter
    OCR mistook for a digit inside a number (2O23), and a stroke read as a dash after 年 or 月
    (2025年-5月28日), are tolerated.
    """
    text = fold_width(text)
    # Repair O/l/I inside runs that are otherwise digits, keeping positions stable (1:1 replacement).
    repaired = re.sub(
        r"[0-9OoDQIl|SBZ]{2,}",
        lambda m: fix_digits(m.group()) if sum(c.isdigit() for c in m.group()) >= len(m.group()) - 1 else m.group(),
        text,
    )
    found: list[tuple[date, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _CN_DATE.finditer(text):
        y, mo, d = _cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3))
        if y and mo and d and (dt := _make_date(y, mo, d)):
            found.append((dt, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for pattern in (_NUM_DATE, _COMPACT_DATE):
        for m in pattern.finditer(repaired):
            if not free(m.start(), m.end()):
                continue
            if dt := _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
                found.append((dt, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for m in _ONE_DOT_DATE.finditer(repaired):
        if free(m.start(), m.end()) and (
            dt := _make_date(int(m.group(1)), int(m.group(2) or m.group(3)), int(m.group(4)))
        ):
            found.append((dt, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    return found


def parse_date(text: str) -> date | None:
    """The first date in `text`, or None."""
    dates = find_dates(text)
    return dates[0][0] if dates else None


LONG_TERM = ("长期", "永久", "长 期")


def parse_date_range(text: str) -> tuple[date | None, date | None, bool]:
    """`2023年5月1日至2028年4月30日`, `2023.05.01-2028.04.30`, `2020.01.01-长期`, `至2028年4月30日`.

    Returns (start, end, open_ended); open_ended is True when the end is written 长期.
    """
    found = find_dates(text)
    folded = fold_width(text)
    open_ended = any(word in folded for word in LONG_TERM)
    if len(found) >= 2:
        return found[0][0], found[1][0], False
    if len(found) == 1:
        when, start, _ = found[0]
        if open_ended:
            return when, None, True
        # A lone date written after 至 (or a dash) is where the validity ends.
        if re.search(r"(至|到|止|[-~—])\s*$", folded[:start]):
            return None, when, False
        return when, None, False
    return None, None, open_ended


# --- people -----------------------------------------------------------------------------------------


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_ZEROS = ord("0") * sum(_ID_WEIGHTS)


def id_check_digit(body: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID number."""
    if len(body) < 17:
        raise ValueError(f"an ID number's body has 17 digits, not {len(body)}")
    digits = body[:17]
    if digits.isdigit() and digits.isascii():  # nearly always: the digits' byte values, less '0' times the weights
        total = sum(map(operator.mul, digits.encode(), _ID_WEIGHTS)) - _ID_ZEROS
    else:  # other scripts' digits count as int() reads them; anything else raises as int() does
        total = sum(map(operator.mul, map(int, digits), _ID_WEIGHTS))
    return "10X98765432"[total % 11]


def id_number_valid(value: str) -> bool:
    """18 characters, 17 digits, a real birth date and the GB 11643 check character.

    The place code is not looked up: districts are renamed and recoded (吴江 became 320509 in 2012),
    and a stale table must not reject a genuine number.
    """
    return (
        len(value) == 18
        and value[:17].isdigit()
        and (value[17].isdigit() or value[17] == "X")
        and id_check_digit(value[:17]) == value[17]
        and id_number_birth_date(value) is not None
    )


def normalize_id_number(raw: str) -> tuple[str, list[str]]:
    """An 18-character ID number and the warnings about it.

    A letter OCR confuses with a digit is corrected only where the corrected number then passes the
    GB 11643 check digit; the correction is reported. An invalid number is returned as read.
    """
    text = squash(raw).upper().replace("×", "X")
    text = re.sub(r"[^0-9A-Z|!]", "", text)
    warnings: list[str] = []
    if id_number_valid(text):
        return text, warnings
    if len(text) == 18:
        body, last = text[:17], text[17]
        fixed = fix_digits(body) + (last if last == "X" else fix_digits(last))
        if fixed != text and id_number_valid(fixed):
            warnings.append(
                f"id_number_corrected: {mask_id_number(text)} → {mask_id_number(fixed)} (OCR letter/digit confusion)"
            )
            return fixed, warnings
        warnings.append("id_number_invalid_check_digit: 身份证号码校验位不符 / check digit does not validate")
        return text, warnings
    warnings.append(
        f"id_number_bad_length: 身份证号码应为18位，读到{len(text)}位 / expected 18 characters, read {len(text)}"
    )
    return text, warnings


def mask_id_number(value: str | None, *, head: int = 4, tail: int = 4) -> str:
    """3101**********123X → keeps the first `head` and last `tail` characters (PIPL: never log an ID number
    whole); the zone's public verification data keeps 6 + 4 (310229********0016)."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def id_number_birth_date(value: str) -> date | None:
    if len(value) != 18 or not value[:17].isdigit():
        return None
    return _make_date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_gender(value: str) -> str | None:
    if len(value) < 17 or not value[16].isdigit():
        return None
    return "男" if int(value[16]) % 2 else "女"


def parse_gender(text: str) -> str | None:
    t = squash(text)
    has_m, has_f = "男" in t, "女" in t
    if has_m != has_f:
        return "男" if has_m else "女"
    low = t.lower()
    if low in {"m", "male"}:
        return "男"
    if low in {"f", "female"}:
        return "女"
    return None


# --- qualifications ---------------------------------------------------------------------------------

_LEVELS = {"一级": 1, "二级": 2, "壹级": 1, "贰级": 2, "1级": 1, "2级": 2, "I级": 1, "II级": 2}


def parse_level(text: str) -> int | None:
    t = squash(text)
    for word, level in _LEVELS.items():
        if word in t:
            return level
    if t in {"1", "2"}:
        return int(t)
    return None


def parse_categories(text: str) -> list[str]:
    """Categories named in `text`, in the canonical order, each once."""
    t = squash(text)
    return [c for c in CATEGORIES if c in t]


_ITEM_SPLIT = re.compile(r"[;；、,，/\n]+|\s{2,}|(?<=[\u4e00-\u9fff)）])\s+(?=[\u4e00-\u9fff(（])")


def split_items(text: str) -> list[str]:
    """Items written one after another: 、 ； ， line breaks, or a space between Chinese words
    (Chinese puts no spaces inside a name, so a space there separates two)."""
    return [clean_value(part) for part in _ITEM_SPLIT.split(fold_width(text)) if clean_value(part)]


def join_list(values: list[str]) -> str:
    return ";".join(values)
