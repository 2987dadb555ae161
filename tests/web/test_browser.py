"""End to end in headless Chromium (Debian's `chromium`, driven by Playwright): the reviewer's day.

One server and one browser for the module (pre-screening a scan costs seconds). Screenshots of the
queue, the application page and the applicant's status page land in tests/artifacts/ for a person
to look at. Chromium missing is a failure, not a skip: CI installs it (scripts/system-deps.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from ..conftest import ARTIFACTS
from .conftest import APPROVABLE, FOREIGN_ID, PASSWORD, PLANTED, PLANTED_SCAN, build_site

CHROMIUM = os.environ.get("HUREN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The site with its applications screened, served by uvicorn on a free port, worker running."""
    site = build_site(tmp_path_factory.mktemp("browser"))
    apps = {
        "clean": site.submitted(APPROVABLE, screen=False),
        "scan": site.submitted(PLANTED_SCAN, screen=False),
        "planted": site.submitted(PLANTED, screen=False),
        "foreign": site.submitted(APPROVABLE, FOREIGN_ID, screen=False),
        "planted2": site.submitted(PLANTED, screen=False),
        "wujiang": site.draft(area="wujiang", name="吴江人"),
    }
    site.worker.run_until_idle()
    assert site.state(apps["scan"]) == "review" and site.state(apps["planted"]) == "review"
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    site.worker.start()  # certificates after approvals are issued while the browser waits
    yield {"site": site, "apps": apps, "base": f"http://127.0.0.1:{port}"}
    site.worker.stop()
    server.should_exit = True
    thread.join(10)
    site.api.close()
    site.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium, as "
            "scripts/system-deps.sh does) or point HUREN_CHROMIUM at a Chromium binary",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is missing: pip install -e '.[dev]'", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in(browser: Any, base: str, who: str, lang: str = "zh", viewport: tuple[int, int] = (1600, 1000)) -> Any:
    size = {"width": viewport[0], "height": viewport[1]}
    context = browser.new_context(base_url=base, viewport=size, locale="zh-CN")
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    page.fill("input[name=name]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_sign_in_and_the_queue(browser: Any, live: dict[str, Any]) -> None:
    page = sign_in(browser, live["base"], "rita")
    assert page.url.endswith("/queue")
    assert "rita" in page.inner_text("[data-testid=user]")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 5  # the wujiang application is not rita's
    text = page.inner_text("table.queue")
    assert "3301**********3941" in text and "330106198805233941" not in text
    assert "人工审核中" in text and "准予互认" in text
    shot(page, "queue.png")
    page.select_option("select[name=state]", "review")
    page.click("form.filters button[type=submit]")
    assert page.locator("table.queue tbody tr").count() == 3
    page.context.close()


def test_planted_mismatch_is_flagged_and_its_box_lights_up_on_the_scan(browser: Any, live: dict[str, Any]) -> None:
    app_id = live["apps"]["scan"]
    page = sign_in(browser, live["base"], "rita")
    page.goto(f"/applications/{app_id}")
    row = page.locator("tr.field-row[data-field=name]").first
    assert "flagged" in (row.get_attribute("class") or "")
    assert "存疑" in row.inner_text() and "田虹雯" in row.inner_text()  # the registry's spelling beside the scan's
    box_id = row.get_attribute("data-box")
    assert box_id
    page.wait_for_function("() => [...document.querySelectorAll('svg image')].every(i => i.getBBox().width > 0)")
    row.hover()
    box = page.locator(f"rect#{box_id}")
    assert "hl" in (box.get_attribute("class") or "")
    box_on_screen = box.bounding_box()
    assert box_on_screen and box_on_screen["width"] > 20 and box_on_screen["height"] > 5
    # reverse: hovering another box highlights its row
    other = page.locator("rect.box[data-field=cert_number]").first
    other.hover()
    other_row = page.locator(f"#row-{other.get_attribute('id')}")
    assert "hl" in (other_row.get_attribute("class") or "")
    row.click()  # back to the flagged field, scrolled into view, for the screenshot
    page.wait_for_timeout(400)
    viewer = page.locator("[data-viewer]").first
    viewer.locator("[data-zoom=in]").click()
    assert float(viewer.get_attribute("data-zoom") or 0) > 1
    viewer.locator("[data-zoom=fit]").click()
    box.hover()  # the flagged field lit on the scan and in the table, for the screenshot
    assert "hl" in (page.locator(f"#row-{box_id}").get_attribute("class") or "")
    shot(page, "application.png", full_page=False)
    shot(page, "application-full.png")
    viewer.locator("[data-rotate]").click()
    assert viewer.get_attribute("data-turn") == "90"
    w, h = (float(v) for v in (viewer.get_attribute("data-w"), viewer.get_attribute("data-h")))
    assert page.locator("svg.page-svg").first.get_attribute("viewBox") == f"0 0 {h:g} {w:g}"
    page.context.close()


def test_reject_with_two_reasons_and_the_applicant_sees_both(browser: Any, live: dict[str, Any]) -> None:
    app_id = live["apps"]["scan"]
    page = sign_in(browser, live["base"], "rita")
    page.goto(f"/applications/{app_id}")
    page.keyboard.press("r")
    dialog = page.locator("#reject-dialog")
    assert dialog.is_visible()
    kept = dialog.locator("textarea[name=reason_msg]")
    assert kept.count() >= 2
    boxes = dialog.locator("input[name=keep]")
    codes = [c.get_attribute("value") for c in dialog.locator("input[name=reason_code]").all()]
    name = codes.index("name_unclear_against_registry")
    assert not any(b.is_checked() for b in boxes.all())  # points to check are notes for the reviewer, not grounds
    assert "田虹雯" in dialog.inner_text() and "田虹雯" not in kept.nth(name).input_value()  # the record: reviewer only
    shot(page, "reject-dialog.png", full_page=False)
    boxes.nth(name).check()
    kept.nth(name).fill("注册证上的姓名与发证机关登记记录不一致，请提供发证机关出具的姓名核实材料")
    dialog.locator("textarea[name=extra_reason]").fill("请提供发证机关出具的姓名更正证明")
    dialog.locator("#confirm-reject").click()
    page.wait_for_url(re.compile(r"done=reject"))
    assert "不予互认" in page.inner_text("[data-testid=state]")
    page.context.close()

    applicant = sign_in(browser, live["base"], "alice")
    applicant.goto(f"/status/{app_id}")
    items = applicant.locator("[data-testid=status-reasons] li")
    assert items.count() == 2
    assert "姓名核实材料" in items.nth(0).inner_text()
    assert "姓名更正证明" in items.nth(1).inner_text()
    assert "田虹雯" not in applicant.inner_text("main")
    assert "不予互认" in applicant.inner_text("[data-testid=status-state]")
    assert "bundle_003.pdf" in applicant.inner_text("[data-testid=status-reupload]")
    shot(applicant, "status.png")
    applicant.context.close()


def test_approve_and_the_certificate_opens(browser: Any, live: dict[str, Any]) -> None:
    app_id = live["apps"]["planted"]
    page = sign_in(browser, live["base"], "rita")
    page.goto(f"/applications/{app_id}")
    page.keyboard.press("a")  # the shortcut asks first, with a summary
    dialog = page.locator("#approve-dialog")
    assert dialog.is_visible() and "陶阳頔" in dialog.inner_text() and "苏2021207543" in dialog.inner_text()
    assert live["site"].state(app_id) == "review"  # nothing decided by one keypress
    with page.expect_response(re.compile(r"/certificate$"), timeout=60_000) as certificate:
        dialog.locator("#confirm-approve").click()  # the page then waits for the certificate and opens it
    response = certificate.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")  # shown by Chromium's PDF viewer
    page.wait_for_url(re.compile(r"/certificate$"))
    assert page.request.get(response.url).body().startswith(b"%PDF-")
    page.goto(f"/applications/{app_id}")
    assert "准予互认" in page.inner_text("[data-testid=state]")
    assert page.locator("[data-testid=certificate-link]").count() == 1
    # the clean application, approved by the rules at once, has its certificate too
    page.goto(f"/applications/{live['apps']['clean']}")
    link = page.locator("[data-testid=certificate-link]")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    page.context.close()


def test_reviewer_of_another_area_gets_403(browser: Any, live: dict[str, Any]) -> None:
    page = sign_in(browser, live["base"], "wu")
    response = page.goto(f"/applications/{live['apps']['planted']}")
    assert response is not None and response.status == 403
    assert "不在您的审核范围内" in page.inner_text("[data-testid=error-message]")
    page.context.close()


def test_auditor_cannot_act(browser: Any, live: dict[str, Any]) -> None:
    page = sign_in(browser, live["base"], "otto")
    before = live["site"].state(live["apps"]["scan"])
    page.goto(f"/applications/{live['apps']['scan']}")
    assert page.locator("#approve, #reject, [data-open]").count() == 0
    assert page.locator("[data-testid=read-only]").is_visible()
    csrf = page.locator("input[name=csrf]").first.input_value()
    forged = page.request.post(
        f"/applications/{live['apps']['scan']}/decision", form={"csrf": csrf, "action": "approve"}
    )
    assert forged.status == 403
    page.keyboard.press("a")  # no shortcut for a reader either
    page.wait_for_timeout(200)
    assert live["site"].state(live["apps"]["scan"]) == before
    page.context.close()


def test_english_switch(browser: Any, live: dict[str, Any]) -> None:
    page = sign_in(browser, live["base"], "rita")
    page.click("a.lang-switch")
    assert "Open doubts" in page.inner_text("table.queue thead")
    page.context.close()


def test_the_foreign_id_card_is_flagged_and_on_one_screen_at_1366(browser: Any, live: dict[str, Any]) -> None:
    """Issue 15.1 and 15.8: another person's ID card among a holder's papers is the document flagged, first
    on the page; at 1366×768 the reasons and that card's scan and table are on one screen."""
    page = sign_in(browser, live["base"], "rita", viewport=(1366, 768))
    page.goto(f"/applications/{live['apps']['foreign']}")
    page.wait_for_function("() => [...document.querySelectorAll('svg image')].every(i => i.getBBox().width > 0)")
    first = page.locator("[data-testid=document]").first
    assert "身份证人像面" in first.locator("[data-testid=doc-title]").inner_text()
    assert "idf_002.pdf" in first.inner_text()
    name_row = first.locator("tr.field-row[data-field=name]")
    assert "flagged" in (name_row.get_attribute("class") or "")
    cert = page.locator("[data-testid=document]").nth(1)
    assert cert.locator("tr.field-row.flagged").count() == 0
    # a reason jumps to its field and lights its box
    page.locator("[data-testid=reasons] a[data-jump]").first.click()
    page.wait_for_timeout(300)
    lit = page.locator("rect.box.hl")
    assert lit.count() == 1
    box = lit.bounding_box()
    assert box and 0 <= box["y"] < 768 and box["x"] < 1366  # on screen
    reasons = page.locator("[data-testid=reasons]").bounding_box()
    assert reasons and reasons["y"] >= 0 and reasons["y"] < 200  # the reasons stay in view
    scan = first.locator("svg.page-svg").bounding_box()
    table = first.locator("table.fields-table").bounding_box()
    assert scan and table and scan["width"] >= 450 and table["x"] > scan["x"] + scan["width"] - 1  # side by side
    shot(page, "foreign-id-flagged.png", full_page=False)
    page.context.close()
    applicant = sign_in(browser, live["base"], "alice", viewport=(390, 844))  # a phone
    applicant.goto(f"/status/{live['apps']['foreign']}")
    told = applicant.inner_text("main")
    assert "身份证人像面" in told and "本人" in told and "idf_002.pdf" in told
    assert "韦慧丽" not in told and "韦秀旻" not in told and "3205" not in told  # no values, no record
    shot(applicant, "status-refused-foreign-id.png")
    applicant.context.close()


def test_application_page_at_1366_and_the_typed_form(browser: Any, live: dict[str, Any]) -> None:
    page = sign_in(browser, live["base"], "rita", viewport=(1366, 768))
    page.goto(f"/applications/{live['apps']['planted2']}")
    page.wait_for_function("() => [...document.querySelectorAll('svg image')].every(i => i.getBBox().width > 0)")
    shot(page, "application-1366.png", full_page=False)
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    reasons = page.locator("[data-testid=reasons]").bounding_box()
    assert reasons and 0 <= reasons["y"] < 100  # sticky while scrolling
    form = page.locator("[data-testid=typed-form]")
    form.scroll_into_view_if_needed()
    assert "13800000000" in form.inner_text() and "苏州市计量测试院" in form.inner_text()
    form.screenshot(path=str(ARTIFACTS / "typed-form.png"))
    page.context.close()
