"""Registry files as tables of cells, streamed: Excel workbooks, CSV/TSV in any encoding, JSON Lines.

Nothing here holds a whole file: a workbook is read with openpyxl's read-only mode, a text file
through an incremental decoder, so memory stays flat however long the file is. What the file is
comes from its first bytes, not its name: a zip is a workbook, an OLE2 file is an Excel 97–2003
`.xls` or a password-protected workbook (both refused with what to do instead), text is CSV/TSV
with the delimiter sniffed, or JSON Lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import charset_normalizer

from matching.errors import RegistryFileError

Progress = Callable[[int, int | None], None]
"""Called now and then with (work done, total work or None): bytes for text files, rows for sheets."""

TableFormat = Literal["xlsx", "csv", "jsonl"]

SAMPLE_BYTES = 1 << 20
EMPTY_RUN_LIMIT = 10_000
"""Consecutive empty rows after which a sheet is taken to have ended (formatting without data)."""

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass(slots=True)
class Table:
    """One sheet (or the whole text file): rows of cells, numbered as the user sees them."""

    sheet: str | None
    rows: Iterator[tuple[int, list[Any]]]
    notices: list[str]


def sniff_format(path: Path, head: bytes) -> TableFormat:
    """What a file is, from its first bytes; raises `RegistryFileError` for what cannot be read."""
    name = str(path)
    if head.startswith(_OLE2):
        if _ole2_encrypted(path, head):
            raise RegistryFileError(
                name,
                0,
                "工作簿设有密码，请在 Excel 中取消密码后另存为 .xlsx / "
                "the workbook is password-protected: open it in Excel, remove the password "
                "(文件 → 信息 → 保护工作簿 / File → Info → Protect Workbook) and save it again as .xlsx",
            )
        raise RegistryFileError(
            name,
            0,
            "不支持旧版 Excel（.xls），请另存为 .xlsx 或 CSV UTF-8 / "
            "an Excel 97–2003 workbook (.xls) cannot be read: save it as .xlsx "
            "(Excel 工作簿) or as CSV UTF-8 and import that",
        )
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise RegistryFileError(
            name, 0, "不是表格（PDF 或图片） / not a table (a PDF or an image); registries are .xlsx, CSV or JSON Lines"
        )
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


def _ole2_encrypted(path: Path, head: bytes) -> bool:
    """An OLE2 file holding an `EncryptionInfo` stream: Office's wrapper around a password-protected .xlsx."""
    sector_size = 1 << int.from_bytes(head[0x1E:0x20], "little")
    directory = int.from_bytes(head[0x30:0x34], "little")
    with path.open("rb") as fh:
        fh.seek((directory + 1) * sector_size)
        entries = fh.read(sector_size * 4)
    return _ENCRYPTED_MARK in entries or _ENCRYPTED_MARK in head


def open_tables(path: str | Path, *, sheet: str | None = None, progress: Progress | None = None) -> Iterator[Table]:
    """Every table in a file: each sheet of a workbook (or only `sheet`), or the one table of a text file."""
    p = Path(path)
    with p.open("rb") as fh:
        head = fh.read(4096)
    fmt = sniff_format(p, head)
    if fmt == "xlsx":
        yield from _workbook_tables(p, sheet, progress)
    elif fmt == "jsonl":
        yield _jsonl_table(p, progress)
    else:
        if sheet is not None:
            raise RegistryFileError(str(p), 0, f"--sheet {sheet!r} given, but the file is not a workbook")
        yield _text_table(p, progress)


# --- workbooks ---------------------------------------------------------------------------------------


def _workbook_tables(path: Path, wanted: str | None, progress: Progress | None) -> Iterator[Table]:
    import openpyxl  # imported here: a CSV import never pays for it

    name = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryFileError(name, 0, f"not an Excel workbook (.xlsx) that can be read ({exc})") from None
    try:
        names = list(book.sheetnames)
        if wanted is not None and wanted not in names:
            raise RegistryFileError(name, 0, f"no sheet {wanted!r}; the workbook has {', '.join(names)}")
        for sheet_name in [wanted] if wanted is not None else names:
            ws = book[sheet_name]
            notices: list[str] = []
            yield Table(sheet_name, _sheet_rows(ws, sheet_name, notices, progress), notices)
    finally:
        book.close()


