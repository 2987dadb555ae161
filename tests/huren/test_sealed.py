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
