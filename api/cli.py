"""`huren serve`, `huren worker`, `huren user …` (create, list, tokens, token-issue|revoke|rotate, disable,
enable, password, unlock), `huren audit verify`, and follow-up management:
`huren recognitions export|expiring`, `huren inspections sample` (see `api.followup`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.settings import ApiSettings

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Engine

    from api.errors import ApiError

user_app = typer.Typer(help="用户 / users of the service", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)
recognitions_app = typer.Typer(
    help="互认记录后续管理 / recognitions: export for the provinces, certificates about to expire", no_args_is_help=True
)
inspections_app = typer.Typer(help="双随机抽查 / random inspections", no_args_is_help=True)
uploads_app = typer.Typer(help="上传材料 / uploaded files", no_args_is_help=True)

AreaOption = Annotated[str | None, typer.Option("--area", help="qingpu | wujiang | jiashan")]
ProvinceOption = Annotated[str | None, typer.Option("--province", help="shanghai | jiangsu | zhejiang")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default HUREN_AS_OF, else today)")]


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="run pre-screening in this process")] = True,
) -> None:
    """启动服务 / run the web service (OpenAPI at /docs)."""
    import uvicorn

    from api.app import create_app
    from api.observability import configure_logging, logging_config

    settings = _service_settings()
    configure_logging(settings.log_format, settings.log_level)
    uvicorn.run(
        create_app(settings, start_worker=worker),
        host=host,
        port=port,
        log_config=logging_config(settings.log_format, settings.log_level),
    )


def _service_settings() -> ApiSettings:
    """The settings, or exit 2 naming what a public service cannot run without."""
    settings = ApiSettings()
    if missing := settings.missing_for_service():
        typer.echo(
            f"error: settings_missing: 请设置 {'、'.join(missing)} / set {', '.join(missing)} "
            "(HUREN_VERIFY_BASE_URL: the site the certificates' QR codes lead to; "
            "HUREN_CERT_SECRET: the key of their verification codes)",
            err=True,
        )
        raise typer.Exit(2)
    return settings


def run_worker() -> None:
    """只运行预审任务 / run the pre-screening worker alone (with `huren serve --no-worker`).

    Any number of these, on any number of machines, share one PostgreSQL queue (each job is claimed
    by one worker, under a lease it renews; a worker that dies leaves its job to another when the
    lease runs out). SIGTERM or Ctrl-C: the job in hand is finished, then the worker exits.
    """
    import signal

    from api.observability import configure_logging
    from api.storage import FileStore
    from api.worker import Worker
    from db import open_database

    settings = _service_settings()
    configure_logging(settings.log_format, settings.log_level)
    w = Worker(open_database(settings.resolved_database_url), settings, FileStore(settings.data_dir / "files"))

    def stop(signum: int, _frame: object) -> None:
        typer.echo(f"worker {w.id}: {signal.Signals(signum).name}, finishing the job in hand", err=True)
        w.stop_soon()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    typer.echo(f"worker {w.id} polling every {settings.worker_poll_seconds}s", err=True)
    w.serve()
    typer.echo(f"worker {w.id} stopped", err=True)


@user_app.command("create")
def user_create(
    name: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option("--role", help="applicant | reviewer | admin | auditor")],
    area: Annotated[str | None, typer.Option("--area", help="reviewer: qingpu | wujiang | jiashan")] = None,
    province: Annotated[str | None, typer.Option("--province", help="reviewer: shanghai | jiangsu | zhejiang")] = None,
    password: Annotated[bool, typer.Option("--password", help="also set a password (prompted)")] = False,
) -> None:
    """创建用户并打印令牌 / create a user and print their bearer token (shown once)."""
    from api import auth
    from api.errors import ApiError
    from db import open_database

    # prompts go to stderr: stdout carries only the token, which scripts capture
    secret = typer.prompt("password", hide_input=True, confirmation_prompt=True, err=True) if password else None
    settings = ApiSettings()
    engine = open_database(settings.resolved_database_url)
    digest = auth.hash_password(secret) if secret else None
    try:
        with engine.begin() as conn:
            _, token = auth.create_user(
                conn, name, role, area=area, province=province, password_hash=digest, actor="cli",
                token_seconds=settings.machine_token_days * 86400,
            )  # fmt: skip
    except ApiError as exc:
        raise _fail(exc) from exc
    typer.echo(token)


NameArg = Annotated[str, typer.Argument(help="login name")]
TokenIdArg = Annotated[int, typer.Argument(help="token id (see `huren user tokens NAME`)")]
DaysOption = Annotated[float | None, typer.Option("--days", help="lifetime (default HUREN_MACHINE_TOKEN_DAYS)")]


@contextmanager
def _accounts() -> Iterator[tuple[Engine, ApiSettings]]:
    """The service's database for an account command; a refusal ends the command with its code."""
    from api.errors import ApiError
    from db import open_database

    settings = ApiSettings()
    engine = open_database(settings.resolved_database_url)
    try:
        yield engine, settings
    except ApiError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()


