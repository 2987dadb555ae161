"""The sealer's key comes from its arguments, never from the environment."""

from __future__ import annotations

import base64
import hashlib
import hmac
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
    """HMAC-SHA256 of the upper-cased, stripped value under the derived key, as stored since hashes began, cut
    to its first 20 hex characters (migration 0005 cut the stored ones the same way): what the stored hash
    columns hold must not change with the code that makes them."""
    sealer = sealed.Sealer("a data key of the tests, 32 chars")
    expected = "ba98e39e041de827dae6"  # of ba98e39e041de827dae66923783fd2c8ad7bf375b7319a8800feb8ea89deec4a
    assert sealer.lookup_hash(" 11010519491231002x ") == expected
    assert sealer.lookup_hash("11010519491231002X") == expected
    assert sealer.lookup_hash("") is None


def test_lookup_hashes_are_hmac_sha256_as_lookup_hash_gives_them() -> None:
    """The batch form (an import's) is the RFC 2104 HMAC, value by value, whatever the value."""
    sealer = sealed.Sealer("a data key of the tests, 32 chars")
    key = hmac.new(b"a data key of the tests, 32 chars", b"huren look-up hash v1", hashlib.sha256).digest()
    values = [" 11010519491231002x ", None, "", "110105194912", "张三", "x" * 200, "31010119900101123"]
    hashes = sealer.lookup_hashes(values)
    assert hashes[0] == "ba98e39e041de827dae6"
    assert hashes == [sealer.lookup_hash(v) for v in values]
    assert hashes == [
        hmac.new(key, v.strip().upper().encode(), hashlib.sha256).hexdigest()[: sealed.LOOKUP_HASH_CHARS] if v else None
        for v in values
    ]


def test_seal_many_seals_each_value_with_its_own_nonce() -> None:
    sealer = sealed.Sealer("a data key of the tests, 32 chars")
    texts = ["11010519491231002X", None, "11010519491231002X", "张三"]
    stored = sealer.seal_many(texts)
    assert stored[1] is None
    assert [sealer.open(v) if v is not None else None for v in stored] == texts
    nonces = [base64.urlsafe_b64decode(v[len(sealed.PREFIX) :])[:12] for v in stored if v is not None]
    assert len(set(nonces)) == 3 and stored[0] != stored[2]
    assert sealer.seal_many([]) == []


KEY = "a data key of the tests, 32 chars"
ID = "11010519491231002X"
# Written by the Fernet sealer (enc1) before AES-GCM, under KEY: databases hold such values and must read on.
FERNET_SEALED = (
    "enc1:gAAAAABrDl4uXBOEcZDfa7wZ8A-rAdcjFOqbceXtRsgjZAcoFg6urs_ljBpvWClttBBjx_icuoghCNfXW7jBTJ9iU6ooBs4IW9ZlI2r5"
    "CHCJ-ClIzM_AXoA="
)


def test_values_sealed_the_old_way_still_open() -> None:
    sealer = sealed.Sealer(KEY)
    assert sealer.open(FERNET_SEALED) == ID
    assert sealer.open(ID) == ID  # clear text from before encryption reads as it is
    with pytest.raises(InvalidToken):
        sealed.Sealer("another-key-of-32-characters-----").open(FERNET_SEALED)


def test_sealing_is_authenticated_encryption_with_fresh_nonces() -> None:
    sealer = sealed.Sealer(KEY)
    first, second = sealer.seal(ID), sealer.seal(ID)
    assert first.startswith(sealed.PREFIX) and ID not in first
    assert first != second  # a new nonce each time: equal numbers do not look equal at rest
    raw = [base64.urlsafe_b64decode(v[len(sealed.PREFIX) :]) for v in (first, second)]
    assert raw[0][:12] != raw[1][:12]
    assert sealer.open(first) == sealer.open(second) == ID
    assert sealer.open(sealer.seal("张三 · ünïcode")) == "张三 · ünïcode"


@pytest.mark.parametrize("position", [0, 11, 12, 29, 30, -1])  # nonce, ciphertext, tag
def test_a_tampered_value_fails(position: int) -> None:
    sealer = sealed.Sealer(KEY)
    raw = bytearray(base64.urlsafe_b64decode(sealer.seal(ID)[len(sealed.PREFIX) :]))
    raw[position] ^= 0x01
    with pytest.raises(InvalidToken):
        sealer.open(sealed.PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_a_truncated_or_garbled_value_fails() -> None:
    sealer = sealed.Sealer(KEY)
    stored = sealer.seal(ID)
    for broken in (stored[:-8], sealed.PREFIX, sealed.PREFIX + "!!not base64!!", stored + "AAAA"):
        with pytest.raises(InvalidToken):
            sealer.open(broken)


def test_another_key_fails_and_a_rotated_key_still_reads() -> None:
    old = sealed.Sealer(KEY)
    stored = old.seal(ID)
    with pytest.raises(InvalidToken):
        sealed.Sealer("another-key-of-32-characters-----").open(stored)
    rotated = sealed.Sealer("another-key-of-32-characters-----", previous=[old])
    assert rotated.open(stored) == ID and rotated.open(FERNET_SEALED) == ID
    with pytest.raises(InvalidToken):  # the new key writes: the old one cannot read it
        old.open(rotated.seal(ID))
