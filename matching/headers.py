"""A registry table's header: which column holds which field, in Chinese or English.

Columns are recognised by the vocabulary the document specs use (`huren.labels`), so a header reads
the way the certificate's own labels do: 姓名, 证书编号 / 注册证编号, 身份证号码, 有效期至 … and the
import's English column names. Comparison ignores case, width, spaces, punctuation and a bracketed
note (`身份证号码（18位）`, `姓名*`). Anything else can be named with `--map 证书号=cert_number`.

The header row is found, not assumed: a title row above it (`2023年注册计量师登记表`) or a second
header row under merged cells (`有效期` over `起` | `至`) is recognised by how many columns map.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from huren import labels
from huren.domain import RECORD_FIELDS
from huren.normalize import squash
from matching.errors import RegistryFileError

VALIDITY = "validity"
"""A pseudo-field: one column holding a whole range (`2023.05.01-2028.04.30`), split into from/until."""

FIELDS: tuple[str, ...] = RECORD_FIELDS
"""The import and export columns: a registry record's fields (huren.domain.RECORD_FIELDS)."""
REQUIRED: tuple[str, ...] = ("cert_type", "cert_number", "name")

# field → the headers that name it (besides the field's own English name)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "cert_type": labels.CERT_TYPE,
    "cert_number": (*labels.CERT_NUMBER, "注册证号", "合格证编号", "检定员证号"),
    "name": labels.NAME,
    "id_number": labels.ID_NUMBER,
    "gender": labels.GENDER,
    "level": labels.LEVEL,
    "categories": labels.CATEGORIES,
    "items": labels.ITEMS,
    "issuing_authority": (*labels.AUTHORITY, "注册机关", "注册部门"),
    # a table's sub-headers under a merged 有效期 (起 | 至, 开始 | 结束) read as one with it
    "valid_from": (*labels.VALID_FROM, "有效期自", "有效期开始", "有效期从", "ValidFrom"),
    "valid_until": (*labels.VALID_UNTIL, "有效期止", "有效期结束", "有效期到"),
    VALIDITY: labels.VALIDITY,
    "status": labels.STATUS,
    "employer": labels.EMPLOYER,
    "source": ("来源", "数据来源", "Source"),
    "updated_at": ("更新时间", "更新日期", "UpdatedAt"),
}

HEADER_SEARCH_ROWS = 20
"""How far down a sheet the header row may be (title rows, notes, a logo row above it)."""

_NOTE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_PUNCTUATION = re.compile(r"[\s._\-:：*＊#/\\·]+")


def fold_header(text: str) -> str:
    """The form in which headers are compared: `身份证号码（18位）*` → `身份证号码`, `Cert No.` → `certno`."""
    return _PUNCTUATION.sub("", _NOTE.sub("", squash(text))).lower()


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, words in SYNONYMS.items():
        for word in (name, *words):
            key = fold_header(word)
            if table.setdefault(key, name) != name:
                raise ValueError(f"header {word!r} names both {table[key]} and {name}")
    return table


HEADER_TABLE: dict[str, str] = _build_table()


def parse_column_map(pairs: Sequence[str]) -> dict[str, str]:
    """`["证书号=cert_number", "备注=-"]` → folded header → field (`-` ignores a column quietly)."""
    out: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        name = name.strip()
        if not sep or not header.strip() or not name:
            raise ValueError(f"--map {pair!r}: expected HEADER=FIELD, e.g. 证书号=cert_number")
        if name != "-" and name not in SYNONYMS:
            raise ValueError(f"--map {pair!r}: unknown field {name!r}; fields: {', '.join(SYNONYMS)}, or - to ignore")
        out[fold_header(header)] = name
    return out


def field_for(header: str, column_map: Mapping[str, str] | None = None) -> str | None:
    """The field a header names, `-` for a column mapped away, or None when unknown."""
    key = fold_header(header)
    if not key:
        return None
    if column_map and key in column_map:
        return column_map[key]
    return HEADER_TABLE.get(key)


