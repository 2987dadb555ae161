"""Errors a user sees when a file cannot be read; each carries a stable code."""

from __future__ import annotations


class HurenOcrError(Exception):
    """Base of every error `ocr` raises on purpose; `code` is stable, `message` says what to do."""

    code = "ocr_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.message = message


class IngestError(HurenOcrError):
    """The file itself is wrong: empty, truncated, not what its name says, too large, encrypted."""

    code = "ingest_error"


class EngineError(HurenOcrError):
    """The OCR backend could not be loaded or failed on a page."""

    code = "engine_error"