@user_app.command("list")
def user_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出用户 / list users (role, scope, disabled, locked)."""
    from api import accounts

    with _accounts() as (engine, _):
        rows = accounts.list_users(engine)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for u in rows:
        flags = " ".join(f for f in ("disabled" if u["disabled"] else "", "LOCKED" if u["locked"] else "") if f)
        typer.echo(f"{u['id']:>5}  {u['name']:<24} {u['role']:<10} {u['area'] or u['province'] or '':<10} {flags}")


@user_app.command("tokens")
def user_tokens(name: NameArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出令牌 / a user's tokens: id, kind, created, expires, revoked (never the token itself)."""
    from api import accounts

    with _accounts() as (engine, _):
        rows = accounts.list_tokens(engine, name)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for t in rows:
        state = "active" if t["active"] else ("revoked" if t["revoked"] else "expired")
        typer.echo(f"{t['id']:>6}  {t['kind']:<8} created {t['created_at']}  expires {t['expires_at']}  {state}")


@user_app.command("token-issue")
def user_token_issue(name: NameArg, days: DaysOption = None) -> None:
    """签发机器令牌 / issue a machine token (printed once); audited."""
    from api import accounts

    with _accounts() as (engine, settings):
        out = accounts.issue_machine_token(
            engine, "cli", name, lifetime_seconds=(days or settings.machine_token_days) * 86400
        )
    typer.echo(f"token {out['id']} expires {out['expires_at']}", err=True)
    typer.echo(out["access_token"])


@user_app.command("token-revoke")
def user_token_revoke(name: NameArg, token_id: TokenIdArg) -> None:
    """吊销令牌 / revoke a token; audited."""
    from api import accounts

    with _accounts() as (engine, _):
        accounts.revoke_token(engine, "cli", name, token_id)
    typer.echo(f"token {token_id} revoked")


@user_app.command("token-rotate")
def user_token_rotate(name: NameArg, token_id: TokenIdArg, days: DaysOption = None) -> None:
    """轮换机器令牌 / revoke a machine token and print its successor (once); audited."""
    from api import accounts

    with _accounts() as (engine, settings):
        out = accounts.rotate_token(
            engine, "cli", name, token_id, lifetime_seconds=(days or settings.machine_token_days) * 86400
        )
    typer.echo(f"token {token_id} revoked; token {out['id']} expires {out['expires_at']}", err=True)
    typer.echo(out["access_token"])


@user_app.command("disable")
def user_disable(name: NameArg) -> None:
    """停用用户 / disable a user: every token and the password stop working; audited."""
    from api import accounts

    with _accounts() as (engine, _):
        accounts.set_disabled(engine, "cli", name, True)
    typer.echo(f"{name} disabled")


@user_app.command("enable")
def user_enable(name: NameArg) -> None:
    """启用用户 / enable a disabled user; audited."""
    from api import accounts

    with _accounts() as (engine, _):
        accounts.set_disabled(engine, "cli", name, False)
    typer.echo(f"{name} enabled")


@user_app.command("password")
def user_password(name: NameArg) -> None:
    """重置密码 / set a new password (prompted); sessions end, a lockout is lifted; audited."""
    from api import accounts

    secret = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    if len(secret) < 8:
        typer.echo("error: password_too_short: 密码至少 8 位 / at least 8 characters", err=True)
        raise typer.Exit(2)
    with _accounts() as (engine, _):
        accounts.reset_password(engine, "cli", name, secret)
    typer.echo(f"password of {name} reset")


