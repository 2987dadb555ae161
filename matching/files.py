"""Registry files: read and validate rows from workbooks, CSV/TSV or JSON Lines; write them back.

A file is read as tables (`matching.tables`: every sheet of an .xlsx, or the one table of a text
file), each table's header is found and mapped to fields (`matching.headers`: Chinese or English,
`--map` for the rest), and every row is validated on its own with the normalisers extraction uses:
a bad row becomes a `RejectedRow` with its sheet, row, column and reason, and the other rows are
still read. Reading streams: `iter_rows` never holds more than the row it is on.
Export writes the import's English columns; `categories` and `items` joined with `;`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, TextIO

from huren.csvsafe import SafeWriter
from huren.domain import CertType, RecordStatus, RegistryRecord
from huren.normalize import (
    clean_value,
    id_check_digit,
    id_number_valid,
    join_list,
    mask_id_number,
    parse_categories,
    parse_date,
    parse_date_range,
    parse_gender,
    parse_level,
    split_items,
    squash,
)
from matching.errors import RegistryFileError
from matching.headers import FIELDS, REQUIRED, VALIDITY, Header, check_header, field_for, find_header
from matching.normalize import clean_cert_number_quickly, clean_id_number, clean_name
from matching.tables import Progress, RowProblem, Table, open_tables

COLUMNS: tuple[str, ...] = FIELDS  # the registry's columns, declared once in matching.headers
REQUIRED_COLUMNS: tuple[str, ...] = REQUIRED
CONTENT_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("source", "updated_at"))
"""The columns that make a record what it is; `source` and `updated_at` are bookkeeping."""

FileFormat = Literal["csv", "jsonl"]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    path: str
    line: int  # the row number as the user sees it (the sheet's row, the text file's line)
    field: str
    reason: str  # never holds a whole ID number
    sheet: str | None = None
    column: str | None = None  # the header as written in the file, when it differs from `field`

    def __str__(self) -> str:
        where = f"{self.path}[{self.sheet}]" if self.sheet else self.path
        column = f" ({self.column})" if self.column and self.column != self.field else ""
        return f"{where}:{self.line}: {self.field}{column}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "sheet": self.sheet,
            "row": self.line,
            "column": self.column or self.field,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass(slots=True)
class ParsedRow:
    line: int
    record: RegistryRecord
    sheet: str | None = None


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


EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel counts the 1900 leap day that never was)
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 … 2099-12-31: any other number in a date column is not a date
_CLEAN_ID = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only (\d would take any script's)
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)

CERT_TYPE_WORDS: dict[str, CertType] = {
    "注册证": CertType.REGISTRATION,
    "注册计量师": CertType.REGISTRATION,
    "考核合格证": CertType.ASSESSMENT,
    "考核": CertType.ASSESSMENT,
    "检定员": CertType.VERIFIER,
}
STATUS_WORDS: dict[str, RecordStatus] = {
    "有效": RecordStatus.VALID,
    "正常": RecordStatus.VALID,
    "在册": RecordStatus.VALID,
    "注销": RecordStatus.REVOKED,
    "撤销": RecordStatus.REVOKED,
    "吊销": RecordStatus.REVOKED,
    "暂停": RecordStatus.SUSPENDED,
    "中止": RecordStatus.SUSPENDED,
    "暂扣": RecordStatus.SUSPENDED,
}


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if type(value) is str:  # most cells: the quick way
        return value.strip()
    if isinstance(value, list):
        return join_list([str(v) for v in value])
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number Excel stored as 1.0
    return str(value).strip()


def excel_serial_date(serial: float) -> date | None:
    """An Excel serial day number (45047 → 2023-05-01) in a plausible range, else None."""
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _date(raw: Mapping[str, Any], key: str) -> date | None:
    value = raw.get(key)
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-":  # most cells: 2024-05-01
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if (serial := excel_serial_date(value)) is not None:
            return serial
        raise RowError(key, f"the number {value!r} is not a date (nor an Excel date serial)")
    text = _text(raw, key)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if re.fullmatch(r"\d{5}(?:\.0+)?", text) and (serial := excel_serial_date(float(text))) is not None:
        return serial  # a CSV saved from a sheet whose date column lost its format
    # Other written forms (2023/5/1, 2023.05.01, 2023年5月1日) are fine as long as the whole value is one date.
    if re.fullmatch(r"[\d\s年月日号./\-]+", text) and (parsed := parse_date(text)):
        return parsed
    raise RowError(key, f"impossible date {text!r}")


def _validity(raw: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """One column holding the whole range: `2023.05.01-2028.04.30`, `2023年5月1日至2028年4月30日`, `…-长期`."""
    value = raw.get(VALIDITY)
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return None, _date(raw, VALIDITY)  # a lone date under 有效期 is where it ends
    text = _text(raw, VALIDITY)
    if not text:
        return None, None
    start, end, open_ended = parse_date_range(text)
    if start is None and end is None:
        raise RowError(VALIDITY, f"no date range in {text!r}")
    if start is not None and end is None and not open_ended and "起" not in text:
        start, end = None, start
    return start, end


def _id_number(raw: Mapping[str, Any]) -> str | None:
    value = raw.get("id_number")
    if type(value) is str and _CLEAN_ID.fullmatch(value) and id_number_valid(value):
        return value  # most rows: written clean and valid (what the checks below would return)
    text = _text(raw, "id_number")
    if not text:
        return None
    if isinstance(value, float) or _SCIENTIFIC.match(text):
        shown = f"{value:.5E}" if isinstance(value, float) else text
        raise RowError(
            "id_number",
            f"身份证号码被 Excel 存成了数字（{shown}），末几位已丢失，请将该列设为文本后重新录入 / "
            f"Excel stored the ID number as a number ({shown}) and lost its last digits; "
            "format the column as text (文本) and type the numbers again",
        )
    value = text if _CLEAN_ID.fullmatch(text) else clean_id_number(text)  # most are written clean already
    if len(value) == 15 and value.isdigit():
        # First-generation (1985–2004) numbers in legacy records: widen to 18 with the century and a check digit.
        body = value[:6] + "19" + value[6:]
        value = body + id_check_digit(body)
    if len(value) == 17 and value.isdigit() and id_check_digit(value) == "X":
        raise RowError(
            "id_number",
            f"身份证号码只有17位，末位校验码X可能被 Excel 去掉 / "
            f"17 digits and no check character ({mask_id_number(value)}); its check digit would be X: "
            "the trailing X was probably dropped (Excel keeps only digits in a number column)",
        )
    if len(value) != 18:
        raise RowError("id_number", f"expected 18 characters, got {len(value)} ({mask_id_number(value)})")
    if not id_number_valid(value):
        raise RowError("id_number", f"invalid check digit or birth date ({mask_id_number(value)})")
    return value


# Authorities, employers, categories and items repeat from row to row: normalise each written form once.
_clean_repeated = functools.lru_cache(maxsize=4096)(clean_value)


@functools.lru_cache(maxsize=1 << 14)  # 4096 thrashed: the bench's 100,000 rows hold ~12,000 distinct item lists
def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in split_items(text) if p)


def _parts(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if type(value) is str:  # most cells: the quick way
        return _split(value.strip())
    if isinstance(value, list):
        return tuple(p for p in (clean_value(str(v)) for v in value) if p)
    return _split(_text(raw, key))


@functools.lru_cache(maxsize=4096)
def _canonical_categories(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Categories as written (长度、力学 / 长度，力学), each in its canonical spelling when it is one of the list."""
    out: list[str] = []
    for part in parts:
        known = parse_categories(part)
        for name in known if len(known) == 1 else [part]:
            if name not in out:
                out.append(name)
    return tuple(out)


