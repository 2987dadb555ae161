"""One version: the package's, printed by `huren --version` and `python -m huren --version`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from typer.testing import CliRunner

from cli.app import app
from huren import __version__


def test_version_option() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"huren {__version__}"


def test_python_m_huren() -> None:
    out = subprocess.run([sys.executable, "-m", "huren", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"huren {__version__}"


def test_installed_metadata_agrees() -> None:
    assert version("huren") == __version__
