"""`huren verify` and `huren reissue`: plain functions plus Typer-compatible wrappers.

Mount with `app.command("verify")(verify_cli)` and `app.command("reissue")(reissue_cli)`.

Exit codes: 0 approve (reissue: certificate written), 1 reject (reissue: not approved, reasons
printed), 3 review, 2 bad input (no registry, unreadable arguments, missing secret or font).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from api.settings import Settings
from cli.options import Area, AsOfOpt, DatabaseOpt, as_date, setting
from cli.progress import Advance, QuietOpt, progress
from cli.settings import with_options
from huren.domain import CERTIFICATE_TYPES, DocType
from huren.normalize import mask_id_number
from matching.errors import MatchingError
from matching.registry import Registry
from matching.search import RecordSource
from matching.store import RegistryStore
from ocr.engine import EngineConfig
from recognition.decide import APPROVE, REJECT, REVIEW
from recognition.recognitions import RecognitionStore
from recognition.rules import DOC_NAMES, DecisionConfig, doc_ref
from recognition.screening import Screening, screen

EXIT_FOR = {APPROVE: 0, REJECT: 1, REVIEW: 3}
EXIT_BAD_INPUT = 2
DEFAULT_BASE_URL = "https://huren.yrd.example"  # the QR codes' site when HUREN_VERIFY_BASE_URL is not set


class CliInputError(Exception):
    """A problem with the arguments (exit 2), with a message for the user."""


Verification = Screening  # what `huren verify` prints and `huren reissue` issues from


def open_registry(registry_csv: Path | None, database_url: str) -> RecordSource:
    """The registry file (CSV / JSONL) in memory, else the SQL store at the URL."""
    if registry_csv is not None:
        if not registry_csv.is_file():
            raise CliInputError(f"registry file not found: {registry_csv}")
        registry = Registry.from_file(registry_csv)
        for rejected in registry.rejected:
            print(f"registry row rejected: {rejected}", file=sys.stderr)
        return registry
    return RegistryStore(database_url)


def run_verification(
    files: Sequence[Path],
    registry: RecordSource,
    as_of: date,
    *,
    engine_config: EngineConfig,
    config: DecisionConfig = DecisionConfig(),  # noqa: B008 - frozen
    advance: Advance | None = None,
) -> Verification:
    """OCR every page (text layer where a PDF has one) → evidence and consistency → decision
    (`recognition.screening.screen`); `advance(done, total)` is told as the files are read."""
    from ocr.ingest import expand_inputs

    paths = expand_inputs(files)
    reading = iter(range(len(paths)))

    def before_each() -> None:  # told the files read so far, before the next one
        if advance is not None:
            advance(next(reading), len(paths))

    screening = screen(paths, registry, as_of, engine_config, config=config, before_each=before_each)
    if advance is not None:
        advance(len(paths), len(paths))
    return screening


def _local_today(settings: Settings) -> date:
    """Today in the configured zone (北京时间 by default): the service's worker dates decisions the same way."""
    from huren import clock

    return clock.today(settings.timezone)


def verify_command(
    files: list[Path],
    registry_csv: Path | None,
    as_of: date | None,
    as_json: bool,
    settings: Settings,
    *,
    quiet: bool = False,
) -> Verification:
    """Run the whole verification and print it: one JSON object, or a readable verdict in Chinese."""
    registry = open_registry(registry_csv, settings.resolved_database_url)
    with progress("verify", quiet=quiet) as advance:
        verification = run_verification(
            files, registry, as_of or _local_today(settings), engine_config=settings.engine_config(), advance=advance
        )
    if as_json:
        sys.stdout.write(json.dumps(verification.to_json(), ensure_ascii=False) + "\n")
    else:
        print_verdict(verification, Console())
    return verification


# --- the readable verdict -----------------------------------------------------------------------------

OUTCOME_ZH = {
    "approve": ("[bold green]准予互认（即办件）[/bold green]", "approved"),
    "reject": ("[bold red]不予互认[/bold red]", "rejected"),
    "review": ("[bold yellow]需人工复核[/bold yellow]", "needs review"),
}
SEVERITY_ZH = {"fail": "[red]不通过[/red]", "doubt": "[yellow]存疑[/yellow]"}


