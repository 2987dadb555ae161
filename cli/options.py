"""Options shared by several commands: the ones a setting also sets, the choices as enums, dates as dates.

An option that a setting also sets names its `Settings` field once (`setting(...)`): `--help` shows the
`HUREN_*` variable, which Typer reads when the option is not given, exactly as `Settings` would.
Choices are enums built from the data that defines them (the zone's areas and provinces, the roles),
so `--help` lists them and a wrong one is refused before the command runs.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Annotated, Any

import typer

from api.auth import ROLES
from api.settings import Settings
from huren import zone

ENV_PREFIX = str(Settings.model_config.get("env_prefix") or "")

Area = StrEnum("Area", {key: key for key in zone.areas()})  # type: ignore[misc]  # members from the zone's data
Province = StrEnum("Province", {key: key for key in zone.provinces()})  # type: ignore[misc]
Role = StrEnum("Role", {key: key for key in ROLES})  # type: ignore[misc]


class LogFormat(StrEnum):
    text = "text"
    json = "json"  # one JSON object per line


class OcrBackend(StrEnum):
    rapidocr = "rapidocr"
    paddle = "paddle"


def env_var(field: str) -> str:
    """The environment variable of a `Settings` field (`ocr_det_side` → `HUREN_OCR_DET_SIDE`)."""
    if field not in Settings.model_fields:
        raise KeyError(f"{field!r} is not a Settings field")
    return f"{ENV_PREFIX}{field}".upper()


def setting(field: str, *param_decls: str, help: str, **kwargs: Any) -> Any:
    """A `typer.Option` that the setting `field` also sets; `--help` shows its `HUREN_*` variable and the
    setting's default (the option's own default is None: not given, the setting decides)."""
    default = Settings.model_fields[field].default if field in Settings.model_fields else None
    shown = str(default.value if isinstance(default, Enum) else default) if default not in (None, "") else False
    kwargs.setdefault("show_default", shown)
    return typer.Option(*param_decls, envvar=env_var(field), show_envvar=True, help=help, **kwargs)


DATE_FORMATS = ["%Y-%m-%d"]
DATE_METAVAR = "<%Y-%m-%d>"  # as Typer shows a date option


def choices(enum: type[StrEnum]) -> str:
    """`<a|b|c>`, as Typer shows an enum option's choices: for an option the service's functions check."""
    return "<" + "|".join(member.value for member in enum) + ">"


def as_date(value: datetime | None) -> date | None:
    """Typer reads dates as datetimes (`formats=DATE_FORMATS`); the commands want the day."""
    return value.date() if value is not None else None


def date_option(*param_decls: str, help: str, field: str | None = None) -> Any:
    """A date option, YYYY-MM-DD, optionally set by a setting too."""
    if field is not None:
        return setting(field, *param_decls, help=help, formats=DATE_FORMATS)
    return typer.Option(*param_decls, help=help, formats=DATE_FORMATS, show_default=False)


BackendOpt = Annotated[OcrBackend | None, setting("ocr_backend", "--backend", help="OCR engine")]
DetSideOpt = Annotated[int | None, setting("ocr_det_side", "--det-side", help="detector input: longer side in pixels")]
ThreadsOpt = Annotated[int | None, setting("ocr_threads", "--threads", help="OCR runtime threads (0 = all cores)")]
DatabaseOpt = Annotated[
    str | None,
    setting(
        "database_url",
        "--database-url",
        help="SQLAlchemy URL; default SQLite under HUREN_DATA_DIR (postgresql+psycopg://… for PostgreSQL)",
    ),
]
AsOfOpt = Annotated[datetime | None, date_option("--as-of", help="decision date (default today, 北京时间)")]
AreaOpt = Annotated[Area | None, typer.Option("--area", help="the recognising area", show_default=False)]
ProvinceOpt = Annotated[Province | None, typer.Option("--province", help="province", show_default=False)]
