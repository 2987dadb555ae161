"""Matching at scale: import time, peak memory, match latency vs a naive full scan.

    .venv/bin/python bench/bench_matching.py                              # 10k, 100k and 1M records
    .venv/bin/python bench/bench_matching.py --records 100000 --docs 500 --naive-docs 50
    HUREN_TEST_POSTGRES_URL=postgresql://… .venv/bin/python bench/bench_matching.py   # PostgreSQL too
    .venv/bin/python bench/bench_matching.py --import-only --records 1000000   # registry import alone

Steps, at each registry size: generate N synthetic records → write a CSV → `matching.importer.import_files`
into a fresh SQLite file (the `huren registry import` path, in a process of its own, against plain
`sqlite3` inserts of the same rows: wall and CPU time, both ratios; matching reads this file) and into
PostgreSQL, in a schema of its own, when a URL is given → `Registry.from_csv` (the `huren verify --registry` path) → match documents with
one OCR error in one key field, against the in-memory registry and each store → the same documents
with a naive `rapidfuzz.process.extractOne` over every record's "cert_number id_number name" string.
Prints p50/p99 per document, whether p99 is within the goal, the ratio, and how often both approaches
pick the same top candidate.  The figures of all sizes end in one table.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import make_engine, upgrade
from huren.domain import Extraction, RegistryRecord
from matching.evidence import build_evidence
from matching.files import write_records
from matching.importer import import_files
from matching.registry import Registry
from matching.search import RecordSource
from matching.store import RegistryStore, registry_records
from samples.records import certificate_extraction, generate_records, noisy, with_value


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_IMPORT_CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[3])
from matching.importer import import_files
from matching.store import RegistryStore, registry_records
store = RegistryStore("sqlite:///" + sys.argv[2])
def children_cpu():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
t, cpu, child_cpu = time.perf_counter(), time.process_time(), children_cpu()
report = import_files(store, [sys.argv[1]])
seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
child_cpu = children_cpu() - child_cpu  # the reading process, when the import used one
child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
# VmHWM: this process's own peak (ru_maxrss would carry the parent's size over from the fork)
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
store.dispose()  # the last connection's close checkpoints the WAL into the file: its size is the database's
size = os.path.getsize(sys.argv[2]) / 1e6
print(json.dumps({"seconds": seconds, "cpu": cpu, "inserted": report.inserted, "rejected": len(report.rejected), "peak_mb": peak, "db_mb": size, "child_cpu": child_cpu, "child_peak_mb": child_peak}))
"""


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_import(csv_path: Path, workdir: Path, rows: int) -> Path:
    """`huren registry import` of a CSV (in a fresh process, for its own peak RSS) against plain `sqlite3`:
    the file's rows through csv.reader into one `executemany` (same table, same indexes, one transaction),
    and the rows exactly as huren stored them, blocking keys included, prepared beforehand. Wall and CPU
    time (this process's, or the child's): on a shared machine the CPU ratio is the one that holds.
    Returns huren's database, which the matching step reads."""
    ours_db, plain_db = workdir / "import-huren.sqlite3", workdir / "import-plain.sqlite3"
    for db in (ours_db, plain_db):
        db.unlink(missing_ok=True)
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHILD, str(csv_path), str(ours_db), root],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    ours = json.loads(out.stdout.splitlines()[-1])

    def plain(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> tuple[float, float]:
        """A fresh table of the same schema (unique key, blocking indexes); one executemany, one commit."""
        plain_db.unlink(missing_ok=True)
        RegistryStore(f"sqlite:///{plain_db}").dispose()
        con = sqlite3.connect(plain_db)
        t, cpu = time.perf_counter(), time.process_time()
        with con:
            sql = f"INSERT INTO registry_records ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            con.executemany(sql, rows)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        con.close()
        return seconds, cpu

    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)  # the file's values as they are: no validation, no blocking keys
        plain_csv_s, plain_csv_cpu = plain(reader, next(reader))
    stored = [c.name for c in registry_records.columns if c.name != "id"]
    with sqlite3.connect(ours_db) as con:
        rows_as_stored = con.execute(f"SELECT {', '.join(stored)} FROM registry_records").fetchall()
    plain_stored_s, plain_stored_cpu = plain(rows_as_stored, stored)
    del rows_as_stored
    print(
        f"registry import {rows:,} rows: huren {ours['seconds']:.1f}s wall, {ours['cpu']:.1f}s CPU "
        f"+ {ours['child_cpu']:.1f}s in its reading process "
        f"({rows / ours['seconds']:,.0f} rows/s, peak RSS {ours['peak_mb']:.0f} MB, reading process "
        f"{ours['child_peak_mb']:.0f} MB, inserted {ours['inserted']:,}, "
        f"rejected {ours['rejected']}, database {ours['db_mb']:.0f} MB); {load()}\n"
        f"  plain sqlite3: csv.reader → executemany {plain_csv_s:.1f}s wall, {plain_csv_cpu:.1f}s CPU "
        f"({rows / plain_csv_s:,.0f} rows/s) → ratio {ours['seconds'] / plain_csv_s:.2f}x wall, "
        f"{ours['cpu'] / plain_csv_cpu:.2f}x CPU of the writing process, "
        f"{(ours['cpu'] + ours['child_cpu']) / plain_csv_cpu:.2f}x CPU of both\n"
        f"  the rows as huren stored them (with blocking keys), prepared in memory → executemany "
        f"{plain_stored_s:.1f}s wall, {plain_stored_cpu:.1f}s CPU → ratio {ours['seconds'] / plain_stored_s:.2f}x wall, "
        f"{ours['cpu'] / plain_stored_cpu:.2f}x CPU"
    )
    plain_db.unlink(missing_ok=True)
    return ours_db


