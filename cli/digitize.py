"""`huren digitize run|review|export`: legacy paper certificates into registry rows."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from api.settings import Settings
from cli.options import setting
from cli.settings import current
from digitize import outdir
from digitize.errors import DigitizeError
from digitize.records import MIN_CONFIDENCE, REASONS, write_registry_csv
from digitize.run import RunOptions, finalize, load_state, registry_lookup, run, saved_options
from ocr.engine import EngineConfig


class _RunByDefault(TyperGroup):
    """`huren digitize INPUT... --out DIR` is `huren digitize run INPUT... --out DIR`: the scanning
    room's everyday command needs no sub-command word (a folder called `review` or `export` still
    needs `run` in front of it)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


digitize_app = typer.Typer(
    name="digitize",
    cls=_RunByDefault,
    help="纸质证书批量数字化 / batch digitisation of legacy paper certificates into registry rows.",
    no_args_is_help=True,
)
err = Console(stderr=True)


class PoolEngine(StrEnum):
    local = "local"  # a process pool on this machine
    ray = "ray"  # Ray actors, on this machine or a cluster


def _engine_config(settings: Settings, workers: int, threads: int | None, engine: str = "local") -> EngineConfig:
    base = settings.engine_config()
    threads = threads if threads is not None else base.threads
    if not threads and engine == "ray":
        return replace(base, threads=0)  # each actor sizes itself from the CPUs Ray gave it on its node
    if not threads:  # n workers × all cores each would only fight over the CPU
        threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    return replace(base, threads=threads)


def _print_error(code: str, message: str) -> None:
    err.print(Text.assemble(("error", "red"), f" [{code}] {message}"))


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f} pages/s" if speed else "– pages/s")


