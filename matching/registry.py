"""An in-memory registry: records loaded from a file (`huren verify --registry CSV`) or a store."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from huren.domain import CertType, RegistryRecord
from matching.files import FileFormat, RejectedRow, read_registry_file, record_key
from matching.search import BLOCKING_RULES, record_block_keys

log = logging.getLogger(__name__)


class Registry:
    """Records with a hash index per blocking rule; `candidates` is a few dictionary lookups."""

    def __init__(self, records: Iterable[RegistryRecord] = ()) -> None:
        self._records: list[RegistryRecord] = []
        self._by_key: dict[tuple[str, str], int] = {}
        # One index per rule: key → record position (an int while unique, a list once shared, to save memory).
        self._index: dict[str, dict[str, int | list[int]]] = {rule.name: {} for rule in BLOCKING_RULES}
        self.rejected: list[RejectedRow] = []
        for record in records:
            self.add(record)

    @classmethod
    def from_file(cls, path: str | Path, fmt: FileFormat | None = None) -> Registry:
        """Load a CSV / JSONL registry file; bad rows are kept in `.rejected` (and logged), not loaded."""
        parsed = read_registry_file(path, fmt)
        registry = cls(row.record for row in parsed.rows)
        registry.rejected = parsed.rejected
        for rejected in parsed.rejected:
            log.warning("registry row rejected: %s", rejected)
        return registry

    @classmethod
    def from_csv(cls, path: str | Path) -> Registry:
        return cls.from_file(path, "csv")

    @classmethod
    def from_jsonl(cls, path: str | Path) -> Registry:
        return cls.from_file(path, "jsonl")

    def add(self, record: RegistryRecord) -> None:
        """Add a record; a record with the same (cert_type, cert_number) replaces the earlier one."""
        key = record_key(record)
        if key in self._by_key:
            position = self._by_key[key]
            self._unindex(position)
            self._records[position] = record
        else:
            position = len(self._records)
            self._records.append(record)
            self._by_key[key] = position
        for block, value in record_block_keys(record).items():
            if value is None:
                continue
            index = self._index[block]
            found = index.get(value)
            if found is None:
                index[value] = position
            elif isinstance(found, int):
                index[value] = [found, position]
            else:
                found.append(position)

    def _unindex(self, position: int) -> None:
        for block, value in record_block_keys(self._records[position]).items():
            if value is None:
                continue
            index = self._index[block]
            found = index.get(value)
            if found == position:
                del index[value]
            elif isinstance(found, list):
                found.remove(position)

    def get(self, cert_type: CertType | str, cert_number: str) -> RegistryRecord | None:
        position = self._by_key.get((str(cert_type), cert_number))
        return None if position is None else self._records[position]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RegistryRecord]:
        return iter(self._records)

    def candidates(self, keys: Mapping[str, Sequence[str]], cert_type: CertType | None) -> list[RegistryRecord]:
        positions: dict[int, None] = {}
        for block, values in keys.items():
            index = self._index.get(block)
            if index is None:
                continue
            for value in values:
                found = index.get(value)
                if found is None:
                    continue
                for position in [found] if isinstance(found, int) else found:
                    positions[position] = None
        records = (self._records[p] for p in positions)
        return [r for r in records if cert_type is None or r.cert_type == cert_type]