GOAL_P99_MS = {"in-memory": 0.6, "SQLite": 2.0, "PostgreSQL": 2.0}


@dataclass(slots=True)
class Latency:
    source: str
    records: int
    docs: int
    p50: float
    p99: float
    right: float
    cpu_p99: float | None = None  # this thread's CPU time: what the wall clock shows on a quiet machine

    def row(self) -> str:
        goal = GOAL_P99_MS.get(self.source)
        verdict = "" if goal is None else ("  ok" if self.p99 <= goal else f"  over the {goal} ms goal")
        cpu = "" if self.cpu_p99 is None else f"  (cpu p99 {self.cpu_p99:6.3f} ms)"
        return (
            f"{self.records:>10,} {self.source:12s} {self.docs:5d} docs  p50 {self.p50:6.3f} ms  "
            f"p99 {self.p99:6.3f} ms{verdict}{cpu}  right record {self.right:.2%}"
        )


def noisy_documents(
    records: list[RegistryRecord], count: int, seed: int = 7
) -> list[tuple[RegistryRecord, Extraction]]:
    """Certificates of `count` registry people, each with one OCR-like error in one key field."""
    rng = random.Random(seed)
    documents = []
    for record in rng.sample(records, min(count, len(records))):
        field = rng.choice(("cert_number", "id_number", "name"))
        if getattr(record, field) is None:
            field = "cert_number"
        value = noisy(str(getattr(record, field)), rng)
        documents.append((record, with_value(certificate_extraction(record), field, value)))
    return documents


def match_latency(
    source: RecordSource, docs: list[tuple[RegistryRecord, Extraction]], label: str, size: int
) -> tuple[Latency, list[RegistryRecord | None]]:
    """Per-document time of `build_evidence` (candidate search + field-by-field comparison)."""
    for _, document in docs[:20]:  # warm caches and connections
        build_evidence(document, source)
    times, cpu_times, right, tops = [], [], 0, []
    gc.collect()
    for record, document in docs:
        c0, t0 = time.thread_time(), time.perf_counter()
        evidence = build_evidence(document, source)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.thread_time() - c0) * 1000)
        tops.append(evidence.record)
        right += evidence.record is not None and evidence.record.cert_number == record.cert_number
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    latency = Latency(label, size, len(docs), p50, p99, right / len(docs), percentile(cpu_times, 0.99))
    print(latency.row() + f"  ({load()})")
    return latency, tops


