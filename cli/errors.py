"""How a command ends on a refusal from the service's functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from api.errors import ApiError


def exit_for(exc: ApiError) -> typer.Exit:
    """Print the refusal's code and both messages to stderr; the command exits 2."""
    typer.echo(f"error: {exc.code}: {exc.message_zh} / {exc.message_en}", err=True)
    return typer.Exit(2)
