"""Which document a page is, from the words printed on it, with a confidence; `unknown` when unsure."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from huren.domain import DocType
from huren.normalize import simplified, squash
from ocr.documents import SPECS, FieldSpec

MIN_SCORE = 3.0  # below this no document type has enough of its own words on the page
FEW_WORDS_SCORE = 1.5  # … but this much, with one of its value shapes, names it by content
# A type recognised only from the shapes of its values: less sure than one its words name, and flagged.
# The warning, not the number, is what sends such a document to a person (recognition.rules,
# `document_type_from_content`): no confidence can say that the labels a type's fields were read by
# were never seen on the page.
CONTENT_CONFIDENCE = 0.55
CONTENT_WARNING = "doc_type_from_content"


# Every word some document prints (its identifying words and its fields' labels): a near miss of a
# keyword that is exactly one of these is that other word read right (发证机关 is no misread 签发机关).
VOCABULARY = frozenset(
    word
    for word in (
        simplified(squash(w))
        for spec in SPECS
        for w in (*spec.keywords, *(label for fs in spec.fields for label in fs.labels), *spec.stop_labels)
    )
    if len(word) >= 3 and re.search("[\u4e00-\u9fff]", word)
)


def _present(keyword: str, text: str) -> float:
    """1 when the keyword is on the page; partial credit for a long keyword OCR got slightly wrong."""
    if keyword in text:
        return 1.0
    if len(keyword) < 4:
        return 0.0
    found = fuzz.partial_ratio_alignment(keyword, text, score_cutoff=74)
    if found is None or _another_word(keyword, text, found.dest_start, found.dest_end):
        return 0.0
    return 0.7


def _another_word(keyword: str, text: str, start: int, end: int) -> bool:
    """Whether a printed word other than `keyword` (nor part of it) covers part of text[start:end]."""
    for word in VOCABULARY:
        if word in keyword:
            continue
        at = text.find(word, max(0, start - len(word) + 1), end + len(word) - 1)
        if at != -1 and at < end and at + len(word) > start:
            return True
    return False


def _ranked(text: str) -> list[tuple[DocType, float]]:
    """Every type with how well its identifying words and shapes cover `text`, best first."""
    key = simplified(squash(text))
    scores: dict[DocType, float] = {}
    for spec in SPECS:
        scores[spec.doc_type] = (
            sum(w * _present(k, key) for k, w in spec.keywords.items() if w > 0)
            + sum(w for k, w in spec.keywords.items() if w < 0 and k in key)
            + sum(w for p, w in spec.patterns.items() if re.search(p, key))
        )
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)


def classify(text: str) -> tuple[DocType, float]:
    """The document type whose identifying words best cover `text`, and how clearly it wins."""
    ranked = _ranked(text)
    (best, s1), (_, s2) = ranked[0], ranked[1]
    if s1 < MIN_SCORE:
        return DocType.UNKNOWN, round(min(1.0, 1.0 - s1 / MIN_SCORE / 2), 4)
    margin = (s1 - max(s2, 0.0)) / s1
    confidence = min(1.0, 0.5 + 0.5 * margin) * min(1.0, s1 / (MIN_SCORE + 2))
    return best, round(confidence, 4)


def _content_key(text: str) -> str:
    return "\n".join(simplified(squash(line)) for line in text.splitlines())  # values do not run across lines


def bears_content(doc_type: DocType, text: str) -> bool:
    """Whether every value shape of the type's spec is in `text` (a type without shapes never is)."""
    spec = next((s for s in SPECS if s.doc_type is doc_type), None)
    key = _content_key(text)
    return spec is not None and bool(spec.content) and all(re.search(p, key) for p in spec.content)


def bears_some_content(doc_type: DocType, text: str) -> bool:
    """Whether at least one value shape of the type's spec is in `text` (an ID front's number)."""
    spec = next((s for s in SPECS if s.doc_type is doc_type), None)
    key = _content_key(text)
    return spec is not None and any(re.search(p, key) for p in spec.content)


def labelled_fields(doc_type: DocType, text: str) -> int:
    """How many of the type's fields have one of their printed labels in `text`."""
    return len(labelled_keys(doc_type, text))


def labelled_keys(doc_type: DocType, text: str) -> frozenset[str]:
    """The fields of the type (by their first key) that have one of their printed labels in `text`."""
    key = simplified(squash(text))
    return frozenset(fs.keys[0] for fs in _fields(doc_type) if any(simplified(squash(lb)) in key for lb in fs.labels))


def labelled_share(doc_type: DocType, text: str) -> float:
    """The share of the type's labelled fields whose label is in `text` (a card's number line: 1 of 6)."""
    labelled = [fs for fs in _fields(doc_type) if fs.labels]
    return len(labelled_keys(doc_type, text)) / len(labelled) if labelled else 0.0


def _fields(doc_type: DocType) -> tuple[FieldSpec, ...]:
    spec = next((s for s in SPECS if s.doc_type is doc_type), None)
    return () if spec is None else spec.fields


def classify_by_content(text: str) -> DocType:
    """The type whose value shapes (`DocSpec.content`) are all on the page; the longest signature wins.

    A type whose printed words speak clearly against it is not named by shapes it shares with another
    (a certificate's ID number and dates, under 证书编号 and its own number, are no ID card front)."""
    key = _content_key(text)
    against = {doc_type for doc_type, score in _ranked(text) if score < 0}
    found = [
        spec
        for spec in SPECS
        if spec.content and spec.doc_type not in against and all(re.search(p, key) for p in spec.content)
    ]
    if not found:
        return DocType.UNKNOWN
    return max(found, key=lambda spec: len(spec.content)).doc_type  # max keeps SPECS order among equals


def classify_by_few_words(text: str) -> DocType:
    """The type some of whose words (too few to name it) and one of whose value shapes are on the page,
    when no other type's words come near: a certificate whose title a watermark crossed."""
    (best, s1), (_, s2) = _ranked(text)[:2]
    if s1 < FEW_WORDS_SCORE or s2 > s1 / 2 or not bears_some_content(best, text):
        return DocType.UNKNOWN
    return best


def classify_with_content(text: str) -> tuple[DocType, float, list[str]]:
    """`classify`, and when the printed words identify nothing, the values' shapes, with a warning."""
    doc_type, confidence = classify(text)
    if doc_type is not DocType.UNKNOWN:
        return doc_type, confidence, []
    by_content = classify_by_content(text)
    if by_content is DocType.UNKNOWN:
        by_content = classify_by_few_words(text)
    if by_content is DocType.UNKNOWN:
        return doc_type, confidence, []
    return by_content, CONTENT_CONFIDENCE, [CONTENT_WARNING]
