"""Importing registry files into the store: streamed, batched, all or nothing, with a preview.

Rows go from the file to the database in batches (`BATCH_SIZE`), so memory stays flat in the
file's size: a batch's keys are looked up together (not at all while the table was empty when the
import began), new rows are inserted with one `executemany` (SQLite) or `COPY` (PostgreSQL), changed
rows updated with one `executemany`. A large load into SQLite (any first load; into a filled table,
once it has written a quarter as many rows as the table held) drops the blocking indexes and builds
them again at the end, one sort each, instead of row by row. Everything happens in one transaction:

- a file that cannot be read (password, `.xls`, no header, a missing or doubled column) or any
  failure writes nothing;
- a row error writes nothing either, unless `partial` is asked for — then the good rows land and
  the bad ones are listed. A registry with holes is worse than a registry a day old;
- a dry run goes through exactly the same steps and rolls back, so its preview is the import.

Within one file a certificate that appears twice with different values is a row error (which of
the two is right is for the authority to say); an identical repeat is dropped. Each `Change`
(insert, update with the fields old → new, unchanged) is handed to `on_change` as it is found.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.types import TypeDecorator

from db.tables import registry_records
from huren import sealed
from huren.domain import RegistryRecord
from huren.normalize import mask_id_number
from huren.sealed import LookupHash, SealedText
from matching.files import (
    CONTENT_COLUMNS,
    ParsedRow,
    ReadOptions,
    RegistryReader,
    RejectedRow,
    record_content,
    record_key,
    record_to_row,
)
from matching.import_report import ImportReport
from matching.normalize import cert_key, id_key, name_key
from matching.rows import RECORD_COLUMNS, is_digitized, record_columns, record_from_row, record_values, updated_now
from matching.search import BLOCKING_RULES, block_values
from matching.store import RegistryStore
from matching.tables import Progress

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Into a filled SQLite table, the blocking indexes are dropped once the import has written (inserted or
# updated) at least max(BATCH_SIZE, rows held / DEFER_INDEXES_SHARE) rows. Measured at 100,000 rows, a row
# costs 5-8x more kept in seven indexes as it lands than sorted in at the end, where the rebuild covers every
# row held; waiting for a quarter keeps the worst case (the file ends just after the drop) under twice the
# cost of never dropping, and a large load gains the sort (100,000 rows into 100,000: ~25 % less CPU).
DEFER_INDEXES_SHARE = 4
COLUMN_ORDER: tuple[str, ...] = tuple(c.name for c in registry_records.columns if c.name != "id")
_BLOCK_COLUMNS = tuple(rule.name for rule in BLOCKING_RULES)
assert COLUMN_ORDER == RECORD_COLUMNS + _BLOCK_COLUMNS, "record_values' columns, then the blocking keys"
_PROCESSED_AT: tuple[tuple[int, Any], ...] = tuple(  # columns whose type changes the value on the way in (huren.sealed)
    (COLUMN_ORDER.index(c.name), c.type) for c in registry_records.columns if isinstance(c.type, TypeDecorator)
)
_DATES_AT = tuple(COLUMN_ORDER.index(c) for c in ("valid_from", "valid_until"))


ChangeKind = Literal["insert", "update", "unchanged"]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    read: ReadOptions = field(default_factory=ReadOptions)
    dry_run: bool = False
    partial: bool = False  # import the good rows of a file that has row errors (default: nothing)
    # rows from batch digitisation (`source` digitized:…) may change a record an issuing authority
    # supplied; without this such a row is a row error, and with it each overwrite is audited
    overwrite_authority: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """What an import does to one certificate; ID numbers in `fields` are masked."""

    kind: ChangeKind
    file: str
    sheet: str | None
    line: int
    cert_type: str
    cert_number: str
    name: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # updates: field → (old, new)

    def __str__(self) -> str:
        where = f"{self.file}[{self.sheet}]:{self.line}" if self.sheet else f"{self.file}:{self.line}"
        head = f"{where}: {self.kind} {self.cert_type} {self.cert_number} {self.name}"
        if not self.fields:
            return head
        return head + "\n" + "\n".join(f"    {k}: {old!r} → {new!r}" for k, (old, new) in self.fields.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.line,
            "cert_type": self.cert_type,
            "cert_number": self.cert_number,
            "name": self.name,
            "fields": {k: {"old": old, "new": new} for k, (old, new) in self.fields.items()},
        }


@dataclass(slots=True)
class FileSummary:
    file: str
    sha256: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


OnChange = Callable[[Change], None]
Audit = Callable[[Connection, ImportReport], None]
"""Called inside the import's transaction just before it commits (the audit entry lands with it)."""


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _shown(column: str, value: Any) -> Any:
    return mask_id_number(value) if column == "id_number" and value else value


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {c: (_shown(c, old[c]), _shown(c, new[c])) for c in CONTENT_COLUMNS if old[c] != new[c]}


