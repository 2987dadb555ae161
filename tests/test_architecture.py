"""The layers point one way (`[tool.importlinter]` in pyproject.toml): a wrong import fails `make test`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("huren", "ocr", "matching", "recognition", "digitize", "api", "cli", "db")
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_the_layers_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_upwards_breaks_the_contract(tmp_path: Path) -> None:
    for name in PACKAGES:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static", "templates")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "ocr" / "planted.py").write_text("from matching import evidence  # the reader reaching up\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "ocr.planted -> matching.evidence" in result.stdout


BELOW_THE_TOP = ("huren", "ocr", "matching", "recognition", "digitize", "db")


def test_below_the_top_nothing_reads_the_environment() -> None:
    """Settings are read by `cli` (and given to `api`); every package below takes plain arguments."""
    readers = sorted(
        str(path.relative_to(ROOT))
        for name in BELOW_THE_TOP
        for path in (ROOT / name).rglob("*.py")
        if ("os.environ" in (text := path.read_text(encoding="utf-8")) or "getenv" in text)
    )
    assert readers == []
