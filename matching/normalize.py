"""Matching keys and OCR-aware similarity.

Values are compared in two forms:

* a *key* (`cert_key`, `id_key`, `name_key`) — width folded, spaces and separators dropped, and every
  glyph OCR confuses replaced by one representative of its group (O/D/〇 → 0, 己/已/巳 → 己 …).  Keys
  are used for exact lookups and blocking, so a document read as `沪2O23…` still finds `沪2023…`.
* the value itself, scored with `ocr_distance`: a weighted edit distance in which substituting one
  glyph for a look-alike costs `CONFUSABLE_COST` instead of 1.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from huren.normalize import DIGIT_CONFUSIONS, fold_width, squash

CONFUSABLE_COST = 0.25
"""What substituting a look-alike glyph (0/O, 己/已) costs in `ocr_distance`; a random one costs 1."""

# Latin/digit groups follow huren.normalize.DIGIT_CONFUSIONS (letter → digit); CJK groups are glyphs
# that differ by a stroke or a stroke's length and that OCR engines swap on scans and photos.
CJK_CONFUSABLE_GROUPS: tuple[str, ...] = (
    "己已巳",
    "未末",
    "土士",
    "日曰",
    "人入",
    "大太犬",
    "王玉主壬",
    "千干于",
    "天夫",
    "刀力",
    "戊戌戍",
    "贝见",
    "拨拔",
    "候侯",
    "折析",
    "睛晴",
    "辨辩辫",
    "字宇",
    "兔免",
    "鸟乌",
    "今令",
    "自目",
    "甲申由田",
    "壁璧",
    "茶荼",
    "冶治",
    "即既",
    "侍待",
    "孑子",
    "淋沭",
    "汩汨",
    "祟崇",
    "准淮",
    "历厉",
    "戎戒",
    "刺剌",
    "冒昌",
    "旦且",
    "毫亳",
    "徽微",
    "峰锋",
    "梁粱",
    "杨扬",
    "陈阵",
    "华毕",
    "术木",
    "局尾",
    # 冫 beside 氵: one dot less, lost on a soft phone photo (a 冼 read as 洗)
    "冼洗",
    "冽洌",
)

_REPRESENTATIVE: dict[str, str] = dict(DIGIT_CONFUSIONS)
for _group in CJK_CONFUSABLE_GROUPS:
    for _ch in _group:
        _REPRESENTATIVE.setdefault(_ch, _group[0])
_REPRESENTATIVE["〇"] = "0"
_REPRESENTATIVE["O"] = "0"
_FOLD_TABLE = str.maketrans(_REPRESENTATIVE)

_CERT_NOISE = re.compile(r"[\s\-_/\\.·—–:：()（）\[\]【】#№]+")
_CERT_PREFIX = re.compile(r"^(?:NO\.?|编号[:：]?|证号[:：]?|证书编号[:：]?)")
_CERT_ORDINAL = re.compile(r"^第(.+)号$")
_NOT_ID_CHAR = re.compile(r"[^0-9A-Z]")
_NAME_DOTS = re.compile(r"[·•・.．\s]")
# Values already in their clean form, which the cleaners would return unchanged (CJK unified ideographs
# and ASCII upper case and digits are stable under NFKC, carry no space or separator): the keys of a
# registry's own records, computed for every candidate of every query and every imported row.
_CLEAN_CERT = re.compile(r"[0-9A-Z\u4e00-\u9fff]+")
_CERT_PREFIXES = ("NO", "编号", "证", "第")  # what clean_cert_number strips in front (`_CERT_PREFIX`, `_CERT_ORDINAL`)
_CLEAN_ID = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only (\d would take any script's)
_CLEAN_NAME = re.compile(r"[\u4e00-\u9fff]+")


def fold_confusables(text: str) -> str:
    """Replace every glyph OCR confuses with its group's representative (for keys, never for display)."""
    return text.translate(_FOLD_TABLE)


def clean_cert_number(raw: str) -> str:
    """A certificate number as stored: width folded, upper case, without spaces or separators."""
    text = squash(raw).upper()
    text = _CERT_PREFIX.sub("", text)
    if text.startswith("第"):
        text = _CERT_ORDINAL.sub(r"\1", text)
    return _CERT_NOISE.sub("", text)


def clean_id_number(raw: str) -> str:
    """An ID number as read: width folded, upper case, × read as X, only letters and digits."""
    text = squash(raw).upper().replace("×", "X")
    return _NOT_ID_CHAR.sub("", text)


def clean_name(raw: str) -> str:
    """A person's name: no spaces, middle dots unified (少数民族 names like 阿依·古丽)."""
    return _NAME_DOTS.sub("·", squash(raw)).strip("·")


def clean_cert_number_quickly(raw: str) -> str:
    """`clean_cert_number`, the value itself when it is clean already (most registry rows': no regex passes)."""
    return raw if _CLEAN_CERT.fullmatch(raw) and not raw.startswith(_CERT_PREFIXES) else clean_cert_number(raw)


def cert_key(raw: str | None) -> str | None:
    if not raw:
        return None
    return fold_confusables(clean_cert_number_quickly(raw)) or None


def id_key(raw: str | None) -> str | None:
    if not raw:
        return None
    if _CLEAN_ID.fullmatch(raw):
        return raw  # digits and a final X: nothing to clean, nothing to fold
    text = clean_id_number(raw)
    if not text:
        return None
    # The check character X is not a confusion; fold only the body.
    body, last = (text[:-1], text[-1]) if text.endswith("X") else (text, "")
    return fold_confusables(body) + last


def name_key(raw: str | None) -> str | None:
    if not raw:
        return None
    return fold_confusables(raw if _CLEAN_NAME.fullmatch(raw) else clean_name(raw)) or None


def ocr_distance(a: str, b: str, *, fold: bool = True) -> float:
    """Weighted edit distance: indels and substitutions cost 1, a look-alike substitution `CONFUSABLE_COST`.

    Computed as d_folded + CONFUSABLE_COST · (d_raw − d_folded): the edits that folding removes are
    exactly the look-alike substitutions. Both distances come from rapidfuzz (C), so this is cheap.
    `fold=False` when neither value was read by OCR (typed, a PDF's text layer, the registry): a
    look-alike a person typed is another character, not a misreading.
    """
    if a == b:
        return 0.0
    raw = Levenshtein.distance(a, b)
    if not fold:
        return float(raw)
    folded = Levenshtein.distance(fold_confusables(a), fold_confusables(b))
    return folded + CONFUSABLE_COST * max(0, raw - folded)


def identifier_similarity(a: str, b: str, *, fold: bool = True) -> float:
    """Similarity of two identifiers in [0, 1], independent of their length: 1 − distance / 4.

    1.0 identical; 0.9375 one look-alike; 0.75 one real error; 0.5 two; 0 four or more. A certificate
    number one digit apart is another certificate, so identifiers are judged by edits, not by ratio.
    """
    return max(0.0, 1.0 - ocr_distance(a, b, fold=fold) / 4.0)


def text_similarity(a: str, b: str, *, fold: bool = True) -> float:
    """Length-normalised similarity in [0, 1] for names and free text: 1 − distance / longer length."""
    if not a and not b:
        return 1.0
    return max(0.0, 1.0 - ocr_distance(a, b, fold=fold) / max(len(a), len(b)))


def fold_text(raw: str) -> str:
    """Free text for comparison: width folded, no spaces."""
    return squash(fold_width(raw))
