"""The tables' columns that follow code elsewhere stay in step with it."""

from __future__ import annotations

from db.tables import REGISTRY_BLOCK_KEYS, registry_records
from matching.search import BLOCKING_RULES


def test_every_blocking_rule_has_its_indexed_column() -> None:
    assert tuple(rule.name for rule in BLOCKING_RULES) == REGISTRY_BLOCK_KEYS
    indexed = {ix.columns[0].name for ix in registry_records.indexes}
    assert set(REGISTRY_BLOCK_KEYS) <= indexed
