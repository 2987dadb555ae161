"""`huren db`: the database's schema (Alembic migrations)."""

from __future__ import annotations

import typer

from cli.settings import current

db_app = typer.Typer(name="db", help="数据库结构 / the database's schema (Alembic migrations)", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """升级数据库结构 / bring the database (HUREN_DATABASE_URL) to this version's schema; serve and worker do it at start."""
    import db
    from huren import sealed

    settings = current(ctx)
    # the service's key, whatever the process held: migration 0003 seals an old database's clear text with it
    sealed.configure(settings.data_key, key_file=settings.data_key_path)
    engine = db.make_engine(settings.resolved_database_url)
    before = db.current(engine)
    db.upgrade(engine)
    typer.echo(f"database at revision {db.current(engine)} (was {before or 'unversioned'})")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """数据库结构版本 / the database's revision and this version's head; exit 1 when they differ."""
    import db

    at, head = db.current(db.make_engine(current(ctx).resolved_database_url)), db.head()
    typer.echo(f"database at revision {at or 'unversioned'}, head {head}")
    if at != head:
        raise typer.Exit(1)
