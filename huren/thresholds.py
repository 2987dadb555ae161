"""The confidence below which a read value is not trusted on its own.

Chosen from the reliability table `huren eval --seed N` prints on randomised layouts (README,
"Confidence"; re-derived on 160 pages of four seeds): a text value read below 0.80 was right 61 % of
the time, one at or above it 97.6 %, every band from 0.80 to 0.98 91–95 %, and a higher cut would send
far more right values to review than it catches wrong ones. Extraction warns about a
value below it (`low_confidence: FIELD`), a decision that rests on such a value goes to review
(`recognition.rules`, `field_low_confidence`), and batch digitisation flags the row for a reviewer.
"""

from __future__ import annotations

from collections.abc import Mapping

from huren.domain import ExtractedField

REVIEW_CONFIDENCE = 0.80


def low_confidence_warnings(fields: Mapping[str, ExtractedField], threshold: float = REVIEW_CONFIDENCE) -> list[str]:
    """`low_confidence: KEY` for every value read below the threshold, in field order."""
    return [
        f"low_confidence: {key}"
        for key, f in fields.items()
        if f.value not in (None, "", []) and f.confidence < threshold
    ]
