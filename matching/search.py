"""Finding the registry records a document may be: exact keys, then blocks that survive one bad field.

Blocking is declared as data (`BLOCKING_RULES`): each rule derives one key from a registry record
and the keys to look up from a document. A record is a candidate when it shares any key with the
document. Every rule uses only part of one field, so an OCR error anywhere in one field leaves the
other fields' rules — and for the ID number, the rules over the other parts of that same number —
intact:

* `cert_key` / `id_key` / `name_key` — whole normalised values (exact lookups, look-alikes folded);
* `cert_tail` — the certificate number's last 8 characters (an error in its head);
* `id_region_birth` (positions 1–14), `id_birth_seq` (7–18), `id_region_seq` (1–6 + 15–18) — any one
  wrong character in an ID number leaves at least one of the three intact.

Both registries (`Registry` in memory, `RegistryStore` in SQL) answer `candidates(keys, cert_type)`
with indexes on exactly these keys; the candidates are ranked with one `rapidfuzz.process.cdist`
call per key field and only the best `MAX_CANDIDATES` get the full per-field comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from huren.domain import DOC_TYPE_TO_CERT_TYPE, CertType, Extraction, RegistryRecord
from matching.normalize import cert_key, id_key, name_key

MAX_CANDIDATES = 8
"""How many candidates, best by key similarity, get the full field-by-field comparison."""

PRESCORE_MARGIN = 3.0
"""Of at most 10 prescore points (certificate number 4, ID number 4, name 2), how far behind the best
candidate another may be and still get the full comparison.  A record that trails by more shares at
most a name or a block with the document while the best one agrees on an identifier: the full
comparison (identifiers weigh 4, a mismatching one caps the score) could not rank it first.  Scoring
only the close ones keeps the per-document cost flat however large the blocks are
(`bench/bench_matching.py` checks the top candidate against a naive full scan)."""


@dataclass(frozen=True, slots=True)
class Query:
    """The key fields of one document, as read (not yet normalised)."""

    cert_type: CertType | None
    cert_number: str | None = None
    id_number: str | None = None
    name: str | None = None

    @classmethod
    def from_extraction(cls, extraction: Extraction) -> Query:
        def text(key: str) -> str | None:
            value = extraction.value(key)
            return str(value) if value not in (None, "") else None

        return cls(
            cert_type=DOC_TYPE_TO_CERT_TYPE.get(extraction.doc_type),
            cert_number=text("cert_number"),
            id_number=text("id_number"),
            name=text("name"),
        )


@dataclass(frozen=True, slots=True)
class SearchKeys:
    cert_key: str | None
    id_key: str | None
    name_key: str | None

    @classmethod
    def of(cls, cert_number: str | None, id_number: str | None, name: str | None) -> SearchKeys:
        return _search_keys(cert_number, id_number, name)


@lru_cache(maxsize=262_144)
def _search_keys(cert_number: str | None, id_number: str | None, name: str | None) -> SearchKeys:
    return SearchKeys(cert_key(cert_number), id_key(id_number), name_key(name))


def _cert_tail(k: SearchKeys) -> str | None:
    return k.cert_key[-8:] if k.cert_key and len(k.cert_key) >= 12 else None


def _id_part(start: int, end: int, *extra: tuple[int, int]) -> Callable[[SearchKeys], str | None]:
    def part(k: SearchKeys) -> str | None:
        if not k.id_key or len(k.id_key) != 18:
            return None
        return k.id_key[start:end] + "".join(k.id_key[a:b] for a, b in extra)

    return part


@dataclass(frozen=True, slots=True)
class BlockingRule:
    name: str  # also the name of the indexed column in the SQL store
    key: Callable[[SearchKeys], str | None]  # the same function derives the record's and the document's key


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("cert_key", lambda k: k.cert_key),
    BlockingRule("id_key", lambda k: k.id_key),
    BlockingRule("name_key", lambda k: k.name_key),
    BlockingRule("cert_tail", _cert_tail),
    BlockingRule("id_region_birth", _id_part(0, 14)),
    BlockingRule("id_birth_seq", _id_part(6, 18)),
    BlockingRule("id_region_seq", _id_part(0, 6, (14, 18))),
)

_RULE_NAMES = tuple(rule.name for rule in BLOCKING_RULES)


def block_values(cert: str | None, id_: str | None, name: str | None) -> tuple[str | None, ...]:
    """Every rule's key of one record's normalised keys, in `BLOCKING_RULES` order, in one call: what the
    rules give one by one (a registry import derives seven keys from each of a million rows)."""
    tail = cert[-8:] if cert and len(cert) >= 12 else None
    if id_ and len(id_) == 18:
        return (cert, id_, name, tail, id_[:14], id_[6:18], id_[:6] + id_[14:18])
    return (cert, id_, name, tail, None, None, None)


def record_search_keys(record: RegistryRecord) -> SearchKeys:
    return SearchKeys.of(record.cert_number, record.id_number, record.name)


def record_block_keys(record: RegistryRecord) -> dict[str, str | None]:
    """The value of every blocking column for a record (what the store indexes)."""
    keys = record_search_keys(record)
    return dict(zip(_RULE_NAMES, block_values(keys.cert_key, keys.id_key, keys.name_key), strict=True))


def query_block_keys(query: Query) -> dict[str, list[str]]:
    keys = SearchKeys.of(query.cert_number, query.id_number, query.name)
    out: dict[str, list[str]] = {}
    for rule in BLOCKING_RULES:
        value = rule.key(keys)
        if value:
            out[rule.name] = [value]
    return out


class RecordSource(Protocol):
    """What matching needs from a registry: the records sharing any blocking key with a document."""

    def candidates(self, keys: Mapping[str, Sequence[str]], cert_type: CertType | None) -> list[RegistryRecord]: ...


def _prescore(query: Query, records: list[RegistryRecord]) -> np.ndarray:
    """A cheap score per record over the three key fields: one cdist per field, weighted 4/4/2."""
    q = SearchKeys.of(query.cert_number, query.id_number, query.name)
    keys = [record_search_keys(r) for r in records]
    total = np.zeros(len(records), dtype=np.float64)
    for weight, mine, theirs in (
        (4.0, q.cert_key, [k.cert_key or "" for k in keys]),
        (4.0, q.id_key, [k.id_key or "" for k in keys]),
        (2.0, q.name_key, [k.name_key or "" for k in keys]),
    ):
        if mine:
            scores = process.cdist([mine], theirs, scorer=Levenshtein.normalized_similarity, dtype=np.float32)
            total += weight * scores[0]
    return total


def find_candidates(
    query: Query, source: RecordSource, *, limit: int = MAX_CANDIDATES, margin: float = PRESCORE_MARGIN
) -> list[RegistryRecord]:
    """Registry records the document may be, best first by key similarity: at most `limit`, and only
    those within `margin` prescore points of the best."""
    keys = query_block_keys(query)
    if not keys:
        return []
    records = source.candidates(keys, query.cert_type)
    if len(records) <= 1:
        return records
    scores = _prescore(query, records)
    order = np.argsort(-scores, kind="stable")[:limit]
    best = scores[order[0]]
    return [records[i] for i in order if scores[i] >= best - margin]
