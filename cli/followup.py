"""`huren recognitions export|expiring`, `huren inspections sample`: follow-up management (see `api.followup`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.database import open_service_database
from cli.errors import exit_for
from cli.options import DATE_METAVAR, Area, Province, choices, setting
from cli.settings import current

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Engine

recognitions_app = typer.Typer(
    help="互认记录后续管理 / recognitions: export for the provinces, certificates about to expire", no_args_is_help=True
)
inspections_app = typer.Typer(help="双随机抽查 / random inspections", no_args_is_help=True)

# Checked by `api.followup`, whose refusals carry the codes the service answers with (invalid_area …);
# --help shows the choices and the date's form all the same.
AreaOption = Annotated[str | None, typer.Option("--area", metavar=choices(Area), help="the recognising area")]
ProvinceOption = Annotated[str | None, typer.Option("--province", metavar=choices(Province), help="province")]
AsOfOption = Annotated[str | None, setting("as_of", "--as-of", metavar=DATE_METAVAR, help="as-of date (default today)")]


@contextmanager
def _followup(
    ctx: typer.Context, area: str | None, province: str | None, as_of: str | None
) -> Iterator[tuple[Engine, list[str], date]]:
    """The service's database (with the registry's and the recognitions' tables), the areas asked
    for and the as-of date; a bad parameter or a refusal inside ends the command with its code."""
    from api import followup
    from api.errors import ApiError

    try:
        areas = followup.scope_areas(None, area=area, province=province)
        when = followup.as_of_date(as_of)
        engine = open_service_database(current(ctx))
        try:
            yield engine, areas, when
        finally:
            engine.dispose()
    except ApiError as exc:
        raise exit_for(exc) from exc


@recognitions_app.command("export")
def recognitions_export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", metavar="<csv|json>", help="CSV (with a BOM for Excel) or JSON")
    ] = "csv",
    area: AreaOption = None,
    province: ProvinceOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="write to FILE instead of stdout")] = None,
    full_id_numbers: Annotated[
        bool, typer.Option("--full-id-numbers", help="whole ID numbers (a handover of personal data; audited)")
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """导出互认人员名单 / export the recognised metrologists (CSV with a BOM for Excel, or JSON); audited."""
    from api import followup

    with _followup(ctx, area, province, as_of) as (engine, areas, when):
        result = followup.export(engine, "cli", areas, fmt=fmt, as_of=when, full_id_numbers=full_id_numbers)
    if out is None:
        typer.echo(result.content.decode("utf-8"), nl=False)
    else:
        out.write_bytes(result.content)
        typer.echo(f"{result.count} recognitions → {out} (sha256 {result.sha256})", err=True)


@recognitions_app.command("expiring")
def recognitions_expiring(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", help="expiring within this many days of the as-of date")],
    area: AreaOption = None,
    province: ProvinceOption = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """即将到期的互认证书 / recognitions whose zone certificate expires within N days (revoked ones left out)."""
    from api import followup

    with _followup(ctx, area, province, as_of) as (engine, areas, when):
        followup.check_days(days)
        result = followup.expiring(engine, "cli", areas, days=days, as_of=when)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"{result['count']} expiring between {result['as_of']} and {result['until']}")
    for rec in result["recognitions"]:
        typer.echo(
            f"  {rec['valid_until']}  {rec['days_left']:>4}d  {rec['number']}  {rec['holder_name']}  "
            f"{rec['id_number']}  {rec['employer'] or ''}"
        )


@inspections_app.command("sample")
def inspections_sample(
    ctx: typer.Context,
    size: Annotated[int, typer.Option("--size", help="how many to inspect")],
    seed: Annotated[str | None, typer.Option("--seed", help="reproduce a draw (default: a fresh random seed)")] = None,
    area: AreaOption = None,
    province: ProvinceOption = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """双随机抽查 / draw recognitions in force for inspection; the seed and selection go to the audit log."""
    from api import followup

    with _followup(ctx, area, province, as_of) as (engine, areas, when):
        result = followup.sample(engine, "cli", areas, size=size, seed=seed, as_of=when)
    for warning in result["warnings"]:
        typer.echo(f"warning: {warning['message_zh']} / {warning['message_en']}", err=True)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    generated = " (generated: keep it to redo the draw)" if result["seed_generated"] else ""
    typer.echo(
        f"seed {result['seed']}{generated} · population {result['population']} · "
        f"selected {len(result['selected'])} · audit entry {result['audit_seq']}"
    )
    for rec in result["selected"]:
        typer.echo(f"  {rec['number']}  {rec['holder_name']}  {rec['id_number']}  {rec['employer'] or ''}")
