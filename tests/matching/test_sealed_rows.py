"""A registry whose ID numbers were sealed the first way (Fernet, `enc1:`) reads, matches and re-imports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from huren import sealed
from matching.files import write_records
from matching.importer import import_files
from matching.rows import record_columns
from matching.search import record_block_keys
from matching.store import RegistryStore, registry_records

from .helpers import registration_record

IDS = ("330106198805233941", "11010519491231002X")


def _fernet_sealed(value: str) -> str:
    """What the Fernet sealer wrote: `enc1:` + a Fernet token under the active key's first derived key."""
    return sealed.FERNET_PREFIX + sealed.active().fernets[0].encrypt(value.encode()).decode()


def test_rows_sealed_the_old_way_are_read_found_and_reimported(store: RegistryStore, tmp_path: Path) -> None:
    records = [registration_record(i, cert_number=f"沪注计2023000{n}") for n, i in enumerate(IDS)]
    with store.engine.begin() as conn:  # as the previous version wrote them: Fernet, hashed block keys
        for record in records:
            row = {**record_columns(record, "2025-01-01T00:00:00+00:00"), **record_block_keys(record)}
            row["id_number"] = _fernet_sealed(row["id_number"])
            for key in ("id_key", "id_region_birth", "id_birth_seq", "id_region_seq"):
                row[key] = sealed.active().lookup_hash(row[key])
            names = ", ".join(row)
            conn.execute(text(f"INSERT INTO registry_records ({names}) VALUES (:{', :'.join(row)})"), row)
    assert store.get(records[0].cert_type, records[0].cert_number).id_number == IDS[0]  # type: ignore[union-attr]
    assert [r.cert_number for r in store.candidates({"id_key": [IDS[1]]}, None)] == [records[1].cert_number]

    changed = [records[0], registration_record(IDS[1], cert_number=records[1].cert_number, name="韦秀旻")]
    path = tmp_path / "again.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_records(changed, fh)
    report = import_files(store, [path])
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (0, 1, 1, [])
    with store.engine.connect() as conn:
        stored = dict(conn.execute(text(f"SELECT cert_number, id_number FROM {registry_records.name}")).all())
    assert stored[records[0].cert_number].startswith(sealed.FERNET_PREFIX)  # unchanged: left as it was
    assert stored[records[1].cert_number].startswith(sealed.PREFIX)  # rewritten: sealed the new way
    assert [r.id_number for r in store.iter_records()] == list(IDS)
    assert store.get(records[1].cert_type, records[1].cert_number).name == "韦秀旻"  # type: ignore[union-attr]
