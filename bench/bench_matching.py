"""Matching at scale: import time, peak memory, match latency vs a naive full scan.

    .venv/bin/python bench/bench_matching.py                 # 1,000,000 records
    .venv/bin/python bench/bench_matching.py --records 100000 --docs 500 --naive-docs 50
    .venv/bin/python bench/bench_matching.py --import-only --records 1000000   # registry import alone

Steps: generate N synthetic records → write a CSV → `RegistryStore.import_files` into a fresh SQLite
file (the `huren registry import` path) → `Registry.from_csv` (the `huren verify --registry` path) →
match documents with one OCR error in one key field, against the in-memory registry and the SQLite
store → the same documents with a naive `rapidfuzz.process.extractOne` over every record's
"cert_number id_number name" string. Prints p50/p99 per document, the ratio, and how often both
approaches pick the same top candidate.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huren.domain import Extraction, RegistryRecord
from matching.evidence import build_evidence
from matching.files import write_records
from matching.registry import Registry
from matching.search import RecordSource
from matching.store import RegistryStore, registry_records
from matching.synthetic import certificate_extraction, generate_records, noisy, with_value


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_IMPORT_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from matching.store import RegistryStore, registry_records
store = RegistryStore("sqlite:///" + sys.argv[2])
t = time.perf_counter()
report = store.import_files([sys.argv[1]])
seconds = time.perf_counter() - t
# VmHWM: this process's own peak (ru_maxrss would carry the parent's size over from the fork)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "inserted": report.inserted, "rejected": len(report.rejected), "peak_mb": peak}))
"""


