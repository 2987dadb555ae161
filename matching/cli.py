"""`huren registry import|export`: the issuing authorities' records in the local store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from matching.errors import MatchingError
from matching.files import FileFormat
from matching.store import DATABASE_URL_ENV, RegistryStore, default_database_url

registry_app = typer.Typer(
    name="registry",
    help="The issuing authorities' certificate records (import CSV/JSONL, export).",
    no_args_is_help=True,
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="SQLAlchemy URL; default sqlite:///data/huren.sqlite3 (postgresql+psycopg://… for PostgreSQL).",
        show_default=False,
    ),
]


@registry_app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or JSONL files.")
    ],
    database_url: DatabaseUrl = None,
    format: Annotated[
        str | None, typer.Option("--format", help="csv | jsonl; default from each file's extension.")
    ] = None,
) -> None:
    """Upsert records; bad rows are listed (file:line: field: reason) and the good ones still land."""
    fmt = _format(format) if format else None
    try:
        store = RegistryStore(database_url or default_database_url())
        report = store.import_files(files, fmt)
    except MatchingError as exc:
        typer.echo(f"error [{exc.code}]: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"inserted: {report.inserted}  updated: {report.updated}  "
        f"unchanged: {report.unchanged}  rejected: {len(report.rejected)}"
    )
    for rejected in report.rejected:
        typer.echo(str(rejected), err=True)
    if report.rejected:
        raise typer.Exit(1)


@registry_app.command("export")
def export_command(
    database_url: DatabaseUrl = None,
    format: Annotated[str, typer.Option("--format", help="csv | jsonl")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Write every record with the import columns."""
    fmt = _format(format)
    store = RegistryStore(database_url or default_database_url())
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
