"""Registry records ↔ rows of `registry_records`: the columns both the store and the importer read and write."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from huren.domain import CertType, RecordStatus, RegistryRecord

DIGITIZED_SOURCE = "digitized:"  # the `source` prefix of rows read from scans by `huren digitize`


def is_digitized(record: RegistryRecord) -> bool:
    return (record.source or "").startswith(DIGITIZED_SOURCE)


def updated_now() -> str:
    """The `updated_at` stamp of rows written now (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


RECORD_COLUMNS: tuple[str, ...] = (
    "cert_type",
    "cert_number",
    "name",
    "id_number",
    "gender",
    "level",
    "categories",
    "items",
    "issuing_authority",
    "valid_from",
    "valid_until",
    "status",
    "employer",
    "source",
    "updated_at",
)
"""The table's own columns, in table order (the blocking keys follow them)."""


def record_values(record: RegistryRecord, updated_at: str) -> tuple[Any, ...]:
    """A record as the values of `RECORD_COLUMNS`, in that order (an import builds a tuple a row, no dict)."""
    return (
        str(record.cert_type),
        record.cert_number,
        record.name,
        record.id_number,
        record.gender,
        record.level,
        ";".join(record.categories),
        ";".join(record.items),
        record.issuing_authority,
        record.valid_from,
        record.valid_until,
        str(record.status),
        record.employer,
        record.source,
        updated_at,
    )


def record_columns(record: RegistryRecord, updated_at: str) -> dict[str, Any]:
    """A record as the table's own columns (the blocking keys are added by the caller)."""
    return dict(zip(RECORD_COLUMNS, record_values(record, updated_at), strict=True))


def record_from_row(row: Any) -> RegistryRecord:
    """A fetched row (its own columns; the blocking keys, if present, are not read) as a record."""
    return record_from_mapping(row._mapping)


def record_from_mapping(m: Mapping[str, Any]) -> RegistryRecord:
    """A record from its columns' values by name (as the column types give them back)."""
    return RegistryRecord(
        cert_type=CertType(m["cert_type"]),
        cert_number=m["cert_number"],
        name=m["name"],
        id_number=m["id_number"],
        gender=m["gender"],
        level=m["level"],
        categories=[c for c in (m["categories"] or "").split(";") if c],
        items=[c for c in (m["items"] or "").split(";") if c],
        issuing_authority=m["issuing_authority"],
        valid_from=m["valid_from"],
        valid_until=m["valid_until"],
        status=RecordStatus(m["status"]),
        employer=m["employer"],
        source=m["source"],
        updated_at=m["updated_at"],
    )


__all__ = [
    "DIGITIZED_SOURCE",
    "RECORD_COLUMNS",
    "is_digitized",
    "record_columns",
    "record_from_mapping",
    "record_from_row",
    "record_values",
    "updated_now",
]
