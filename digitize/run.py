"""A batch run: find the files, skip what the journal already has, run the rest, write the outputs."""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digitize import outdir
from digitize.engines import PageEngine, make_engine
from digitize.errors import DigitizeError
from digitize.pages import PageTask, probe
from digitize.records import (
    MIN_CONFIDENCE,
    RecordLookup,
    Row,
    latest,
    latest_corrections,
    reason_counts,
    records_csv,
    rows_from_entries,
)
from ocr.engine import EngineConfig
from ocr.errors import HurenOcrError
from ocr.ingest import expand_inputs

JOURNAL_BATCH = 8  # results appended (and fsync'd) together; a crash loses at most the pages in flight
JOURNAL_SECONDS = 2.0

Progress = Callable[[int, int], None]  # (pages finished in this run, pages to run)


@dataclass(slots=True)
class RunOptions:
    inputs: list[Path]
    out: Path
    workers: int = 1
    resume: bool = False
    engine: str = "local"
    ray_address: str | None = None
    config: EngineConfig = field(default_factory=EngineConfig)
    registry: RecordLookup | None = None
    min_confidence: float = MIN_CONFIDENCE
    registry_source: dict[str, str | None] = field(default_factory=dict)  # {"registry": path, "database_url": url}


@dataclass(slots=True)
class Plan:
    tasks: list[PageTask]
    skipped: int  # pages the journal already has
    entries: list[dict[str, Any]]  # failed / duplicate files to journal before the pages run


def discover(inputs: Iterable[Path]) -> list[Path]:
    """Files (as absolute paths, so a resume from another folder finds them again), folders recursed for
    the kinds Huren reads; each file once, in a stable order."""
    out: list[Path] = []
    seen: set[Path] = set()
    for q in expand_inputs(p.absolute() for p in inputs):
        real = q.resolve()
        if real not in seen:
            seen.add(real)
            out.append(q)
    return out


def plan(files: Iterable[Path], journal: dict[str, dict[str, Any]]) -> Plan:
    """Tasks for every page not yet done, and an entry for every unreadable or duplicate file."""
    done = {k for k, e in journal.items() if e.get("status") == "ok"}
    owner: dict[str, str] = {}  # file hash → the source first seen with it
    for e in journal.values():
        if e.get("status") in ("ok", "failed") and e.get("file_sha256") and e.get("page"):
            owner.setdefault(e["file_sha256"], e["source"])
    tasks: list[PageTask] = []
    entries: list[dict[str, Any]] = []
    skipped = 0
    for path in files:
        source = str(path)
        file_key = f"file:{source}"
        try:
            info = probe(path)
        except HurenOcrError as exc:
            entries.append(
                {
                    "key": file_key,
                    "source": source,
                    "page": None,
                    "status": "failed",
                    "error": _error(exc.code, exc.message),
                }
            )
            continue
        if journal.get(file_key, {}).get("status") == "failed":
            entries.append({"key": file_key, "source": source, "page": None, "status": "superseded"})
        first = owner.setdefault(info.sha256, source)
        if first != source:
            dup_key = f"dup:{source}"
            if dup_key not in journal:
                entries.append(
                    {
                        "key": dup_key,
                        "source": source,
                        "page": None,
                        "pages": info.pages,
                        "file_sha256": info.sha256,
                        "status": "duplicate",
                        "duplicate_of": first,
                    }
                )
            continue
        for number in range(1, info.pages + 1):
            task = PageTask(source, number, info.sha256)
            if task.key in done:
                skipped += 1
            else:
                tasks.append(task)
    return Plan(tasks, skipped, entries)


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def run(options: RunOptions, progress: Progress | None = None) -> dict[str, Any]:
    """Run the batch into `options.out`; returns the summary (also written as summary.json)."""
    out = options.out
    outdir.check_writable(out)
    with outdir.locked(out):
        pages_path = out / outdir.PAGES
        if pages_path.exists() and pages_path.stat().st_size and not options.resume:
            raise DigitizeError(
                f"{out} 已有结果 / already holds a run: continue it with --resume or choose another --out",
                code="output_exists",
            )
        outdir.repair_jsonl(pages_path)
        # what review and export need to flag rows the same way later
        settings = {**options.registry_source, "min_confidence": options.min_confidence}
        outdir.atomic_write_text(out / outdir.SETTINGS, json.dumps(settings) + "\n")
        journal = latest(outdir.read_jsonl(pages_path))
        the_plan = plan(discover(options.inputs), journal)
        outdir.append_jsonl(pages_path, the_plan.entries)
        started = time.perf_counter()
        processed = 0
        engine: PageEngine | None = None
        try:
            if the_plan.tasks:
                engine = make_engine(
                    options.engine, options.config, workers=options.workers, address=options.ray_address
                )
                if progress:
                    progress(0, len(the_plan.tasks))
                batch: list[dict[str, Any]] = []
                last = time.monotonic()
                try:
                    for result in engine.run(the_plan.tasks):
                        batch.append({**result, "engine": options.engine})
                        if progress:
                            progress(processed + len(batch), len(the_plan.tasks))
                        if len(batch) >= JOURNAL_BATCH or time.monotonic() - last >= JOURNAL_SECONDS:
                            processed += outdir.append_jsonl(pages_path, batch)
                            batch, last = [], time.monotonic()
                finally:
                    # Ctrl-C in the middle: what has finished is kept, so --resume does not redo it
                    processed += outdir.append_jsonl(pages_path, batch)
                if progress:
                    progress(processed, len(the_plan.tasks))
        finally:
            if engine is not None:
                engine.close()
        run_info = {
            "engine": options.engine,
            "workers": engine.workers if engine is not None else options.workers,
            "notes": list(engine.notes) if engine is not None else [],
            "pages_processed": processed,
            "pages_skipped": the_plan.skipped,
            "seconds": round(time.perf_counter() - started, 2),
        }
        return finalize(out, registry=options.registry, min_confidence=options.min_confidence, run_info=run_info)


