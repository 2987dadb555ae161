"""Whether a page is upside down, decided once per page from a few of its lines.

PP-OCR's small text-direction classifier (shipped in the RapidOCR wheel) is run on the longest
lines only — a few milliseconds — instead of on every line as plain RapidOCR does, and its votes
are pooled.  It is used whatever the recognition backend.
"""

from __future__ import annotations

import functools

import numpy as np

SAMPLE = 7


@functools.lru_cache(maxsize=1)
def _classifier() -> object:
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "error"})._load_cls_model()


def upside_down_votes(crops: list[np.ndarray]) -> float:
    """Share of confidence that says the lines are turned 180° (0 = upright, 1 = upside down)."""
    if not crops:
        return 0.0
    out = _classifier()(crops)  # type: ignore[operator]
    flipped = total = 0.0
    for label, score in out.cls_res:
        total += float(score)
        if label == "180":
            flipped += float(score)
    return flipped / total if total else 0.0


def upside_down_each(crops: list[np.ndarray]) -> list[bool]:
    """For each crop, whether the classifier says it is turned 180°; one batched call."""
    if not crops:
        return []
    out = _classifier()(crops)  # type: ignore[operator]
    return [label == "180" for label, _score in out.cls_res]