@user_app.command("unlock")
def user_unlock(name: NameArg) -> None:
    """解除登录锁定 / lift a login lockout after too many failed logins; audited."""
    from api import accounts

    with _accounts() as (engine, _):
        lifted = accounts.unlock(engine, "cli", name)
    typer.echo(f"{name} unlocked" if lifted else f"{name} was not locked")


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """校验审计日志 / check the audit log's HMAC chain against the signed checkpoints; exit 1 and say where it breaks."""
    from api import audit
    from db import open_database

    report = audit.verify(open_database(ApiSettings().resolved_database_url))
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
def audit_checkpoint() -> None:
    """写入审计检查点 / append the log's count and head hash, signed, to today's checkpoint file (for cron)."""
    from api import audit
    from db import open_database

    engine = open_database(ApiSettings().resolved_database_url)
    written = audit.checkpoint(engine)
    typer.echo(f"checkpoint {written.seq} → {written.where}" if written else "unchanged since the last checkpoint")


@contextmanager
def _followup(area: str | None, province: str | None, as_of: str | None) -> Iterator[tuple[Engine, list[str], date]]:
    """The service's database (with the registry's and the recognitions' tables), the areas asked
    for and the as-of date; a bad parameter or a refusal inside ends the command with its code."""
    from api import followup
    from api.errors import ApiError
    from db import open_database

    try:
        areas = followup.scope_areas(None, area=area, province=province)
        when = followup.as_of_date(as_of, ApiSettings().as_of)
        engine = open_database(ApiSettings().resolved_database_url)
        try:
            yield engine, areas, when
        finally:
            engine.dispose()
    except ApiError as exc:
        raise _fail(exc) from exc


def _fail(exc: ApiError) -> typer.Exit:
    typer.echo(f"error: {exc.code}: {exc.message_zh} / {exc.message_en}", err=True)
    return typer.Exit(2)


@recognitions_app.command("export")
def recognitions_export(
    fmt: Annotated[str, typer.Option("--format", help="csv | json")] = "csv",
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

    with _followup(area, province, as_of) as (engine, areas, when):
        result = followup.export(engine, "cli", areas, fmt=fmt, as_of=when, full_id_numbers=full_id_numbers)
    if out is None:
        typer.echo(result.content.decode("utf-8"), nl=False)
    else:
        out.write_bytes(result.content)
        typer.echo(f"{result.count} recognitions → {out} (sha256 {result.sha256})", err=True)


@recognitions_app.command("expiring")
def recognitions_expiring(
    days: Annotated[int, typer.Option("--days", help="expiring within this many days of the as-of date")],
    area: AreaOption = None,
    province: ProvinceOption = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """即将到期的互认证书 / recognitions whose zone certificate expires within N days (revoked ones left out)."""
    from api import followup

    with _followup(area, province, as_of) as (engine, areas, when):
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
    size: Annotated[int, typer.Option("--size", help="how many to inspect")],
    seed: Annotated[str | None, typer.Option("--seed", help="reproduce a draw (default: a fresh random seed)")] = None,
    area: AreaOption = None,
    province: ProvinceOption = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """双随机抽查 / draw recognitions in force for inspection; the seed and selection go to the audit log."""
    from api import followup

    with _followup(area, province, as_of) as (engine, areas, when):
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


@uploads_app.command("purge")
def uploads_purge(
    days: Annotated[
        int | None, typer.Option("--days", help="decided more than N days ago (default HUREN_UPLOAD_RETENTION_DAYS)")
    ] = None,
) -> None:
    """删除已办结申请的上传文件 / delete the uploads of decided applications (decision and evidence stay; audited)."""
    from api.storage import FileStore, purge_decided_uploads
    from db import open_database
    from huren import sealed

    settings = ApiSettings()
    keep = days if days is not None else settings.upload_retention_days
    if keep is None or keep < 0:
        typer.echo("error: no_retention: 请设置 --days 或 HUREN_UPLOAD_RETENTION_DAYS / give --days N", err=True)
        raise typer.Exit(2)
    sealed.configure(settings.data_key, key_file=Path(settings.data_key_file or settings.data_dir / "data.key"))
    result = purge_decided_uploads(
        open_database(settings.resolved_database_url), FileStore(settings.data_dir / "files"), days=keep
    )
    typer.echo(f"purged {result.files} files of {result.applications} applications decided more than {keep} days ago")


def mount(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(run_worker)
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    app.add_typer(recognitions_app, name="recognitions")
    app.add_typer(inspections_app, name="inspections")
    app.add_typer(uploads_app, name="uploads")
