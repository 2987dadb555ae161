"""Candidate search: only candidates close to the best by key similarity get the full comparison,
and cutting the others never changes which record a document is matched to."""

from __future__ import annotations

import functools
import random

import pytest

from huren.domain import CertType, RegistryRecord
from matching import evidence
from matching.evidence import build_evidence
from matching.registry import Registry
from matching.search import MAX_CANDIDATES, Query, find_candidates
from samples.records import certificate_extraction, noisy, with_value
from tests.matching.helpers import registration_record

ID = "110101199003071233"


def _namesakes(count: int) -> list[RegistryRecord]:
    """`count` other people called 张伟 with their own numbers: one block of the name index."""
    return [
        registration_record(
            f"32058419{70 + i % 20}0{i % 9 + 1}1{i % 9}47{i % 10}X", cert_number=f"苏ZC2016{i:06d}", name="张伟"
        )
        for i in range(count)
    ]


def test_namesakes_far_behind_are_not_compared() -> None:
    target = registration_record(ID)
    registry = Registry([target, *_namesakes(30)])
    query = Query(CertType.REGISTRATION, target.cert_number, target.id_number, target.name)
    assert find_candidates(query, registry) == [target]
    # without the margin the whole block, up to MAX_CANDIDATES, would be compared field by field
    assert len(find_candidates(query, registry, margin=10.0)) == MAX_CANDIDATES


def test_close_candidates_are_all_compared() -> None:
    """A certificate number one digit off, and the ID number read wrong too: two records stay close."""
    target = registration_record(ID)
    neighbour = registration_record("110101199003071250", cert_number="沪ZC2019000124")
    registry = Registry([target, neighbour, *_namesakes(30)])
    query = Query(CertType.REGISTRATION, "沪ZC2019000128", "110101199003071283", "张伟")
    found = find_candidates(query, registry)
    assert {r.cert_number for r in found[:2]} == {target.cert_number, neighbour.cert_number}


def test_the_margin_never_changes_the_match(
    synthetic_records: list[RegistryRecord], synthetic_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(3)
    documents = []
    for record in rng.sample(synthetic_records, 300):
        field = rng.choice(("cert_number", "id_number", "name"))
        value = getattr(record, field) or record.cert_number
        documents.append(with_value(certificate_extraction(record), field, noisy(str(value), rng)))
    narrow = [build_evidence(d, synthetic_registry) for d in documents]
    monkeypatch.setattr(evidence, "find_candidates", functools.partial(find_candidates, margin=10.0))
    wide = [build_evidence(d, synthetic_registry) for d in documents]
    for document, a, b in zip(documents, narrow, wide, strict=True):
        assert (a.record and a.record.cert_number) == (b.record and b.record.cert_number), document.fields
        assert a.score == b.score