def _sheet_rows(
    ws: Any, sheet_name: str, notices: list[str], progress: Progress | None
) -> Iterator[tuple[int, list[Any]]]:
    total = ws.max_row if isinstance(ws.max_row, int) else None
    number = (ws.min_row or 1) - 1
    # A sheet's stated size (its <dimension>) is often stale; read-only mode would stop there and lose rows.
    ws.reset_dimensions()
    empty_run = 0
    for values in ws.iter_rows(values_only=True):
        number += 1
        if progress is not None and number % 1000 == 0:
            progress(number, total)
        if not any(v is not None and str(v).strip() for v in values):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                notices.append(
                    f"sheet {sheet_name!r}: stopped at row {number:,} after {EMPTY_RUN_LIMIT:,} empty rows "
                    f"(formatted but empty; the sheet claims {total or 0:,} rows)"
                )
                break
            continue
        empty_run = 0
        yield number, list(values)
    if progress is not None:
        progress(total or number, total)


# --- text --------------------------------------------------------------------------------------------


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The encoding of a text file from its first bytes: a BOM, else UTF-8, else what charset-normalizer finds."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    encoding = (best.encoding if best else "gb18030").lower().replace("-", "_")
    # Excel writes "ANSI" = GBK on Chinese Windows; GB18030 is its superset and decodes every GBK file.
    if encoding in {"gbk", "gb2312", "gb18030", "hz", "cp936"}:
        return "gb18030"
    try:
        sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return "gb18030"
    return encoding


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in ",\t;|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


class _Counting(io.RawIOBase):
    """A binary file that remembers how far it has been read (for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.done += n or 0
        return n or 0


def _text_stream(path: Path) -> tuple[io.TextIOWrapper, _Counting, int, str]:
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RegistryFileError(
            str(path), 0, "不是表格 / not a table: a binary file (registries are .xlsx, CSV or JSON Lines)"
        )
    encoding = detect_encoding(sample, complete=len(sample) >= size)
    counting = _Counting(path.open("rb"))
    stream = io.TextIOWrapper(io.BufferedReader(counting), encoding=encoding, newline="")
    return stream, counting, size, sample[: 64 * 1024].decode(encoding, errors="ignore")


def _text_table(path: Path, progress: Progress | None) -> Table:
    stream, counting, size, head = _text_stream(path)
    delimiter = _sniff_delimiter(head)
    notices: list[str] = []

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with stream:
            reader = csv.reader(stream, delimiter=delimiter)
            try:
                for cells in reader:
                    if progress is not None and reader.line_num % 2000 == 0:
                        progress(counting.done, size)
                    # not a blank row (any cell with more than spaces); the first cell mostly says so alone
                    if (cells and cells[0].strip()) or "".join(cells).strip():
                        if cells[0].startswith("\ufeff"):  # a byte-order mark the decoding left
                            cells[0] = cells[0].lstrip("\ufeff")
                        yield reader.line_num, cells
            except UnicodeDecodeError as exc:
                raise RegistryFileError(
                    str(path),
                    reader.line_num + 1,
                    f"not {stream.encoding} text beyond this line ({exc.reason}); save the file as UTF-8",
                ) from None
            except csv.Error as exc:
                raise RegistryFileError(str(path), reader.line_num, f"not a CSV table ({exc})") from None
        if progress is not None:
            progress(size, size)

    return Table(None, rows(), notices)


def _jsonl_table(path: Path, progress: Progress | None) -> Table:
    stream, counting, size, _ = _text_stream(path)
    notices: list[str] = []

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with stream:
            for number, line in enumerate(stream, start=1):
                if progress is not None and number % 2000 == 0:
                    progress(counting.done, size)
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, [RowProblem(f"not JSON ({exc.msg})")]
                    continue
                yield number, [obj if isinstance(obj, dict) else RowProblem("not a JSON object")]
        if progress is not None:
            progress(size, size)

    return Table(None, rows(), notices)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that could not even be split into cells (bad JSON): reported as that row's error."""

    reason: str
