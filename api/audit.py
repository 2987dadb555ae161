"""Append-only audit log: an HMAC chain in the database, signed checkpoints outside it.

Appends happen inside the transaction of the change they record, so a change and its entry land
together or not at all. The head row (last seq and hash) is updated first, which takes the write
lock (row lock on PostgreSQL, the database lock on SQLite) and serialises appenders: no gaps, no
forks.

Each entry's hash is an HMAC-SHA256, under a key kept outside the database (`HUREN_AUDIT_KEY`, or the
file `HUREN_AUDIT_KEY_FILE`, default `DATA_DIR/audit.key`, made on first use), of its content and the
previous entry's hash. Whoever can write the database but not read the key cannot recompute the chain
after editing a row.

Checkpoints — the count of entries and the head hash, signed with the same key — are appended to one
file per day (`HUREN_AUDIT_CHECKPOINT_DIR`, default `DATA_DIR/audit-checkpoints/YYYY-MM-DD.jsonl`)
by `huren serve` every `audit_checkpoint_seconds`, when it stops, and by `huren audit checkpoint`
(for cron). The operator archives these files away from the database. Cutting the log's tail and
rewinding the head, or rewriting entries with the key in hand, then disagrees with a checkpoint.

`verify` walks the chain and compares it with every checkpoint; each problem names its entry, and
`first_break` is the first entry that cannot be trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, insert, select, update

from api.db import GENESIS_HASH, audit_head, audit_log, now_iso
from huren.sealed import read_or_make_key

if TYPE_CHECKING:
    from api.settings import Settings


@dataclass(frozen=True, slots=True)
class AuditKeys:
    key: bytes
    checkpoint_dir: Path


_configured: weakref.WeakKeyDictionary[Engine, AuditKeys] = weakref.WeakKeyDictionary()


def keys_from_settings(settings: Settings) -> AuditKeys:
    """The key from `HUREN_AUDIT_KEY`, else from the key file (made, 0600, when missing)."""
    data_dir = Path(settings.data_dir)
    checkpoint_dir = Path(settings.audit_checkpoint_dir or data_dir / "audit-checkpoints")
    if settings.audit_key:
        return AuditKeys(settings.audit_key.encode(), checkpoint_dir)
    key_file = Path(settings.audit_key_file or data_dir / "audit.key")
    return AuditKeys(read_or_make_key(key_file).encode(), checkpoint_dir)


def configure(engine: Engine, settings_or_keys: Settings | AuditKeys) -> AuditKeys:
    """The key and checkpoint folder for the log on this engine."""
    keys = settings_or_keys if isinstance(settings_or_keys, AuditKeys) else keys_from_settings(settings_or_keys)
    _configured[engine] = keys
    return keys


def keys_for(engine: Engine) -> AuditKeys:
    """What `configure` set for the engine; else the environment's settings (`huren` commands)."""
    keys = _configured.get(engine)
    if keys is None:
        from api.settings import Settings

        keys = configure(engine, Settings())
    return keys


def entry_hash(
    key: bytes, seq: int, at: str, actor: str, action: str, target: str | None, detail: Any, prev_hash: str
) -> str:
    body = json.dumps(
        [seq, at, actor, action, target, detail, prev_hash], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def append(conn: Connection, actor: str, action: str, target: str | None = None, **detail: Any) -> int:
    """Record one entry in the caller's transaction; returns its sequence number."""
    key = keys_for(conn.engine).key
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1))
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    seq, prev = int(head.seq), str(head.hash)
    at = now_iso()
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str))  # exactly what the JSON column returns
    digest = entry_hash(key, seq, at, actor, action, target, detail, prev)
    conn.execute(
        insert(audit_log).values(
            seq=seq, at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=digest
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=digest))
    return seq


# --- checkpoints --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str
    where: str  # file:line, for messages

    @staticmethod
    def sign(key: bytes, seq: int, head_hash: str, at: str) -> str:
        return hmac.new(key, f"checkpoint|{seq}|{head_hash}|{at}".encode(), hashlib.sha256).hexdigest()


