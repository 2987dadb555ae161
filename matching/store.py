"""The registry in SQL (SQLAlchemy 2 Core): SQLite by default, PostgreSQL through psycopg 3.

One table, `registry_records` (defined in `db.tables`), unique on (cert_type, cert_number), with an
indexed column per blocking rule (see `matching.search.BLOCKING_RULES`). Imports are idempotent upserts in a single
transaction, streamed in batches (`matching.importer`): all of a file lands or nothing does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, bindparam, func, insert, or_, select, update

from db import open_database, reading
from db.tables import REGISTRY_BLOCK_KEYS, registry_records
from huren.domain import CertType, RegistryRecord
from matching.errors import RegistryStoreError
from matching.files import FileFormat, record_content, record_key, write_records
from matching.import_report import ImportReport
from matching.rows import record_columns, record_from_row, updated_now
from matching.search import record_block_keys

CHUNK_SIZE = 2000


def _to_row(record: RegistryRecord, updated_at: str) -> dict[str, Any]:
    return {**record_columns(record, updated_at), **record_block_keys(record)}


_RECORD_COLUMNS = [c for c in registry_records.c if c.name != "id" and c.name not in set(REGISTRY_BLOCK_KEYS)]
"""What `record_from_row` reads: the candidates query fetches only these."""


class RegistryStore:
    """The registry in a database: an Engine (the service's, injected), or a URL that is opened and
    brought to the current schema (`db.open_database`: the command line's way)."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        self.engine = url_or_engine if isinstance(url_or_engine, Engine) else open_database(url_or_engine)

    # --- writing (files are imported by `matching.importer`, which uses this store) --------------

    def upsert(self, records: Sequence[RegistryRecord], *, report: ImportReport | None = None) -> ImportReport:
        """Insert new records, update changed ones, leave equal ones alone — all in one transaction.

        Records repeating a key within `records` are applied in order (the last one wins).
        """
        report = report or ImportReport()
        latest: dict[tuple[str, str], RegistryRecord] = {}
        for record in records:
            latest[record_key(record)] = record
        pending = list(latest.values())
        now = updated_now()
        try:
            with self.engine.begin() as conn:
                for start in range(0, len(pending), CHUNK_SIZE):
                    self._apply_chunk(conn, pending[start : start + CHUNK_SIZE], now, report)
        except Exception:
            report.inserted = report.updated = report.unchanged = 0
            raise
        return report

    def _apply_chunk(self, conn: Connection, chunk: list[RegistryRecord], now: str, report: ImportReport) -> None:
        t = registry_records
        numbers = sorted({r.cert_number for r in chunk})
        types = sorted({str(r.cert_type) for r in chunk})
        existing: dict[tuple[str, str], Any] = {}
        # both columns constrained, so the (cert_type, cert_number) unique index answers it
        stmt = select(t).where(t.c.cert_type.in_(types), t.c.cert_number.in_(numbers))
        for found in conn.execute(stmt):
            existing[(found.cert_type, found.cert_number)] = found
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for record in chunk:
            old = existing.get(record_key(record))
            if old is None:
                inserts.append(_to_row(record, now))
            elif record_content(record_from_row(old)) == record_content(record):
                report.unchanged += 1
            else:
                # bind names must differ from column names in an UPDATE … SET
                row = {f"b_{k}": v for k, v in _to_row(record, now).items()}
                row["b_row_id"] = old.id
                updates.append(row)
        if inserts:
            conn.execute(insert(t), inserts)
            report.inserted += len(inserts)
        if updates:
            values: dict[str, Any] = {k[2:]: bindparam(k) for k in updates[0] if k != "b_row_id"}
            conn.execute(update(t).where(t.c.id == bindparam("b_row_id")).values(values), updates)
            report.updated += len(updates)

    # --- reading ---------------------------------------------------------------------------------

    def count(self) -> int:
        with reading(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(registry_records)).scalar_one())

    def get(self, cert_type: CertType | str, cert_number: str) -> RegistryRecord | None:
        t = registry_records
        stmt = select(t).where(t.c.cert_type == str(cert_type), t.c.cert_number == cert_number)
        with reading(self.engine) as conn:
            row = conn.execute(stmt).first()
        return record_from_row(row) if row is not None else None

    def iter_records(self, *, batch_size: int = 5000) -> Iterator[RegistryRecord]:
        """Every record in key order, streamed."""
        t = registry_records
        stmt = select(t).order_by(t.c.cert_type, t.c.cert_number).execution_options(yield_per=batch_size)
        with reading(self.engine) as conn:
            for row in conn.execute(stmt):
                yield record_from_row(row)

    def export(self, out: TextIO, fmt: FileFormat = "csv") -> int:
        return write_records(self.iter_records(), out, fmt)

    def candidates(self, keys: Mapping[str, Sequence[str]], cert_type: CertType | None) -> list[RegistryRecord]:
        t = registry_records
        # `=` for the usual single key keeps the statement's compiled form cached (an IN list is
        # re-rendered at every call); only the record's own columns are fetched, not the block keys.
        conditions = [
            t.c[block] == values[0] if len(values) == 1 else t.c[block].in_(list(values))
            for block, values in keys.items()
            if values and block in t.c
        ]
        if not conditions:
            return []
        # cert_type is filtered here, not in SQL: SQLite would otherwise walk the (cert_type, cert_number)
        # index over a third of the table instead of OR-ing the blocking indexes.
        stmt = select(*_RECORD_COLUMNS).where(or_(*conditions))
        try:
            with reading(self.engine) as conn:
                rows = conn.execute(stmt).all()
        except Exception as exc:  # pragma: no cover - surfaced with a stable code
            raise RegistryStoreError(f"registry lookup failed: {type(exc).__name__}") from exc
        wanted = None if cert_type is None else str(cert_type)
        return [record_from_row(row) for row in rows if wanted is None or row.cert_type == wanted]

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["ImportReport", "RegistryStore", "registry_records"]
