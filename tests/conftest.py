import os
from pathlib import Path

import pytest

# one key for the encrypted columns in every test (huren.sealed), rather than a key file made under ./data
os.environ.setdefault("HUREN_DATA_KEY", "tests-only-data-key-0123456789abcdef")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "documents"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from current extraction")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
