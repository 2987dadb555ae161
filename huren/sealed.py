"""Personal data at rest: encrypted columns and keyed look-up hashes.

ID numbers (and the forms and screening results that hold them) are stored encrypted with AES-256-GCM
(authenticated, from `cryptography`) under a key from configuration:

* `HUREN_DATA_KEY` — any long random string (e.g. `python -c "import secrets; print(secrets.token_hex(32))"`);
* else the key file `HUREN_DATA_KEY_FILE`, default `$HUREN_DATA_DIR/data.key`, made (0600) on first use.

Keep the key off the database's host and backups: whoever has the database without the key reads
nothing personal; losing the key loses the data. Two keys are derived from it (HMAC-SHA256 with
fixed labels): one encrypts, the other makes the look-up hash — an ID number's HMAC, stored beside the
ciphertext, so a record can be found by ID number without decrypting every row. The hash is kept to its
first `LOOKUP_HASH_CHARS` hex characters (80 bits): a look-up compares it for equality only, and at 80 bits
two of a registry's million values share a hash with odds under 1e-12 (and a shared hash only adds a candidate,
which the field-by-field comparison still judges). The full 64 characters made SQLite's indexes, which hold
four of them a row, ~40 % of an imported registry's size and ~20 % of its insert time (migration 0005 cut
the hashes stored before).

A stored value is `enc2:` + base64 of a random 96-bit nonce, the ciphertext and its 128-bit tag (the
version prefix bound in as associated data). Values sealed the first way (`enc1:` + a Fernet token,
AES-128-CBC + HMAC-SHA256: ~8x slower to write, which a registry import of a million ID numbers
felt) still open, as do values written before encryption was introduced (plain text, or plain JSON);
both are sealed the new way the next time they are written. Nonces are drawn at random for each value
(`os.urandom`): unique with overwhelming probability far beyond any registry's size (NIST SP 800-38D
allows 2^32 values a key).

The columns use the process's active `Sealer`: `configure` makes it (the service does, from its
settings); `configure_on_first_use` names the key for the first use (the command line does, at start,
so a command that touches no encrypted column makes no key file). This module reads no environment:
the settings (`HUREN_DATA_KEY`, `HUREN_DATA_KEY_FILE`, `HUREN_DATA_DIR`) arrive as arguments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "enc2:"  # AES-256-GCM: what `seal` writes
FERNET_PREFIX = "enc1:"  # Fernet: written before enc2, still opened
SEALED_PREFIXES = (PREFIX, FERNET_PREFIX)
_AAD = PREFIX.encode()
_NONCE = 12
_BLOCK = 64  # SHA-256's block size, in bytes (HMAC pads its key to it)
LOOKUP_HASH_CHARS = 20  # hex characters of HMAC-SHA256 kept (80 bits); migration 0005 cuts older 64-character ones
_KEPT = LOOKUP_HASH_CHARS
DEFAULT_KEY_FILE = Path("data") / "data.key"  # under the settings' default data folder


class Sealer:
    """Encrypts and decrypts text, and makes keyed look-up hashes, from one secret."""

    def __init__(self, secret: str | bytes, *, previous: Sequence[Sealer] = ()) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        if len(raw) < 16:
            raise ValueError("the data key must be at least 16 characters")
        encryption = hmac.new(raw, b"huren data encryption v1", hashlib.sha256).digest()
        self.fernets = [Fernet(base64.urlsafe_b64encode(encryption))]
        self.aeads = [AESGCM(hmac.new(raw, b"huren data encryption v2 aes-256-gcm", hashlib.sha256).digest())]
        for older in previous:  # still read what an earlier key of this process wrote (rotation, tests)
            self.fernets.extend(f for f in older.fernets if f not in self.fernets)
            self.aeads.extend(a for a in older.aeads if a not in self.aeads)
        self._fernet = MultiFernet(self.fernets)
        self._aead = self.aeads[0]
        lookup = hmac.new(raw, b"huren look-up hash v1", hashlib.sha256).digest()
        # HMAC (RFC 2104) from its two keyed SHA-256 states, made once and copied for each value: the same
        # hashes as hmac.new(lookup, value, sha256) at ~half the cost of copying an hmac object (~40 % of
        # hmac.digest's); an import hashes four values of every ID number. `lookup` is 32 bytes, under
        # SHA-256's 64-byte block, so it is padded as it is (never hashed first).
        padded = lookup.ljust(_BLOCK, b"\0")
        self._lookup_inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._lookup_outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def seal(self, text: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, text.encode(), _AAD)
        return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def seal_many(self, texts: Sequence[str | None]) -> list[str | None]:
        """`seal` of each text (None stays None), the nonces drawn in one `os.urandom` call: a registry import's batch."""
        nonces = os.urandom(_NONCE * len(texts))
        encrypt, encode = self._aead.encrypt, base64.urlsafe_b64encode
        out: list[str | None] = []
        for i, text in enumerate(texts):
            if text is None:
                out.append(None)
                continue
            nonce = nonces[i * _NONCE : (i + 1) * _NONCE]
            out.append(PREFIX + encode(nonce + encrypt(nonce, text.encode(), _AAD)).decode("ascii"))
        return out

    def open(self, stored: str) -> str:
        """The clear text of a stored value; `InvalidToken` when it was tampered with or sealed under another key."""
        if stored.startswith(PREFIX):
            text = stored[len(PREFIX) :].encode("ascii", "replace")
            try:
                sealed = base64.urlsafe_b64decode(text)
            except (binascii.Error, ValueError):
                raise InvalidToken from None
            if base64.urlsafe_b64encode(sealed) != text:  # the one encoding only: nothing ignored
                raise InvalidToken
            nonce, body = sealed[:_NONCE], sealed[_NONCE:]
            for aead in self.aeads:
                try:
                    return aead.decrypt(nonce, body, _AAD).decode()
                except (InvalidTag, ValueError):
                    continue
            raise InvalidToken
        if stored.startswith(FERNET_PREFIX):
            return self._fernet.decrypt(stored[len(FERNET_PREFIX) :].encode()).decode()
        return stored  # written before encryption: read as it is

    def lookup_hash(self, value: str | None) -> str | None:
        """The keyed hash an ID number is looked up by (upper case, no spaces), or None."""
        return self.lookup_hashes((value,))[0]

    def lookup_hashes(self, values: Iterable[str | None]) -> list[str | None]:
        """`lookup_hash` of each value, in one call (a registry import's batch)."""
        inner, outer = self._lookup_inner.copy, self._lookup_outer.copy
        out: list[str | None] = []
        for value in values:
            if not value:
                out.append(None)
                continue
            keyed = inner()
            keyed.update(value.strip().upper().encode())
            digest = outer()
            digest.update(keyed.digest())
            out.append(digest.hexdigest()[:_KEPT])
        return out


