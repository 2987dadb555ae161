"""The API documentation pages render in Chromium with every request off this server refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from huren import __version__

from ..api.conftest import SECRET
from ..conftest import ARTIFACTS
from .test_browser import _free_port, browser  # noqa: F401  (the module's Chromium fixture)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("docs")
    settings = Settings(
        data_dir=root / "data", database_url=f"sqlite:///{root / 'h.sqlite3'}", cert_secret=SECRET, worker=False
    )
    app = create_app(settings, start_worker=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _offline_page(chromium: Any, base: str) -> tuple[Any, list[str]]:
    """A page whose every request to another origin is aborted; what the page needs to work (scripts,
    styles, fonts, data) is remembered. ReDoc's menu shows its maker's logo from its CDN: that image is
    refused like everything else, and the page works without it."""
    refused: list[str] = []
    page = chromium.new_page(viewport={"width": 1366, "height": 768})

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            if r.request.resource_type != "image":
                refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, refused


def test_swagger_ui_offline(browser: Any, served: str) -> None:  # noqa: F811
    page, refused = _offline_page(browser, served)
    page.goto(f"{served}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 10, "Swagger UI lists the operations"
    assert __version__ in page.inner_text(".info"), "the version shown is the package's"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-swagger.png"))
    assert refused == [], f"requests left the server: {refused}"
    page.close()


def test_redoc_offline(browser: Any, served: str) -> None:  # noqa: F811
    page, refused = _offline_page(browser, served)
    page.goto(f"{served}/redoc")
    page.wait_for_selector("[role=menuitem], .menu-content label", timeout=20_000)
    assert "/api/v1/applications" in page.content()
    page.screenshot(path=str(ARTIFACTS / "api-docs-redoc.png"))
    assert refused == [], f"requests left the server: {refused}"
    page.close()


def test_one_version_everywhere(served: str) -> None:
    import httpx

    assert httpx.get(f"{served}/openapi.json").json()["info"]["version"] == __version__
