"""Revision 0005: a database written with the full 64-character look-up hashes still finds its rows, old and new alike."""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlalchemy import Engine, text

import db
from huren import sealed
from huren.domain import CertType, RegistryRecord
from matching.search import record_block_keys
from matching.store import RegistryStore
from recognition.recognitions import RecognitionStore

from .test_migrations import schema_diff

OLD_ID = "330106198805233941"  # synthetic, valid check digits
NEW_ID = "330106198805231234"
ID_KEYS = ("id_key", "id_region_birth", "id_birth_seq", "id_region_seq")


def _full_hash(value: str) -> str:
    """The hash as versions before 0005 stored it: all of HMAC-SHA256 under the derived look-up key,
    made here from the tests' data key without the code under test."""
    key = hmac.new(os.environ["HUREN_DATA_KEY"].encode(), b"huren look-up hash v1", hashlib.sha256).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def _rows_before_0005(engine: Engine) -> None:
    """A registry record and a recognition as the version before wrote them (sealed, full hashes)."""
    clear = record_block_keys(RegistryRecord(CertType.REGISTRATION, "沪注计20230001", "韦秀旻", id_number=OLD_ID))
    keys = {k: _full_hash(v) if k in ID_KEYS and v else v for k, v in clear.items()}
    assert all(len(keys[k]) == 64 for k in ID_KEYS)
    seal = sealed.active().seal
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO registry_records (cert_type, cert_number, name, id_number, categories, items, status, "
                "cert_key, id_key, name_key, cert_tail, id_region_birth, id_birth_seq, id_region_seq) VALUES "
                "('registration', '沪注计20230001', '韦秀旻', :id, '', '', 'valid', :cert_key, :id_key, :name_key, "
                ":cert_tail, :id_region_birth, :id_birth_seq, :id_region_seq)"
            ),
            {"id": seal(OLD_ID), **keys},
        )
        conn.execute(
            text(
                "INSERT INTO recognitions (number, area, year, sequence, cert_type, cert_number, holder_name, id_number, "
                "id_number_hash, categories, recognising_authority, issued_on, decision_as_of, rules_version, created_at) "
                "VALUES ('CSJ-QP-2025-0001', 'qingpu', 2025, 1, 'registration', '沪注计20230001', '韦秀旻', :id, :hash, "
                "'', '青浦区', '2025-06-01', '2025-06-01', 'r1', '2025-06-01T00:00:00+00:00')"
            ),
            {"id": seal(OLD_ID), "hash": _full_hash(OLD_ID)},
        )


def test_rows_hashed_in_full_before_0005_are_cut_and_found_beside_new_ones(blank: Engine) -> None:
    db.upgrade(blank, "0004")
    _rows_before_0005(blank)
    db.upgrade(blank)
    assert db.is_current(blank) and schema_diff(blank) == []
    with blank.connect() as conn:
        stored = conn.execute(text(f"SELECT {', '.join(ID_KEYS)} FROM registry_records")).one()
        person = conn.execute(text("SELECT id_number_hash FROM recognitions")).scalar_one()
    assert [len(v) for v in (*stored, person)] == [sealed.LOOKUP_HASH_CHARS] * 5
    assert person == _full_hash(OLD_ID)[: sealed.LOOKUP_HASH_CHARS]

    registry = RegistryStore(blank)
    registry.upsert([RegistryRecord(CertType.REGISTRATION, "沪注计20230002", "韦秀旻", id_number=NEW_ID)])
    # each ID blocking key finds the old row; the part both numbers share (region and birth) finds both
    for block, value in (("id_key", OLD_ID), ("id_birth_seq", OLD_ID[6:]), ("id_region_seq", OLD_ID[:6] + OLD_ID[14:])):
        assert [r.cert_number for r in registry.candidates({block: [value]}, None)] == ["沪注计20230001"], block
    both = registry.candidates({"id_region_birth": [OLD_ID[:14]]}, None)
    assert sorted(r.cert_number for r in both) == ["沪注计20230001", "沪注计20230002"]
    assert registry.get(CertType.REGISTRATION, "沪注计20230001").id_number == OLD_ID  # type: ignore[union-attr]
    assert [r.number for r in RecognitionStore(blank).for_id_number(OLD_ID)] == ["CSJ-QP-2025-0001"]
    db.upgrade(blank)  # again: the short hashes stay as they are
    with blank.connect() as conn:
        assert conn.execute(text(f"SELECT {', '.join(ID_KEYS)} FROM registry_records WHERE id = 1")).one() == stored
