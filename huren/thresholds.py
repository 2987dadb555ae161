"""The confidence below which a read value is not trusted on its own.

Chosen from the reliability table `huren eval --seed N` prints on randomised layouts (README,
"Confidence"): on three fresh seeds a value read below 0.80 was right 21 % of the time, one from 0.80
to 0.98 85 %, one above 97 %, and no cut inside 0.80–0.98 separated better. Extraction warns about a
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
