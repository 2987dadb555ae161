"""The applicant's pages: their applications, and one application's status (what the intake portal links
to): the state, every reason at once, what to upload again."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import service
from api.web import session, views
from api.web.render import WebRoute, engine_of, lang_of, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/my")
def my_applications(request: Request) -> Response:
    web = session.current(request)
    lang = lang_of(request)
    items = service.list_for(engine_of(request), views.reader(web.user)) if web.user.role == "applicant" else []
    rows = [
        {
            "id": i["id"],
            "name": i["form"].get("name", ""),
            "cert_number": i["form"].get("cert_number", ""),
            "state_label": views.state_label(i["state"], lang),
            "area": views.area_label(i["area"], lang),
        }
        for i in items
    ]
    return render(request, "my.html", {"rows": rows}, web=web)


@router.get("/status/{app_id}")
def status_page(request: Request, app_id: str) -> Response:
    """What the intake portal links to: the state, every reason at once, what to upload again."""
    web = session.current(request)
    lang = lang_of(request)
    status = service.status(engine_of(request), views.reader(web.user), app_id)
    reasons = views.reasons_view(status["reasons"], lang)
    reupload = [
        {**r, "message": (r.get("message_en") or r["message_zh"]) if lang == "en" else r["message_zh"]}
        for r in status["reupload"]
    ]
    return render(
        request,
        "status.html",
        {
            "status": status,
            "state_label": views.state_label(status["state"], lang),
            "reasons": reasons,
            "reupload": reupload,
        },
        web=web,
    )
