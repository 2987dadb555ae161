"""`huren extract` and `huren eval`: documents read into fields, and the reading's accuracy."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.options import BackendOpt, DetSideOpt, ThreadsOpt
from cli.progress import QuietOpt, progress
from cli.settings import current
from huren.domain import Extraction, FileError
from huren.normalize import mask_id_number
from ocr.engine import EngineConfig
from ocr.ingest import expand_inputs

err = Console(stderr=True)


def _engine_config(ctx: typer.Context, backend: str | None, det_side: int | None, threads: int | None) -> EngineConfig:
    return current(ctx).engine_config(backend=backend, det_side=det_side, threads=threads)


def extract(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="images, PDFs or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per document per line")] = False,
    lines: Annotated[bool, typer.Option("--lines", help="include every OCR line with its box")] = False,
    backend: BackendOpt = None,
    det_side: DetSideOpt = None,
    threads: ThreadsOpt = None,
    max_pages: Annotated[int, typer.Option(help="refuse files with more pages than this")] = 50,
    quiet: QuietOpt = False,
) -> None:
    """识别证件字段 / OCR documents into typed certificate fields."""
    from ocr.pipeline import extract_file

    config = _engine_config(ctx, backend, det_side, threads)
    failed = 0
    files = expand_inputs(paths)
    with progress("extract", quiet=quiet) as advance:
        for done, path in enumerate(files, 1):
            for result in extract_file(path, config=config, max_pages=max_pages):
                if isinstance(result, FileError):
                    failed += 1
                if as_json:
                    out = result.to_json(with_lines=lines) if isinstance(result, Extraction) else result.to_json()
                    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
                    sys.stdout.flush()
                else:
                    _print_extraction(result)
            advance(done, len(files))
    if failed:
        err.print(f"[red]{failed} 个文件/页面无法处理 / file(s) or page(s) failed[/red]")
        raise typer.Exit(1)


def _print_extraction(result: Extraction | FileError) -> None:
    console = Console()
    if isinstance(result, FileError):
        console.print(f"[red]✗ {result.source}[/red]  {result.code}: {result.message}")
        return
    part = f" · 第{result.index + 1}件" if result.index else ""
    table = Table(
        title=f"{result.source} · 第{result.page}页{part} · {result.doc_type} ({result.doc_type_confidence:.2f})"
    )
    table.add_column("字段 field")
    table.add_column("值 value")
    table.add_column("置信度 conf", justify="right")
    for key, f in result.fields.items():
        value = mask_id_number(str(f.value)) if key == "id_number" else f.value
        table.add_row(key, str(value), f"{f.confidence:.2f}")
    console.print(table)
    for w in result.warnings:
        console.print(f"  [yellow]![/yellow] {w}")


def evaluate(
    ctx: typer.Context,
    root: Annotated[
        Path | None, typer.Argument(help="folder of samples with <file>.json ground truth beside them")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="instead of a folder: draw randomised layouts with this seed (samples.randomise)")
    ] = None,
    count: Annotated[int, typer.Option(help="pages to draw with --seed")] = 40,
    family: Annotated[
        list[str] | None, typer.Option(help="with --seed: draw only this layout family (repeatable), e.g. id_photocopy")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    backend: BackendOpt = None,
    det_side: DetSideOpt = None,
    threads: ThreadsOpt = None,
    show_mistakes: Annotated[int, typer.Option(help="how many mistakes to list")] = 30,
    html: Annotated[
        Path | None, typer.Option("--html", help="also write a report page (HTML, worst pages drawn) to this file")
    ] = None,
) -> None:
    """评估识别准确率 / accuracy against ground truth: documents found, type, fields, confidence reliability."""
    import tempfile

    if (root is None) == (seed is None):
        err.print("[red]给出样本目录或 --seed 之一 / give a folder or --seed, not both[/red]")
        raise typer.Exit(2)
    if root is not None:
        _evaluate(root, as_json, _engine_config(ctx, backend, det_side, threads), show_mistakes, html, str(root))
        return
    from samples.randomise import DEALT, generate_set

    with tempfile.TemporaryDirectory(prefix=f"huren-eval-{seed}-") as tmp:
        try:
            generate_set(Path(tmp), int(seed or 0), count, family or DEALT)
        except ValueError as e:
            err.print(f"[red]{e}[/red]")
            raise typer.Exit(2) from None
        subject = f"--seed {seed} --count {count}" + "".join(f" --family {f}" for f in family or [])
        _evaluate(Path(tmp), as_json, _engine_config(ctx, backend, det_side, threads), show_mistakes, html, subject)


def _evaluate(
    root: Path, as_json: bool, config: EngineConfig, show_mistakes: int, html: Path | None = None, subject: str = ""
) -> None:
    from rich.progress import MofNCompleteColumn, Progress

    from huren.thresholds import REVIEW_CONFIDENCE
    from ocr.engine import get_engine
    from ocr.evaluate import evaluate_files, reliability, truth_files
    from ocr.report import WORST_PAGES, write_html

    files = truth_files(root)
    if not files:
        err.print(f"[red]{root}: 没有带标注的样本 / no samples with ground truth[/red]")
        raise typer.Exit(2)
    engine = get_engine(config)
    started = time.perf_counter()
    # A progress bar on a terminal only: piped or captured output stays as it was.
    columns = (*Progress.get_default_columns(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("评估 / evaluating", total=len(files))
        report = evaluate_files(
            files,
            engine=engine,
            progress=lambda done, _total, _path: bar.update(task, completed=done),
            keep_pictures=WORST_PAGES if html else 0,
        )
    elapsed = time.perf_counter() - started
    if html is not None:
        write_html(html, report, subject=subject or str(root), engine=engine.version, seconds=elapsed)
        err.print(f"报告已写入 / report written to {html}")
    data = report.to_json()
    data["seconds"] = round(elapsed, 2)
    data["engine"] = engine.version
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    docs, types, fields = report.documents, report.doc_type, report.fields
    console.print(f"{report.pages} pages in {elapsed:.1f} s ({report.pages / elapsed:.2f} pages/s) · {engine.version}")
    console.print(
        f"documents found: {docs.accuracy:.1%} ({docs.right}/{docs.total}) · pages with every document: "
        f"{report.pages_complete.right}/{report.pages_complete.total} · extra documents: {report.extra_documents}"
    )
    console.print(f"document type: {types.accuracy:.1%} ({types.right}/{types.total})")
    console.print(
        f"fields: {fields.accuracy:.1%} ({fields.right}/{fields.total}) · clean: {report.clean.accuracy:.1%} · "
        f"degraded: {report.degraded.accuracy:.1%}"
    )
    for title, tallies in (
        ("document type", report.by_type),
        ("field", report.by_field),
        ("family", report.by_family),
        ("degradation", report.by_degradation),
        ("subset", report.by_subset),
    ):
        table = Table(title=f"field accuracy by {title}")
        table.add_column(title)
        table.add_column("accuracy", justify="right")
        table.add_column("right/total", justify="right")
        for k, t in sorted(tallies.items()):
            table.add_row(k, f"{t.accuracy:.1%}", f"{t.right}/{t.total}")
        console.print(table)
    table = Table(title="reliability: confidence band against values right / 置信度与正确率")
    table.add_column("confidence")
    table.add_column("values", justify="right")
    table.add_column("right", justify="right")
    for band in reliability(report.readings):
        table.add_row(band.label, str(band.total), f"{band.accuracy:.1%}" if band.total else "-")
    console.print(table)
    low, high = report.below()
    console.print(
        f"review threshold {REVIEW_CONFIDENCE}: below it {low.total} values, {low.accuracy:.1%} right · "
        f"at or above {high.total} values, {high.accuracy:.1%} right"
    )
    for m in report.mistakes[:show_mistakes]:
        text = str(m)
        console.print(f"  ✗ {text}" if m.field != "id_number" else f"  ✗ {m.source} p{m.page} id_number")
    for e in report.errors:
        console.print(f"  [red]error[/red] {e.source}: {e.code} {e.message}")
