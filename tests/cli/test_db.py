"""`huren db upgrade|current`: a database from before migrations brought to the head, sealed with the service's key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import db
from cli.app import app
from huren import sealed

RELEASE_0_1 = Path(__file__).resolve().parent.parent / "db" / "release_0_1.sqlite.sql"
ID = "330106198805233941"  # synthetic, valid check digit
KEY = "the-operators-own-data-key-0123456789"

runner = CliRunner()


def test_upgrade_brings_an_old_database_to_the_head_under_the_configured_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # whatever key the process held before, the command seals with the configured one (restored afterwards)
    monkeypatch.setattr(sealed, "_active", sealed.Sealer("some-other-key-the-process-had-0000"))
    path = tmp_path / "data" / "huren.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as con:  # made by 0.1, with an ID number from before encryption
        con.executescript(RELEASE_0_1.read_text(encoding="utf-8"))
        con.execute(
            "INSERT INTO registry_records (cert_type, cert_number, name, id_number, categories, items, status) "
            "VALUES ('registration', '沪注计20230001', '韦秀旻', ?, '', '', 'valid')",
            (ID,),
        )
    con.close()
    monkeypatch.setenv("HUREN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HUREN_DATABASE_URL", raising=False)
    monkeypatch.setenv("HUREN_DATA_KEY", KEY)

    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 1 and f"database at revision unversioned, head {db.head()}" in before.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"database at revision {db.head()} (was unversioned)" in upgraded.output
    assert runner.invoke(app, ["db", "current"]).exit_code == 0
    with sqlite3.connect(path) as con:
        stored = con.execute("SELECT id_number FROM registry_records").fetchone()[0]
    con.close()
    assert stored.startswith(sealed.PREFIX) and sealed.Sealer(KEY).open(stored) == ID
