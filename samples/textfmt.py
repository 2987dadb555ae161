"""How values are written on paper: date styles, ranges, levels, lists, spaced labels.

Each document draws its own writing style, so that extraction meets 2023年5月1日, 2023.05.01 and
二〇二三年五月一日 for the same kind of field — while the ground truth stays in one canonical form.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

_HANZI = "〇一二三四五六七八九"


def _hanzi_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 31 → 三十一."""
    tens, ones = divmod(n, 10)
    out = ("" if tens == 1 else _HANZI[tens]) + "十" if tens else ""
    return out + (_HANZI[ones] if ones or not tens else "")


def date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def date_cn0(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def date_dot(d: date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def date_dash(d: date) -> str:
    return d.isoformat()


def date_slash(d: date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def date_hanzi(d: date) -> str:
    return "".join(_HANZI[int(c)] for c in str(d.year)) + f"年{_hanzi_number(d.month)}月{_hanzi_number(d.day)}日"


DATE_STYLES: dict[str, Callable[[date], str]] = {
    "cn": date_cn,
    "cn0": date_cn0,
    "dot": date_dot,
    "dash": date_dash,
    "slash": date_slash,
    "hanzi": date_hanzi,
}


class Writer:
    """One document's writing habits, drawn once from the document's random generator."""

    def __init__(self, rng: random.Random, *, formal: bool = False) -> None:
        styles = ["cn", "cn", "cn0", "dot", "dash", "slash", "hanzi"]
        if formal:  # printed certificates favour 年月日 and the Chinese-numeral form
            styles = ["cn", "cn", "cn0", "hanzi", "dot"]
        self.date_style = rng.choice(styles)
        self.range_sep = rng.choice(
            ["至", " 至 ", "-", "—", "～"] if self.date_style in ("cn", "cn0", "dot", "hanzi") else ["至", " 至 ", "～"]
        )
        self.list_sep = rng.choice(["、", "、", "，", "；", "  "])
        self.colon = rng.choice(["：", "：", ":", "　"])
        self.spaced = rng.random() < 0.35
        self.level_style = rng.choice(["一级", "一级注册计量师"])

    def date(self, d: date) -> str:
        return DATE_STYLES[self.date_style](d)

    def range(self, a: date, b: date) -> str:
        return f"{self.date(a)}{self.range_sep}{self.date(b)}"

    def level(self, level: int) -> str:
        word = "一级" if level == 1 else "二级"
        return word + ("注册计量师" if self.level_style != "一级" else "")

    def join(self, values: list[str]) -> str:
        return self.list_sep.join(values)

    def label(self, text: str, width: int = 4) -> str:
        """姓名 → 姓　名 / 姓　　名 when this document spaces its short labels."""
        if not self.spaced or len(text) != 2:
            return text
        return text[0] + "　" * max(1, width - 2) + text[1]
