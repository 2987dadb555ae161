"""`huren registry import|export`: the issuing authorities' records in the local store."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from api.registry_import import audit_import
from cli.database import open_service_database
from cli.options import DatabaseOpt
from cli.progress import QuietOpt, stdout_is_terminal
from cli.settings import with_options
from huren.domain import CertType
from matching.errors import MatchingError
from matching.files import FileFormat, ReadOptions
from matching.headers import parse_column_map
from matching.store import RegistryStore

registry_app = typer.Typer(
    name="registry",
    help="The issuing authorities' certificate records (import .xlsx/CSV/TSV/JSONL, export).",
    no_args_is_help=True,
)


@registry_app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="Excel .xlsx, CSV/TSV (any encoding) or JSONL."
        ),
    ],
    database_url: DatabaseOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Only this sheet of a workbook.")] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="HEADER=FIELD for a header the vocabulary does not know (备注=- ignores one)."),
    ] = None,
    cert_type: Annotated[
        CertType | None, typer.Option("--cert-type", help="for rows without one.", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the good rows even when some rows have errors.")
    ] = False,
    actor: Annotated[str | None, typer.Option("--actor", help="Who imports, for the audit log (default: you).")] = None,
    overwrite_authority: Annotated[
        bool,
        typer.Option(
            "--overwrite-authority",
            help="let digitised rows change records an issuing authority supplied (each change audited)",
        ),
    ] = False,
    format: Annotated[str | None, typer.Option("--format", hidden=True, help="Ignored: read from the file.")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Upsert records from registry files; all or nothing per import unless --partial.

    Headers may be Chinese or English (姓名, 证书编号, 身份证号码, 有效期 …). Every row error is listed
    as file[sheet]:row: field (column): reason. A real import is recorded in the audit log.
    """
    from matching.importer import Change, ImportOptions, import_files

    try:
        options = ImportOptions(
            read=ReadOptions(
                sheet=sheet,
                column_map=parse_column_map(column_map or []),
                cert_type=cert_type,
            ),
            dry_run=dry_run,
            partial=partial,
            overwrite_authority=overwrite_authority,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    settings = with_options(ctx, database_url=database_url)
    console = Console(stderr=True)

    def show(change: Change) -> None:
        if dry_run:
            mark = {"insert": "+", "update": "~", "unchanged": "="}[change.kind]
            typer.echo(f"{mark} {change}")

    try:
        engine = open_service_database(settings)  # the import's audit entry lands in the service's log
        store = RegistryStore(engine)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
            console=console, transient=True, disable=quiet or not console.is_terminal,
            redirect_stdout=stdout_is_terminal(),  # --dry-run's lines stay on stdout when it is piped
        ) as bar:  # fmt: skip

            def progress(path: str) -> Callable[[int, int | None], None]:
                task = bar.add_task(Path(path).name, total=None)
                return lambda done, total: bar.update(task, completed=done, total=total)

            report = import_files(
                store,
                files,
                options=options,
                progress=progress,
                on_change=show,
                audit=None if dry_run else audit_import(f"cli:{actor or _whoami()}"),
            )
    except MatchingError as exc:
        typer.echo(f"error [{exc.code}]: {exc}", err=True)
        typer.echo("nothing written", err=True)
        raise typer.Exit(2) from exc
    for notice in report.notices:
        typer.echo(f"note: {notice}", err=True)
    for rejected in report.rejected:
        typer.echo(str(rejected), err=True)
    typer.echo(
        f"inserted: {report.inserted}  updated: {report.updated}  "
        f"unchanged: {report.unchanged}  rejected: {len(report.rejected)}"
    )
    if dry_run:
        typer.echo("dry run: nothing written")
    elif not report.written:
        typer.echo(f"nothing written: {len(report.rejected)} row error(s); fix them, or --partial to import the rest")
    if report.rejected:
        raise typer.Exit(1)


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@registry_app.command("export")
def export_command(
    ctx: typer.Context,
    database_url: DatabaseOpt = None,
    format: Annotated[str, typer.Option("--format", help="csv | jsonl")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Write every record with the import columns."""
    fmt = _format(format)
    store = RegistryStore(with_options(ctx, database_url=database_url).resolved_database_url)
    if out is None:
        count = store.export(sys.stdout, fmt)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as fh:
            count = store.export(fh, fmt)
    typer.echo(f"exported: {count}", err=True)


def _format(value: str) -> FileFormat:
    value = value.lower()
    if value == "csv":
        return "csv"
    if value in ("jsonl", "ndjson"):
        return "jsonl"
    raise typer.BadParameter(f"unknown format {value!r}; use csv or jsonl", param_hint="--format")
