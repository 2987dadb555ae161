"""Lists come a page at a time, cut in SQL: every page holds at most `limit`, the pages together hold
each item once, and the statement that reads a page carries LIMIT (captured on SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, update

from api import service as service_module
from api.auth import User
from api.db import applications
from api.paging import MAX_LIMIT
from api.web.views import queue_order, reader

from .conftest import Service


@pytest.fixture
def statements(service: Service) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(service.engine, "before_cursor_execute", record)
    yield seen
    event.remove(service.engine, "before_cursor_execute", record)


def _walk(service: Service, url: str, who: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        sep = "&" if "?" in url else "?"
        r = service.client.get(f"{url}{sep}limit={limit}&offset={offset}", headers=service.headers(who))
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit and page["limit"] == limit and page["offset"] == offset
        items += page["items"]
        offset = page["next_offset"]
    assert len(items) == page["total"]
    return items


def test_applications_come_a_page_at_a_time_cut_in_sql(service: Service, statements: list[str]) -> None:
    made = [service.new_application() for _ in range(7)]
    service.new_application("bob")
    statements.clear()
    mine = _walk(service, "/api/v1/applications", "alice", 3)
    assert sorted(a["id"] for a in mine) == sorted(made)  # each once, none of bob's
    assert [(a["created_at"], a["id"]) for a in mine] == sorted((a["created_at"], a["id"]) for a in mine)
    selects = [s for s in statements if "FROM api_applications" in s and "count(" not in s.lower()]
    assert len(selects) == 3 and all("LIMIT" in s for s in selects), selects
    assert len(_walk(service, "/api/v1/applications?state=draft", "rita", 5)) == 8  # alice's and bob's


def test_users_and_tokens_come_a_page_at_a_time(service: Service, statements: list[str]) -> None:
    for _ in range(4):
        service.client.post("/api/v1/users/rita/tokens", json={"days": 1}, headers=service.headers("ada"))
    statements.clear()
    users = _walk(service, "/api/v1/users", "ada", 2)
    assert {"alice", "rita", "ada"} <= {u["name"] for u in users}
    assert all(
        "LIMIT" in s for s in statements if "FROM api_users" in s and "count(" not in s.lower() and "token" not in s
    )
    tokens = _walk(service, "/api/v1/users/rita/tokens", "ada", 2)
    assert len(tokens) == 5 and [t["id"] for t in tokens] == sorted((t["id"] for t in tokens), reverse=True)


def test_a_limit_past_the_bound_is_refused(service: Service) -> None:
    r = service.client.get(f"/api/v1/applications?limit={MAX_LIMIT + 1}", headers=service.headers("alice"))
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "limit"]
    r = service.client.get("/api/v1/applications?offset=-1", headers=service.headers("alice"))
    assert r.status_code == 422


def test_the_review_queue_is_ordered_and_cut_in_sql_as_it_was_in_python(
    service: Service, statements: list[str]
) -> None:
    made = [service.new_application(area="qingpu") for _ in range(9)]
    states = ["review", "approved", "draft", "rejected", "review", "queued", "approved", "draft", "review"]
    outcomes = ["review", "approve", None, "reject", "review", None, "approve", None, "review"]
    with service.engine.begin() as conn:  # different states and last changes, some at the same second
        for i, (app_id, state, outcome) in enumerate(zip(made, states, outcomes, strict=True)):
            stamp = f"2025-05-{10 + i % 4:02d}T08:00:00+00:00"
            conn.execute(
                update(applications).where(applications.c.id == app_id)
                .values(state=state, auto_outcome=outcome, updated_at=stamp)
            )  # fmt: skip
    rita = reader(User(0, "rita", "reviewer", "qingpu"))
    expected = [i["id"] for i in queue_order(service_module.list_for(service.engine, rita))]
    statements.clear()
    got: list[str] = []
    for page in (1, 2, 3):
        items, total, number = service_module.queue_page(service.engine, rita, page=page, size=4)
        assert (total, number) == (9, page) and len(items) <= 4
        got += [i["id"] for i in items]
    assert got == expected
    reads = [s for s in statements if "FROM api_applications" in s and "count(" not in s.lower()]
    assert len(reads) == 3 and all("LIMIT" in s for s in reads), reads
    _, _, last = service_module.queue_page(service.engine, rita, page=99, size=4)
    assert last == 3  # past the end: the last page
    reviewed, total, _ = service_module.queue_page(
        service.engine, rita, page=1, size=20, state="review", outcome="review"
    )
    assert total == 3 and {i["id"] for i in reviewed} == {made[0], made[4], made[8]}
    none, total, _ = service_module.queue_page(service.engine, rita, page=1, size=20, created_to=date(2000, 1, 1))
    assert (none, total) == ([], 0)
