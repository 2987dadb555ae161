"""From the page journal to registry rows: which rows a person must look at, and why.

A row is one certificate page.  Its values are the OCR values with the reviewer's corrections laid
over them; its flags are recomputed from those values every time, and a flag a reviewer has
confirmed or corrected no longer holds the row back.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from huren.csvsafe import SafeWriter
from huren.domain import DOC_TYPE_TO_CERT_TYPE, CertType, DocType, RegistryRecord
from huren.normalize import id_number_valid, join_list
from huren.thresholds import REVIEW_CONFIDENCE
from matching.authorities import authority_province
from matching.files import CONTENT_COLUMNS, RowError, parse_record
from matching.normalize import cert_key, clean_id_number
from matching.rows import DIGITIZED_SOURCE

REGISTRY_COLUMNS: tuple[str, ...] = CONTENT_COLUMNS
"""Exactly what `huren registry import` reads (`source` and `updated_at` it fills itself)."""
EXTRA_COLUMNS: tuple[str, ...] = ("source", "page", "needs_review", "review_reasons", "row_id")
RECORD_COLUMNS: tuple[str, ...] = (*REGISTRY_COLUMNS, *EXTRA_COLUMNS)

FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    # registry column ← extraction field(s), first present wins
    "cert_number": ("cert_number",),
    "name": ("name",),
    "id_number": ("id_number",),
    "gender": ("gender",),
    "level": ("level",),
    "categories": ("categories",),
    "items": ("items",),
    "issuing_authority": ("issuing_authority",),
    "valid_from": ("valid_from", "issue_date"),  # an assessment certificate is valid from its issue date
    "valid_until": ("valid_until",),
    "employer": ("employer",),
}
REQUIRED: dict[CertType, tuple[str, ...]] = {
    CertType.REGISTRATION: ("cert_number", "name", "issuing_authority", "level", "valid_until"),
    CertType.ASSESSMENT: ("cert_number", "name", "issuing_authority", "valid_until"),
    # legacy 检定员证: many were issued without an ID number, so it is not required
    CertType.VERIFIER: ("cert_number", "name", "issuing_authority"),
}
MIN_CONFIDENCE = REVIEW_CONFIDENCE  # huren.thresholds: chosen from the reliability table

REASONS: dict[str, str] = {
    "low_confidence": "识别置信度低 / low OCR confidence",
    "missing_required": "必填字段缺失 / required field missing",
    "invalid_id_check_digit": "身份证号校验位错误 / ID number check digit invalid",
    "unknown_authority": "发证机关不在三省名录 / issuing authority not known",
    "duplicate_row": "与本批另一行重复 / same certificate as another row",
    "duplicate_registry": "登记库已有此证 / already in the registry",
    "invalid_value": "值无法导入 / value would be rejected on import",
}


class RecordLookup(Protocol):
    """The registry a run compares with (`matching.Registry` or `matching.RegistryStore`)."""

    def candidates(self, keys: Mapping[str, Sequence[str]], cert_type: CertType | None) -> list[RegistryRecord]: ...


def in_registry(registry: RecordLookup, cert_type: CertType, number: str) -> RegistryRecord | None:
    """The registry's record of this certificate, compared on the normalised key (`JL2019-0123` is `JL20190123`)."""
    key = cert_key(number)
    if key is None:
        return None
    found = registry.candidates({"cert_key": [key]}, cert_type)
    return next((r for r in found if str(r.cert_type) == str(cert_type) and cert_key(r.cert_number) == key), None)


@dataclass(slots=True)
class Flag:
    field: str
    code: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.field}:{self.code}" + (f"({self.detail})" if self.detail else "")


@dataclass(slots=True)
class Row:
    row_id: str
    key: str
    source: str
    page: int
    cert_type: CertType
    values: dict[str, str]  # registry column → text as written to the CSV
    ocr: dict[str, dict[str, Any]]  # registry column → {"value", "confidence", "bbox"} as read
    flags: list[Flag] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)  # flags a reviewer confirmed or corrected

    @property
    def needs_review(self) -> bool:
        return bool(self.flags)

    def csv_row(self) -> dict[str, str]:
        out = {c: self.values.get(c, "") for c in REGISTRY_COLUMNS}
        out.update(
            source=self.source,
            page=str(self.page),
            needs_review="true" if self.needs_review else "false",
            review_reasons=";".join(str(f) for f in self.flags),
            row_id=self.row_id,
        )
        return out


def row_id(file_sha256: str, page: int, index: int = 0) -> str:
    """`<hash>-p<page>`, and `-d<index>` after it for the second and later documents of a page."""
    return f"{file_sha256[:12]}-p{page}" + (f"-d{index}" if index else "")