def _head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    return (int(head.seq), str(head.hash)) if head else (0, GENESIS_HASH)


def read_checkpoints(checkpoint_dir: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint line in the folder, oldest file first; lines that cannot be read are problems."""
    found: list[Checkpoint] = []
    problems: list[str] = []
    for path in sorted(checkpoint_dir.glob("*.jsonl")) if checkpoint_dir.is_dir() else []:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                data = json.loads(line)
                found.append(Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"]), where))
            except (ValueError, KeyError, TypeError):
                problems.append(f"checkpoint {where}: unreadable line")
    return found, problems


def checkpoint(engine: Engine, *, now: datetime | None = None) -> Checkpoint | None:
    """Append the head (count and hash) to today's checkpoint file, signed; None when it has not moved."""
    keys = keys_for(engine)
    seq, head_hash = _head(engine)
    existing, _ = read_checkpoints(keys.checkpoint_dir)
    if existing and (existing[-1].seq, existing[-1].hash) == (seq, head_hash):
        return None
    when = now or datetime.now(UTC)
    at = when.isoformat(timespec="seconds")
    mac = Checkpoint.sign(keys.key, seq, head_hash, at)
    keys.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    path = keys.checkpoint_dir / f"{when.date().isoformat()}.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"seq": seq, "hash": head_hash, "at": at, "mac": mac}) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return Checkpoint(seq, head_hash, at, mac, path.name)


# --- verification -------------------------------------------------------------------------------------


@dataclass(slots=True)
class AuditReport:
    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    first_break: int | None = None  # the first entry that cannot be trusted

    @property
    def ok(self) -> bool:
        return not self.problems

    def broken(self, seq: int, problem: str) -> None:
        self.problems.append(problem)
        self.first_break = seq if self.first_break is None else min(self.first_break, seq)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "first_break": self.first_break,
            "problems": self.problems,
        }


def verify(engine: Engine) -> AuditReport:
    """Walk the chain from the first entry, then hold it against every checkpoint written outside it."""
    keys = keys_for(engine)
    report = AuditReport()
    prev, expected_seq = GENESIS_HASH, 1
    hashes: dict[int, str] = {}
    with engine.connect() as conn:
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
        for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
            report.entries += 1
            if row.seq != expected_seq:
                report.broken(expected_seq, f"entry {expected_seq} missing (next is {row.seq})")
            if row.prev_hash != prev:
                report.broken(row.seq, f"entry {row.seq}: does not link to the entry before it")
            digest = entry_hash(keys.key, row.seq, row.at, row.actor, row.action, row.target, row.detail, row.prev_hash)
            if not hmac.compare_digest(digest, row.hash):
                report.broken(row.seq, f"entry {row.seq}: content changed (HMAC mismatch)")
            hashes[row.seq] = row.hash
            prev, expected_seq = row.hash, row.seq + 1
    last = expected_seq - 1
    head_seq, head_hash = (int(head.seq), str(head.hash)) if head else (0, GENESIS_HASH)
    if head_seq != last or head_hash != prev:
        report.broken(min(head_seq, last) + 1, f"log ends at entry {last} but the head records entry {head_seq}")
    found, unreadable = read_checkpoints(keys.checkpoint_dir)
    report.problems.extend(unreadable)
    report.checkpoints = len(found)
    for cp in found:
        if not hmac.compare_digest(Checkpoint.sign(keys.key, cp.seq, cp.hash, cp.at), cp.mac):
            report.problems.append(f"checkpoint {cp.where}: signature does not match (the file was edited)")
        elif cp.seq > last:
            report.broken(
                last + 1,
                f"entries {last + 1}–{cp.seq} missing: the checkpoint of {cp.at} ({cp.where}) recorded {cp.seq} "
                f"entries, the log has {last} (tail cut)",
            )
        elif cp.seq and hashes.get(cp.seq) != cp.hash:
            report.broken(
                cp.seq, f"entry {cp.seq}: differs from the checkpoint of {cp.at} ({cp.where}): the log was rewritten"
            )
    return report


def entries(engine: Engine, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    stmt = select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(limit)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]
