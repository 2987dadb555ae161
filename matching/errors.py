"""Errors of the matching package, each with a stable code users see."""

from __future__ import annotations

from huren.errors import OneMessageError


class MatchingError(OneMessageError):
    code = "matching_error"


class RegistryFileError(MatchingError):
    """A registry file that cannot be read at all (unknown columns, undecodable, not JSON Lines)."""

    code = "registry_file_invalid"

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line
        self.message = message  # without the place: callers print path and line themselves


class RegistryStoreError(MatchingError):
    code = "registry_store_error"
