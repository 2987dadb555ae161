"""Matching at scale: import time, peak memory, match latency vs a naive full scan.

    .venv/bin/python bench/bench_matching.py                 # 1,000,000 records
    .venv/bin/python bench/bench_matching.py --records 100000 --docs 500 --naive-docs 50

Steps: generate N synthetic records → write a CSV → `RegistryStore.import_files` into a fresh SQLite
file (the `huren registry import` path) → `Registry.from_csv` (the `huren verify --registry` path) →
match documents with one OCR error in one key field, against the in-memory registry and the SQLite
store → the same documents with a naive `rapidfuzz.process.extractOne` over every record's
"cert_number id_number name" string. Prints p50/p99 per document, the ratio, and how often both
approaches pick the same top candidate.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huren.domain import Extraction, RegistryRecord
from matching.evidence import build_evidence
from matching.files import write_records
from matching.registry import Registry
from matching.search import RecordSource
from matching.store import RegistryStore
from matching.synthetic import certificate_extraction, generate_records, noisy, with_value


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=2000, help="documents matched against the blocked index")
    parser.add_argument("--naive-docs", type=int, default=100, help="documents matched by the naive full scan")
    parser.add_argument("--workdir", type=Path, default=None)
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
