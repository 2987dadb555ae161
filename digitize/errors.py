"""Errors of a batch run that stop it before it starts; each carries a stable code."""

from __future__ import annotations

from huren.errors import OneMessageError


class DigitizeError(OneMessageError):
    """The run cannot start or continue (output folder, engine, options); `code` is stable."""

    code = "digitize_error"
