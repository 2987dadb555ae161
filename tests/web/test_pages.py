"""The review pages through a cookie-keeping TestClient: sessions, CSRF, scopes, masking, decisions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select, update

from api.db import audit_log, tokens

from .conftest import APPROVABLE, PLANTED, REFUSED, Site, csrf_of

FULL_ID = "310209197402011371"
MASKED_ID = "3102**********1371"


@pytest.fixture(scope="module")
def apps(site: Site) -> dict[str, str]:
    """Screened applications shared by the tests that only read."""
    return {
        "approved": site.submitted(APPROVABLE),
        "refused": site.submitted(REFUSED),
        "review": site.submitted(PLANTED),
        "wujiang": site.draft(area="wujiang", name="吴江人"),
    }


def audit_actions(site: Site, app_id: str) -> list[tuple[str, str]]:
    with site.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.target == app_id).order_by(audit_log.c.seq))
        return [(r.actor, r.action) for r in rows]


def decide(client: Any, app_id: str, **form: Any) -> Any:
    page = client.get(f"/applications/{app_id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    data = {"csrf": csrf_of(page.text), "version": version.group(1) if version else "", **form}
    return client.post(f"/applications/{app_id}/decision", data=data)


# --- sessions and CSRF -----------------------------------------------------------------------------


def test_login_sets_a_safe_session_cookie_and_needs_the_form_token(site: Site) -> None:
    client = site.browser_client()
    assert client.get("/queue").headers["location"] == "/login?next=%2Fqueue"
    form = client.get("/login")
    assert form.status_code == 200 and "登录" in form.text
    no_token = client.post("/login", data={"name": "rita", "password": "correct-horse-battery"})
    assert no_token.status_code == 403 and "表单" in no_token.text
    wrong = client.post("/login", data={"name": "rita", "password": "nope", "csrf": csrf_of(form.text)})
    assert wrong.status_code == 303 and "failed=1" in wrong.headers["location"]
    ok = client.post(
        "/login", data={"name": "rita", "password": "correct-horse-battery", "csrf": csrf_of(form.text), "next": "//x"}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # never to another site
    cookie = next(v for k, v in ok.headers.multi_items() if k == "set-cookie" and v.startswith("huren_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/queue").status_code == 200


def test_expired_or_signed_out_session_goes_back_to_login(site: Site) -> None:
    client = site.signed_in("rita")
    with site.engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.kind == "login").values(created_at="2000-01-01T00:00:00+00:00"))
    r = client.get("/queue")
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    assert "登录已过期" in client.get(r.headers["location"]).text
    client = site.signed_in("rita")
    page = client.get("/queue")
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    assert client.get("/queue").status_code == 303


def test_csrf_failure_is_a_403_page_and_changes_nothing(site: Site, apps: dict[str, str]) -> None:
    client = site.signed_in("rita")
    client.get(f"/applications/{apps['review']}")
    r = client.post(f"/applications/{apps['review']}/decision", data={"action": "approve", "csrf": "forged"})
    assert r.status_code == 403 and "篡改" in r.text and "text/html" in r.headers["content-type"]
    assert site.state(apps["review"]) == "review"


# --- the queue -------------------------------------------------------------------------------------


def test_queue_masks_ids_filters_searches_and_pages(site: Site, apps: dict[str, str]) -> None:
    client = site.signed_in("rita")
    page = client.get("/queue")
    assert page.status_code == 200
    assert MASKED_ID in page.text and FULL_ID not in page.text and "330106198805233941" not in page.text
    assert "吴江人" not in page.text  # another area's application is not listed
    review = client.get("/queue", params={"state": "review"}).text
    assert apps["review"] in review and apps["approved"] not in review
    assert 'class="pill warn">! 3<' in review  # name, score, and a 苏州 employer applying in 青浦 (issue 15.3)
    refused = client.get("/queue", params={"outcome": "reject"}).text
    assert apps["refused"] in refused and apps["review"] not in refused
    assert apps["review"] in client.get("/queue", params={"q": "陶阳"}).text
    assert apps["review"] in client.get("/queue", params={"q": "苏2021207543"}).text
    assert apps["review"] not in client.get("/queue", params={"q": "nobody"}).text
    assert apps["review"] not in client.get("/queue", params={"date_to": "2000-01-01"}).text
    for _ in range(21):
        site.draft(name="排队人")
    first = client.get("/queue", params={"q": "排队人"}).text
    assert first.count("data-app=") == 20 and "第 1 / 2 页，共 21 件" in first
    second = client.get("/queue", params={"q": "排队人", "page": 2}).text
    assert second.count("data-app=") == 1
    english = client.get("/queue", params={"lang": "en"})
    assert "Open doubts" in english.text and "huren_lang=en" in english.headers["set-cookie"]
    assert "Open doubts" in client.get("/queue").text  # the choice sticks


def test_admin_sees_every_area_and_auditor_reads_masked(site: Site, apps: dict[str, str]) -> None:
    # Searched by name: other tests in this module queue more cases, which may push it to page 2.
    admin = site.signed_in("ada")
    assert "吴江人" in admin.get("/queue", params={"q": "吴江人"}).text
    assert FULL_ID not in admin.get("/queue").text
    auditor = site.signed_in("otto")
    assert "吴江人" in auditor.get("/queue", params={"q": "吴江人"}).text
    page = auditor.get(f"/applications/{apps['review']}")
    assert page.status_code == 200 and MASKED_ID in page.text and FULL_ID not in page.text
    assert 'id="approve"' not in page.text and "只读" in page.text


# --- the application page --------------------------------------------------------------------------


def test_reviewer_page_flags_the_mismatch_and_audits_the_full_id(site: Site, apps: dict[str, str]) -> None:
    app_id = apps["review"]
    page = site.signed_in("rita").get(f"/applications/{app_id}")
    assert page.status_code == 200
    html = page.text
    assert FULL_ID in html and "本次查看已记入审计日志" in html
    assert ("rita", "application.view_personal_data") in audit_actions(site, app_id)
    row = re.search(r'<tr id="row-(b-[0-9a-f]+-1-name)" class="field-row v-warn flagged"', html)
    assert row, "the name row is flagged"
    assert f'<rect id="{row.group(1)}" class="box box-warn box-flagged"' in html  # and its box on the scan
    assert "陶阳迪" in html and "陶阳頔" in html  # registry and extracted side by side
    assert 'data-testid="verdict-name"><span aria-hidden="true">!</span> 存疑' in html  # icon, not colour alone
    assert "与登记记录“陶阳迪”近似但不一致" in html  # the reason in Chinese
    assert "身份证姓名与证书一致" in html  # cross-document checks
    assert 'id="approve"' in html and 'id="reject-dialog"' in html
    english = site.signed_in("rita").get(f"/applications/{app_id}?lang=en").text
    assert "Automatic outcome" in english and "Cross-document checks" in english and "uncertain" in english
    assert "Content-Security-Policy" in page.headers and "script-src 'self'" in page.headers["content-security-policy"]


def test_page_images_are_scoped_and_redacted_for_non_reviewers(site: Site, apps: dict[str, str]) -> None:
    app_id = apps["review"]
    rita = site.signed_in("rita")
    src = re.search(r'<image href="([^"]+)"', rita.get(f"/applications/{app_id}").text)
    assert src
    full = rita.get(src.group(1))
    assert full.status_code == 200 and full.content.startswith(b"\x89PNG")
    redacted = site.signed_in("otto").get(src.group(1))
    assert redacted.status_code == 200 and redacted.content != full.content
    assert site.signed_in("wu").get(src.group(1)).status_code == 403
    other_doc = src.group(1).replace(app_id, apps["approved"])
    assert rita.get(other_doc).status_code == 404  # a document of another application


def test_reviewer_of_another_area_gets_403(site: Site, apps: dict[str, str]) -> None:
    wu = site.signed_in("wu")
    r = wu.get(f"/applications/{apps['review']}")
    assert r.status_code == 403 and "不在您的审核范围内" in r.text
    page = wu.get("/queue")
    r = wu.post(f"/applications/{apps['review']}/decision", data={"action": "approve", "csrf": csrf_of(page.text)})
    assert r.status_code == 403
    assert wu.get("/applications/0123456789abcdef0123456789abcdef").status_code == 404
    assert site.state(apps["review"]) == "review"


def test_auditor_and_admin_cannot_act(site: Site, apps: dict[str, str]) -> None:
    for who in ("otto", "ada"):
        r = decide(site.signed_in(who), apps["review"], action="approve")
        assert r.status_code == 403, who
    assert site.state(apps["review"]) == "review"


# --- decisions -------------------------------------------------------------------------------------


def test_double_clicked_approve_records_one_decision(site: Site) -> None:
    app_id = site.submitted(PLANTED)
    client = site.signed_in("rita")
    page = client.get(f"/applications/{app_id}")
    data = {
        "csrf": csrf_of(page.text),
        "action": "approve",
        "version": re.search(r'name="version" value="(\d+)"', page.text).group(1),
    }  # type: ignore[union-attr]
    first = client.post(f"/applications/{app_id}/decision", data=data)
    assert first.status_code == 303 and first.headers["location"].endswith("?done=approve")
    second = client.post(f"/applications/{app_id}/decision", data=data)
    assert second.status_code == 409 and "已被他人更新" in second.text
    assert [a for _, a in audit_actions(site, app_id)].count("application.approve") == 1
    site.worker.run_until_idle()  # the reissue job
    done = client.get(f"/applications/{app_id}?done=approve").text
    assert "已准予互认" in done and 'data-testid="certificate-link"' in done
    pdf = client.get(f"/applications/{app_id}/certificate")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("inline")
    status = client.get(f"/applications/{app_id}/certificate-status").json()
    assert status["ready"] and status["url"].endswith("/certificate")


def test_two_reviewers_at_once_the_second_gets_a_conflict(site: Site) -> None:
    app_id = site.submitted(PLANTED)
    rita, ruth = site.signed_in("rita"), site.signed_in("ruth")
    seen_by_ruth = ruth.get(f"/applications/{app_id}").text
    assert decide(rita, app_id, action="approve").status_code == 303
    version = re.search(r'name="version" value="(\d+)"', seen_by_ruth).group(1)  # type: ignore[union-attr]
    late = ruth.post(
        f"/applications/{app_id}/decision",
        data={"csrf": csrf_of(seen_by_ruth), "version": version, "action": "reject", "extra_reason": "迟到的理由"},
    )
    assert late.status_code == 409 and "已被他人更新，请刷新后重试" in late.text
    assert site.state(app_id) == "approved"


def test_reject_with_edited_and_added_reasons_reaches_the_status_page(site: Site) -> None:
    app_id = site.submitted(PLANTED)
    rita = site.signed_in("rita")
    r = decide(
        rita,
        app_id,
        action="reject",
        keep=["0"],
        reason_code=["name_unclear_against_registry", "registry_match_below_threshold"],
        reason_field=["name", ""],
        reason_msg=["注册证上的姓名与登记记录不一致", "x"],
        reason_msg_en=["", ""],
        extra_reason=["请提供姓名变更证明 <script>alert(1)</script>", ""],
        comment="<b>已电话核实</b>",
    )
    assert r.status_code == 303, r.text
    page = rita.get(f"/applications/{app_id}").text
    assert "&lt;b&gt;已电话核实&lt;/b&gt;" in page and "<b>已电话核实" not in page
    applicant = site.signed_in("alice")
    status = applicant.get(f"/status/{app_id}")
    assert status.status_code == 200
    reasons = re.search(r'data-testid="status-reasons">(.*?)</ol>', status.text, re.S)
    assert reasons is not None
    items = re.findall(r"<li>(.*?)</li>", reasons.group(1), re.S)
    assert len(items) == 2
    assert "注册证上的姓名与登记记录不一致" in items[0]
    assert "请提供姓名变更证明 &lt;script&gt;" in items[1] and "<script>alert" not in status.text
    assert "不予互认" in status.text
    assert applicant.get(f"/applications/{app_id}").headers["location"] == f"/status/{app_id}"


def test_reupload_of_one_document_and_tampered_document_id(site: Site) -> None:
    app_id = site.submitted(PLANTED)
    rita = site.signed_in("rita")
    page = rita.get(f"/applications/{app_id}").text
    doc_id = re.search(r'<option value="([0-9a-f]{32})"[^>]*>[^<]*bundle_005.pdf', page)
    assert doc_id
    tampered = decide(rita, app_id, action="request_reupload", document_id="f" * 32, message="请重新上传")
    assert tampered.status_code == 404 and site.state(app_id) == "review"
    ok = decide(
        rita, app_id, action="request_reupload", document_id=doc_id.group(1), message="注册证页面不清晰，请重新上传"
    )
    assert ok.status_code == 303
    status = site.signed_in("alice").get(f"/status/{app_id}").text
    assert "注册证页面不清晰，请重新上传" in status and "bundle_005.pdf" in status


def test_override_of_an_automatic_refusal_needs_a_comment(site: Site, apps: dict[str, str]) -> None:
    rita = site.signed_in("rita")
    page = rita.get(f"/applications/{apps['refused']}").text
    assert 'id="override-dialog"' in page and 'id="approve"' not in page
    r = decide(rita, apps["refused"], action="override", outcome="approve", comment="")
    assert r.status_code == 422 and "须填写结论与说明" in r.text
    assert site.state(apps["refused"]) == "rejected"


def test_html_in_a_name_is_escaped_everywhere(site: Site) -> None:
    app_id = site.draft(name="<img src=x onerror=alert(1)>")
    rita = site.signed_in("rita")
    for url in ("/queue?q=onerror", f"/applications/{app_id}"):
        html = rita.get(url).text
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_both_id_sides_on_one_photocopy_are_two_documents_each_outlined_and_redacted(site: Site, tmp_path: Any) -> None:
    import cv2
    import numpy as np

    from api import service
    from tests.ocr.test_regions import page, sample

    front, back = sample("idf_001.bmp"), cv2.rotate(sample("idb_002.png"), cv2.ROTATE_180)
    copy = tmp_path / "身份证复印件.png"
    cv2.imwrite(str(copy), page((front, 300, 200), (back, 260, 1000)))
    app_id = site.submitted(copy)
    with site.engine.connect() as conn:
        screening = service.latest_screening(conn, app_id)
    assert screening is not None
    on_page = [d for d in screening.result["documents"] if d["source"] == copy.name]
    assert sorted(d["doc_type"] for d in on_page) == ["id_card_back", "id_card_front"]
    assert not [r for r in screening.result["reasons"] if r["code"].startswith("id_card_") and "missing" in r["code"]]
    html = site.signed_in("rita").get(f"/applications/{app_id}").text
    assert html.count('<rect class="region"') == 2  # each document outlined on the scan
    src = re.search(r'<image href="([^"]+)"', html)
    assert src
    redacted = site.signed_in("otto").get(src.group(1))
    image = cv2.imdecode(np.frombuffer(redacted.content, np.uint8), cv2.IMREAD_COLOR)
    front_doc = next(d for d in on_page if d["doc_type"] == "id_card_front")
    x0, y0, x1, y1 = (int(v) for v in front_doc["fields"]["id_number"]["bbox"])
    assert image[y0:y1, x0:x1].mean() < 60  # the ID number of the document that is not the page's first
