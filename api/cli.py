"""`huren serve`, `huren worker`, `huren user create`, `huren audit verify`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.settings import ApiSettings

user_app = typer.Typer(help="用户 / users of the service", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="run pre-screening in this process")] = True,
) -> None:
    """启动服务 / run the web service (OpenAPI at /docs)."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(ApiSettings(), start_worker=worker), host=host, port=port)


def run_worker() -> None:
    """只运行预审任务 / run the pre-screening worker alone (with `huren serve --no-worker`)."""
    import time

    from api.db import open_engine
    from api.storage import FileStore
    from api.worker import Worker

    settings = ApiSettings()
    w = Worker(open_engine(settings.resolved_database_url), settings, FileStore(settings.data_dir / "files"))
    typer.echo(f"worker {w.id} polling every {settings.worker_poll_seconds}s")
    while True:
        if not w.run_once():
            time.sleep(settings.worker_poll_seconds)


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
    from api.db import open_engine
    from api.errors import ApiError

    secret = typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
    engine = open_engine(ApiSettings().resolved_database_url)
    try:
        with engine.begin() as conn:
            _, token = auth.create_user(conn, name, role, area=area, province=province, password=secret, actor="cli")
    except ApiError as exc:
        typer.echo(f"error: {exc.code}: {exc.message_zh} / {exc.message_en}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(token)


@audit_app.command("verify")
def audit_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """校验审计日志哈希链 / check the audit log's hash chain; exit 1 when an entry was changed or deleted."""
    from api import audit
    from api.db import open_engine

    report = audit.verify(open_engine(ApiSettings().resolved_database_url))
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        typer.echo(f"{report.entries} entries · {'ok' if report.ok else 'BROKEN'}")
        for problem in report.problems:
            typer.echo(f"  ✗ {problem}")
    if not report.ok:
        raise typer.Exit(1)


def mount(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(run_worker)
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
