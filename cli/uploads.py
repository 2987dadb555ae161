"""`huren uploads purge`: the uploads of decided applications, deleted after the retention period."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.database import open_service_database
from cli.options import setting
from cli.settings import current

uploads_app = typer.Typer(help="上传材料 / uploaded files", no_args_is_help=True)


@uploads_app.command("purge")
def uploads_purge(
    ctx: typer.Context,
    days: Annotated[int | None, setting("upload_retention_days", "--days", help="decided more than N days ago")] = None,
) -> None:
    """删除已办结申请的上传文件 / delete the uploads of decided applications (decision and evidence stay; audited)."""
    from api.storage import FileStore, purge_decided_uploads

    settings = current(ctx)
    keep = days if days is not None else settings.upload_retention_days
    if keep is None or keep < 0:
        typer.echo("error: no_retention: 请设置 --days 或 HUREN_UPLOAD_RETENTION_DAYS / give --days N", err=True)
        raise typer.Exit(2)
    result = purge_decided_uploads(open_service_database(settings), FileStore(settings.data_dir / "files"), days=keep)
    typer.echo(f"purged {result.files} files of {result.applications} applications decided more than {keep} days ago")
