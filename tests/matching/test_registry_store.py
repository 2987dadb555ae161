"""The SQL store: idempotent upsert, one transaction, export round trip, blocked lookups.

Runs on SQLite always and on PostgreSQL when HUREN_TEST_POSTGRES_URL is set (see conftest.py).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

import matching.store as store_module
from huren import sealed
from huren.domain import RECORD_FIELDS, CertType, RecordStatus, RegistryRecord
from matching.files import read_registry_file, write_records
from matching.importer import import_files
from matching.normalize import cert_key, id_key
from matching.search import Query, find_candidates
from matching.store import RegistryStore, registry_records
from samples.records import generate_records

from .test_registry_files import GOOD, HEADER, write


def test_import_counts_and_reimport_is_idempotent(store: RegistryStore, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [HEADER, *GOOD], "gbk")
    first = import_files(store, [path])
    assert (first.inserted, first.updated, first.unchanged, first.rejected) == (3, 0, 0, [])
    stamp = store.get(CertType.REGISTRATION, "沪ZC2019000123")
    assert stamp is not None and stamp.updated_at and stamp.source == "r.csv"

    again = import_files(store, [path])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert store.count() == 3
    unchanged = store.get(CertType.REGISTRATION, "沪ZC2019000123")
    assert unchanged is not None and unchanged.updated_at == stamp.updated_at

    changed = write(tmp_path / "r2.csv", [HEADER, GOOD[0].replace(",valid,", ",suspended,"), GOOD[1]], "utf-8-sig")
    third = import_files(store, [changed])
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 1)
    record = store.get(CertType.REGISTRATION, "沪ZC2019000123")
    assert record is not None and record.status is RecordStatus.SUSPENDED and record.source == "r2.csv"


def test_bad_rows_reported_and_nothing_lands_unless_partial(store: RegistryStore, tmp_path: Path) -> None:
    from matching.importer import ImportOptions

    bad = "registration,沪ZC2019000999,张伟,,,,,,,2023-02-30,,,"
    path = write(tmp_path / "r.csv", [HEADER, GOOD[0], bad, GOOD[1]], "utf-8")
    report = import_files(store, [path])
    assert [str(r) for r in report.rejected] == [f"{path}:3: valid_from: impossible date '2023-02-30'"]
    assert (report.inserted, report.written, store.count()) == (2, False, 0), "all or nothing"
    report = import_files(store, [path], options=ImportOptions(partial=True))
    assert (report.inserted, report.written, store.count()) == (2, True, 2)
    assert store.get(CertType.REGISTRATION, "沪ZC2019000999") is None


def test_failure_mid_import_leaves_nothing(store: RegistryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    records = list(generate_records(50, seed=3))
    monkeypatch.setattr(store_module, "CHUNK_SIZE", 10)
    original = RegistryStore._apply_chunk
    calls = {"n": 0}

    def failing(self: RegistryStore, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RegistryStore, "_apply_chunk", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        store.upsert(records)
    assert calls["n"] == 3, "two chunks were written before the failure"
    assert store.count() == 0, "the two chunks written before the failure were rolled back"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_round_trips(store: RegistryStore, tmp_path: Path, fmt: str) -> None:
    records = list(generate_records(300, seed=5))
    store.upsert(records)
    out = tmp_path / f"export.{fmt}"
    with out.open("w", encoding="utf-8", newline="") as fh:
        assert store.export(fh, fmt) == 300  # type: ignore[arg-type]
    if fmt == "jsonl":
        first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert list(first)[:3] == ["cert_type", "cert_number", "name"]
    parsed = read_registry_file(out)
    assert parsed.rejected == []
    by_key = {(str(r.cert_type), r.cert_number): r for r in records}
    for row in parsed.rows:
        original = by_key[(str(row.record.cert_type), row.record.cert_number)]
        for field in (f for f in RECORD_FIELDS if f not in ("cert_type", "cert_number", "updated_at")):
            assert getattr(row.record, field) == getattr(original, field), (field, row.record, original)
    report = import_files(store, [out])
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 300)


def test_candidates_use_the_blocking_keys(store: RegistryStore) -> None:
    records = list(generate_records(500, seed=9))
    store.upsert(records)
    target = next(r for r in records if r.id_number and r.cert_type is CertType.REGISTRATION)
    # An ID number with one wrong digit in the birth date still finds the record (region + sequence block).
    assert target.id_number is not None
    wrong = target.id_number[:8] + ("1" if target.id_number[8] != "1" else "2") + target.id_number[9:]
    found = find_candidates(Query(CertType.REGISTRATION, None, wrong, None), store)
    assert target.cert_number in [r.cert_number for r in found]
    assert all(r.cert_type is CertType.REGISTRATION for r in found)


def test_indexes_exist(store: RegistryStore) -> None:
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            rows = conn.execute(text("select name from sqlite_master where type = 'index'")).all()
        else:
            rows = conn.execute(text("select indexname from pg_indexes where tablename = 'registry_records'")).all()
    names = {r[0] for r in rows}
    for column in ("cert_key", "id_key", "name_key", "id_region_birth", "id_birth_seq", "id_region_seq"):
        assert f"ix_registry_records_{column}" in names, names


def test_write_records_uses_import_columns() -> None:
    buf = io.StringIO()
    record = RegistryRecord(CertType.VERIFIER, "浙JD2003000045", "王芳", items=["衡器检定", "水表检定"])
    write_records([record], buf)
    header, row = buf.getvalue().splitlines()
    assert header.startswith("cert_type,cert_number,name,id_number")
    assert "衡器检定;水表检定" in row


def test_the_streamed_import_stores_what_upsert_stores(store: RegistryStore, tmp_path: Path) -> None:
    """The importer's driver-level rows (cached keys and hashes, sealed by hand) against SQLAlchemy's own
    insert through the column types: every column, block keys and hashes included, the same."""
    records = list(generate_records(400, seed=5))
    # shapes the importer's shortcuts must not change: a repeated name, an ID number ending in X,
    # a certificate number written with a prefix and separators
    records[1].name = records[0].name
    records[2].id_number = "11010519491231002X"
    records[3].cert_number = "NO.沪ZC 2019-000 777"
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_records(records, fh)
    assert import_files(store, [path]).inserted == 400
    upserted = RegistryStore(f"sqlite:///{tmp_path / 'upsert.sqlite3'}")
    parsed = read_registry_file(path)
    assert not parsed.rejected
    upserted.upsert([row.record for row in parsed.rows])

    def stored(s: RegistryStore) -> dict[str, tuple[object, ...]]:
        columns = [c for c in registry_records.c if c.name not in ("id", "updated_at")]
        with s.engine.connect() as conn:  # through the column types: ID numbers opened, dates as dates
            rows = conn.execute(select(*columns)).all()
        return {row.cert_number: tuple(row) for row in rows}

    ours, theirs = stored(store), stored(upserted)
    upserted.dispose()
    assert len(ours) == 400 and ours == theirs
    with store.engine.connect() as conn:  # at rest: hashed block keys, sealed ID numbers
        at_rest = conn.execute(text("SELECT id_number, id_key, id_region_birth FROM registry_records")).all()
    with_id = [(n, k, b) for n, k, b in at_rest if n is not None]
    assert len(with_id) > 300 and all(
        n.startswith(sealed.PREFIX) and len(k) == len(b) == sealed.LOOKUP_HASH_CHARS for n, k, b in with_id
    )


def test_candidates_by_several_values_and_blocks(store: RegistryStore) -> None:
    records = list(generate_records(60, seed=9))
    store.upsert(records)
    a, b, c = records[0], records[1], records[2]
    assert c.id_number is not None
    keys = {"cert_key": [cert_key(a.cert_number), cert_key(b.cert_number)], "id_key": [id_key(c.id_number)]}
    found = store.candidates(keys, None)  # type: ignore[dict-item]
    assert {a.cert_number, b.cert_number, c.cert_number} <= {r.cert_number for r in found}
    got = {r.cert_number: r for r in found}
    assert got[c.cert_number].updated_at
    got[c.cert_number].updated_at = c.updated_at
    assert got[c.cert_number] == c  # every column read back as written: the ID number opened, dates as dates
    other = CertType.ASSESSMENT if a.cert_type != CertType.ASSESSMENT else CertType.REGISTRATION
    assert store.candidates({"cert_key": [cert_key(a.cert_number) or ""]}, other) == []
    assert store.candidates({"no_such_block": ["x"]}, None) == []


def test_a_postgresql_import_leaves_the_planner_statistics(store: RegistryStore, tmp_path: Path) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics (SQLite plans the OR of indexes without them)")
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_records(generate_records(300, seed=4), fh)
    assert import_files(store, [path]).inserted == 300
    with store.engine.connect() as conn:
        tuples = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('registry_records')")
        ).scalar_one()
    assert tuples == 300  # ANALYZE ran with the import (never analysed: -1)
