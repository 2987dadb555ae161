"""`huren` — the command line, thin over the packages."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from huren.config import get_settings
from huren.domain import Extraction, FileError
from huren.normalize import mask_id_number
from ocr.engine import EngineConfig
from ocr.ingest import SUPPORTED_SUFFIXES

app = typer.Typer(
    help="互认 Huren — 注册计量师注册资质互认材料核验 / certificate verification for mutual recognition",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from huren import __version__

        typer.echo(f"huren {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="版本 / print the version")
    ] = False,
) -> None:
    """互认 Huren — 注册计量师注册资质互认材料核验 / certificate verification for mutual recognition"""


def _engine_config(backend: str | None, det_side: int | None, threads: int | None) -> EngineConfig:
    settings = get_settings()
    base = settings.engine_config()
    return EngineConfig(
        backend=backend or base.backend,
        runtime=base.runtime,
        threads=threads if threads is not None else base.threads,
        det_side=det_side or base.det_side,
        rec_batch=base.rec_batch,
        paddle_det_dir=base.paddle_det_dir,
        paddle_rec_dir=base.paddle_rec_dir,
    )


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given, folders recursed for the file kinds Huren reads (in a stable order)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


BackendOpt = Annotated[str | None, typer.Option("--backend", help="rapidocr (default) | paddle")]
DetSideOpt = Annotated[int | None, typer.Option("--det-side", help="detector input: longer side in pixels")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", help="onnxruntime threads (0 = all cores)")]


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="images, PDFs or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per document per line")] = False,
    lines: Annotated[bool, typer.Option("--lines", help="include every OCR line with its box")] = False,
    backend: BackendOpt = None,
    det_side: DetSideOpt = None,
    threads: ThreadsOpt = None,
    max_pages: Annotated[int, typer.Option(help="refuse files with more pages than this")] = 50,
) -> None:
    """识别证件字段 / OCR documents into typed certificate fields."""
    from ocr.pipeline import extract_file

    config = _engine_config(backend, det_side, threads)
    failed = 0
    for path in expand_inputs(paths):
        for result in extract_file(path, config=config, max_pages=max_pages):
            if isinstance(result, FileError):
                failed += 1
            if as_json:
                out = result.to_json(with_lines=lines) if isinstance(result, Extraction) else result.to_json()
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                _print_extraction(result)
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


@app.command("eval")
def evaluate(
    root: Annotated[
        Path | None, typer.Argument(help="folder of samples with <file>.json ground truth beside them")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="instead of a folder: draw randomised layouts with this seed (samples.randomise)")
    ] = None,
    count: Annotated[int, typer.Option(help="pages to draw with --seed")] = 40,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    backend: BackendOpt = None,
    det_side: DetSideOpt = None,
    threads: ThreadsOpt = None,
    show_mistakes: Annotated[int, typer.Option(help="how many mistakes to list")] = 30,
) -> None:
    """评估识别准确率 / accuracy against ground truth: documents found, type, fields, confidence reliability."""
    import tempfile

    if (root is None) == (seed is None):
        err.print("[red]给出样本目录或 --seed 之一 / give a folder or --seed, not both[/red]")
        raise typer.Exit(2)
    if root is not None:
        _evaluate(root, as_json, _engine_config(backend, det_side, threads), show_mistakes)
        return
    from samples.randomise import generate_set

    with tempfile.TemporaryDirectory(prefix=f"huren-eval-{seed}-") as tmp:
        generate_set(Path(tmp), int(seed or 0), count)
        _evaluate(Path(tmp), as_json, _engine_config(backend, det_side, threads), show_mistakes)


def _evaluate(root: Path, as_json: bool, config: EngineConfig, show_mistakes: int) -> None:
    from huren.thresholds import REVIEW_CONFIDENCE
    from ocr.engine import get_engine
    from ocr.evaluate import Report, reliability, score, truth_files
    from ocr.pipeline import extract_file

    files = truth_files(root)
    if not files:
        err.print(f"[red]{root}: 没有带标注的样本 / no samples with ground truth[/red]")
        raise typer.Exit(2)
    engine = get_engine(config)
    report = Report()
    started = time.perf_counter()
    for path in files:
        score(report, path, list(extract_file(path, engine=engine)))
    elapsed = time.perf_counter() - started
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


db_app = typer.Typer(name="db", help="数据库结构 / the database's schema (Alembic migrations)", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """升级数据库结构 / bring the database (HUREN_DATABASE_URL) to this version's schema; serve and worker do it at start."""
    import db
    from huren.config import Settings

    engine = db.make_engine(Settings().resolved_database_url)
    before = db.current(engine)
    db.upgrade(engine)
    typer.echo(f"database at revision {db.current(engine)} (was {before or 'unversioned'})")


@db_app.command("current")
def db_current() -> None:
    """数据库结构版本 / the database's revision and this version's head; exit 1 when they differ."""
    import db
    from huren.config import Settings

    at, head = db.current(db.make_engine(Settings().resolved_database_url)), db.head()
    typer.echo(f"database at revision {at or 'unversioned'}, head {head}")
    if at != head:
        raise typer.Exit(1)


def _mount() -> None:
    from api.registry_import import audit_import
    from db import open_database
    from digitize.cli import digitize_app
    from matching.cli import registry_app, use_service
    from recognition.cli import reissue_cli, verify_cli

    use_service(open_database, audit_import)  # registry imports land in the service's database and audit log
    app.add_typer(db_app)
    app.add_typer(registry_app, name="registry", help="发证机关登记库 / the issuing authorities' registry")
    app.command("verify")(verify_cli)
    app.command("reissue")(reissue_cli)

    from api.cli import mount as mount_api

    mount_api(app)  # serve, worker, user create, audit verify
    app.add_typer(digitize_app, name="digitize", help="纸质证书批量数字化 / batch digitisation of paper certificates")


_mount()

if __name__ == "__main__":
    app()