def print_verdict(verification: Verification, console: Console) -> None:
    decision = verification.decision
    zh, en = OUTCOME_ZH[decision.outcome]
    console.print(Panel(f"核验结论：{zh}  ({en})\n决定日期：{decision.as_of.isoformat()}", title="互认核验 Huren"))
    table = Table(title="材料 documents")
    for col in ("材料", "文件", "姓名", "身份证号", "证书编号", "登记比对得分"):
        table.add_column(col)
    scores = {(e.source, e.page, e.index): e for e in verification.result.evidence}
    for d in verification.result.documents:
        ev = scores.get((d.source, d.page, d.index))
        score = (
            ""
            if d.doc_type not in CERTIFICATE_TYPES
            else ("查无记录" if ev is None or ev.record is None else f"{ev.score:.2f}")
        )
        table.add_row(
            DOC_NAMES.get(d.doc_type, (str(d.doc_type), ""))[0],
            f"{Path(d.source).name} 第{d.page}页",
            str(d.value("name") or ""),
            mask_id_number(str(d.value("id_number") or "")),
            str(d.value("cert_number") or ""),
            score,
        )
    console.print(table)
    for error in verification.file_errors:
        console.print(f"[red]✗[/red] {error.source}: {error.code} {error.message}")
    if decision.reasons:
        title = "一次性告知 — 不予互认的全部理由" if decision.outcome == REJECT else "需复核的事项"
        console.print(f"[bold]{title}[/bold]（共{len(decision.reasons)}项）")
        for i, reason in enumerate(decision.reasons, 1):
            console.print(
                f" {i}. [{SEVERITY_ZH.get(reason.severity, reason.severity)}] {reason.message_zh}  "
                f"[dim]{reason.code}[/dim]"
            )
    if decision.review_fields:
        fields = "；".join(f"{Path(f['document'] or '').name}·{f['field'] or '整页'}" for f in decision.review_fields)
        console.print(f"[bold]请复核：[/bold]{fields}")
    console.print(
        f"[dim]规则版本 {decision.rules_version} · OCR {decision.versions.get('ocr_engine', '')} · "
        f"阈值 {json.dumps(decision.thresholds)}[/dim]"
    )


# --- Typer wrappers -----------------------------------------------------------------------------------

FilesArg = Annotated[list[Path], typer.Argument(help="images, PDFs or folders of one application")]
RegistryOpt = Annotated[Path | None, typer.Option("--registry", help="registry CSV / JSONL; default: the SQL store")]


def verify_cli(
    ctx: typer.Context,
    files: FilesArg,
    registry: RegistryOpt = None,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    database_url: DatabaseOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """核验互认材料并给出结论 / verify an application: approve, reject (every reason) or review."""
    settings = with_options(ctx, database_url=database_url)
    try:
        verification = verify_command(files, registry, as_date(as_of), as_json, settings, quiet=quiet)
    except (CliInputError, MatchingError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    raise typer.Exit(EXIT_FOR[verification.decision.outcome])


def reissue_command(
    files: list[Path],
    registry_csv: Path | None,
    area: str,
    out_dir: Path,
    as_of: date | None,
    *,
    settings: Settings,
    as_json: bool = False,
) -> tuple[Verification, Any]:
    """Verify, decide and — when approved — write the zone certificate and record the recognition."""
    from recognition.reissue import reissue

    registry = open_registry(registry_csv, settings.resolved_database_url)
    day = as_of or _local_today(settings)
    verification = run_verification(files, registry, day, engine_config=settings.engine_config())
    console = Console()
    if not verification.decision.approved:
        if as_json:
            sys.stdout.write(json.dumps(verification.to_json(), ensure_ascii=False) + "\n")
        else:
            print_verdict(verification, console)
        return verification, None
    store = RecognitionStore(settings.resolved_database_url)
    from recognition.holder_photo import photo_from_file

    fronts = [d for d in verification.result.documents if d.doc_type is DocType.ID_CARD_FRONT]
    photo = next((p for p in map(photo_from_file, fronts) if p), None)
    cert = reissue(
        verification.decision,
        verification.result,
        area=area,
        out_dir=out_dir,
        base_url=settings.verify_base_url or DEFAULT_BASE_URL,
        issued_on=day,
        secret_key=settings.cert_secret,
        store=store,
        holder_photo=photo,
        cjk_font=settings.cert_font,
        serif_font=settings.cert_serif_font,
    )
    if as_json:
        sys.stdout.write(
            json.dumps({**verification.decision.to_json(), "certificate": cert.to_json()}, ensure_ascii=False) + "\n"
        )
    else:
        console.print(f"[green]✓[/green] 已换发示范区统一注册证书 {cert.number} → {cert.path}")
        console.print(f"  核验地址：{cert.verification_url}")
    return verification, cert


def reissue_cli(
    ctx: typer.Context,
    files: FilesArg,
    area: Annotated[Area, typer.Option("--area", help="the recognising area")],
    out: Annotated[Path, typer.Option("--out", help="directory for the certificate PDF")],
    registry: RegistryOpt = None,
    as_of: AsOfOpt = None,
    database_url: DatabaseOpt = None,
    base_url: Annotated[
        str | None,
        setting("verify_base_url", "--base-url", help="verification site for the QR code"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """换发示范区统一注册计量师注册证书 / verify and, if approved, issue the zone certificate (PDF + QR)."""
    from recognition.reissue import ReissueError

    settings = with_options(ctx, database_url=database_url, verify_base_url=base_url)
    try:
        _, cert = reissue_command(files, registry, area, out, as_date(as_of), settings=settings, as_json=as_json)
    except (CliInputError, MatchingError, ReissueError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    if cert is None:
        raise typer.Exit(1)


__all__ = [
    "Verification",
    "doc_ref",
    "open_registry",
    "print_verdict",
    "reissue_cli",
    "reissue_command",
    "run_verification",
    "verify_cli",
    "verify_command",
]
