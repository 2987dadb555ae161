"""What people read from the API and the command line (issue 15 items 9 and 10): Chinese beside
pydantic's English in validation errors; `huren user create --password` prompts on stderr only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app as huren_cli

from .conftest import Service


def test_validation_errors_carry_chinese_messages(service: Service) -> None:
    body = {"area": "nowhere", "form": {"name": "", "id_number": "123", "cert_number": "x", "level": 7}}
    r = service.client.post("/api/v1/applications", json=body, headers=service.headers("alice"))
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e["msg_zh"]) for e in errors), errors
    assert {"不是允许的取值", "格式不符合要求"} <= {e["msg_zh"] for e in errors}


def test_user_create_prompts_on_stderr_and_prints_only_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUREN_DATABASE_URL", f"sqlite:///{tmp_path / 'huren.sqlite3'}")
    result = CliRunner().invoke(
        huren_cli, ["user", "create", "wang", "--role", "reviewer", "--area", "qingpu", "--password"],
        input="correct-horse-battery\ncorrect-horse-battery\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # CliRunner echoes the newline of each hidden input to its stdout (a terminal's getpass writes to the tty)
    words = result.stdout.split()
    assert len(words) == 1 and re.fullmatch(r"[A-Za-z0-9_\-]{20,}", words[0]), repr(result.stdout)
    assert "password" in result.stderr.lower()
