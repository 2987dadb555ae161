"""The service's database for a command, opened the way `huren serve` opens it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from api.settings import Settings


def open_service_database(settings: Settings) -> Engine:
    """The settings' database brought to this version's schema (migrations), the audit log keyed by these settings
    (`HUREN_AUDIT_KEY` or its key file), so a command's audit entries chain with the service's."""
    from api import audit
    from db import open_database

    engine = open_database(settings.resolved_database_url)
    audit.configure(engine, settings)
    return engine
