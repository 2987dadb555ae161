"""Errors of a batch run that stop it before it starts; each carries a stable code."""

from __future__ import annotations


class DigitizeError(Exception):
    """The run cannot start or continue (output folder, engine, options); `code` is stable."""

    code = "digitize_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.message = message
