"""Follow-up management (指南 五 审管协同, 七 后续管理) over the recognitions table.

Three things the three provinces' market regulators do with the recognitions once they are made:

* `export` — the recognised metrologists handed over to a province's authority (shared supervision
  data, 五), as CSV or JSON;
* `sample` — a reproducible random draw for 双随机、一公开 inspections: the seed, the population and
  the selection go into the audit log, so anyone can redo the draw and get the same names;
* `expiring` — the recognitions whose zone certificate runs out within N days of an as-of date, for
  the follow-up check that a recognised metrologist still meets the conditions (七).

Plain functions on the engine, called by `api.routes.followup` and by `huren recognitions …` /
`huren inspections …`. Scope is a list of areas, resolved from the user by `scope_areas`. A
recognition's status comes from the issuing authority's record (`registry_records.status`, the same
rule as the public verification page) and its zone certificate's `valid_until`.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select

from api import audit
from api.auth import User
from api.errors import ApiError, forbidden
from api.paging import Paging, fetch_page
from huren import zone
from huren.csvsafe import SafeWriter
from huren.normalize import mask_id_number
from matching.store import registry_records
from recognition.recognitions import recognitions

FORMATS = ("csv", "json")
MAX_EXPIRING_DAYS = 3660  # ten years: beyond that every certificate "expires within N days"
MAX_SEED_LENGTH = 128
EXPORT_COLUMNS = (
    "number",  # the zone certificate's number (YRD-…)
    "area",
    "area_zh",
    "province",
    "recognising_authority",
    "issued_on",
    "holder_name",
    "id_number",  # masked unless an admin asked for the whole numbers
    "cert_type",  # the recognised certificate, as its authority recorded it
    "cert_number",
    "original_authority",
    "level",
    "categories",  # ';'-separated in CSV, a list in JSON
    "valid_from",
    "valid_until",
    "employer",  # the new employer (现执业单位)
    "former_employer",
    "status",  # valid | expired | revoked | suspended, as of the export's as-of date
)
STATUS_ZH = {
    "valid": "有效",
    "expired": "已过期",
    "revoked": "已撤销",
    "suspended": "已暂停",
    "superseded": "已换发新证",
}


@dataclass(frozen=True, slots=True)
class Export:
    content: bytes  # exactly what is handed over (CSV with a UTF-8 BOM so that Excel reads the Chinese)
    media_type: str
    filename: str
    count: int
    sha256: str  # of `content`, recorded in the audit log


# --- scope, dates and statuses -----------------------------------------------------------------------


def scope_areas(user: User | None, *, area: str | None = None, province: str | None = None) -> list[str]:
    """The areas a follow-up request covers: the filter (area and/or province) within the user's scope.

    Admins and auditors cover the whole zone, a reviewer their area or province, `None` (the CLI, run
    by whoever operates the database) the whole zone; applicants none (403). A filter naming only
    areas outside the user's scope is refused (403 `out_of_scope`) rather than answered with an empty
    list that would look like "nobody there".
    """
    if user is None or user.role in ("admin", "auditor"):
        allowed = frozenset(zone.areas())
    elif user.role == "reviewer":
        allowed = user.areas
    else:
        raise forbidden()
    wanted = set(zone.areas())
    if area is not None:
        if area not in zone.areas():
            raise ApiError(
                422, "invalid_area", f"地区必须是 {'、'.join(zone.areas())} 之一", f"unknown area {area!r}", area=area
            )
        wanted &= {area}
    if province is not None:
        if province not in zone.provinces():
            raise ApiError(
                422,
                "invalid_province",
                f"省份必须是 {'、'.join(zone.provinces())} 之一",
                f"unknown province {province!r}",
                province=province,
            )
        wanted &= zone.areas_in(province)
    if not wanted:
        raise ApiError(422, "filter_conflict", "所选地区不属于所选省份", f"area {area} is not in province {province}")
    inside = sorted(wanted & allowed)
    if not inside:
        raise ApiError(
            403,
            "out_of_scope",
            "所选地区不在您的审核范围内",
            f"outside your scope ({', '.join(sorted(allowed)) or 'none'})",
        )
    return inside


def as_of_date(value: str | date | None, default: str | None = None) -> date:
    """The as-of date: `value`, else `default` (the service's `HUREN_AS_OF`), else today."""
    chosen = value if value is not None else default
    if chosen is None:
        return date.today()
    if isinstance(chosen, date):
        return chosen
    try:
        return date.fromisoformat(chosen)
    except ValueError:
        raise ApiError(
            422, "invalid_as_of", "日期须为 YYYY-MM-DD 格式", f"as-of date must be YYYY-MM-DD, got {chosen!r}"
        ) from None


def recognition_status(registry_status: str | None, valid_until: date | None, as_of: date) -> str:
    """revoked / suspended when the issuing authority says so, expired after valid_until, else valid."""
    if registry_status and registry_status != "valid":
        return registry_status
    if valid_until is not None and valid_until < as_of:
        return "expired"
    return "valid"


def _in_force() -> Any:
    """The issuing authority has not revoked or suspended the certificate (no record: as valid), and no
    later zone certificate of the same person has replaced it."""
    return and_(
        or_(registry_records.c.status.is_(None), registry_records.c.status == "valid"),
        recognitions.c.superseded_by.is_(None),
        recognitions.c.revoked_on.is_(None),
    )


def _select(areas: Collection[str]) -> Any:
    r, g = recognitions, registry_records
    joined = r.outerjoin(g, and_(g.c.cert_type == r.c.cert_type, g.c.cert_number == r.c.cert_number))
    return select(r, g.c.status.label("registry_status")).select_from(joined).where(r.c.area.in_(sorted(areas)))


def _record(row: Any, as_of: date, *, full_id_numbers: bool = False) -> dict[str, Any]:
    area = zone.area(row.area)
    status = recognition_status(row.registry_status, row.valid_until, as_of)
    if row.revoked_on:
        status = "revoked"
    elif row.superseded_by and status not in ("revoked", "suspended"):
        status = "superseded"
    return {
        "number": row.number,
        "area": row.area,
        "area_zh": area.name,
        "province": area.province,
        "recognising_authority": row.recognising_authority,
        "issued_on": row.issued_on.isoformat(),
        "holder_name": row.holder_name,
        "id_number": row.id_number if full_id_numbers else mask_id_number(row.id_number),
        "cert_type": row.cert_type,
        "cert_number": row.cert_number,
        "original_authority": row.original_authority,
        "level": row.level,
        "categories": [c for c in (row.categories or "").split(";") if c],
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "employer": row.employer,
        "former_employer": row.former_employer,
        "status": status,
        "status_zh": STATUS_ZH.get(status, status),
    }


# --- export -------------------------------------------------------------------------------------------


def may_see_full_id_numbers(user: User | None) -> bool:
    """Whether an export may carry whole ID numbers: admins (and the CLI's operator) only.

    The export is a bulk handover of personal information to another authority (PIPL arts. 25–28: ID
    numbers are sensitive personal information), not one reviewer looking at one case. The receiving
    province needs whole numbers to match people in its own records, so an unmasked export must exist;
    but it is one accountable role that makes it, on request (`id_numbers=full`, never by default),
    and the audit entry records that whole numbers left and the digest of the file. Reviewers already
    see a whole number on the one application they decide (audited); auditors check the process and
    never need identities; everyone else gets `3301**********3941`.
    """
    return user is None or user.role == "admin"


def export(
    engine: Engine,
    actor: str,
    areas: Collection[str],
    *,
    fmt: str = "csv",
    as_of: date,
    full_id_numbers: bool = False,
) -> Export:
    """Every recognition of the areas, ordered by number, with its status as of `as_of`; audited."""
    if fmt not in FORMATS:
        raise ApiError(
            422, "invalid_format", "导出格式须为 csv 或 json", f"format must be csv or json, got {fmt!r}", format=fmt
        )
    with engine.begin() as conn:
        rows = conn.execute(_select(areas).order_by(recognitions.c.number)).all()
        records = [_record(r, as_of, full_id_numbers=full_id_numbers) for r in rows]
        if fmt == "csv":
            content, media_type = _csv(records), "text/csv; charset=utf-8"
        else:
            content, media_type = _json(records, areas, as_of, full_id_numbers), "application/json"
        digest = hashlib.sha256(content).hexdigest()
        audit.append(
            conn,
            actor,
            "recognition.export",
            None,
            format=fmt,
            areas=sorted(areas),
            as_of=as_of.isoformat(),
            count=len(records),
            id_numbers="full" if full_id_numbers else "masked",
            sha256=digest,
        )
    scope = "-".join(sorted(areas)) if len(areas) < len(zone.areas()) else "zone"
    filename = f"recognitions-{scope}-{as_of.isoformat()}.{fmt}"
    return Export(content, media_type, filename, len(records), digest)


def _csv(records: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(EXPORT_COLUMNS)
    for rec in records:
        values = {**rec, "categories": ";".join(rec["categories"])}
        writer.writerow([values[c] for c in EXPORT_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _json(records: Sequence[dict[str, Any]], areas: Collection[str], as_of: date, full: bool) -> bytes:
    body = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "areas": sorted(areas),
        "id_numbers": "full" if full else "masked",
        "count": len(records),
        "recognitions": [{c: rec[c] for c in EXPORT_COLUMNS} for rec in records],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


# --- 双随机 sampling -------------------------------------------------------------------------------------


def draw(seed: str, numbers: Sequence[str], size: int) -> list[str]:
    """The `size` numbers that rank first by SHA-256 of `seed|number` (ties, impossible in practice, by number).

    Recomputable by anyone with the seed and the list of numbers — no particular random-number
    generator or Python version involved — and independent of the order the population is listed in.
    """
    return sorted(numbers, key=lambda n: (hashlib.sha256(f"{seed}|{n}".encode()).hexdigest(), n))[:size]


def _seed(seed: str | int | None) -> tuple[str, bool]:
    if seed is None:
        return secrets.token_hex(8), True
    text = str(seed).strip()
    if not text or len(text) > MAX_SEED_LENGTH or not text.isprintable():
        raise ApiError(
            422,
            "invalid_seed",
            f"随机种子须为 1–{MAX_SEED_LENGTH} 个可打印字符",
            f"the seed must be 1–{MAX_SEED_LENGTH} printable characters",
        )
    return text, False


def sample(
    engine: Engine,
    actor: str,
    areas: Collection[str],
    *,
    size: int,
    as_of: date,
    seed: str | int | None = None,
) -> dict[str, Any]:
    """A 双随机 draw of `size` recognitions in force on `as_of` (not revoked, suspended or expired).

    The population is every such recognition of the areas, ordered by number; the seed is generated
    when absent and returned. The audit entry holds the seed, the population's size and digest and
    the selected numbers: the same seed over the same population selects the same numbers. A size
    larger than the population selects everyone, with a warning.
    """
    if isinstance(size, bool) or size < 1:
        raise ApiError(422, "invalid_size", "抽查人数须为正整数", f"size must be a positive integer, got {size}")
    seed_text, generated = _seed(seed)
    with engine.begin() as conn:
        rows = _population(conn, areas, as_of)
        if not rows:
            raise ApiError(
                409, "empty_population", "范围内没有有效的互认人员可供抽查", "no recognition in force to sample from"
            )
        by_number = {r.number: r for r in rows}
        numbers = list(by_number)
        warnings: list[dict[str, str]] = []
        if size > len(numbers):
            warnings.append(
                {
                    "code": "size_exceeds_population",
                    "message_zh": f"抽查人数 {size} 超过范围内的有效人数 {len(numbers)}，已全部抽取",
                    "message_en": f"size {size} exceeds the population of {len(numbers)}: all of them are selected",
                }
            )
        selected = draw(seed_text, numbers, size)
        population_sha256 = hashlib.sha256("\n".join(numbers).encode()).hexdigest()
        seq = audit.append(
            conn,
            actor,
            "inspection.sample",
            None,
            seed=seed_text,
            seed_generated=generated,
            as_of=as_of.isoformat(),
            areas=sorted(areas),
            population=len(numbers),
            population_sha256=population_sha256,
            size=size,
            selected=selected,
        )
    return {
        "audit_seq": seq,
        "seed": seed_text,
        "seed_generated": generated,
        "as_of": as_of.isoformat(),
        "areas": sorted(areas),
        "population": len(numbers),
        "population_sha256": population_sha256,
        "size": size,
        "selected": [_record(by_number[n], as_of) for n in selected],
        "warnings": warnings,
    }


def _population(conn: Connection, areas: Collection[str], as_of: date) -> list[Any]:
    r = recognitions
    in_date = or_(r.c.valid_until.is_(None), r.c.valid_until >= as_of)
    return list(conn.execute(_select(areas).where(_in_force(), in_date).order_by(r.c.number)))


# --- expiring -----------------------------------------------------------------------------------------


def check_days(days: int) -> int:
    if isinstance(days, bool) or not 0 <= days <= MAX_EXPIRING_DAYS:
        raise ApiError(
            422,
            "invalid_days",
            f"天数须为 0–{MAX_EXPIRING_DAYS} 之间的整数",
            f"days must be between 0 and {MAX_EXPIRING_DAYS}, got {days}",
        )
    return days


def expiring(
    engine: Engine, actor: str, areas: Collection[str], *, days: int, as_of: date, paging: Paging | None = None
) -> dict[str, Any]:
    """Recognitions in force whose zone certificate's valid_until is in [as_of, as_of + days], soonest first.

    Day 0 is as_of itself (still valid that day); already expired, revoked and suspended ones are left
    out. The list is a view of personal data: audited (count and window) when it is not empty. With
    `paging`, one page of them (cut in SQL); `count` is always all of them.
    """
    check_days(days)
    until = as_of + timedelta(days=days) if as_of <= date.max - timedelta(days=days) else date.max  # year 9999
    r = recognitions
    stmt = _select(areas).where(_in_force(), r.c.valid_until >= as_of, r.c.valid_until <= until)
    stmt = stmt.order_by(r.c.valid_until, r.c.number)
    with engine.begin() as conn:
        if paging is None:
            rows = conn.execute(stmt).all()
            total = len(rows)
        else:
            rows, total = fetch_page(conn, stmt, paging)
        if rows:
            audit.append(
                conn,
                actor,
                "recognition.expiring",
                None,
                areas=sorted(areas),
                as_of=as_of.isoformat(),
                days=days,
                count=len(rows),
                masked=True,
                **({"offset": paging.offset, "total": total} if paging else {}),
            )
    listed = []
    for row in rows:
        rec = _record(row, as_of)
        rec["days_left"] = (row.valid_until - as_of).days
        listed.append(rec)
    page = paging.page(listed, total) if paging else {}
    return {
        "as_of": as_of.isoformat(),
        "days": days,
        "until": until.isoformat(),
        "areas": sorted(areas),
        "count": total,
        "offset": page.get("offset", 0),
        "limit": page.get("limit", total),
        "next_offset": page.get("next_offset"),
        "recognitions": listed,
    }