def bench_import(csv_path: Path, workdir: Path, rows: int) -> None:
    """`huren registry import` of a CSV (in a fresh process, for its own peak RSS) against plain `sqlite3`:
    the file's rows through csv.reader into one `executemany` (same table, same indexes, one transaction),
    and the rows exactly as huren stored them, blocking keys included, prepared beforehand."""
    ours_db, plain_db = workdir / "import-huren.sqlite3", workdir / "import-plain.sqlite3"
    for db in (ours_db, plain_db):
        db.unlink(missing_ok=True)
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHILD, str(csv_path), str(ours_db), root],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    ours = json.loads(out.stdout.splitlines()[-1])

    def plain(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> float:
        """A fresh table of the same schema (unique key, blocking indexes); one executemany, one commit."""
        plain_db.unlink(missing_ok=True)
        RegistryStore(f"sqlite:///{plain_db}").dispose()
        con = sqlite3.connect(plain_db)
        t = time.perf_counter()
        with con:
            sql = f"INSERT INTO registry_records ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            con.executemany(sql, rows)
        seconds = time.perf_counter() - t
        con.close()
        return seconds

    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)  # the file's values as they are: no validation, no blocking keys
        plain_csv_s = plain(reader, next(reader))
    stored = [c.name for c in registry_records.columns if c.name != "id"]
    with sqlite3.connect(ours_db) as con:
        rows_as_stored = con.execute(f"SELECT {', '.join(stored)} FROM registry_records").fetchall()
    plain_stored_s = plain(rows_as_stored, stored)
    del rows_as_stored
    print(
        f"registry import {rows:,} rows: huren {ours['seconds']:.1f}s ({rows / ours['seconds']:,.0f} rows/s, "
        f"peak RSS {ours['peak_mb']:.0f} MB, inserted {ours['inserted']:,}, rejected {ours['rejected']})\n"
        f"  plain sqlite3: csv.reader → executemany {plain_csv_s:.1f}s ({rows / plain_csv_s:,.0f} rows/s) → "
        f"ratio {ours['seconds'] / plain_csv_s:.2f}x;  the rows as huren stored them (with blocking keys), "
        f"prepared in memory → executemany {plain_stored_s:.1f}s → ratio {ours['seconds'] / plain_stored_s:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=2000, help="documents matched against the blocked index")
    parser.add_argument("--naive-docs", type=int, default=100, help="documents matched by the naive full scan")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--import-only", action="store_true", help="only the registry import against plain sqlite3")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="huren-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    records: list[RegistryRecord] = list(generate_records(args.records, seed=2024))
    print(f"generated {len(records):,} records in {time.perf_counter() - t:.1f}s")
    csv_path = workdir / "registry.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        write_records(records, fh)
    print(f"CSV {csv_path} {csv_path.stat().st_size / 1e6:.0f} MB; peak RSS so far {peak_rss_mb():.0f} MB")
    bench_import(csv_path, workdir, len(records))
    if args.import_only:
        return

    db = workdir / "registry.sqlite3"
    db.unlink(missing_ok=True)
    store = RegistryStore(f"sqlite:///{db}")
    rss_before = peak_rss_mb()
    t = time.perf_counter()
    report = store.import_files([csv_path])
    import_s = time.perf_counter() - t
    print(
        f"SQLite import: {import_s:.1f}s ({len(records) / import_s:,.0f} rows/s) inserted={report.inserted:,} "
        f"rejected={len(report.rejected)}; peak RSS {peak_rss_mb():.0f} MB (was {rss_before:.0f})"
    )

    t = time.perf_counter()
    registry = Registry.from_csv(csv_path)
    load_s = time.perf_counter() - t
    print(f"in-memory Registry.from_csv: {load_s:.1f}s, {len(registry):,} records; peak RSS {peak_rss_mb():.0f} MB")

    rng = random.Random(7)
    sample = rng.sample(records, args.docs)
    documents = []
    for record in sample:
        field = rng.choice(("cert_number", "id_number", "name"))
        if getattr(record, field) is None:
            field = "cert_number"
        value = noisy(str(getattr(record, field)), rng)
        documents.append((record, with_value(certificate_extraction(record), field, value)))

    def run(source: RecordSource, docs: list[tuple[RegistryRecord, Extraction]], label: str) -> list[float]:
        times, right = [], 0
        for record, document in docs:
            t0 = time.perf_counter()
            evidence = build_evidence(document, source)
            times.append((time.perf_counter() - t0) * 1000)
            if evidence.record is not None and evidence.record.cert_number == record.cert_number:
                right += 1
        print(
            f"{label}: {len(docs)} docs  p50 {percentile(times, 0.5):.2f} ms  p99 {percentile(times, 0.99):.2f} ms  "
            f"mean {statistics.mean(times):.2f} ms  right record {right / len(docs):.2%}"
        )
        return times

    blocked = run(registry, documents, "blocked (in-memory)")
    run(store, documents[: min(len(documents), 1000)], "blocked (SQLite store)")

    choices = [f"{r.cert_number} {r.id_number or ''} {r.name}" for r in records]
    naive_times, agree, naive_right = [], 0, 0
    for record, document in documents[: args.naive_docs]:
        query = " ".join(str(document.value(k) or "") for k in ("cert_number", "id_number", "name"))
        t0 = time.perf_counter()
        best = process.extractOne(query, choices, scorer=fuzz.ratio)
        naive_times.append((time.perf_counter() - t0) * 1000)
        naive_record = records[best[2]] if best else None
        ours = build_evidence(document, registry).record
        naive_right += naive_record is record
        agree += ours is not None and naive_record is not None and ours.cert_number == naive_record.cert_number
    n = len(naive_times)
    print(
        f"naive extractOne over {len(choices):,}: {n} docs  p50 {percentile(naive_times, 0.5):.1f} ms  "
        f"p99 {percentile(naive_times, 0.99):.1f} ms  right record {naive_right / n:.2%}"
    )
    print(f"same top candidate as naive: {agree}/{n}")
    print(
        f"speed-up (naive / blocked): p50 {percentile(naive_times, 0.5) / percentile(blocked, 0.5):.0f}x  "
        f"p99 {percentile(naive_times, 0.99) / percentile(blocked, 0.99):.0f}x"
    )
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
