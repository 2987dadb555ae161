"""The registry in SQL (SQLAlchemy 2 Core): SQLite by default, PostgreSQL through psycopg 3.

One table, `registry_records` (defined in `db.tables`), unique on (cert_type, cert_number), with an
indexed column per blocking rule (see `matching.search.BLOCKING_RULES`). Imports are idempotent upserts in a single
transaction, streamed in batches (`matching.importer`): all of a file lands or nothing does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from sqlalchemy.engine import Dialect

from db import open_database, reading
from db.tables import REGISTRY_BLOCK_KEYS, registry_records
from huren.domain import CertType, RegistryRecord
from matching.errors import RegistryStoreError
from matching.files import FileFormat, record_content, record_key, write_records
from matching.import_report import ImportReport
from matching.rows import record_columns, record_from_mapping, record_from_row, updated_now
from matching.search import record_block_keys

CHUNK_SIZE = 2000


def _to_row(record: RegistryRecord, updated_at: str) -> dict[str, Any]:
    return {**record_columns(record, updated_at), **record_block_keys(record)}


_RECORD_COLUMNS = [c for c in registry_records.c if c.name != "id" and c.name not in set(REGISTRY_BLOCK_KEYS)]
assert _RECORD_COLUMNS[0].name == "cert_type"
"""What `record_from_row` reads: the candidates query fetches only these."""


_BLOCK_KEYS = frozenset(REGISTRY_BLOCK_KEYS)


class _CandidateQuery:
    """The candidates statement for one shape of key set (which blocks, how many values each), in the
    driver's own parameter style, with the column types' processing done by hand: the keys taken from
    the ID number hashed on the way in (`LookupHash`), the ID number opened and dates parsed on the way out.

    `cert_type` comes first in the row (the caller filters on it)."""

    def __init__(self, dialect: Dialect, shape: tuple[tuple[str, int], ...]) -> None:
        t = registry_records
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        where = " OR ".join(
            f"{block} = {mark}" if n == 1 else f"{block} IN ({', '.join(mark for _ in range(n))})" for block, n in shape
        )
        self.names = [c.name for c in _RECORD_COLUMNS]
        self.sql = f"SELECT {', '.join(self.names)} FROM {t.name} WHERE {where}"
        self.binds = [dialect.type_descriptor(t.c[block].type).bind_processor(dialect) for block, _ in shape]
        self.results = [
            (i, process)
            for i, c in enumerate(_RECORD_COLUMNS)
            if (process := dialect.type_descriptor(c.type).result_processor(dialect, None)) is not None
        ]

    def parameters(self, blocks: tuple[tuple[str, tuple[str, ...]], ...]) -> list[Any]:
        return [
            value if bind is None else bind(value)
            for bind, (_, values) in zip(self.binds, blocks, strict=True)
            for value in values
        ]

    def record(self, row: Sequence[Any]) -> RegistryRecord:
        values = list(row)
        for i, process in self.results:
            values[i] = process(values[i])
        return record_from_mapping(dict(zip(self.names, values, strict=True)))


class RegistryStore:
    """The registry in a database: an Engine (the service's, injected), or a URL that is opened and
    brought to the current schema (`db.open_database`: the command line's way)."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        self.engine = url_or_engine if isinstance(url_or_engine, Engine) else open_database(url_or_engine)
        self._queries: dict[tuple[tuple[str, int], ...], _CandidateQuery] = {}

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
        """The records sharing any blocking key with a document, through the driver with a statement made
        once per shape of key set (`_CandidateQuery`): a document's look-up is one indexed query, no
        SQLAlchemy statement built, compiled or cached per call (that took half of the look-up's time)."""
        blocks = tuple((block, tuple(values)) for block, values in keys.items() if values and block in _BLOCK_KEYS)
        if not blocks:
            return []
        query = self._queries.get(tuple((block, len(values)) for block, values in blocks))
        if query is None:
            query = self._query(tuple((block, len(values)) for block, values in blocks))
        try:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(query.sql, query.parameters(blocks))
                rows = cursor.fetchall()
                cursor.close()
            finally:
                raw.close()
        except Exception as exc:  # pragma: no cover - surfaced with a stable code
            raise RegistryStoreError(f"registry lookup failed: {type(exc).__name__}") from exc
        # cert_type is filtered here, not in SQL: SQLite would otherwise walk the (cert_type, cert_number)
        # index over a third of the table instead of OR-ing the blocking indexes.
        wanted = None if cert_type is None else str(cert_type)
        return [query.record(row) for row in rows if wanted is None or row[0] == wanted]

    def _query(self, shape: tuple[tuple[str, int], ...]) -> _CandidateQuery:
        query = self._queries[shape] = _CandidateQuery(self.engine.dialect, shape)
        return query

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["ImportReport", "RegistryStore", "registry_records"]
