"""The application state machine: one table, and a move it does not hold is refused whoever asks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api import service as api_service
from api.db import applications, audit_log
from api.errors import ApiError
from api.states import TRANSITIONS, AppState, IllegalTransition, allowed, move

from .conftest import Service


def test_every_state_has_its_moves_and_values_stay_the_stored_strings() -> None:
    assert set(TRANSITIONS) == set(AppState)
    assert [str(s) for s in AppState] == [
        "draft",
        "queued",
        "screening",
        "review",
        "approved",
        "rejected",
        "reupload_requested",
    ]
    assert move("draft", "queued") is AppState.QUEUED
    assert allowed("review", "reupload_requested") and allowed("approved", "review")


@pytest.mark.parametrize(
    ("current", "target"),
    [("draft", "approved"), ("queued", "approved"), ("review", "queued"), ("reupload_requested", "approved")],
)
def test_an_illegal_move_is_refused(current: str, target: str) -> None:
    assert not allowed(current, target)
    with pytest.raises(IllegalTransition, match=f"from {current} to {target}"):
        move(current, target)


def test_a_state_nobody_knows_is_refused() -> None:
    assert not allowed("issued", "approved")
    with pytest.raises(IllegalTransition):
        move("issued", "approved")


def test_the_service_refuses_a_move_the_table_does_not_hold(service: Service) -> None:
    """A draft approved straight away (a bug in a caller, not a button): 409, the row unchanged, nothing audited."""
    app_id = service.new_application()
    with service.engine.connect() as conn:
        row = conn.execute(select(applications).where(applications.c.id == app_id)).one()
    with pytest.raises(ApiError) as refused, service.engine.begin() as conn:
        api_service._transition(conn, row, AppState.APPROVED, "rita", "application.approve")
    assert refused.value.status == 409 and refused.value.code == "illegal_transition"
    with service.engine.connect() as conn:
        after = conn.execute(select(applications).where(applications.c.id == app_id)).one()
    assert (after.state, after.version) == ("draft", row.version)
    with service.engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.target == app_id)).scalars().all()
    assert actions == ["application.create"]
