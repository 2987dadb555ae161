"""A large file is read in a process of its own (`matching.importer._read_by_child`): the same report, rows and errors as in one process."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path
from typing import Any

import pytest

from huren.domain import RegistryRecord
from matching import importer, tables
from matching.errors import RegistryFileError
from matching.files import write_records
from matching.importer import Change, ImportOptions, import_files
from matching.store import RegistryStore

Mode = str
MODES = ("in-process", "reading-process")


def _force(monkeypatch: pytest.MonkeyPatch, mode: Mode) -> list[int]:
    """Every file through the reading process, or none (whatever its size); counts the files the child read."""
    monkeypatch.setattr(importer, "READING_PROCESS_MIN_BYTES", 0 if mode == "reading-process" else 1 << 62)
    monkeypatch.setattr(importer, "BATCH_SIZE", 7)  # several batches cross the pipe
    children: list[int] = []
    by_child = importer._read_by_child

    def counted(*args: Any) -> Any:
        children.append(1)
        return by_child(*args)

    monkeypatch.setattr(importer, "_read_by_child", counted)
    return children


def _csv(path: Path, records: list[RegistryRecord], extra: list[list[str]] | None = None) -> Path:
    """The records as an import file, with `extra` raw lines (bad rows, repeats) after them."""
    out = io.StringIO()
    write_records(records, out)
    if extra:
        csv.writer(out, lineterminator="\n").writerows(extra)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _raw(record: RegistryRecord, **changes: str) -> list[str]:
    """One CSV line of a record (in `write_records`' columns), some cells changed."""
    out = io.StringIO()
    write_records([record], out)
    header, line = list(csv.reader(io.StringIO(out.getvalue())))
    return [changes.get(column, value) for column, value in zip(header, line, strict=True)]


def _import(store: RegistryStore, path: Path, **kwargs: Any) -> tuple[Any, list[str], list[tuple[int, int | None]]]:
    changes: list[str] = []
    seen: list[tuple[int, int | None]] = []
    report = import_files(
        store,
        [path],
        kwargs.pop("options", None),
        on_change=lambda c: changes.append(str(c)) if isinstance(c, Change) else None,
        progress=lambda _: lambda done, total: seen.append((done, total)),
    )
    return report, changes, seen


def _outcome(
    tmp_path: Path, mode: Mode, synthetic_records: list[RegistryRecord], monkeypatch: pytest.MonkeyPatch
) -> Any:
    """A first load with bad rows and repeats (partial), then a second file changing some rows, from `mode`."""
    children = _force(monkeypatch, mode)
    records = synthetic_records[:40]
    store = RegistryStore(f"sqlite:///{tmp_path / mode / 'r.sqlite3'}")
    extra = [
        _raw(records[3]),  # an identical repeat: dropped
        _raw(records[4], name="别人"),  # a repeat with other values: a row error
        _raw(records[5], id_number="110101199001011234"),  # a wrong check digit
        _raw(records[6], valid_from="2024-13-45"),  # an impossible date
    ]
    first = _import(store, _csv(tmp_path / "first.csv", records, extra), options=ImportOptions(partial=True))
    changed = [_raw(r, status="revoked") for r in records[:5]]
    second = _import(store, _csv(tmp_path / "second.csv", records[10:20], changed))
    held = [(str(r.cert_type), r.cert_number, r.name, r.id_number, r.status) for r in store.iter_records()]
    store.dispose()
    assert len(children) == (2 if mode == "reading-process" else 0)
    summary = []
    for report, changes, progress in (first, second):
        summary.append(
            (
                report.inserted,
                report.updated,
                report.unchanged,
                [str(r) for r in report.rejected],
                changes,
                bool(progress),
                report.written,
            )
        )
    return summary, held


def test_a_reading_process_imports_exactly_as_one_process_does(
    tmp_path: Path, synthetic_records: list[RegistryRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _outcome(tmp_path, "in-process", synthetic_records, monkeypatch)
    piped = _outcome(tmp_path, "reading-process", synthetic_records, monkeypatch)
    assert piped == alone
    (first, second), held = piped
    assert first[:3] == (40, 0, 0)
    rejected = first[3]
    assert len(rejected) == 3 and any("repeats" in r and "name" in r for r in rejected)
    assert any(":44: id_number:" in r for r in rejected) and any(":45: valid_from:" in r for r in rejected)
    assert second[:3] == (0, 5, 10) and second[5]  # progress reached the caller
    assert sum(1 for *_, status in held if str(status) == "revoked") >= 5
    assert all(id_number is None or len(id_number) == 18 for *_, id_number, _ in held)  # opened, not sealed text


@pytest.mark.parametrize("mode", MODES)
def test_a_file_error_late_in_the_file_leaves_the_store_as_it_was(
    tmp_path: Path, synthetic_records: list[RegistryRecord], monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    _force(monkeypatch, mode)
    store = RegistryStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    _import(store, _csv(tmp_path / "good.csv", synthetic_records[:5]))
    bad = _csv(tmp_path / "bad.csv", synthetic_records[5:60])
    monkeypatch.setattr(tables, "SAMPLE_BYTES", 2048)  # the encoding is judged on the first rows alone
    bad.write_bytes(bad.read_bytes() + b"\xff\xfe\xff\n")  # after 55 rows (several batches written)
    with pytest.raises(RegistryFileError, match=r"bad\.csv:\d+: not utf-8 text beyond this line") as raised:
        _import(store, bad)
    assert raised.value.code == "registry_file_invalid"
    assert store.count() == 5
    store.dispose()


@pytest.mark.parametrize("mode", MODES)
def test_row_errors_write_nothing_and_a_dry_run_previews(
    tmp_path: Path, synthetic_records: list[RegistryRecord], monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    _force(monkeypatch, mode)
    store = RegistryStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    path = _csv(tmp_path / "r.csv", synthetic_records[:30], [_raw(synthetic_records[0], gender="x")])
    report, _, _ = _import(store, path)
    assert report.inserted == 30 and not report.written and store.count() == 0
    assert [str(r).split(": ", 1)[1] for r in report.rejected] == ["gender: unknown gender 'x'"]
    preview, _, _ = _import(
        store, _csv(tmp_path / "ok.csv", synthetic_records[:30]), options=ImportOptions(dry_run=True)
    )
    assert preview.inserted == 30 and not preview.written and store.count() == 0
    store.dispose()


def test_an_import_from_a_worker_thread_reads_in_its_own_process(
    tmp_path: Path, synthetic_records: list[RegistryRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service imports in a thread beside others: no fork there (it could copy a lock another thread holds)."""
    children = _force(monkeypatch, "reading-process")
    store = RegistryStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    path = _csv(tmp_path / "r.csv", synthetic_records[:20])
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(_import(store, path)[0]))
    worker.start()
    worker.join()
    assert done[0].inserted == 20 and store.count() == 20
    assert children == []
    _import(store, _csv(tmp_path / "again.csv", synthetic_records[20:30]))  # the main thread: the reading process
    assert children == [1] and store.count() == 30
    store.dispose()