def naive_comparison(
    records: list[RegistryRecord], docs: list[tuple[RegistryRecord, Extraction]], ours: list[RegistryRecord | None]
) -> Latency:
    """`extractOne` over every record; counts the queries where it and Huren pick different records."""
    choices = [f"{r.cert_number} {r.id_number or ''} {r.name}" for r in records]
    naive_times, agree, naive_right = [], 0, 0
    for (record, document), mine in zip(docs, ours, strict=False):
        query = " ".join(str(document.value(k) or "") for k in ("cert_number", "id_number", "name"))
        t0 = time.perf_counter()
        best = process.extractOne(query, choices, scorer=fuzz.ratio)
        naive_times.append((time.perf_counter() - t0) * 1000)
        naive_record = records[best[2]] if best else None
        naive_right += naive_record is record
        agree += mine is not None and naive_record is not None and mine.cert_number == naive_record.cert_number
    n = len(naive_times)
    latency = Latency(
        "naive", len(records), n, percentile(naive_times, 0.5), percentile(naive_times, 0.99), naive_right / n
    )
    print(latency.row() + f"  ({load()})")
    print(f"same top candidate as naive: {agree}/{n}" + ("" if agree == n else "  <-- differs"))
    return latency


def postgres_store(url: str, schema: str) -> RegistryStore:
    """A store in a fresh schema of its own: the shared server's other tables are left alone."""
    from sqlalchemy import create_engine, text

    admin = create_engine(make_engine(url).url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = create_engine(make_engine(url).url, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    return RegistryStore(engine)


def run_scale(size: int, args: argparse.Namespace, workdir: Path) -> list[Latency]:
    t = time.perf_counter()
    records: list[RegistryRecord] = list(generate_records(size, seed=2024))
    print(f"\n=== {size:,} records ===\ngenerated {len(records):,} records in {time.perf_counter() - t:.1f}s")
    csv_path = workdir / f"registry-{size}.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        write_records(records, fh)
    print(f"CSV {csv_path} {csv_path.stat().st_size / 1e6:.0f} MB; peak RSS so far {peak_rss_mb():.0f} MB")
    db = bench_import(csv_path, workdir, len(records))
    if args.import_only:
        return []

    # SQLite: the database the import above wrote (the same `import_files`, timed there)
    stores: dict[str, RegistryStore] = {"SQLite": RegistryStore(f"sqlite:///{db}")}
    if args.postgres_url:
        stores["PostgreSQL"] = postgres_store(args.postgres_url, f"huren_bench_{size}")
    for label, store in stores.items():
        if label == "SQLite":
            continue
        rss_before = peak_rss_mb()
        t = time.perf_counter()
        report = import_files(store, [csv_path])
        import_s = time.perf_counter() - t
        print(
            f"{label} import: {import_s:.1f}s ({len(records) / import_s:,.0f} rows/s) inserted={report.inserted:,} "
            f"rejected={len(report.rejected)}; peak RSS {peak_rss_mb():.0f} MB (was {rss_before:.0f})"
        )

    t = time.perf_counter()
    registry = Registry.from_csv(csv_path)
    load_s = time.perf_counter() - t
    print(f"in-memory Registry.from_csv: {load_s:.1f}s, {len(registry):,} records; peak RSS {peak_rss_mb():.0f} MB")

    documents = noisy_documents(records, args.docs)
    blocked, ours = match_latency(registry, documents, "in-memory", size)
    out = [blocked]
    for label, store in stores.items():
        out.append(match_latency(store, documents[: min(len(documents), 1000)], label, size)[0])
    naive = naive_comparison(records, documents[: args.naive_docs], ours[: args.naive_docs])
    out.append(naive)
    print(f"speed-up (naive / in-memory): p50 {naive.p50 / blocked.p50:.0f}x  p99 {naive.p99 / blocked.p99:.0f}x")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    for store in stores.values():
        store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--docs", type=int, default=2000, help="documents matched against the blocked index")
    parser.add_argument("--naive-docs", type=int, default=100, help="documents matched by the naive full scan")
    parser.add_argument("--postgres-url", default=os.environ.get("HUREN_TEST_POSTGRES_URL"))
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--import-only", action="store_true", help="only the registry import against plain sqlite3")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="huren-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(load())
    rows = [row for size in args.records for row in run_scale(size, args, workdir)]
    print(f"\n=== match latency per document, by registry size ({load()}) ===")
    for row in rows:
        print(row.row())


if __name__ == "__main__":
    main()
