"""The public verification page in Debian's Chromium on a phone: a right code, a wrong one, none.

Screenshots land in tests/artifacts/verify-*.png for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from recognition.reissue import printed_code, verification_code

from ..api.conftest import FORM, SECRET
from ..conftest import ARTIFACTS
from .conftest import APPROVABLE, build_site
from .test_browser import _free_port, browser, shot

__all__ = ["browser"]  # the module's Chromium, shared with the reviewers' tests

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server with one approved application and its certificate, on a free port."""
    site = build_site(tmp_path_factory.mktemp("verify"))
    app_id = site.submitted(APPROVABLE)
    number = site.api.get(f"/api/v1/applications/{app_id}/status", headers=site.headers("alice")).json()["certificate"][
        "number"
    ]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    code = verification_code(number, FORM["id_number"], FORM["name"], SECRET.encode())
    yield {"base": f"http://127.0.0.1:{port}", "number": number, "code": code, "site": site, "app_id": app_id}
    server.should_exit = True
    thread.join(10)
    site.api.close()
    site.engine.dispose()


def _phone(browser: Any, base: str) -> Any:
    context = browser.new_context(base_url=base, viewport=PHONE, device_scale_factor=2, locale="zh-CN", is_mobile=True)
    return context.new_page()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_right_code_on_a_phone(browser: Any, issued: dict[str, Any]) -> None:
    page = _phone(browser, issued["base"])
    page.goto(f"/verify/{issued['number']}?c={issued['code']}")  # what the QR code opens
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "valid"
    assert page.inner_text("[data-testid=verify-status]") == "有效"
    holder = page.inner_text("[data-testid=verify-holder]")
    assert "韦**" in holder and "3301**********3941" in holder and "力学" in holder
    assert FORM["id_number"] not in page.content() and "韦秀旻" not in page.content()
    _fits(page)
    shot(page, "verify-right-code.png")


def test_wrong_code_and_no_code_on_a_phone(browser: Any, issued: dict[str, Any]) -> None:
    page = _phone(browser, issued["base"])
    page.goto(f"/verify/{issued['number']}?c=AAAAAAAAAAAAAAAA")
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "unverifiable"
    assert "无法核验" in page.inner_text("main") and "韦" not in page.inner_text("main")
    _fits(page)
    shot(page, "verify-wrong-code.png")

    page.goto(f"/verify/{issued['number'].lower()}")  # typed by hand, in lower case, without the code
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "code_required"
    assert "韦" not in page.inner_text("main")
    shot(page, "verify-no-code.png")
    page.fill("input[name=c]", printed_code(issued["code"]).lower())  # the code as printed, typed into the form
    page.click("form.code button[type=submit]")
    page.wait_for_load_state()
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "valid"

    page.goto(f"/verify/{issued['number']}?c={issued['code']}&lang=en")
    assert page.inner_text("[data-testid=verify-status]") == "Valid"


def test_a_reissue_supersedes_the_earlier_certificate(browser: Any, issued: dict[str, Any]) -> None:
    """The same person applies again: a new certificate; the old one's page says superseded."""
    site = issued["site"]
    again = site.submitted(APPROVABLE)
    status = site.api.get(f"/api/v1/applications/{again}/status", headers=site.headers("alice")).json()
    number = status["certificate"]["number"]
    assert number != issued["number"]
    pdf = site.api.get(f"/api/v1/applications/{again}/certificate", headers=site.headers("alice"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "reissued-certificate.pdf").write_bytes(pdf.content)
    if shutil.which("pdftoppm"):  # poppler-utils, from scripts/system-deps.sh: the PNG a person looks at
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(ARTIFACTS / "reissued-certificate.pdf"),
             str(ARTIFACTS / "reissued-certificate")],
            check=True,
        )  # fmt: skip
    page = _phone(browser, issued["base"])
    page.goto(f"/verify/{issued['number']}?c={issued['code']}")
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "superseded"
    shot(page, "verify-superseded.png")
    code = verification_code(number, FORM["id_number"], FORM["name"], SECRET.encode())
    page.goto(f"/verify/{number}?c={code}")
    assert page.get_attribute("[data-testid=verify-status]", "data-status") == "valid"
