"""`huren user …`: create, list, tokens, token-issue|revoke|rotate, disable, enable, password, unlock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from api.settings import Settings
from cli.database import open_service_database
from cli.errors import exit_for
from cli.options import Area, Province, Role, setting
from cli.settings import current

if TYPE_CHECKING:
    from sqlalchemy import Engine

user_app = typer.Typer(help="用户 / users of the service", no_args_is_help=True)


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[Role, typer.Option("--role", help="what the user may do")],
    area: Annotated[Area | None, typer.Option("--area", help="reviewer: the area reviewed", show_default=False)] = None,
    province: Annotated[
        Province | None, typer.Option("--province", help="reviewer: the province reviewed", show_default=False)
    ] = None,
    password: Annotated[bool, typer.Option("--password", help="also set a password (prompted)")] = False,
) -> None:
    """创建用户并打印令牌 / create a user and print their bearer token (shown once)."""
    from api import auth
    from api.errors import ApiError

    # prompts go to stderr: stdout carries only the token, which scripts capture
    secret = typer.prompt("password", hide_input=True, confirmation_prompt=True, err=True) if password else None
    settings = current(ctx)
    engine = open_service_database(settings)
    digest = auth.hash_password(secret) if secret else None
    try:
        with engine.begin() as conn:
            _, token = auth.create_user(
                conn, name, role, area=area, province=province, password_hash=digest, actor="cli",
                token_seconds=settings.machine_token_days * 86400,
            )  # fmt: skip
    except ApiError as exc:
        raise exit_for(exc) from exc
    typer.echo(token)


NameArg = Annotated[str, typer.Argument(help="login name")]
TokenIdArg = Annotated[int, typer.Argument(help="token id (see `huren user tokens NAME`)")]
DaysOption = Annotated[float | None, setting("machine_token_days", "--days", help="lifetime in days")]


@contextmanager
def _accounts(ctx: typer.Context) -> Iterator[tuple[Engine, Settings]]:
    """The service's database for an account command; a refusal ends the command with its code."""
    from api.errors import ApiError

    settings = current(ctx)
    engine = open_service_database(settings)
    try:
        yield engine, settings
    except ApiError as exc:
        raise exit_for(exc) from exc
    finally:
        engine.dispose()


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出用户 / list users (role, scope, disabled, locked)."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        rows = accounts.list_users(engine)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for u in rows:
        flags = " ".join(f for f in ("disabled" if u["disabled"] else "", "LOCKED" if u["locked"] else "") if f)
        typer.echo(f"{u['id']:>5}  {u['name']:<24} {u['role']:<10} {u['area'] or u['province'] or '':<10} {flags}")


@user_app.command("tokens")
def user_tokens(ctx: typer.Context, name: NameArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出令牌 / a user's tokens: id, kind, created, expires, revoked (never the token itself)."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        rows = accounts.list_tokens(engine, name)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for t in rows:
        state = "active" if t["active"] else ("revoked" if t["revoked"] else "expired")
        typer.echo(f"{t['id']:>6}  {t['kind']:<8} created {t['created_at']}  expires {t['expires_at']}  {state}")


@user_app.command("token-issue")
def user_token_issue(ctx: typer.Context, name: NameArg, days: DaysOption = None) -> None:
    """签发机器令牌 / issue a machine token (printed once); audited."""
    from api import accounts

    with _accounts(ctx) as (engine, settings):
        out = accounts.issue_machine_token(
            engine, "cli", name, lifetime_seconds=(days or settings.machine_token_days) * 86400
        )
    typer.echo(f"token {out['id']} expires {out['expires_at']}", err=True)
    typer.echo(out["access_token"])


@user_app.command("token-revoke")
def user_token_revoke(ctx: typer.Context, name: NameArg, token_id: TokenIdArg) -> None:
    """吊销令牌 / revoke a token; audited."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        accounts.revoke_token(engine, "cli", name, token_id)
    typer.echo(f"token {token_id} revoked")


@user_app.command("token-rotate")
def user_token_rotate(ctx: typer.Context, name: NameArg, token_id: TokenIdArg, days: DaysOption = None) -> None:
    """轮换机器令牌 / revoke a machine token and print its successor (once); audited."""
    from api import accounts

    with _accounts(ctx) as (engine, settings):
        out = accounts.rotate_token(
            engine, "cli", name, token_id, lifetime_seconds=(days or settings.machine_token_days) * 86400
        )
    typer.echo(f"token {token_id} revoked; token {out['id']} expires {out['expires_at']}", err=True)
    typer.echo(out["access_token"])


@user_app.command("disable")
def user_disable(ctx: typer.Context, name: NameArg) -> None:
    """停用用户 / disable a user: every token and the password stop working; audited."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        accounts.set_disabled(engine, "cli", name, True)
    typer.echo(f"{name} disabled")


@user_app.command("enable")
def user_enable(ctx: typer.Context, name: NameArg) -> None:
    """启用用户 / enable a disabled user; audited."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        accounts.set_disabled(engine, "cli", name, False)
    typer.echo(f"{name} enabled")


@user_app.command("password")
def user_password(ctx: typer.Context, name: NameArg) -> None:
    """重置密码 / set a new password (prompted); sessions end, a lockout is lifted; audited."""
    from api import accounts

    secret = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    if len(secret) < 8:
        typer.echo("error: password_too_short: 密码至少 8 位 / at least 8 characters", err=True)
        raise typer.Exit(2)
    with _accounts(ctx) as (engine, _):
        accounts.reset_password(engine, "cli", name, secret)
    typer.echo(f"password of {name} reset")


@user_app.command("unlock")
def user_unlock(ctx: typer.Context, name: NameArg) -> None:
    """解除登录锁定 / lift a login lockout after too many failed logins; audited."""
    from api import accounts

    with _accounts(ctx) as (engine, _):
        lifted = accounts.unlock(engine, "cli", name)
    typer.echo(f"{name} unlocked" if lifted else f"{name} was not locked")
