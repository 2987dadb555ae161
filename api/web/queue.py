"""The reviewers' queue: applications in scope, filtered, in the order a person should take them."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api import service
from api.web import session, views
from api.web.i18n import OUTCOME, pick
from api.web.render import WebRoute, engine_of, lang_of, render, zone_of

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/queue")
def queue(
    request: Request,
    state: str = "",
    outcome: str = "",
    area: str = "",
    date_from: str = "",
    date_to: str = "",
    q: str = "",
    page: int = 1,
) -> Response:
    web = session.current(request)
    if web.user.role == "applicant":
        return RedirectResponse("/my", status_code=303)
    lang = lang_of(request)
    filters = views.QueueFilters(state, outcome, area, date_from, date_to, q[:64], page)
    result = views.queue(engine_of(request), web.user, filters, lang, zone_of(request))
    states = [(s, views.state_label(s, lang)) for s in service.STATE_ZH]
    outcomes = [(o, pick(OUTCOME, o, lang)) for o in OUTCOME]
    areas = [(a, views.area_label(a, lang)) for a in result.areas]
    return render(
        request,
        "queue.html",
        {"result": result, "states": states, "outcomes": outcomes, "areas": areas, "urlencode": urlencode},
        web=web,
    )
