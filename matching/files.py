"""Registry files: read and validate CSV / JSON Lines rows, write them back.

A file has exactly the columns in `COLUMNS` (any order, optional ones may be absent); `categories`
and `items` are joined with `;`. CSV comes as UTF-8, UTF-8 with BOM, or GBK/GB18030 as Excel writes
it. Every row is validated on its own: a bad row becomes a `RejectedRow` with its line number, the
field and the reason, and the other rows are still usable.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TextIO

import charset_normalizer

from huren.domain import CertType, RecordStatus, RegistryRecord
from huren.normalize import (
    clean_value,
    id_check_digit,
    id_number_valid,
    join_list,
    mask_id_number,
    parse_date,
    parse_gender,
    parse_level,
)
from matching.errors import RegistryFileError
from matching.normalize import clean_cert_number, clean_id_number, clean_name

COLUMNS: tuple[str, ...] = (
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
REQUIRED_COLUMNS: tuple[str, ...] = ("cert_type", "cert_number", "name")
CONTENT_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("source", "updated_at"))
"""The columns that make a record what it is; `source` and `updated_at` are bookkeeping."""

FileFormat = Literal["csv", "jsonl"]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    path: str
    line: int
    field: str
    reason: str  # never holds a whole ID number

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.reason}"


@dataclass(slots=True)
class ParsedRow:
    line: int
    record: RegistryRecord


@dataclass(slots=True)
class ParsedFile:
    path: str
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


class RowError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# --- one row -----------------------------------------------------------------------------------------


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        return join_list([str(v) for v in value])
    return str(value).strip()


def _date(raw: dict[str, Any], key: str) -> date | None:
    text = _text(raw, key)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    # Other written forms (2023/5/1, 2023年5月1日) are fine as long as the whole value is one date.
    if re.fullmatch(r"[\d\s年月日./\-]+", text) and (parsed := parse_date(text)):
        return parsed
    raise RowError(key, f"impossible date {text!r}")


def _id_number(raw: dict[str, Any]) -> str | None:
    text = _text(raw, "id_number")
    if not text:
        return None
    value = clean_id_number(text)
    if len(value) == 15 and value.isdigit():
        # First-generation (1985–2004) numbers in legacy records: widen to 18 with the century and a check digit.
        body = value[:6] + "19" + value[6:]
        value = body + id_check_digit(body)
    if len(value) != 18:
        raise RowError("id_number", f"expected 18 characters, got {len(value)} ({mask_id_number(value)})")
    if not id_number_valid(value):
        raise RowError("id_number", f"invalid check digit or birth date ({mask_id_number(value)})")
    return value


def _list(raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key)
    parts = [str(v) for v in value] if isinstance(value, list) else re.split(r"[;；]", _text(raw, key))
    return [clean_value(p) for p in parts if clean_value(p)]


def parse_record(raw: dict[str, Any]) -> RegistryRecord:
    """One registry row (column → value) as a validated record; raises `RowError` naming the field."""
    cert_type_text = _text(raw, "cert_type").lower()
    if not cert_type_text:
        raise RowError("cert_type", "missing")
    try:
        cert_type = CertType(cert_type_text)
    except ValueError:
        raise RowError("cert_type", f"unknown cert_type {cert_type_text!r}") from None
    cert_number = clean_cert_number(_text(raw, "cert_number"))
    if not cert_number:
        raise RowError("cert_number", "missing")
    name = clean_name(_text(raw, "name"))
    if not name:
        raise RowError("name", "missing")
    status_text = _text(raw, "status").lower() or RecordStatus.VALID.value
    try:
        status = RecordStatus(status_text)
    except ValueError:
        raise RowError("status", f"unknown status {status_text!r}") from None
    gender_text = _text(raw, "gender")
    gender = parse_gender(gender_text) if gender_text else None
    if gender_text and gender is None:
        raise RowError("gender", f"unknown gender {gender_text!r}")
    level_text = _text(raw, "level")
    level = parse_level(level_text) if level_text else None
    if level_text and level is None:
        raise RowError("level", f"unknown level {level_text!r}")
    valid_from, valid_until = _date(raw, "valid_from"), _date(raw, "valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise RowError("valid_until", f"{valid_until.isoformat()} is before valid_from {valid_from.isoformat()}")
    return RegistryRecord(
        cert_type=cert_type,
        cert_number=cert_number,
        name=name,
        id_number=_id_number(raw),
        gender=gender,
        level=level,
        categories=_list(raw, "categories"),
        items=_list(raw, "items"),
        issuing_authority=clean_value(_text(raw, "issuing_authority")) or None,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        employer=clean_value(_text(raw, "employer")) or None,
        source=_text(raw, "source") or None,
        updated_at=_text(raw, "updated_at") or None,
    )


def record_key(record: RegistryRecord) -> tuple[str, str]:
    return (str(record.cert_type), record.cert_number)


def record_content(record: RegistryRecord) -> tuple[Any, ...]:
    """What a record says, without where it came from or when: equal content = unchanged on re-import."""
    return tuple(_row_value(record, c) for c in CONTENT_COLUMNS)


def _row_value(record: RegistryRecord, column: str) -> str | int | None:
    value = getattr(record, column)
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CertType | RecordStatus):
        return str(value)
    return value


def record_to_row(record: RegistryRecord) -> dict[str, str | int | None]:
    return {c: _row_value(record, c) for c in COLUMNS}


# --- whole files -------------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, what charset-normalizer finds (GBK → GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    encoding = (best.encoding if best else "gb18030").lower().replace("-", "_")
    # Excel writes "ANSI" = GBK on Chinese Windows; GB18030 is its superset and decodes every GBK file.
    if encoding in {"gbk", "gb2312", "gb18030", "hz", "cp936"} or best is None:
        encoding = "gb18030"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("gb18030")


def detect_format(path: Path) -> FileFormat:
    return "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"


def _check_columns(path: str, columns: Iterable[str], line: int = 1) -> None:
    cols = list(columns)
    unknown = [c for c in cols if c not in COLUMNS]
    if unknown:
        raise RegistryFileError(path, line, f"unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise RegistryFileError(path, line, f"missing column(s) {', '.join(missing)}")


def iter_raw_rows(path: str | Path, fmt: FileFormat | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, column → value) for every row; raises `RegistryFileError` for an unreadable file."""
    p = Path(path)
    name = str(path)
    text = decode_bytes(p.read_bytes())
    fmt = fmt or detect_format(p)
    if fmt == "csv":
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        _check_columns(name, header)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield reader.line_num, {"__error__": f"{len(row)} cells for {len(header)} columns"}
                continue
            yield reader.line_num, dict(zip(header, row, strict=False))
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, {"__error__": f"not JSON ({exc.msg})"}
                continue
            if not isinstance(obj, dict):
                yield number, {"__error__": "not a JSON object"}
                continue
            # a JSON object may leave out any key (a missing required value is that row's problem)
            _check_columns(name, [*obj, *REQUIRED_COLUMNS], number)
            yield number, obj