class _Batcher:
    """One import's state: the connection, what the table held at the start, what this file already had."""

    def __init__(
        self,
        conn: Connection,
        report: ImportReport,
        on_change: OnChange | None,
        *,
        table_was_empty: bool,
        overwrite_authority: bool = False,
    ) -> None:
        self.conn = conn
        self.overwrite_authority = overwrite_authority
        self.report = report
        self.on_change = on_change
        self.table_was_empty = table_was_empty
        self.postgres = conn.dialect.name == "postgresql"
        self.now = updated_now()
        self.seen: set[int] = set()  # hashes of this file's keys: flat enough at a million rows (~60 MB)
        self.dialect = conn.dialect
        self.written = 0  # rows inserted or updated so far

    def start_file(self) -> None:
        self.seen = set()

    def apply(self, rows: Sequence[ParsedRow], summary: FileSummary) -> None:
        keyed = []
        lookup: list[tuple[str, str]] = []
        for row in rows:
            key = record_key(row.record)
            h = hash(key)
            repeat = h in self.seen
            self.seen.add(h)
            keyed.append((row, key, repeat))
            if repeat or not self.table_was_empty:
                lookup.append(key)
        existing = self._existing(lookup) if lookup else {}
        this_batch: dict[tuple[str, str], ParsedRow] = {}
        inserts: list[ParsedRow] = []
        updates: list[tuple[ParsedRow, int]] = []
        for row, key, repeat in keyed:
            found = existing.get(key)
            if repeat:
                earlier = this_batch[key].record if key in this_batch else (found and record_from_row(found))
                if earlier is not None:
                    if record_content(earlier) != record_content(row.record):
                        differ = _diff(record_to_row(earlier), record_to_row(row.record))
                        self._reject(
                            summary,
                            RejectedRow(
                                summary.file,
                                row.line,
                                "cert_number",
                                f"repeats {key[0]} {key[1]} of an earlier row with other values "
                                f"({', '.join(differ)}); which is right is for the authority to say",
                                row.sheet,
                            ),
                        )
                    continue  # an identical repeat is dropped
            this_batch[key] = row
            if found is None:
                inserts.append(row)
                summary.inserted += 1
                self._emit("insert", row, {})
                continue
            old = record_from_row(found)
            if record_content(old) == record_content(row.record):
                summary.unchanged += 1
                self._emit("unchanged", row, {})
            elif is_digitized(row.record) and not is_digitized(old) and not self.overwrite_authority:
                self._reject(
                    summary,
                    RejectedRow(
                        summary.file,
                        row.line,
                        "cert_number",
                        "登记库中发证机关的记录不被数字化结果覆盖 / a digitised row does not overwrite the "
                        "issuing authority's record (--overwrite-authority to do so, audited)",
                        row.sheet,
                    ),
                )
            else:
                if is_digitized(row.record) and not is_digitized(old):
                    self.report.overwritten.append(
                        {
                            "cert_type": key[0],
                            "cert_number": key[1],
                            "fields": list(_diff(record_to_row(old), record_to_row(row.record))),
                            "authority_source": old.source,
                            "digitized_source": row.record.source,
                        }
                    )
                updates.append((row, found.id))
                summary.updated += 1
                self._emit("update", row, _diff(record_to_row(old), record_to_row(row.record)))
        self._insert([r.record for r in inserts])
        self._update(updates)

    def _values(self, record: RegistryRecord) -> dict[str, Any]:
        """A record as the table's row (what `store._to_row` gives), blocking keys computed without a cache:
        the search's key cache is for queries, and a million imported rows would fill it (~250 MB). (A cache
        per distinct name or hashed key part was measured too: no faster, 50 MB more at 100,000 rows.)"""
        row = record_columns(record, self.now)
        keys = block_values(cert_key(record.cert_number), id_key(record.id_number), name_key(record.name))
        row.update(zip(_BLOCK_COLUMNS, keys, strict=True))
        return row

    def _stored_rows(self, records: Sequence[RegistryRecord]) -> list[tuple[Any, ...]]:
        """A batch of records as the table stores them, in `COLUMN_ORDER`: what the column types make of
        the values (the ID numbers encrypted, their blocking keys hashed — a column at a time, in one call
        each) since the driver-level insert skips SQLAlchemy's bind processing (an UPDATE does not); dates
        as ISO text on SQLite (SQLAlchemy's Date there), as dates for PostgreSQL's COPY."""
        if not records:
            return []
        now = self.now
        rows = [
            record_values(r, now) + block_values(cert_key(r.cert_number), id_key(r.id_number), name_key(r.name))
            for r in records
        ]
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        sealer = sealed.active()
        for index, kind in _PROCESSED_AT:
            if isinstance(kind, SealedText):
                columns[index] = sealer.seal_many(columns[index])
            elif isinstance(kind, LookupHash):
                columns[index] = sealer.lookup_hashes(columns[index])
            else:
                process = kind.process_bind_param
                columns[index] = [process(v, self.dialect) for v in columns[index]]
        if not self.postgres:
            for index in _DATES_AT:
                columns[index] = [None if d is None else d.isoformat() for d in columns[index]]
        return list(zip(*columns, strict=True))

    def _reject(self, summary: FileSummary, rejected: RejectedRow) -> None:
        summary.rejected += 1
        self.report.rejected.append(rejected)

    def _emit(self, kind: ChangeKind, row: ParsedRow, fields: dict[str, tuple[Any, Any]]) -> None:
        if self.on_change is not None:
            r = row.record
            path = self.report.files[-1].file if self.report.files else ""
            self.on_change(Change(kind, path, row.sheet, row.line, str(r.cert_type), r.cert_number, r.name, fields))

    def _existing(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        t = registry_records
        types = sorted({k[0] for k in keys})
        numbers = sorted({k[1] for k in keys})
        out: dict[tuple[str, str], Any] = {}
        for start in range(0, len(numbers), 900):  # under SQLite's bound-parameter limit on old builds
            stmt = select(t).where(t.c.cert_type.in_(types), t.c.cert_number.in_(numbers[start : start + 900]))
            for found in self.conn.execute(stmt):
                out[(found.cert_type, found.cert_number)] = found
        return out

    def _insert(self, records: list[RegistryRecord]) -> None:
        if not records:
            return
        self.written += len(records)
        rows = self._stored_rows(records)
        if self.postgres:
            self._copy(rows)
            return
        # the driver's executemany straight away: no per-row statement processing in SQLAlchemy
        sql = (
            f"INSERT INTO {registry_records.name} ({', '.join(COLUMN_ORDER)}) "
            f"VALUES ({', '.join('?' for _ in COLUMN_ORDER)})"
        )
        self.conn.exec_driver_sql(sql, rows)

    def _copy(self, rows: list[tuple[Any, ...]]) -> None:
        raw = self.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            columns = ", ".join(COLUMN_ORDER)
            with cursor.copy(f"COPY {registry_records.name} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _update(self, updates: list[tuple[ParsedRow, int]]) -> None:
        if not updates:
            return
        self.written += len(updates)
        params = []
        for row, row_id in updates:
            values = {f"b_{k}": v for k, v in self._values(row.record).items()}
            values["b_row_id"] = row_id
            params.append(values)
        t = registry_records
        set_values: dict[str, Any] = {k[2:]: bindparam(k) for k in params[0] if k != "b_row_id"}
        self.conn.execute(update(t).where(t.c.id == bindparam("b_row_id")).values(set_values), params)


class _DeferredIndexes:
    """SQLite's blocking indexes dropped for a large load and built again before it commits (one sort per
    index, 5-8x cheaper a row than keeping them as rows land).

    All inside the import's transaction: a rollback (failure, row errors, dry run) brings the indexes back
    as they were. The unique key on (cert_type, cert_number) is a constraint, never dropped: it is still
    enforced and still finds the rows an import updates. PostgreSQL keeps its indexes (COPY loads there).
    """

    def __init__(self, conn: Connection, *, held: int) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.threshold = max(BATCH_SIZE, held // DEFER_INDEXES_SHARE) if held else 0
        self.dropped = False

    def after(self, written: int) -> None:
        """Drop the indexes once `written` rows (inserted or updated so far) make this load a large one."""
        if self.sqlite and not self.dropped and written >= self.threshold:
            self._drop()

    def _drop(self) -> None:
        # Python's sqlite3 opens a transaction only before a data change; a DROP as the first
        # statement would commit on its own.
        driver = self.conn.connection.driver_connection
        if driver is not None and not getattr(driver, "in_transaction", True):
            self.conn.exec_driver_sql("BEGIN")
        for index in registry_records.indexes:
            index.drop(self.conn)
        self.dropped = True

    def rebuild(self) -> None:
        if self.dropped:
            for index in registry_records.indexes:
                index.create(self.conn)
            self.dropped = False


def _row_count(conn: Connection) -> int:
    """The rows the table holds (SQLite only: what decides when a load into it drops its indexes)."""
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.execute(select(func.count()).select_from(registry_records)).scalar_one())


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """The cyclic garbage collector's full passes off while rows stream (the young generations are collected after each batch).

    A batch allocates ~20 tracked objects a row, which made the collector walk the whole heap every
    few thousand rows: ~15 % of an import's CPU time. Cycles are still collected (the young
    generations, once a batch); the collector is as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(
    store: RegistryStore,
    paths: Iterable[str | Path],
    options: ImportOptions | None = None,
    *,
    progress: Callable[[str], Progress | None] | None = None,
    on_change: OnChange | None = None,
    audit: Audit | None = None,
) -> ImportReport:
    """Import (or with `dry_run`, preview) registry files; see the module docstring for what lands when.

    `progress(path)` may return a callback for that file's progress. `report.written` says whether
    anything was committed.
    """
    options = options or ImportOptions()
    report = ImportReport(dry_run=options.dry_run)
    with store.engine.connect() as conn, _young_collections_only():
        tx = conn.begin()
        try:
            table_was_empty = conn.execute(select(registry_records.c.id).limit(1)).first() is None
            held = 0 if table_was_empty else _row_count(conn)
            indexes = _DeferredIndexes(conn, held=held)
            indexes.after(0)  # a first load: from the start
            batcher = _Batcher(
                conn,
                report,
                on_change,
                table_was_empty=table_was_empty,
                overwrite_authority=options.overwrite_authority,
            )
            for path in paths:
                summary = FileSummary(str(path), file_sha256(path))
                report.files.append(summary)
                batcher.start_file()
                reader = RegistryReader(path, options.read, progress(str(path)) if progress else None)
                batch: list[ParsedRow] = []
                for item in reader:
                    if isinstance(item, RejectedRow):
                        summary.rejected += 1
                        report.rejected.append(item)
                        continue
                    batch.append(item)
                    if len(batch) >= BATCH_SIZE:
                        batcher.apply(batch, summary)
                        indexes.after(batcher.written)
                        batch = []
                        gc.collect(1)  # the young generations (see _young_collections_only)
                batcher.apply(batch, summary)
                report.notices.extend(reader.notices)
                # once this import has written rows, a later file's keys must be looked up too
                batcher.table_was_empty = batcher.table_was_empty and summary.inserted == 0
            report.inserted = sum(f.inserted for f in report.files)
            report.updated = sum(f.updated for f in report.files)
            report.unchanged = sum(f.unchanged for f in report.files)
            if options.dry_run or (report.rejected and not options.partial):
                tx.rollback()
            else:
                indexes.rebuild()
                if conn.dialect.name == "postgresql" and (report.inserted or report.updated):
                    # fresh statistics with the rows: until autovacuum's analyze comes round, the planner
                    # may scan the table instead of OR-ing the blocking indexes (tens of ms a document)
                    conn.exec_driver_sql(f"ANALYZE {registry_records.name}")
                if audit is not None:
                    audit(conn, report)
                tx.commit()
                report.written = True
        except BaseException:
            tx.rollback()
            raise
    return report


def import_files(
    store: RegistryStore,
    paths: Iterable[str | Path],
    options: ImportOptions | None = None,
    **hooks: Any,
) -> ImportReport:
    """`run_import` with each rejected row logged (debug); `hooks` are its progress / on_change / audit."""
    report = run_import(store, paths, options, **hooks)
    for rejected in report.rejected:
        log.debug("registry row rejected: %s", rejected)
    return report
