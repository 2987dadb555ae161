"""`huren uploads purge`: the uploads of decided applications, deleted after the retention period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.settings import ApiSettings

uploads_app = typer.Typer(help="上传材料 / uploaded files", no_args_is_help=True)


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