def latest(entries: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last journal entry per key (a page retried on `--resume` replaces its failure)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = entry.get("key")
        if isinstance(key, str):
            out.pop(key, None)
            out[key] = entry
    return out


def latest_corrections(entries: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry.get("row_id"), str) and isinstance(entry.get("field"), str):
            out[(entry["row_id"], entry["field"])] = entry
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return join_list([str(v) for v in value])
    return str(value)


def rows_from_entries(
    entries: Mapping[str, dict[str, Any]],
    corrections: Mapping[tuple[str, str], dict[str, Any]] | None = None,
    *,
    registry: RecordLookup | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Row]:
    """One row per certificate (several when a page holds several), in (source, page) order, flagged and
    with corrections applied."""
    corrections = corrections or {}
    rows: list[Row] = []
    for page_entry in entries.values():
        if page_entry.get("status") != "ok":
            continue
        for document in page_entry.get("documents") or [page_entry]:
            row = _row(page_entry, document, corrections)
            if row is not None:
                rows.append(row)
    rows.sort(key=lambda r: (r.source, r.page))
    _flag(rows, corrections, registry=registry, min_confidence=min_confidence)
    return rows


def _row(
    entry: dict[str, Any], document: dict[str, Any], corrections: Mapping[tuple[str, str], dict[str, Any]]
) -> Row | None:
    """The registry row of one certificate read on a page; None for other documents."""
    try:
        cert_type = DOC_TYPE_TO_CERT_TYPE[DocType(str(document.get("doc_type")))]
    except (ValueError, KeyError):
        return None
    fields: dict[str, Any] = document.get("fields") or {}
    ocr: dict[str, dict[str, Any]] = {}
    for column, names in FIELD_SOURCES.items():
        found = next((fields[n] for n in names if n in fields and fields[n].get("value") not in (None, "", [])), None)
        if found is not None:
            ocr[column] = found
    values = {column: _text(f.get("value")) for column, f in ocr.items()}
    values["cert_type"] = str(cert_type)
    values["status"] = "valid"
    rid = row_id(str(entry.get("file_sha256", "")), int(entry["page"]), int(document.get("index") or 0))
    for column in REGISTRY_COLUMNS:
        fix = corrections.get((rid, column))
        if fix is not None:
            values[column] = _text(fix.get("value"))
    return Row(rid, entry["key"], entry["source"], int(entry["page"]), cert_type, values, ocr)


def _flag(
    rows: list[Row],
    corrections: Mapping[tuple[str, str], dict[str, Any]],
    *,
    registry: RecordLookup | None,
    min_confidence: float,
) -> None:
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        flags: list[Flag] = []
        for column, f in row.ocr.items():
            confidence = float(f.get("confidence") or 0.0)
            if confidence < min_confidence:
                flags.append(Flag(column, "low_confidence", f"{confidence:.2f}"))
        for column in REQUIRED[row.cert_type]:
            if not row.values.get(column):
                flags.append(Flag(column, "missing_required"))
        id_number = row.values.get("id_number")
        legacy = id_number and len(clean_id_number(id_number)) == 15 and clean_id_number(id_number).isdigit()
        if id_number and not legacy and not id_number_valid(clean_id_number(id_number)):
            flags.append(Flag("id_number", "invalid_id_check_digit"))
        authority = row.values.get("issuing_authority")
        if authority and authority_province(authority) is None:
            flags.append(Flag("issuing_authority", "unknown_authority"))
        number = cert_key(row.values.get("cert_number"))
        if number:
            first = seen.setdefault((str(row.cert_type), number), row.row_id)
            if first != row.row_id:
                flags.append(Flag("cert_number", "duplicate_row", first))
            if registry is not None and in_registry(registry, row.cert_type, row.values["cert_number"]) is not None:
                flags.append(Flag("cert_number", "duplicate_registry"))
        try:
            parse_record(dict(row.values))
        except RowError as exc:
            if not any(f.field == exc.field for f in flags):
                flags.append(Flag(exc.field, "invalid_value", exc.reason))
        row.flags = [f for f in flags if (row.row_id, f.field) not in corrections]
        row.resolved = [f for f in flags if (row.row_id, f.field) in corrections]


def records_csv(rows: Iterable[Row]) -> str:
    buf = io.StringIO()
    writer = SafeWriter(buf, fieldnames=list(RECORD_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.csv_row())
    return buf.getvalue()


EXPORT_COLUMNS: tuple[str, ...] = (*REGISTRY_COLUMNS, "source")
"""The registry import columns, and `source` marking each row as digitised (`digitized:FILE#pPAGE`): an
import never lets such a row overwrite an issuing authority's record unless told to."""


def write_registry_csv(rows: Iterable[Row], out: TextIO) -> int:
    """Rows in the registry import columns, marked as digitised; returns how many were written."""
    writer = SafeWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        source = f"{DIGITIZED_SOURCE}{Path(row.source).name}#p{row.page}"
        writer.writerow({**{c: row.values.get(c, "") for c in REGISTRY_COLUMNS}, "source": source})
        count += 1
    return count


def read_records_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def reason_counts(rows: Iterable[Row]) -> Counter[str]:
    return Counter(f.code for row in rows for f in row.flags)
