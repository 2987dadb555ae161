"""Recognitions (互认确认): which area recognised which certificate, when, for which new employer.

`matching.store` holds the issuing authorities' records and nothing else, so recognitions live in
their own table, `recognitions`, on the same database (same URL / engine as the registry store;
`HUREN_DATABASE_URL`, default SQLite). The table also allocates the zone certificate's sequence
number: one counter per (area, year), unique, taken inside the transaction that records the
recognition, so two concurrent reissues cannot get the same number.

Each recognition is its own certificate, tied to the application it was issued for
(`application_id`). A later recognition of the same person — the same registration, or the same ID
number (found by its keyed hash) — supersedes the earlier ones in the same transaction: they keep their number and row, and `superseded_by` names the
certificate that replaced them, which `/verify` shows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from huren import sealed
from huren.sealed import SealedText
from matching.store import default_database_url, make_engine

metadata = MetaData()

recognitions = Table(
    "recognitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(40), nullable=False, unique=True),  # the zone certificate's number
    Column("area", String(16), nullable=False),  # qingpu | wujiang | jiashan
    Column("year", SmallInteger, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("cert_type", String(16), nullable=False),  # the recognised certificate, as in registry_records
    Column("cert_number", String(64), nullable=False),
    Column("holder_name", String(64), nullable=False),
    Column("id_number", SealedText),  # encrypted (huren.sealed); found by id_number_hash
    Column("id_number_hash", String(64), index=True),  # keyed hash of the ID number, for look-ups
    Column("level", SmallInteger),
    Column("categories", Text, nullable=False, default=""),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("employer", String(256)),  # the new employer (现执业单位)
    Column("former_employer", String(256)),
    Column("original_authority", String(128)),
    Column("recognising_authority", String(128), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("decision_as_of", Date, nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("pdf_path", String(512)),
    Column("created_at", String(40), nullable=False),
    Column("application_id", String(32), index=True),  # the application it was issued for (the service's)
    Column("superseded_by", String(40)),  # the number of the later certificate that replaced this one
    Column("superseded_on", Date),
    Column("revoked_on", Date),  # the zone authority withdrew this certificate (a reviewer reopened the case)
    Column("revoked_reason", String(512)),
    UniqueConstraint("area", "year", "sequence", name="uq_recognitions_sequence"),
)


@dataclass(slots=True)
class Recognition:
    area: str
    year: int
    cert_type: str
    cert_number: str
    holder_name: str
    recognising_authority: str
    issued_on: date
    decision_as_of: date
    rules_version: str
    id_number: str | None = None
    level: int | None = None
    categories: list[str] = field(default_factory=list)
    valid_from: date | None = None
    valid_until: date | None = None
    employer: str | None = None
    former_employer: str | None = None
    original_authority: str | None = None
    pdf_path: str | None = None
    number: str | None = None  # set when recorded
    sequence: int | None = None
    application_id: str | None = None
    superseded_by: str | None = None
    superseded_on: date | None = None
    revoked_on: date | None = None
    revoked_reason: str | None = None

    def to_row(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "area": self.area,
            "year": self.year,
            "sequence": self.sequence,
            "cert_type": self.cert_type,
            "cert_number": self.cert_number,
            "holder_name": self.holder_name,
            "id_number": self.id_number,
            "id_number_hash": sealed.active().lookup_hash(self.id_number),
            "level": self.level,
            "categories": ";".join(self.categories),
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "employer": self.employer,
            "former_employer": self.former_employer,
            "original_authority": self.original_authority,
            "recognising_authority": self.recognising_authority,
            "issued_on": self.issued_on,
            "decision_as_of": self.decision_as_of,
            "rules_version": self.rules_version,
            "pdf_path": self.pdf_path,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "application_id": self.application_id,
            "superseded_by": self.superseded_by,
            "superseded_on": self.superseded_on,
            "revoked_on": self.revoked_on,
            "revoked_reason": self.revoked_reason,
        }

    @classmethod
    def from_row(cls, row: Any) -> Recognition:
        m = dict(row._mapping)
        m.pop("id", None)
        m.pop("created_at", None)
        m.pop("id_number_hash", None)
        m["categories"] = [c for c in (m["categories"] or "").split(";") if c]
        return cls(**m)


T = TypeVar("T")
_prepared: weakref.WeakSet[Engine] = weakref.WeakSet()


class RecognitionStore:
    """Recognitions in SQL; takes a URL or an Engine (e.g. `RegistryStore(...).engine`)."""

    def __init__(self, url_or_engine: str | Engine | None = None) -> None:
        if isinstance(url_or_engine, Engine):
            self.engine = url_or_engine
        else:
            self.engine = make_engine(url_or_engine or default_database_url())
        if self.engine not in _prepared:  # once per engine: a store is made per request
            metadata.create_all(self.engine)
            _add_missing_columns(self.engine)
            _prepared.add(self.engine)

    def next_sequence(self, conn: Connection, area: str, year: int) -> int:
        t = recognitions
        current = conn.execute(select(func.max(t.c.sequence)).where(t.c.area == area, t.c.year == year)).scalar()
        return int(current or 0) + 1

    def record(
        self,
        recognition: Recognition,
        numbering: Callable[[int], str],
        then: Callable[[Recognition], T] | None = None,
        *,
        attempts: int = 5,
    ) -> tuple[Recognition, T | None]:
        """Allocate the next sequence of the area and year, number it, insert — and run `then` (e.g. write
        the PDF) inside the same transaction, so a failure leaves no recognition behind."""
        for attempt in range(attempts):
            try:
                with self.engine.begin() as conn:
                    recognition.sequence = self.next_sequence(conn, recognition.area, recognition.year)
                    recognition.number = numbering(recognition.sequence)
                    result = then(recognition) if then is not None else None
                    t = recognitions
                    same = and_(t.c.cert_type == recognition.cert_type, t.c.cert_number == recognition.cert_number)
                    if person := sealed.active().lookup_hash(recognition.id_number):
                        same = or_(same, t.c.id_number_hash == person)  # a renewed registration: the same person
                    conn.execute(
                        update(t)
                        .where(same, t.c.superseded_by.is_(None))
                        .values(superseded_by=recognition.number, superseded_on=recognition.issued_on)
                    )
                    conn.execute(insert(recognitions), [recognition.to_row()])
                return recognition, result
            except IntegrityError:  # a concurrent reissue took the sequence: take the next one
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, number: str) -> Recognition | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(recognitions).where(recognitions.c.number == number)).first()
        return Recognition.from_row(row) if row is not None else None

    def for_application(self, application_id: str) -> Recognition | None:
        """The certificate issued for this application, if one was."""
        t = recognitions
        stmt = select(t).where(t.c.application_id == application_id).order_by(t.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        return Recognition.from_row(row) if row is not None else None

    def for_id_number(self, id_number: str) -> list[Recognition]:
        """Every recognition of the person with this ID number, found by its keyed hash."""
        t = recognitions
        stmt = select(t).where(t.c.id_number_hash == sealed.active().lookup_hash(id_number)).order_by(t.c.id)
        with self.engine.connect() as conn:
            return [Recognition.from_row(r) for r in conn.execute(stmt)]

    def for_certificate(self, cert_type: str, cert_number: str) -> list[Recognition]:
        t = recognitions
        stmt = select(t).where(t.c.cert_type == cert_type, t.c.cert_number == cert_number).order_by(t.c.id)
        with self.engine.connect() as conn:
            return [Recognition.from_row(r) for r in conn.execute(stmt)]

    def dispose(self) -> None:
        self.engine.dispose()


def _add_missing_columns(engine: Engine) -> None:
    """Columns added since a database was created (nullable ones only), so an older database keeps working."""
    present = {c["name"] for c in inspect(engine).get_columns("recognitions")}
    missing = [c for c in recognitions.columns if c.name not in present]
    if not missing:
        return
    with engine.begin() as conn:
        for column in missing:
            kind = column.type.compile(dialect=engine.dialect)
            conn.exec_driver_sql(f"ALTER TABLE recognitions ADD COLUMN {column.name} {kind}")