def load_state(
    out: Path, *, registry: RecordLookup | None = None, min_confidence: float = MIN_CONFIDENCE
) -> tuple[dict[str, dict[str, Any]], list[Row]]:
    journal = latest(outdir.read_jsonl(out / outdir.PAGES))
    corrections = latest_corrections(outdir.read_jsonl(out / outdir.CORRECTIONS))
    rows = rows_from_entries(journal, corrections, registry=registry, min_confidence=min_confidence)
    return journal, rows


def finalize(
    out: Path,
    *,
    registry: RecordLookup | None = None,
    min_confidence: float = MIN_CONFIDENCE,
    run_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Rewrite records.csv and summary.json from the journal and the corrections (atomically)."""
    journal, rows = load_state(out, registry=registry, min_confidence=min_confidence)
    outdir.atomic_write_text(out / outdir.RECORDS, records_csv(rows))
    summary = summarize(journal, rows)
    if run_info is None:
        with contextlib.suppress(OSError, json.JSONDecodeError):
            run_info = json.loads((out / outdir.SUMMARY).read_text(encoding="utf-8")).get("run")
    summary["run"] = run_info
    outdir.atomic_write_text(out / outdir.SUMMARY, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


def summarize(journal: dict[str, dict[str, Any]], rows: list[Row]) -> dict[str, Any]:
    ok = [e for e in journal.values() if e.get("status") == "ok"]
    failed = [e for e in journal.values() if e.get("status") == "failed"]
    duplicates = [e for e in journal.values() if e.get("status") == "duplicate"]
    return {
        "pages": len(ok),
        "doc_types": dict(Counter(str(e.get("doc_type")) for e in ok).most_common()),
        "records": len(rows),
        "needs_review": sum(1 for r in rows if r.needs_review),
        "review_reasons": dict(reason_counts(rows).most_common()),
        "failed": len(failed),
        "failures_by_code": dict(Counter(e["error"]["code"] for e in failed).most_common()),
        "failures": [
            {"source": e["source"], "page": e.get("page"), "code": e["error"]["code"], "message": e["error"]["message"]}
            for e in sorted(failed, key=lambda e: (e["source"], e.get("page") or 0))
        ],
        "duplicates": [
            {"source": e["source"], "duplicate_of": e["duplicate_of"], "pages": e.get("pages")} for e in duplicates
        ],
        "workers_by_node": dict(Counter(str(e["worker"]["node"]) for e in ok if e.get("worker")).most_common()),
        "exit_code": 1 if failed else 0,
    }


def registry_lookup(registry: Path | None, database_url: str | None) -> RecordLookup | None:
    """The registry a run checks duplicates against: a file, a database, or none."""
    from matching import Registry, RegistryStore

    if registry is not None:
        return Registry.from_file(registry)
    if database_url:
        return RegistryStore(database_url)
    return None


def saved_options(out: Path) -> tuple[RecordLookup | None, float]:
    """The registry and threshold the run in `out` used, so review flags rows the way the run did."""
    try:
        data = json.loads((out / outdir.SETTINGS).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None, MIN_CONFIDENCE
    registry = Path(data["registry"]) if data.get("registry") else None
    return registry_lookup(registry, data.get("database_url")), float(data.get("min_confidence", MIN_CONFIDENCE))