@digitize_app.command("run")
def run_command(
    ctx: typer.Context,
    inputs: Annotated[list[Path], typer.Argument(help="folders (recursed), images, multi-page PDFs/TIFFs")],
    out: Annotated[Path, typer.Option("--out", help="output folder: pages.jsonl, records.csv, summary.json")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes / Ray actors")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="continue a run in --out without redoing pages")] = False,
    engine: Annotated[
        PoolEngine, typer.Option("--engine", help="local: a process pool | ray: Ray actors")
    ] = PoolEngine.local,
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="existing Ray cluster, e.g. ray://head:10001 or auto")
    ] = None,
    registry: Annotated[
        Path | None, typer.Option("--registry", exists=True, dir_okay=False, help="registry CSV/JSONL for duplicates")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="registry store URL for duplicates", show_default=False)
    ] = None,
    min_confidence: Annotated[
        float, typer.Option(help="fields read below this confidence need review")
    ] = MIN_CONFIDENCE,
    threads: Annotated[
        int | None,
        setting("ocr_threads", "--threads", help="OCR threads per worker", show_default="cores / workers"),
    ] = None,
) -> None:
    """扫描件批量识别 / OCR a box of scans into pages.jsonl and records.csv (resumable)."""
    options = RunOptions(
        inputs=inputs,
        out=out,
        workers=workers,
        resume=resume,
        engine=engine,
        ray_address=ray_address,
        config=_engine_config(current(ctx), workers, threads, engine),
        registry=registry_lookup(registry, database_url),
        min_confidence=min_confidence,
        registry_source={"registry": str(registry.absolute()) if registry else None, "database_url": database_url},
    )
    columns = (
        TextColumn("[bold]digitize[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            task_id = bar.add_task("pages", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task_id, completed=done, total=total)

            summary = run(options, progress)
    except DigitizeError as exc:
        _print_error(exc.code, exc.message)
        raise typer.Exit(2) from exc
    except OSError as exc:  # the output disk filled up or went away mid-run: the journal holds whole lines
        _print_error(
            "output_write_failed",
            f"无法写入输出目录 / cannot write to {out}: {exc}; finished pages are kept, continue with --resume",
        )
        raise typer.Exit(2) from exc
    except KeyboardInterrupt:
        err.print(f"[yellow]中断 / interrupted[/yellow]: finished pages are kept; continue with --resume --out {out}")
        raise typer.Exit(130) from None
    print_summary(summary, out)
    raise typer.Exit(summary["exit_code"])


def print_summary(summary: dict[str, Any], out: Path) -> None:
    console = Console()
    info = summary.get("run") or {}
    console.print(
        f"pages: {summary['pages']} (this run {info.get('pages_processed', 0)}, already done {info.get('pages_skipped', 0)}, "
        f"{info.get('seconds', 0)} s) · records: {summary['records']} · needing review: {summary['needs_review']} · "
        f"failed: {summary['failed']} · duplicate files: {len(summary['duplicates'])}"
    )
    table = Table(title="document types")
    table.add_column("doc_type")
    table.add_column("pages", justify="right")
    for doc_type, n in summary["doc_types"].items():
        table.add_row(doc_type, str(n))
    console.print(table)
    if summary["review_reasons"]:
        table = Table(title="review reasons (fields)")
        table.add_column("reason")
        table.add_column("count", justify="right")
        for code, n in summary["review_reasons"].items():
            table.add_row(f"{code} — {REASONS.get(code, '')}", str(n))
        console.print(table)
    if summary["failures"]:
        table = Table(title="failures")
        table.add_column("file")
        table.add_column("page", justify="right")
        table.add_column("code")
        table.add_column("message")
        for f in summary["failures"]:
            table.add_row(f["source"], str(f["page"] or "–"), f["code"], f["message"])
        console.print(table)
    for note in info.get("notes") or []:
        console.print(f"[yellow]note[/yellow]: {note}")
    if len(summary.get("workers_by_node") or {}) > 1:
        console.print(
            "pages by node: " + ", ".join(f"{node[:12]}… {n}" for node, n in summary["workers_by_node"].items())
        )
    for d in summary["duplicates"]:
        console.print(f"duplicate scan: {d['source']} = {d['duplicate_of']} (not processed again)")
    console.print(f"→ {out / outdir.PAGES}, {out / outdir.RECORDS}")


def _parse_set(spec: str) -> tuple[str, str, str]:
    left, sep, value = spec.partition("=")
    ref, colon, field = left.rpartition(":")
    if not sep or not colon or not ref or not field:
        raise typer.BadParameter(f"{spec!r}: expected ROW:FIELD=VALUE", param_hint="--set")
    return ref.strip(), field.strip(), value


def _parse_confirm(spec: str) -> tuple[str, str]:
    ref, colon, field = spec.rpartition(":")
    if not colon or not ref or not field:
        raise typer.BadParameter(f"{spec!r}: expected ROW:FIELD", param_hint="--confirm")
    return ref.strip(), field.strip()


@digitize_app.command("review")
def review_command(
    out: Annotated[Path, typer.Argument(help="the output folder of a run", exists=True, file_okay=False)],
    set_values: Annotated[
        list[str] | None, typer.Option("--set", help="ROW:FIELD=VALUE (ROW = row_id or row number), repeatable")
    ] = None,
    confirm: Annotated[list[str] | None, typer.Option("--confirm", help="ROW:FIELD: the OCR value is right")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="who reviews (kept with each correction)")] = None,
    crops: Annotated[bool, typer.Option("--crops/--no-crops", help="save each flagged field's crop as PNG")] = True,
    list_only: Annotated[bool, typer.Option("--list", help="only list what needs review")] = False,
) -> None:
    """人工复核 / confirm or correct the flagged fields (interactive, or --set/--confirm for scripts)."""
    from digitize.review import correction, find_row, flagged, record_corrections, save_crop

    lookup, min_confidence = saved_options(out)
    _, rows = load_state(out, registry=lookup, min_confidence=min_confidence)
    scripted = bool(set_values or confirm)
    try:
        if scripted:
            if not reviewer:
                raise DigitizeError("--reviewer is required with --set / --confirm", code="reviewer_missing")
            entries = []
            for spec in set_values or []:
                ref, field, value = _parse_set(spec)
                entries.append(correction(find_row(rows, ref), field, value, reviewer=reviewer))
            for spec in confirm or []:
                ref, field = _parse_confirm(spec)
                entries.append(correction(find_row(rows, ref), field, None, reviewer=reviewer))
            record_corrections(out, entries)
            summary = finalize(out, registry=lookup, min_confidence=min_confidence)
            typer.echo(f"recorded {len(entries)} correction(s); rows still needing review: {summary['needs_review']}")
            return
        items = flagged(rows)
        console = Console()
        if not items:
            console.print("没有待复核的字段 / nothing needs review")
            return
        if not list_only and not reviewer:
            reviewer = typer.prompt("审核人 / reviewer")
        done = 0
        try:
            for item in items:
                row = item.row
                conf = "–" if item.confidence is None else f"{item.confidence:.2f}"
                console.print(
                    f"[bold]row {item.number}[/bold] {row.row_id} · {row.source} p{row.page} · "
                    f"[cyan]{item.flag.field}[/cyan] = {item.value!r} (confidence {conf}) · "
                    f"[yellow]{item.flag.code}[/yellow] {REASONS.get(item.flag.code, '')} {item.flag.detail}"
                )
                if item.bbox:
                    crop_text = f"bbox {item.bbox}"
                    if crops:
                        try:
                            crop_text += f" · crop {save_crop(out, row, item.flag.field)}"
                        except DigitizeError as exc:
                            crop_text += f" · no crop ({exc.code}: {exc.message})"
                    console.print(f"  {crop_text}")
                if list_only:
                    continue
                answer = typer.prompt(
                    "  Enter = confirm · type the right value · s = skip · q = quit", default="", show_default=False
                )
                if answer.strip().lower() == "q":
                    break
                if answer.strip().lower() == "s":
                    continue
                assert reviewer is not None
                fixed = None if answer == "" else answer
                record_corrections(out, [correction(row, item.flag.field, fixed, reviewer=reviewer)])
                done += 1
        finally:  # answers given before a quit or Ctrl-C count
            if done:
                summary = finalize(out, registry=lookup, min_confidence=min_confidence)
                console.print(f"recorded {done} correction(s); rows still needing review: {summary['needs_review']}")
    except DigitizeError as exc:
        _print_error(exc.code, exc.message)
        raise typer.Exit(2) from exc


class ExportFormat(StrEnum):
    registry = "registry"
    ppocrlabel = "ppocrlabel"
    labelstudio = "labelstudio"


def _export_training(fmt: str, out_dir: Path, rows: list[Any], dest: Path | None) -> None:
    from digitize import training

    if dest is None:
        _print_error("out_required", f"--format {fmt} writes a folder: name it with --out")
        raise typer.Exit(2)
    try:
        count, failed = training.write(fmt, out_dir, rows, dest)
    except DigitizeError as exc:
        _print_error(exc.code, exc.message)
        raise typer.Exit(2) from exc
    except OSError as exc:
        _print_error("export_not_writable", f"cannot write {dest}: {exc}")
        raise typer.Exit(2) from exc
    for problem in failed:
        err.print(f"[yellow]skipped[/yellow] [{problem.code}] {problem.message}")
    err.print(f"exported {count} reviewed crop(s) as {fmt} → {dest} · skipped: {len(failed)}")


@digitize_app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Argument(help="the output folder of a run", exists=True, file_okay=False)],
    out: Annotated[Path | None, typer.Option("--out", help="registry CSV to write (default stdout)")] = None,
    include_unreviewed: Annotated[
        bool, typer.Option("--include-unreviewed", help="also rows still needing review")
    ] = False,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="registry: the CSV `huren registry import` loads; ppocrlabel | labelstudio: the reviewed "
            "crops with their confirmed text, as training data (--out names a folder)",
        ),
    ] = ExportFormat.registry,
) -> None:
    """导出登记库CSV或训练数据 / the reviewed rows as registry CSV, or the reviewed crops as training data."""
    from matching.files import RowError, parse_record

    lookup, min_confidence = saved_options(out_dir)
    _, rows = load_state(out_dir, registry=lookup, min_confidence=min_confidence)
    if fmt is not ExportFormat.registry:
        _export_training(fmt.value, out_dir, rows, out)
        return
    held = [r for r in rows if r.needs_review and not include_unreviewed]
    ready = []
    invalid = 0
    for row in rows:
        if row in held:
            continue
        try:
            parse_record(dict(row.values))
        except RowError as exc:
            invalid += 1
            err.print(f"[yellow]skipped[/yellow] {row.row_id} ({row.source} p{row.page}): {exc.field}: {exc.reason}")
            continue
        ready.append(row)
    buf = io.StringIO()
    count = write_registry_csv(ready, buf)
    if out is None:
        sys.stdout.write(buf.getvalue())
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            outdir.atomic_write_text(out, buf.getvalue())
        except OSError as exc:
            _print_error("export_not_writable", f"cannot write {out}: {exc}")
            raise typer.Exit(2) from exc
    err.print(f"exported: {count} · still needing review: {len(held)} · invalid: {invalid}")