@dataclass(slots=True)
class Header:
    """Where the header is and what each column means."""

    rows: int  # how many rows the header takes (1, or 2 under merged cells)
    labels: list[str]  # the header text per column, as written (merged parents joined with their child)
    fields: dict[int, str]  # column index → field
    unknown: list[str] = field(default_factory=list)

    def column(self, name: str) -> str:
        """The header text of the column holding `name` (for messages)."""
        for index, f in self.fields.items():
            if f == name:
                return self.labels[index]
        return name


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _map_labels(texts: list[str], column_map: Mapping[str, str] | None) -> tuple[dict[int, str], list[str]]:
    fields: dict[int, str] = {}
    unknown: list[str] = []
    for index, text in enumerate(texts):
        if not text:
            continue
        name = field_for(text, column_map)
        if name is None:
            unknown.append(text)
        elif name != "-":
            fields[index] = name
    return fields, unknown


def _two_row_labels(top: list[str], below: list[str], column_map: Mapping[str, str] | None) -> list[str]:
    """A parent header merged across columns (`有效期` over `起` | `至`): parent+child where they map."""
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    out: list[str] = []
    parent = ""
    for parent_text, child in zip(top, below, strict=True):
        # a merged cell's value sits in its first column; the columns under it are blank above
        parent = parent_text or (parent if child else "")
        if not child:
            out.append(parent)
            continue
        joined = parent + child
        if parent and field_for(joined, column_map) is not None:
            out.append(joined)
        elif field_for(parent, column_map) is not None and field_for(child, column_map) is None:
            out.append(parent)
        else:
            out.append(child)
    return out


def find_header(
    rows: Sequence[Sequence[Any]], column_map: Mapping[str, str] | None = None
) -> tuple[int, Header] | None:
    """(index of the header's first row, the header) among the first rows of a table, or None.

    The row where most columns are recognised wins (at least two); a second header row under it
    counts when joining the two recognises more columns than the first alone.
    """
    best: tuple[int, int, Header] | None = None  # (score, -index, header) — more columns, then higher up
    texts = [[_cell_text(v) for v in row] for row in rows[:HEADER_SEARCH_ROWS]]
    singles = [_map_labels(row, column_map) for row in texts]
    for index, top in enumerate(texts):
        fields, unknown = singles[index]
        candidates = [(len(fields), Header(1, top, fields, unknown))]
        if index + 1 < len(texts):
            joined = _two_row_labels(top, texts[index + 1], column_map)
            j_fields, j_unknown = _map_labels(joined, column_map)
            # two rows only when both are needed: not a title above a header, not a header above data
            better = len(j_fields) > max(len(fields), len(singles[index + 1][0]))
            if better and len(set(j_fields.values())) == len(j_fields):
                candidates.append((len(j_fields), Header(2, joined, j_fields, j_unknown)))
        score, header = max(candidates, key=lambda c: c[0])
        if score >= 2 and (best is None or score > best[0]):
            best = (score, index, header)
    return None if best is None else (best[1], best[2])


def check_header(where: str, line: int, header: Header, *, has_cert_type: bool) -> None:
    """Two columns for one field, or a required field with no column: the file cannot be imported."""
    seen: dict[str, str] = {}
    for index, name in header.fields.items():
        text = header.labels[index]
        if name in seen:
            raise RegistryFileError(
                where,
                line,
                f"两列对应同一字段 / columns {seen[name]!r} and {text!r} both map to {name}; drop one or --map it away",
            )
        seen[name] = text
    names = set(header.fields.values())
    if VALIDITY in names and names & {"valid_from", "valid_until"}:
        both = ", ".join(repr(header.column(n)) for n in (VALIDITY, "valid_from", "valid_until") if n in names)
        raise RegistryFileError(where, line, f"有效期重复 / columns {both} all give the validity; keep one form")
    missing = [n for n in REQUIRED if n not in names and not (n == "cert_type" and has_cert_type)]
    if missing:
        found = ", ".join(f"{text!r}" for text in header.labels if text) or "none"
        hint = " (or give --cert-type)" if "cert_type" in missing else ""
        raise RegistryFileError(
            where, line, f"缺少必需的列 / missing column(s) {', '.join(missing)}{hint}; columns found: {found}"
        )