def _categories(raw: Mapping[str, Any]) -> list[str]:
    return list(_canonical_categories(_parts(raw, "categories")))


def _word(text: str, words: Mapping[str, Any]) -> Any:
    folded = squash(text)
    return next((value for word, value in words.items() if word in folded), None)


# The same few written forms come again on every row: each is read once (cert type, status, gender, level, name).
_gender = functools.lru_cache(maxsize=256)(parse_gender)
_level = functools.lru_cache(maxsize=256)(parse_level)
_clean_name = functools.lru_cache(maxsize=65_536)(clean_name)


@functools.lru_cache(maxsize=256)
def _cert_type(text: str) -> CertType | None:
    try:
        return CertType(text.lower())
    except ValueError:
        return _word(text, CERT_TYPE_WORDS)


@functools.lru_cache(maxsize=256)
def _status(text: str) -> RecordStatus | None:
    try:
        return RecordStatus(text.lower() or RecordStatus.VALID.value)
    except ValueError:
        return _word(text, STATUS_WORDS)


def parse_record(raw: Mapping[str, Any], *, cert_type: CertType | None = None) -> RegistryRecord:
    """One registry row (field → value) as a validated record; raises `RowError` naming the field.

    `cert_type` is used when the row has none (a sheet of one kind of certificate, `--cert-type`).
    """
    cert_type_text = _text(raw, "cert_type")
    if cert_type_text:
        row_type = _cert_type(cert_type_text)
        if row_type is None:
            raise RowError("cert_type", f"unknown cert_type {cert_type_text.lower()!r}")
    elif cert_type is not None:
        row_type = cert_type
    else:
        raise RowError("cert_type", "missing")
    cert_number = clean_cert_number_quickly(_text(raw, "cert_number"))
    if not cert_number:
        raise RowError("cert_number", "missing")
    name = _clean_name(_text(raw, "name"))
    if not name:
        raise RowError("name", "missing")
    status_text = _text(raw, "status")
    status = _status(status_text)
    if status is None:
        raise RowError("status", f"unknown status {status_text.lower()!r}")
    gender_text = _text(raw, "gender")
    gender = _gender(gender_text) if gender_text else None
    if gender_text and gender is None:
        raise RowError("gender", f"unknown gender {gender_text!r}")
    level_text = _text(raw, "level")
    level = _level(level_text) if level_text else None
    if level_text and level is None:
        raise RowError("level", f"unknown level {level_text!r}")
    valid_from, valid_until = _date(raw, "valid_from"), _date(raw, "valid_until")
    if VALIDITY in raw:
        valid_from, valid_until = _validity(raw)
    if valid_from and valid_until and valid_until < valid_from:
        where = VALIDITY if VALIDITY in raw else "valid_until"
        raise RowError(where, f"{valid_until.isoformat()} is before valid_from {valid_from.isoformat()}")
    return RegistryRecord(
        cert_type=row_type,
        cert_number=cert_number,
        name=name,
        id_number=_id_number(raw),
        gender=gender,
        level=level,
        categories=_categories(raw),
        items=list(_parts(raw, "items")),
        issuing_authority=_clean_repeated(_text(raw, "issuing_authority")) or None,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        employer=_clean_repeated(_text(raw, "employer")) or None,
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


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a registry file beyond what it says itself."""

    sheet: str | None = None  # only this sheet of a workbook (default: every sheet with a header)
    column_map: Mapping[str, str] = field(default_factory=dict)  # folded header → field (`--map`)
    cert_type: CertType | None = None  # for rows with no cert_type column (`--cert-type`)


class RegistryReader:
    """The rows of one registry file, streamed: `ParsedRow` for each good row, `RejectedRow` for each bad one.

    File-level problems (no header, a required column missing, two columns for one field, a
    password, an `.xls`) raise `RegistryFileError` before that table's first row. `notices` collects
    what the user should know but that stops nothing: unknown columns (once per table, then
    ignored), sheets without a header, where a sheet's trailing empty rows were cut off.
    """

    def __init__(self, path: str | Path, options: ReadOptions | None = None, progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.options = options or ReadOptions()
        self.progress = progress
        self.notices: list[str] = []
        self.tables_read = 0

    def __iter__(self) -> Iterator[ParsedRow | RejectedRow]:
        default_source = self.path.name
        rows = 0
        for table in open_tables(self.path, sheet=self.options.sheet, progress=self.progress):
            for item in self._table_rows(table):
                if isinstance(item, ParsedRow):
                    item.record.source = item.record.source or default_source
                rows += 1
                yield item
            self.notices.extend(table.notices)
        if self.tables_read and not rows:
            notes = "; ".join(self.notices)
            raise RegistryFileError(
                self.name, 0, "表头下没有数据行 / no rows under the header" + (f" ({notes})" if notes else "")
            )
        if self.tables_read == 0:
            skipped = "; ".join(self.notices) or "no rows"
            raise RegistryFileError(
                self.name, 0, f"不是登记表：找不到表头 / not a registry table {_HEADER_HINT}: {skipped}"
            )

    def _table_rows(self, table: Table) -> Iterator[ParsedRow | RejectedRow]:
        first: list[tuple[int, list[Any]]] = []
        for numbered in table.rows:
            first.append(numbered)
            if len(first) >= 20 or (numbered[1] and isinstance(numbered[1][0], dict | RowProblem)):
                break
        if first and isinstance(first[0][1][0], dict | RowProblem):
            self.tables_read += 1
            yield from self._object_rows(table, first)
            return
        found = find_header([cells for _, cells in first], self.options.column_map)
        where = f"{self.name}[{table.sheet}]" if table.sheet else self.name
        if found is None:
            seen = ", ".join(repr(str(c)) for c in (first[0][1] if first else []) if c is not None) or "nothing"
            if table.sheet is not None and self.options.sheet is None:
                self.notices.append(f"sheet {table.sheet!r}: no header row (first row: {seen}); skipped")
                return
            line = first[0][0] if first else 0
            raise RegistryFileError(where, line, f"找不到表头 / no header row found (first row: {seen}) {_HEADER_HINT}")
        index, header = found
        header_line = first[index][0]
        check_header(where, header_line, header, has_cert_type=self.options.cert_type is not None)
        self.tables_read += 1
        if header.unknown:
            self.notices.append(
                f"{where}:{header_line}: column(s) not imported: {', '.join(header.unknown)} "
                "(name them with --map HEADER=FIELD to import them)"
            )
        rest = first[index + header.rows :]
        width = len(header.labels)
        names = tuple(header.fields.values())
        # a full row's fields picked in one call (a dict of the same order as the comprehension below)
        picked = itemgetter(*header.fields) if len(names) > 1 else None
        full = max(header.fields, default=-1) + 1
        for line, cells in _chain(rest, table.rows):
            if table.sheet is None and len(cells) > width and any(str(c).strip() for c in cells[width:]):
                # in a text file more cells than headers means a separator inside a value: columns shifted
                reason = f"{len(cells)} cells for {width} columns (a separator inside an unquoted value?)"
                yield RejectedRow(self.name, line, "row", reason, None, None)
                continue
            if picked is not None and len(cells) >= full:
                raw = dict(zip(names, picked(cells), strict=True))
            else:  # a short row (trailing empty cells left out): the fields it has
                raw = {name: cells[i] for i, name in header.fields.items() if i < len(cells)}
            yield self._parse(raw, line, table.sheet, header)

    def _object_rows(self, table: Table, first: list[tuple[int, list[Any]]]) -> Iterator[ParsedRow | RejectedRow]:
        """JSON Lines: each object's keys are headers (English column names, or any synonym)."""
        mapped: dict[tuple[str, ...], dict[str, str]] = {}
        unknown: set[str] = set()
        for line, cells in _chain(first, table.rows):
            obj = cells[0]
            if isinstance(obj, RowProblem):
                yield RejectedRow(self.name, line, "row", obj.reason)
                continue
            keys = tuple(obj)
            if keys not in mapped:
                names: dict[str, str] = {}
                for key in keys:
                    name = field_for(key, self.options.column_map)
                    if name is None and key not in unknown:
                        unknown.add(key)
                        self.notices.append(f"{self.name}:{line}: key {key!r} not imported (not a registry field)")
                    if name is not None and name != "-":
                        names[key] = name
                mapped[keys] = names
            raw = {name: obj[key] for key, name in mapped[keys].items()}
            yield self._parse(raw, line, None, None)

    def _parse(
        self, raw: dict[str, Any], line: int, sheet: str | None, header: Header | None
    ) -> ParsedRow | RejectedRow:
        try:
            return ParsedRow(line, parse_record(raw, cert_type=self.options.cert_type), sheet)
        except RowError as err:
            column = header.column(err.field) if header is not None else None
            return RejectedRow(self.name, line, err.field, err.reason, sheet, column)


_HEADER_HINT = "(expected columns such as 姓名, 证书编号, 身份证号码 or name, cert_number, id_number)"


def _chain(
    first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from rest


def iter_rows(
    path: str | Path, options: ReadOptions | None = None, progress: Progress | None = None
) -> Iterator[ParsedRow | RejectedRow]:
    return iter(RegistryReader(path, options, progress))


def read_registry_file(
    path: str | Path, fmt: FileFormat | None = None, options: ReadOptions | None = None
) -> ParsedFile:
    """Every valid row of a registry file, and every rejected one with its line and reason (in memory).

    Rows repeating a key: an identical repeat is dropped; repeats that disagree are all rejected —
    which of them is right is for the authority to say, not for the importer to guess.
    `fmt` is no longer needed (the content says what a file is) and is ignored.
    """
    name = str(path)
    parsed = ParsedFile(name)
    for item in iter_rows(path, options):
        if isinstance(item, RejectedRow):
            parsed.rejected.append(item)
        else:
            parsed.rows.append(item)

    first_line: dict[tuple[str, str], ParsedRow] = {}
    conflicting: dict[tuple[str, str], list[ParsedRow]] = {}
    kept: list[ParsedRow] = []
    for row in parsed.rows:
        key = record_key(row.record)
        first = first_line.get(key)
        if first is None:
            first_line[key] = row
            kept.append(row)
        elif record_content(first.record) != record_content(row.record):
            conflicting.setdefault(key, [first]).append(row)
    if conflicting:
        for key, rows in conflicting.items():
            for row in rows:
                others = ", ".join(str(r.line) for r in rows if r is not row)
                reason = f"conflicting duplicate of line {others} ({key[0]} {key[1]})"
                parsed.rejected.append(RejectedRow(name, row.line, "cert_number", reason, row.sheet))
        kept = [row for row in kept if record_key(row.record) not in conflicting]
    parsed.rows = kept
    parsed.rejected.sort(key=lambda r: (r.sheet or "", r.line))
    return parsed


def write_records(records: Iterable[RegistryRecord], out: TextIO, fmt: FileFormat = "csv") -> int:
    """Write records with the import columns; returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = SafeWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(record_to_row(record))
            count += 1
    else:
        for record in records:
            out.write(json.dumps(record_to_row(record), ensure_ascii=False) + "\n")
            count += 1
    return count
