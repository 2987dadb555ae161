"""What an import of registry files did: counts, rejected rows, per-file summaries, notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matching.files import RejectedRow


@dataclass(slots=True)
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False  # committed (False for a dry run, a failed import, or row errors without `partial`)
    files: list[Any] = field(default_factory=list)  # `matching.importer.FileSummary` per file
    notices: list[str] = field(default_factory=list)  # columns not imported, sheets skipped, …
    # authority records a digitised row overwrote (`overwrite_authority`): cert_type, cert_number, fields
    overwritten: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [str(r) for r in self.rejected],
            "dry_run": self.dry_run,
            "written": self.written,
            "files": [f.to_json() for f in self.files],
            "notices": self.notices,
        }


__all__ = ["ImportReport"]
