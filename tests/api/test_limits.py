"""One actor's work is limited: applications a day, pages an application, bodies refused before they are
read, a queue fair between applicants (issue 14, item 8)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from .conftest import APPROVABLE, REFUSED, Service

CHUNK = b"x" * (64 * 1024)
PART_HEAD = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
)


def _call(app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: int) -> tuple[int, int, bytes]:
    """Send a request straight to the ASGI app; (status, body chunks the app read, answer)."""
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read >= chunks:
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": PART_HEAD + CHUNK if read == 1 else CHUNK, "more_body": read < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "client": ("10.0.0.9", 5000),
        "server": ("testserver", 80), "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], read, body


def _stored(service: Service) -> list[str]:
    root = service.settings.data_dir / "files"
    return [p.name for p in root.iterdir() if p.is_file()] if root.exists() else []


def test_a_body_without_a_token_or_over_the_limit_is_refused_before_it_is_read(
    make_service: Callable[..., Service],
) -> None:
    service = make_service(max_upload_bytes=1024 * 1024)
    app_id = service.new_application()
    path = f"/api/v1/applications/{app_id}/documents"
    multipart = {"content-type": "multipart/form-data; boundary=xyz"}
    huge = str(200 * 1024 * 1024)

    status, read, body = _call(service.app, "POST", path, {**multipart, "content-length": huge}, 3200)
    assert (status, read) == (413, 0) and b"request_too_large" in body
    status, read, body = _call(service.app, "POST", path, {**multipart, "content-length": "1000"}, 1)
    assert (status, read) == (401, 0) and b"unauthorized" in body  # no token: not a byte read
    bad = {**multipart, "content-length": "1000", "authorization": "Bearer not-a-token"}
    assert _call(service.app, "POST", path, bad, 1)[:2] == (401, 0)
    chunked = {**multipart, "authorization": f"Bearer {service.tokens['alice']}"}  # no length: cut at the limit
    status, read, body = _call(service.app, "POST", path, chunked, 3200)
    assert status == 413 and read <= 1024 * 1024 // len(CHUNK) + 3, read
    json_body = {"content-type": "application/json", "content-length": str(2 * 1024 * 1024)}
    assert _call(service.app, "POST", "/api/v1/auth/login", json_body, 40)[:2] == (413, 0)
    assert _stored(service) == []


def test_applications_per_day_are_capped_per_account(make_service: Callable[..., Service]) -> None:
    service = make_service(max_applications_per_day=2)
    service.new_application("alice")
    service.new_application("alice")
    r = service.client.post(
        "/api/v1/applications", json={"area": "qingpu", "form": {**_form()}}, headers=service.headers("alice")
    )
    assert (r.status_code, r.json()["code"], r.json()["limit"]) == (429, "too_many_applications", 2)
    service.new_application("bob")  # another account is not held back


def _form() -> dict[str, Any]:
    from .conftest import FORM

    return dict(FORM)


def test_pages_per_application_are_capped(make_service: Callable[..., Service]) -> None:
    service = make_service(max_pages_per_application=4)  # bundle_001.pdf has 3 pages, idf_004.pdf 1
    app_id = service.new_application()
    assert service.upload(app_id, APPROVABLE).status_code == 201
    assert service.upload(app_id, REFUSED).status_code == 201
    again = service.upload(app_id, APPROVABLE, name="copy.pdf")  # the same content is the same document
    assert again.status_code == 200
    other = service.new_application()
    assert service.upload(other, APPROVABLE).status_code == 201
    third = service.settings.data_dir.parent / "three.pdf"
    third.write_bytes(APPROVABLE.read_bytes() + b"\n%%spare\n")  # another file, still 3 pages
    r = service.upload(app_id, third)
    assert (r.status_code, r.json()["code"], r.json()["pages"]) == (422, "too_many_pages", 7), r.text


def test_the_queue_takes_turns_between_applicants(service: Service) -> None:
    def submitted(who: str) -> str:
        app_id = service.new_application(who)
        assert service.upload(app_id, REFUSED, who).status_code == 201
        r = service.client.post(f"/api/v1/applications/{app_id}/submit", headers=service.headers(who))
        assert r.status_code == 202
        return app_id

    flood = [submitted("alice") for _ in range(3)]
    late = submitted("bob")
    order = [service.worker.claim().application_id for _ in range(4)]
    assert order == [flood[0], late, flood[1], flood[2]]
