"""Which document a page is, from the words printed on it, with a confidence; `unknown` when unsure."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from huren.domain import DocType
from huren.normalize import simplified, squash
from ocr.documents import SPECS

MIN_SCORE = 3.0  # below this no document type has enough of its own words on the page


def _present(keyword: str, text: str) -> float:
    """1 when the keyword is on the page; partial credit for a long keyword OCR got slightly wrong."""
    if keyword in text:
        return 1.0
    if len(keyword) >= 4 and fuzz.partial_ratio(keyword, text, score_cutoff=74) >= 74:
        return 0.7
    return 0.0


def classify(text: str) -> tuple[DocType, float]:
    """The document type whose identifying words best cover `text`, and how clearly it wins."""
    key = simplified(squash(text))
    scores: dict[DocType, float] = {}
    for spec in SPECS:
        scores[spec.doc_type] = (
            sum(w * _present(k, key) for k, w in spec.keywords.items() if w > 0)
            + sum(w for k, w in spec.keywords.items() if w < 0 and k in key)
            + sum(w for p, w in spec.patterns.items() if re.search(p, key))
        )
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, s1), (_, s2) = ranked[0], ranked[1]
    if s1 < MIN_SCORE:
        return DocType.UNKNOWN, round(min(1.0, 1.0 - s1 / MIN_SCORE / 2), 4)
    margin = (s1 - max(s2, 0.0)) / s1
    confidence = min(1.0, 0.5 + 0.5 * margin) * min(1.0, s1 / (MIN_SCORE + 2))
    return best, round(confidence, 4)
