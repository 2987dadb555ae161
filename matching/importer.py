"""Importing registry files into the store: streamed, batched, all or nothing, with a preview.

Rows go from the file to the database in batches (`BATCH_SIZE`), so memory stays flat in the
file's size: a batch's keys are looked up together (not at all while the table was empty when the
import began), new rows are inserted with one `executemany` (SQLite) or `COPY` (PostgreSQL), changed
rows updated with one `executemany`. A large load into SQLite (any first load; into a filled table,
once it has written a quarter as many rows as the table held) drops the blocking indexes and builds
them again at the end, one sort each, instead of row by row. A large file (`READING_PROCESS_MIN_BYTES`)
is read, checked and turned into row values in a forked process of its own while this one inserts;
batches cross a pipe as flat tuples, and errors (file or row) come back as they would in one process.
Everything happens in one transaction:

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
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from multiprocessing.connection import Connection as MpConnection
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.engine import Dialect
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
    record_to_row,
)
from matching.import_report import ImportReport
from matching.normalize import cert_key, id_key, name_key
from matching.rows import (
    RECORD_COLUMNS,
    is_digitized,
    record_columns,
    record_from_mapping,
    record_from_row,
    record_values,
    updated_now,
)
from matching.search import BLOCKING_RULES, block_values
from matching.store import RegistryStore
from matching.tables import Progress

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
READING_PROCESS_MIN_BYTES = 4 << 20
"""From this size (~20,000 rows of CSV) a file is read, checked and prepared in a process of its own
(`_read_by_child`) while this one inserts. Measured at 100,000 rows: the writing process's CPU 5.9 s → 2.9 s,
the reading one's 3.4 s (both together ~7 % more than one process); the wall time gains only where a second
core is free. 1,000,000 rows: peak RSS 183 MB writing, 104 MB reading."""
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


_Entry = tuple[int, str | None, tuple[Any, ...]]
"""One good row on its way to the table: (line, sheet, its values in `COLUMN_ORDER`, before the column types' processing).

Flat values only: a batch of them crosses from the reading process to the writing one for a tenth of what
pickling the records would cost."""


def _entry_record(entry: _Entry) -> RegistryRecord:
    """The record an entry was made from, for the rows that are compared (repeats, rows already held)."""
    values = dict(zip(RECORD_COLUMNS, entry[2], strict=False))
    for column in ("valid_from", "valid_until"):
        if isinstance(values[column], str):
            values[column] = date.fromisoformat(values[column])
    return record_from_mapping(values)


class _Preparer:
    """Rows as the table stores them, in two steps: their values (where the file is read, in the reading
    process when there is one) and what the column types make of them (where they are inserted)."""

    def __init__(self, dialect: Dialect, now: str) -> None:
        self.dialect = dialect
        self.postgres = dialect.name == "postgresql"
        self.now = now
        self.sealer = sealed.active()  # the key is settled before a reading process is forked

    def entries(self, parsed: Sequence[ParsedRow]) -> list[_Entry]:
        """A batch's rows in `COLUMN_ORDER`, blocking keys computed (without the search's cache: a million rows
        would fill it); dates as ISO text on SQLite (SQLAlchemy's Date there), as dates for PostgreSQL's COPY."""
        if not parsed:
            return []
        now = self.now
        rows = [
            record_values(r, now) + block_values(cert_key(r.cert_number), id_key(r.id_number), name_key(r.name))
            for r in (p.record for p in parsed)
        ]
        if not self.postgres:
            columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
            for index in _DATES_AT:
                columns[index] = [None if d is None else d.isoformat() for d in columns[index]]
            rows = list(zip(*columns, strict=True))
        return [(p.line, p.sheet, row) for p, row in zip(parsed, rows, strict=True)]

    def stored(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Rows as the column types store them (the ID numbers encrypted, their blocking keys hashed — a column
        at a time, in one call each), since the driver-level insert skips SQLAlchemy's bind processing (an
        UPDATE does not). Done by the writing process, for the rows it inserts: it balances the two processes'
        work and keeps the hashes out of the pipe."""
        if not rows:
            return []
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        sealer = self.sealer
        for index, kind in _PROCESSED_AT:
            if isinstance(kind, SealedText):
                columns[index] = sealer.seal_many(columns[index])
            elif isinstance(kind, LookupHash):
                columns[index] = sealer.lookup_hashes(columns[index])
            else:
                process = kind.process_bind_param
                columns[index] = [process(v, self.dialect) for v in columns[index]]
        return list(zip(*columns, strict=True))


@dataclass(slots=True)
class _Batch:
    """What the reader found in one stretch of a file: its rejected rows, its good rows, and at the end the notices."""

    rejected: list[RejectedRow]
    entries: list[_Entry]
    notices: list[str] | None = None  # set on the file's last batch


def _batches(path: str | Path, read: ReadOptions, preparer: _Preparer, progress: Progress | None) -> Iterator[_Batch]:
    """A file's rows read, checked and prepared, `BATCH_SIZE` good rows at a time."""
    reader = RegistryReader(path, read, progress)
    rejected: list[RejectedRow] = []
    parsed: list[ParsedRow] = []
    for item in reader:
        if isinstance(item, RejectedRow):
            rejected.append(item)
            continue
        parsed.append(item)
        if len(parsed) >= BATCH_SIZE:
            yield _Batch(rejected, preparer.entries(parsed))
            rejected, parsed = [], []
            gc.collect(1)  # the young generations (see _young_collections_only)
    yield _Batch(rejected, preparer.entries(parsed), reader.notices)


def _use_reading_process(path: str | Path) -> bool:
    """A file large enough to pay for a process of its own, on a machine with a second core and `fork`, imported
    from the main thread (the command line). The service imports in a worker thread beside others: a fork there
    could copy a lock another thread holds, so it reads in its own process as before."""
    if "fork" not in multiprocessing.get_all_start_methods() or len(os.sched_getaffinity(0)) < 2:
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    return Path(path).stat().st_size >= READING_PROCESS_MIN_BYTES


def _read_in_child(
    send: MpConnection, path: str | Path, read: ReadOptions, preparer: _Preparer, with_progress: bool
) -> None:
    """The reading process: every batch (and progress, and a failure) sent to the writing one as it is made."""
    try:
        progress = (lambda done, total: send.send(("progress", done, total))) if with_progress else None
        for batch in _batches(path, read, preparer, progress):
            send.send(("batch", batch))
        send.send(("end",))
    except BaseException as exc:  # handed over as class, args and attributes: not every error pickles
        send.send(("error", type(exc), exc.args, dict(vars(exc))))
    finally:
        send.close()


def _read_by_child(
    path: str | Path, read: ReadOptions, preparer: _Preparer, progress: Progress | None
) -> Iterator[_Batch]:
    """`_batches` made in a forked process while this one writes: reading, checks and preparing (hashing,
    encrypting) overlap the inserts. The pipe holds about one batch, so memory stays flat; stopping early
    (a failure here) ends the child."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_child, args=(send, path, read, preparer, progress is not None), daemon=True)
    child.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError(f"the registry reader stopped (exit code {child.exitcode})") from None
            if message[0] == "batch":
                yield message[1]
            elif message[0] == "progress":
                assert progress is not None
                progress(message[1], message[2])
            elif message[0] == "error":
                kind, args, attributes = message[1:]
                error = kind.__new__(kind, *args)
                error.args = args
                error.__dict__.update(attributes)
                raise error
            else:
                return
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()


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
        self.preparer = _Preparer(conn.dialect, self.now)
        self.seen: set[int] = set()  # hashes of this file's keys: flat enough at a million rows (~60 MB)
        self.dialect = conn.dialect
        self.written = 0  # rows inserted or updated so far

    def start_file(self) -> None:
        self.seen = set()

    def apply(self, entries: Sequence[_Entry], summary: FileSummary) -> None:
        """Sort a batch into inserts, updates, unchanged and repeats; a record is rebuilt only where one is compared."""
        keyed = []
        lookup: list[tuple[str, str]] = []
        for entry in entries:
            stored = entry[2]
            key = (stored[0], stored[1])
            h = hash(key)
            repeat = h in self.seen
            self.seen.add(h)
            keyed.append((entry, key, repeat))
            if repeat or not self.table_was_empty:
                lookup.append(key)
        existing = self._existing(lookup) if lookup else {}
        this_batch: dict[tuple[str, str], _Entry] = {}
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[RegistryRecord, int]] = []
        for entry, key, repeat in keyed:
            found = existing.get(key)
            if repeat:
                earlier = _entry_record(this_batch[key]) if key in this_batch else (found and record_from_row(found))
                if earlier is not None:
                    record = _entry_record(entry)
                    if record_content(earlier) != record_content(record):
                        differ = _diff(record_to_row(earlier), record_to_row(record))
                        self._reject(
                            summary,
                            RejectedRow(
                                summary.file,
                                entry[0],
                                "cert_number",
                                f"repeats {key[0]} {key[1]} of an earlier row with other values "
                                f"({', '.join(differ)}); which is right is for the authority to say",
                                entry[1],
                            ),
                        )
                    continue  # an identical repeat is dropped
            this_batch[key] = entry
            if found is None:
                inserts.append(entry[2])
                summary.inserted += 1
                self._emit("insert", entry, {})
                continue
            record = _entry_record(entry)
            old = record_from_row(found)
            if record_content(old) == record_content(record):
                summary.unchanged += 1
                self._emit("unchanged", entry, {})
            elif is_digitized(record) and not is_digitized(old) and not self.overwrite_authority:
                self._reject(
                    summary,
                    RejectedRow(
                        summary.file,
                        entry[0],
                        "cert_number",
                        "登记库中发证机关的记录不被数字化结果覆盖 / a digitised row does not overwrite the "
                        "issuing authority's record (--overwrite-authority to do so, audited)",
                        entry[1],
                    ),
                )
            else:
                if is_digitized(record) and not is_digitized(old):
                    self.report.overwritten.append(
                        {
                            "cert_type": key[0],
                            "cert_number": key[1],
                            "fields": list(_diff(record_to_row(old), record_to_row(record))),
                            "authority_source": old.source,
                            "digitized_source": record.source,
                        }
                    )
                updates.append((record, found.id))
                summary.updated += 1
                self._emit("update", entry, _diff(record_to_row(old), record_to_row(record)))
        self._insert(self.preparer.stored(inserts))
        self._update(updates)

    def _values(self, record: RegistryRecord) -> dict[str, Any]:
        """A record as the table's row (what `store._to_row` gives), blocking keys computed without a cache:
        the search's key cache is for queries, and a million imported rows would fill it (~250 MB). (A cache
        per distinct name or hashed key part was measured too: no faster, 50 MB more at 100,000 rows.)"""
        row = record_columns(record, self.now)
        keys = block_values(cert_key(record.cert_number), id_key(record.id_number), name_key(record.name))
        row.update(zip(_BLOCK_COLUMNS, keys, strict=True))
        return row

    def _reject(self, summary: FileSummary, rejected: RejectedRow) -> None:
        summary.rejected += 1
        self.report.rejected.append(rejected)

    def _emit(self, kind: ChangeKind, entry: _Entry, fields: dict[str, tuple[Any, Any]]) -> None:
        if self.on_change is not None:
            line, sheet, stored = entry
            path = self.report.files[-1].file if self.report.files else ""
            self.on_change(Change(kind, path, sheet, line, stored[0], stored[1], stored[2], fields))

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

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        self.written += len(rows)
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

    def _update(self, updates: list[tuple[RegistryRecord, int]]) -> None:
        if not updates:
            return
        self.written += len(updates)
        params = []
        for record, row_id in updates:
            values = {f"b_{k}": v for k, v in self._values(record).items()}
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
                on_progress = progress(str(path)) if progress else None
                read = _read_by_child if _use_reading_process(path) else _batches
                for batch in read(path, options.read, batcher.preparer, on_progress):
                    summary.rejected += len(batch.rejected)
                    report.rejected.extend(batch.rejected)
                    batcher.apply(batch.entries, summary)
                    indexes.after(batcher.written)
                    if batch.notices is not None:
                        report.notices.extend(batch.notices)
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
