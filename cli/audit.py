"""`huren audit verify|checkpoint`: the audit log's chain and its signed checkpoints."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.database import open_service_database
from cli.settings import current

audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """校验审计日志 / check the audit log's HMAC chain against the signed checkpoints; exit 1 and say where it breaks."""
    from api import audit

    report = audit.verify(open_service_database(current(ctx)))
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        state = "ok" if report.ok else "BROKEN" + (f" from entry {report.first_break}" if report.first_break else "")
        typer.echo(f"{report.entries} entries · {report.checkpoints} checkpoints · {state}")
        for problem in report.problems:
            typer.echo(f"  ✗ {problem}")
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(ctx: typer.Context) -> None:
    """写入审计检查点 / append the log's count and head hash, signed, to today's checkpoint file (for cron)."""
    from api import audit

    engine = open_service_database(current(ctx))
    written = audit.checkpoint(engine)
    typer.echo(f"checkpoint {written.seq} → {written.where}" if written else "unchanged since the last checkpoint")
