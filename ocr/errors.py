"""Errors a user sees when a file cannot be read; each carries a stable code."""

from __future__ import annotations

from huren.errors import OneMessageError


class HurenOcrError(OneMessageError):
    """Base of every error `ocr` raises on purpose; `code` is stable, `message` says what to do."""

    code = "ocr_error"


class IngestError(HurenOcrError):
    """The file itself is wrong: empty, truncated, not what its name says, too large, encrypted."""

    code = "ingest_error"


class EngineError(HurenOcrError):
    """The OCR backend could not be loaded or failed on a page."""

    code = "engine_error"
