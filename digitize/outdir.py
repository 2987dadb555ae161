"""The output folder: an append-only page journal, files replaced atomically, one run at a time.

`pages.jsonl` is the source of truth: one JSON object per page (or per failed / duplicate file),
appended in batches and fsync'd, so a run killed at any moment leaves at most a partial last line,
which the next `--resume` cuts off.  Everything else (`records.csv`, `summary.json`) is derived from
it and written to a temporary file first, then `os.replace`d: a reader sees the old file or the new
one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from digitize.errors import DigitizeError

PAGES = "pages.jsonl"
RECORDS = "records.csv"
CORRECTIONS = "corrections.jsonl"
SUMMARY = "summary.json"
SETTINGS = "run.json"  # the run's registry and threshold, for review and export
CROPS = "crops"
LOCK = ".lock"


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so that `path` is always either the old or the new content."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def append_jsonl(path: Path, objects: Iterable[dict[str, Any]]) -> int:
    """Append objects as whole lines and fsync: after a crash a line is there whole or not at all,
    except the very last one, which `read_jsonl` / `repair_jsonl` drop."""
    text = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
    if not text:
        return 0
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return text.count("\n")


def repair_jsonl(path: Path) -> int:
    """Cut a partial last line left by a crash; returns how many bytes were cut."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as fh:
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data) - keep


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Every whole JSON object of a journal; a torn or foreign line is skipped, not fatal."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                return  # torn by a crash
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                yield obj


def check_writable(out: Path) -> None:
    """Fail before any work when the output folder cannot take files (read-only, not a folder)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigitizeError(
            f"输出目录无法创建 / cannot create output folder {out}: {exc}", code="output_not_writable"
        ) from exc
    try:
        fd, tmp = tempfile.mkstemp(prefix=".probe.", dir=out)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise DigitizeError(
            f"输出目录不可写 / output folder {out} is not writable: {exc}", code="output_not_writable"
        ) from exc


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """One run per output folder: a second one at the same time would interleave the journal."""
    lock = FileLock(out / LOCK, timeout=0)  # an OS lock (flock or msvcrt): released if the run dies
    try:
        lock.acquire()
    except Timeout as exc:
        raise DigitizeError(f"另一个任务正在使用 {out} / another run is using {out}", code="output_locked") from exc
    try:
        yield
    finally:
        lock.release()
