"""The pages: sign in, the queue, an application, its page images, decisions, the applicant's status.

One module per page group (`account`, `queue`, `application`, `applicant`; `digitize` and `registry`
are mounted by the app beside them), all rendered by `render`. Every read and every decision goes
through `api.service`; a page parses a form, checks the session and its CSRF token, and renders a
template.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.web import account, applicant, application, queue

router = APIRouter(include_in_schema=False)
for group in (account, queue, application, applicant):
    router.include_router(group.router)