def read_registry_file(path: str | Path, fmt: FileFormat | None = None) -> ParsedFile:
    """Every valid row of a registry file, and every rejected one with its line and reason.

    Rows repeating a key: an identical repeat is dropped; repeats that disagree are all rejected —
    which of them is right is for the authority to say, not for the importer to guess.
    """
    name = str(path)
    parsed = ParsedFile(name)
    default_source = Path(path).name
    for line, raw in iter_raw_rows(path, fmt):
        if "__error__" in raw:
            parsed.rejected.append(RejectedRow(name, line, "row", str(raw["__error__"])))
            continue
        try:
            record = parse_record(raw)
        except RowError as err:
            parsed.rejected.append(RejectedRow(name, line, err.field, err.reason))
            continue
        record.source = record.source or default_source
        parsed.rows.append(ParsedRow(line, record))

    first_line: dict[tuple[str, str], ParsedRow] = {}
    conflicting: dict[tuple[str, str], list[int]] = {}
    kept: list[ParsedRow] = []
    for row in parsed.rows:
        key = record_key(row.record)
        first = first_line.get(key)
        if first is None:
            first_line[key] = row
            kept.append(row)
        elif record_content(first.record) != record_content(row.record):
            conflicting.setdefault(key, [first.line]).append(row.line)
    if conflicting:
        for key, lines in conflicting.items():
            for line in lines:
                others = ", ".join(str(n) for n in lines if n != line)
                reason = f"conflicting duplicate of line {others} ({key[0]} {key[1]})"
                parsed.rejected.append(RejectedRow(name, line, "cert_number", reason))
        kept = [row for row in kept if record_key(row.record) not in conflicting]
    parsed.rows = kept
    parsed.rejected.sort(key=lambda r: r.line)
    return parsed


def write_records(records: Iterable[RegistryRecord], out: TextIO, fmt: FileFormat = "csv") -> int:
    """Write records with the import columns; returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: "" if v is None else v for k, v in record_to_row(record).items()})
            count += 1
    else:
        for record in records:
            out.write(json.dumps(record_to_row(record), ensure_ascii=False) + "\n")
            count += 1
    return count
