"""CSV cells a spreadsheet will not run: the one writer every CSV that Huren writes goes through.

Excel, LibreOffice and WPS treat a cell that begins with `=`, `+`, `-` or `@` as a formula, and a
leading tab or carriage return lets one slip past a naive check. OWASP's advice ("CSV Injection"):
prefix such a cell with a single quote, which the spreadsheet shows as text and does not evaluate.
An employer typed as `=HYPERLINK("http://…")` therefore reaches the reviewer's spreadsheet as the text
`'=HYPERLINK("http://…")`. Numbers Huren writes (levels, counts, dates, ID numbers) never start with
one of these characters, so only text typed or read from a scan is changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading `'` when a spreadsheet would read it as a formula; None → ``.

    A bare carriage return inside a cell becomes a line feed: `csv` quotes a cell only for the
    characters of its own line terminator, and an unquoted CR splits the row for every reader.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SafeWriter:
    """`csv.writer` / `csv.DictWriter` in one, every cell through `safe_cell` (headers are ours, left as they are)."""

    def __init__(self, out: TextIO, fieldnames: Sequence[str] | None = None, **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)
        self.fieldnames = list(fieldnames) if fieldnames is not None else None

    def writeheader(self) -> None:
        assert self.fieldnames is not None, "writeheader needs fieldnames"
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Sequence[Any] | Mapping[str, Any]) -> None:
        if isinstance(row, Mapping):
            assert self.fieldnames is not None, "a dict row needs fieldnames"
            unknown = set(row) - set(self.fieldnames)
            if unknown:
                raise ValueError(f"dict contains fields not in fieldnames: {sorted(unknown)}")
            cells = [safe_cell(row.get(name)) for name in self.fieldnames]
        else:
            cells = [safe_cell(v) for v in row]
        self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)
