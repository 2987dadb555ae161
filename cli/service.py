"""`huren serve` and `huren worker`: the web service and the pre-screening worker."""

from __future__ import annotations

from typing import Annotated

import typer

from api.settings import Settings
from cli.database import open_service_database
from cli.options import LogFormat, setting
from cli.settings import with_options

LogFormatOpt = Annotated[LogFormat | None, setting("log_format", "--log-format", help="log lines as text or JSON")]


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    worker: Annotated[
        bool | None,
        setting("worker", "--worker/--no-worker", help="run pre-screening in this process"),
    ] = None,
    log_format: LogFormatOpt = None,
) -> None:
    """启动服务 / run the web service (OpenAPI at /docs)."""
    import uvicorn

    from api.app import create_app
    from api.observability import configure_logging, logging_config

    settings = _service_settings(with_options(ctx, worker=worker, log_format=log_format))
    configure_logging(settings.log_format, settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=logging_config(settings.log_format, settings.log_level),
    )


def _service_settings(settings: Settings) -> Settings:
    """The settings, or exit 2 naming what a public service cannot run without."""
    if missing := settings.missing_for_service():
        typer.echo(
            f"error: settings_missing: 请设置 {'、'.join(missing)} / set {', '.join(missing)} "
            "(HUREN_VERIFY_BASE_URL: the site the certificates' QR codes lead to; "
            "HUREN_CERT_SECRET: the key of their verification codes)",
            err=True,
        )
        raise typer.Exit(2)
    return settings


def run_worker(ctx: typer.Context, log_format: LogFormatOpt = None) -> None:
    """只运行预审任务 / run the pre-screening worker alone (with `huren serve --no-worker`).

    Any number of these, on any number of machines, share one PostgreSQL queue (each job is claimed
    by one worker, under a lease it renews; a worker that dies leaves its job to another when the
    lease runs out). SIGTERM or Ctrl-C: the job in hand is finished, then the worker exits.
    """
    import signal

    from api.observability import configure_logging
    from api.priority import lower_this_process
    from api.storage import FileStore
    from api.worker import Worker

    settings = _service_settings(with_options(ctx, log_format=log_format))
    configure_logging(settings.log_format, settings.log_level)
    w = Worker(open_service_database(settings), settings, FileStore(settings.data_dir / "files"))

    def stop(signum: int, _frame: object) -> None:
        typer.echo(f"worker {w.id}: {signal.Signals(signum).name}, finishing the job in hand", err=True)
        w.stop_soon()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    lower_this_process(settings.background_nice)  # every thread, and those started later inherit it
    typer.echo(f"worker {w.id} polling every {settings.worker_poll_seconds}s", err=True)
    w.serve()
    typer.echo(f"worker {w.id} stopped", err=True)
