"""Finding the right record through OCR noise, and never taking a forgery for a match.

2,000 synthetic records with near duplicates (people sharing a name, certificate numbers one digit
apart, as sequential numbering gives); documents derived from them with one OCR error in one key field.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from huren.domain import CertType, RegistryRecord, Verdict
from matching.evidence import GREY_ZONE_FLOOR, MATCH_SCORE, build_evidence
from matching.registry import Registry
from samples.records import certificate_extraction, noisy, with_value

KEY_FIELDS = ("cert_number", "id_number", "name")


def fields_of(evidence: object) -> dict[str, tuple[Verdict, float]]:
    return {f.field: (f.verdict, f.similarity) for f in evidence.fields}  # type: ignore[attr-defined]


def test_registry_has_near_duplicates(synthetic_records: list[RegistryRecord]) -> None:
    names = [r.name for r in synthetic_records]
    people_by_name: dict[str, set[str | None]] = {}
    for r in synthetic_records:
        people_by_name.setdefault(r.name, set()).add(r.id_number)
    assert sum(1 for ids in people_by_name.values() if len(ids - {None}) > 1) >= 50, "same name, different people"
    numbers = {r.cert_number for r in synthetic_records}
    neighbours = sum(1 for n in numbers if n[:-1] + str((int(n[-1]) + 1) % 10) in numbers)
    assert neighbours >= 500, "certificate numbers one digit apart"
    assert len(names) == 2000


def test_clean_documents_match_with_full_score(
    synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
) -> None:
    for record in random.Random(1).sample(synthetic_records, 300):
        evidence = build_evidence(certificate_extraction(record), synthetic_registry)
        assert evidence.record is record, (record.cert_number, evidence.record)
        assert evidence.score == pytest.approx(1.0), evidence.to_json()
        assert all(f.verdict is Verdict.MATCH for f in evidence.fields), fields_of(evidence)


@pytest.mark.parametrize("field", KEY_FIELDS)
def test_one_ocr_error_in_one_key_field_finds_the_record(
    synthetic_registry: Registry, synthetic_records: list[RegistryRecord], field: str
) -> None:
    rng = random.Random(f"noise-{field}")
    candidates = [r for r in synthetic_records if getattr(r, field)]
    trials, right, misses = 0, 0, []
    for record in rng.sample(candidates, 600):
        value = str(getattr(record, field))
        document = with_value(certificate_extraction(record), field, noisy(value, rng))
        evidence = build_evidence(document, synthetic_registry)
        trials += 1
        if evidence.record is record:
            right += 1
        else:
            misses.append((record.cert_number, document.value(field), evidence.record and evidence.record.cert_number))
    assert right / trials >= 0.99, f"{field}: {right}/{trials} right; misses {misses[:10]}"


def test_look_alike_glyphs_keep_a_match(synthetic_registry: Registry, synthetic_records: list[RegistryRecord]) -> None:
    rng = random.Random(2)
    for record in rng.sample([r for r in synthetic_records if r.id_number], 200):
        document = certificate_extraction(record)
        document = with_value(document, "cert_number", noisy(record.cert_number, rng, kind="confusable"))
        evidence = build_evidence(document, synthetic_registry)
        assert evidence.record is record
        assert evidence.score >= MATCH_SCORE, (document.value("cert_number"), record.cert_number, evidence.score)


def test_real_character_error_lands_in_grey_zone(
    synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
) -> None:
    record = next(r for r in synthetic_records if r.id_number and r.cert_type is CertType.REGISTRATION)
    number = record.cert_number[:-1] + str((int(record.cert_number[-1]) + 5) % 10)
    evidence = build_evidence(with_value(certificate_extraction(record), "cert_number", number), synthetic_registry)
    assert evidence.record is record, "the ID number and name outweigh a cert number that is another's"
    assert GREY_ZONE_FLOOR <= evidence.score < MATCH_SCORE
    assert fields_of(evidence)["cert_number"][0] is Verdict.UNCERTAIN


def _pick(records: list[RegistryRecord], cert_type: CertType) -> RegistryRecord:
    return next(r for r in records if r.cert_type is cert_type and r.id_number and r.level != 2)


class TestForgeries:
    """Altered documents: whatever candidate is found, the score stays below a match."""

    def test_certificate_number_never_issued(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
    ) -> None:
        record = _pick(synthetic_records, CertType.REGISTRATION)
        document = with_value(certificate_extraction(record), "cert_number", "沪ZC2031999999")
        evidence = build_evidence(document, synthetic_registry)
        assert evidence.score < GREY_ZONE_FLOOR, evidence.to_json()
        if evidence.record is not None:
            assert fields_of(evidence)["cert_number"][0] is Verdict.MISMATCH

    def test_never_issued_number_without_id(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
    ) -> None:
        record = _pick(synthetic_records, CertType.VERIFIER)
        document = with_value(certificate_extraction(record), "id_number", None)
        document = with_value(document, "cert_number", "浙JD2099123456")
        evidence = build_evidence(document, synthetic_registry)
        assert evidence.record is None and evidence.score == 0.0
        assert all(f.verdict is Verdict.MISSING for f in evidence.fields)

    def test_changed_level(self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]) -> None:
        record = _pick(synthetic_records, CertType.REGISTRATION)
        evidence = build_evidence(certificate_extraction(record, level=2), synthetic_registry)
        assert evidence.record is record
        assert fields_of(evidence)["level"][0] is Verdict.MISMATCH
        assert evidence.score < GREY_ZONE_FLOOR

    def test_extended_validity(self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]) -> None:
        record = _pick(synthetic_records, CertType.REGISTRATION)
        assert record.valid_until is not None
        later = replace(record, valid_until=record.valid_until.replace(year=record.valid_until.year + 3))
        evidence = build_evidence(certificate_extraction(later), synthetic_registry)
        assert evidence.record is record
        assert evidence.score < MATCH_SCORE
        assert fields_of(evidence)["valid_until"][0] is not Verdict.MATCH

    def test_another_persons_id_number(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
    ) -> None:
        record = _pick(synthetic_records, CertType.REGISTRATION)
        other = next(r for r in synthetic_records if r.id_number and r.id_number != record.id_number)
        evidence = build_evidence(certificate_extraction(record, id_number=other.id_number), synthetic_registry)
        assert evidence.score < GREY_ZONE_FLOOR, evidence.to_json()
        assert evidence.record is record
        assert fields_of(evidence)["id_number"][0] is Verdict.MISMATCH

    def test_same_name_other_persons_certificate(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
    ) -> None:
        by_name: dict[str, list[RegistryRecord]] = {}
        for r in synthetic_records:
            if r.id_number and r.cert_type is CertType.REGISTRATION:
                by_name.setdefault(r.name, []).append(r)
        a, b = next(rs[:2] for rs in by_name.values() if len({r.id_number for r in rs}) > 1)
        # a's ID card details on b's certificate (same name, b's number)
        evidence = build_evidence(certificate_extraction(b, id_number=a.id_number), synthetic_registry)
        assert evidence.score < GREY_ZONE_FLOOR
        assert evidence.record is not a or fields_of(evidence)["cert_number"][0] is Verdict.MISMATCH

    @pytest.mark.parametrize("new_name", ["change_one", "change_all"])
    def test_changed_name_with_right_number(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord], new_name: str
    ) -> None:
        record = next(r for r in synthetic_records if len(r.name) == 3 and r.id_number)
        name = record.name[:2] + ("明" if record.name[2] != "明" else "亮") if new_name == "change_one" else "欧阳修"
        evidence = build_evidence(certificate_extraction(record, name=name), synthetic_registry)
        assert evidence.record is record
        assert evidence.score < MATCH_SCORE, evidence.to_json()
        assert fields_of(evidence)["name"][0] is not Verdict.MATCH
        if new_name == "change_all":
            assert evidence.score < GREY_ZONE_FLOOR

    def test_near_duplicate_number_is_not_taken_for_the_person(
        self, synthetic_registry: Registry, synthetic_records: list[RegistryRecord]
    ) -> None:
        numbers = {(r.cert_type, r.cert_number): r for r in synthetic_records}
        for record in synthetic_records:
            neighbour_number = record.cert_number[:-1] + str((int(record.cert_number[-1]) + 1) % 10)
            neighbour = numbers.get((record.cert_type, neighbour_number))
            if neighbour and neighbour.id_number and record.id_number and neighbour.id_number != record.id_number:
                break
        else:
            pytest.fail("no neighbouring numbers in the synthetic registry")
        # The document is record's person, but its number reads as the neighbour's.
        document = with_value(certificate_extraction(record), "cert_number", neighbour_number)
        evidence = build_evidence(document, synthetic_registry)
        assert evidence.record is record
        assert evidence.score < MATCH_SCORE
