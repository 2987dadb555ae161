"""An application's states and the moves between them: the one table the service and the worker obey.

    draft ─submit→ queued ─claim→ screening ─outcome→ approved | rejected | review
    screening ─(the job failed for good)→ review
    review ─reviewer→ approved | rejected | reupload_requested
    reupload_requested ─submit→ queued
    approved (automatic) ─reopen→ review;  approved ⇄ rejected (a reviewer overrides the automatic outcome)
    rejected (automatic) ─request_reupload→ reupload_requested

Who may make a move (an applicant, a reviewer, the system) and its finer conditions (only an automatic
outcome is reopened or overridden) are the service's checks; this table is what no code path can get round.
The values are the strings stored in `api_applications.state` and shown by the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from huren.domain import Outcome


class AppState(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SCREENING = "screening"
    REVIEW = "review"
    APPROVED = "approved"
    REJECTED = "rejected"
    REUPLOAD_REQUESTED = "reupload_requested"


class JobState(StrEnum):
    """A queued job's life: queued → running → done | failed (running → queued again to retry)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


TRANSITIONS: Mapping[AppState, frozenset[AppState]] = {
    AppState.DRAFT: frozenset({AppState.QUEUED}),
    AppState.QUEUED: frozenset({AppState.SCREENING}),
    AppState.SCREENING: frozenset({AppState.APPROVED, AppState.REJECTED, AppState.REVIEW}),
    AppState.REVIEW: frozenset({AppState.APPROVED, AppState.REJECTED, AppState.REUPLOAD_REQUESTED}),
    AppState.APPROVED: frozenset({AppState.REVIEW, AppState.REJECTED}),
    AppState.REJECTED: frozenset({AppState.APPROVED, AppState.REUPLOAD_REQUESTED}),
    AppState.REUPLOAD_REQUESTED: frozenset({AppState.QUEUED}),
}
"""Every allowed move, from → to."""

EDITABLE = frozenset({AppState.DRAFT, AppState.REUPLOAD_REQUESTED})
"""Where the applicant may change the documents and submit."""
DECIDED = frozenset({AppState.APPROVED, AppState.REJECTED})

OUTCOME_STATE: Mapping[Outcome, AppState] = {
    Outcome.APPROVE: AppState.APPROVED,
    Outcome.REJECT: AppState.REJECTED,
    Outcome.REVIEW: AppState.REVIEW,
}
"""Where the rules' outcome (or a reviewer's approve / reject) takes the application."""


class IllegalTransition(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"an application cannot go from {current} to {target}")
        self.current, self.target = current, target


def allowed(current: str, target: str) -> bool:
    return current in TRANSITIONS and AppState(target) in TRANSITIONS[AppState(current)]


def move(current: str, target: str) -> AppState:
    """`target` as a state when the table allows the move from `current`; `IllegalTransition` otherwise."""
    if not allowed(current, target):
        raise IllegalTransition(current, target)
    return AppState(target)


__all__ = [
    "DECIDED",
    "EDITABLE",
    "OUTCOME_STATE",
    "TRANSITIONS",
    "AppState",
    "IllegalTransition",
    "JobState",
    "allowed",
    "move",
]
