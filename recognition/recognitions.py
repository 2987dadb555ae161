"""Recognitions (互认确认): which area recognised which certificate, when, for which new employer.

`matching.store` holds the issuing authorities' records and nothing else, so recognitions live in
their own table, `recognitions` (defined in `db.tables`), on the same database and engine as the
registry store. The table also allocates the zone certificate's sequence
number: one counter per (area, year), unique, taken inside the transaction that records the
recognition, so two concurrent reissues cannot get the same number.

Each recognition is its own certificate, tied to the application it was issued for
(`application_id`). A later recognition of the same person — the same registration, or the same ID
number (found by its keyed hash) — supersedes the earlier ones in the same transaction: they keep their number and row, and `superseded_by` names the
certificate that replaced them, which `/verify` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from db import open_database, reading
from db.tables import recognitions
from huren import sealed


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


class RecognitionStore:
    """Recognitions in SQL: an Engine (the service's, injected), or a URL that is opened and brought to
    the current schema (`db.open_database`: the command line's way)."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        self.engine = url_or_engine if isinstance(url_or_engine, Engine) else open_database(url_or_engine)

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
        with reading(self.engine) as conn:
            row = conn.execute(select(recognitions).where(recognitions.c.number == number)).first()
        return Recognition.from_row(row) if row is not None else None

    def for_application(self, application_id: str) -> Recognition | None:
        """The certificate issued for this application, if one was."""
        t = recognitions
        stmt = select(t).where(t.c.application_id == application_id).order_by(t.c.id.desc()).limit(1)
        with reading(self.engine) as conn:
            row = conn.execute(stmt).first()
        return Recognition.from_row(row) if row is not None else None

    def for_id_number(self, id_number: str) -> list[Recognition]:
        """Every recognition of the person with this ID number, found by its keyed hash."""
        t = recognitions
        stmt = select(t).where(t.c.id_number_hash == sealed.active().lookup_hash(id_number)).order_by(t.c.id)
        with reading(self.engine) as conn:
            return [Recognition.from_row(r) for r in conn.execute(stmt)]

    def for_certificate(self, cert_type: str, cert_number: str) -> list[Recognition]:
        t = recognitions
        stmt = select(t).where(t.c.cert_type == cert_type, t.c.cert_number == cert_number).order_by(t.c.id)
        with reading(self.engine) as conn:
            return [Recognition.from_row(r) for r in conn.execute(stmt)]

    def dispose(self) -> None:
        self.engine.dispose()
