"""The sealer's key comes from its arguments, never from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken

from huren import sealed


def test_the_first_use_takes_the_key_it_was_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sealed, "_active", None)
    monkeypatch.setattr(sealed, "_first_use", (None, None))
    monkeypatch.setenv("HUREN_DATA_KEY", "from-the-environment-0123456789")
    monkeypatch.setenv("HUREN_DATA_KEY_FILE", str(tmp_path / "env.key"))
    sealed.configure_on_first_use(None, key_file=tmp_path / "given.key")
    stored = sealed.active().seal("310101199001011237")
    assert (tmp_path / "given.key").exists() and not (tmp_path / "env.key").exists()
    key = (tmp_path / "given.key").read_text().strip()
    assert sealed.Sealer(key).open(stored) == "310101199001011237"
    with pytest.raises(InvalidToken):  # the environment's key is not the one used
        sealed.Sealer("from-the-environment-0123456789").open(stored)


def test_lookup_hash_is_pinned() -> None:
    """HMAC-SHA256 of the upper-cased, stripped value under the derived key, as stored since hashes began:
    what the stored hash columns hold must not change with the code that makes them."""
    sealer = sealed.Sealer("a data key of the tests, 32 chars")
    expected = "ba98e39e041de827dae66923783fd2c8ad7bf375b7319a8800feb8ea89deec4a"
    assert sealer.lookup_hash(" 11010519491231002x ") == expected
    assert sealer.lookup_hash("11010519491231002X") == expected
    assert sealer.lookup_hash("") is None
