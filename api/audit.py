"""Append-only audit log, hash-chained: each entry's hash covers its content and the previous hash.

Appends happen inside the transaction of the change they record, so a change and its entry land
together or not at all. The head row (last seq and hash) is updated first, which takes the write
lock (row lock on PostgreSQL, the database lock on SQLite) and serialises appenders: no gaps, no
forks. `verify` recomputes the chain: an edited entry breaks its own hash, a deleted one leaves a gap
or a broken link, a deleted tail disagrees with the head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from api.db import GENESIS_HASH, audit_head, audit_log, now_iso


def entry_hash(seq: int, at: str, actor: str, action: str, target: str | None, detail: Any, prev_hash: str) -> str:
    body = json.dumps(
        [seq, at, actor, action, target, detail, prev_hash], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(conn: Connection, actor: str, action: str, target: str | None = None, **detail: Any) -> int:
    """Record one entry in the caller's transaction; returns its sequence number."""
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1))
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    seq, prev = int(head.seq), str(head.hash)
    at = now_iso()
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str))  # exactly what the JSON column returns
    digest = entry_hash(seq, at, actor, action, target, detail, prev)
    conn.execute(
        insert(audit_log).values(
            seq=seq, at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=digest
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=digest))
    return seq


@dataclass(slots=True)
class AuditReport:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "problems": self.problems}


def verify(engine: Engine) -> AuditReport:
    """Walk the chain from the first entry; every broken link or hash is a problem."""
    report = AuditReport()
    prev, expected_seq = GENESIS_HASH, 1
    with engine.connect() as conn:
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
        for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
            report.entries += 1
            if row.seq != expected_seq:
                report.problems.append(f"entry {expected_seq} missing (next is {row.seq})")
            if row.prev_hash != prev:
                report.problems.append(f"entry {row.seq}: does not link to the entry before it")
            digest = entry_hash(row.seq, row.at, row.actor, row.action, row.target, row.detail, row.prev_hash)
            if digest != row.hash:
                report.problems.append(f"entry {row.seq}: content changed (hash mismatch)")
            prev, expected_seq = row.hash, row.seq + 1
    head_seq, head_hash = (int(head.seq), str(head.hash)) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev:
        report.problems.append(f"log ends at entry {expected_seq - 1} but the head records entry {head_seq}")
    return report


def entries(engine: Engine, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    stmt = select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(limit)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]
