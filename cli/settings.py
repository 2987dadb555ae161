"""The settings of one run of `huren`: built once, by the root command, and handed to every sub-command.

`api.settings.Settings` is the one settings class (the service is given one and names its type, so it
lives there); this module builds it at the top — the only place the environment is read — and keeps it
on the root context (`ctx.obj`), where each sub-command takes it (`current(ctx)`): passed down, not re-read.
"""

from __future__ import annotations

from typing import Any

import typer

from api.settings import Settings
from huren import sealed


def load() -> Settings:
    """Read `HUREN_*` once; the encrypted columns will use the data key these settings name."""
    settings = Settings()
    sealed.configure_on_first_use(settings.data_key, key_file=settings.data_key_path)
    return settings


def current(ctx: typer.Context) -> Settings:
    """This run's settings: the root command built them (`load`); a sub-app run alone (tests) builds them here."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = load()
    return root.obj


def with_options(ctx: typer.Context, **given: Any) -> Settings:
    """This run's settings with the command's options that were given (None: not given) in place of fields."""
    settings = current(ctx)
    update = {field: value for field, value in given.items() if value is not None}
    unknown = set(update) - set(Settings.model_fields)
    if unknown:
        raise KeyError(f"not Settings fields: {sorted(unknown)}")
    return settings.model_copy(update=update) if update else settings
