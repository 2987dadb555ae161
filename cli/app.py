"""`huren`: the root command; each group is mounted from its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import audit, db, digitize, followup, ocr, registry, service, settings, uploads, users, verify

app = typer.Typer(
    help="互认 Huren — 注册计量师注册资质互认材料核验 / certificate verification for mutual recognition",
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from huren import __version__

        typer.echo(f"huren {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="版本 / print the version")
    ] = False,
) -> None:
    """互认 Huren — 注册计量师注册资质互认材料核验 / certificate verification for mutual recognition"""
    ctx.obj = settings.load()  # once, at the top; sub-commands take it with `settings.current(ctx)`


app.command("extract")(ocr.extract)
app.command("eval")(ocr.evaluate)
app.add_typer(registry.registry_app, name="registry", help="发证机关登记库 / the issuing authorities' registry")
app.command("verify")(verify.verify_cli)
app.command("reissue")(verify.reissue_cli)
app.command("serve")(service.serve)
app.command("worker")(service.run_worker)
app.add_typer(users.user_app, name="user")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(db.db_app, name="db")
app.add_typer(followup.recognitions_app, name="recognitions")
app.add_typer(followup.inspections_app, name="inspections")
app.add_typer(uploads.uploads_app, name="uploads")
app.add_typer(
    digitize.digitize_app, name="digitize", help="纸质证书批量数字化 / batch digitisation of paper certificates"
)

if __name__ == "__main__":
    app()