_active: Sealer | None = None
_first_use: tuple[str | bytes | None, Path | None] = (None, None)


def configure(secret: str | bytes | None = None, *, key_file: Path | None = None) -> Sealer:
    """Make the sealer every encrypted column uses: from `secret`, else from the key file (made when missing)."""
    global _active
    previous = [_active] if _active is not None else []
    _active = Sealer(secret if secret else read_or_make_key(key_file or DEFAULT_KEY_FILE), previous=previous)
    return _active


def configure_on_first_use(secret: str | bytes | None = None, *, key_file: Path | None = None) -> None:
    """The key `active()` makes the sealer from when nothing configured one: `secret`, else the key file."""
    global _first_use
    _first_use = (secret, key_file)


def active() -> Sealer:
    if _active is not None:
        return _active
    secret, key_file = _first_use
    return configure(secret, key_file=key_file)


def read_or_make_key(path: Path) -> str:
    """The key in `path`, made (32 random bytes, hex, mode 600) by whichever process comes first."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
    return path.read_text(encoding="utf-8").strip()


class SealedText(TypeDecorator[str]):
    """A text column stored encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else active().seal(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else active().open(str(value))


class SealedJSON(TypeDecorator[Any]):
    """A JSON document stored encrypted (as text: the database cannot look inside it)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else active().seal(json.dumps(value, ensure_ascii=False, default=str))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or not isinstance(value, str):
            return value  # a JSON column from before encryption, already parsed by the driver
        return json.loads(active().open(value))


class LookupHash(TypeDecorator[str]):
    """A column holding the keyed hash of a value: stored, and compared (`==`, `in_`), hashed."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return active().lookup_hash(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(value)


__all__ = ["LOOKUP_HASH_CHARS", "LookupHash", "SealedJSON", "SealedText", "Sealer", "active", "configure"]
