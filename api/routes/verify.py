"""Public verification of a zone certificate (the QR code's target), for people and for machines.

`GET /verify/{number}?c=CODE` is a page for the citizen or employer who scans the QR code (Chinese
first, `?lang=en`, phone-sized); the same URL answers JSON when asked with `?format=json` or an
`Accept` header that prefers `application/json`, and `GET /api/v1/verify/{number}` is always JSON.

What it tells depends on the code printed in the QR (an HMAC of number, ID number and name):

* no code → only whether such a certificate exists (`code_required`) and a field to enter the code;
* a wrong code, or a code for a number that does not exist → `unverifiable` (无法核验), nothing else;
* the right code → `valid` / `expired` / `revoked` / `suspended` / `superseded` and the holder's data,
  masked (name 韦**, ID number 3301**********3941).

Certificate numbers are sequential, so without the code nobody can read the holders' data by walking
them; every address gets `verify_rate_limit` requests per `verify_rate_window_seconds` (429 past that).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from api.auth import EngineDep
from api.errors import error_responses
from api.followup import recognition_status
from api.models import ErrorBody, Verification
from api.web import TEMPLATES_DIR
from huren import zone
from huren.normalize import mask_id_number
from matching.store import RegistryStore
from recognition.recognitions import Recognition, RecognitionStore
from recognition.reissue import normalize_code, normalize_number, number_valid, verification_code

router = APIRouter(tags=["verify"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

# status → (shown in Chinese, in English, the page's colour)
STATUSES: dict[str, tuple[str, str, str]] = {
    "valid": ("有效", "Valid", "ok"),
    "expired": ("已过期", "Expired", "warn"),
    "revoked": ("已撤销", "Revoked", "bad"),
    "suspended": ("已暂停", "Suspended", "bad"),
    "superseded": ("已换发新证，本证作废", "Superseded by a newer certificate", "warn"),
    "unverifiable": ("无法核验", "Cannot be verified", "bad"),
    "code_required": ("请输入核验码", "Verification code needed", "info"),
    "not_found": ("查无此证书", "No such certificate", "bad"),
    "invalid_number": ("证书编号无效", "Not a valid certificate number", "bad"),
    "rate_limited": ("查询过于频繁，请稍后再试", "Too many requests: try again later", "bad"),
}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("注册计量师证书核验", "Certificate verification"),
    "zone": (
        "长三角生态绿色一体化发展示范区",
        "Yangtze River Delta Eco-Green Integrated Development Demonstration Zone",
    ),
    "number": ("证书编号", "Certificate number"),
    "exists": (
        "该编号的证书存在。请扫描证书上的二维码，或输入二维码下方的核验码，查看证书状态。",
        "A certificate with this number exists. Scan the QR code on it, or enter its verification code, to see its status.",
    ),
    "unverifiable": (
        "核验码与证书编号不符，无法核验。请核对后重新扫描证书上的二维码。",
        "The verification code does not match the number. Scan the certificate's QR code again.",
    ),
    "not_found": ("未找到该编号的证书，请核对编号。", "No certificate has this number: check the number."),
    "invalid_number": (
        "编号格式或校验位不正确，例如 YRD-QP-2025-000001-2。",
        "The number's format or check character is wrong, e.g. YRD-QP-2025-000001-2.",
    ),
    "rate_limited": ("查询过于频繁，请一分钟后再试。", "Too many requests from your address: try again in a minute."),
    "superseded": (
        "持证人已换发新证书，本证书不再有效。",
        "The holder was issued a newer certificate; this one no longer counts.",
    ),
    "code": ("核验码", "Verification code"),
    "check": ("核验", "Verify"),
    "holder_name": ("姓名", "Name"),
    "id_number": ("身份证号", "ID number"),
    "level": ("级别", "Level"),
    "categories": ("执业类别", "Categories"),
    "area": ("互认地区", "Recognised in"),
    "authority": ("发证机关", "Issued by"),
    "issued_on": ("发证日期", "Issued on"),
    "valid_until": ("有效期至", "Valid until"),
    "masked": (
        "为保护个人信息，姓名和身份证号已部分隐去。",
        "Name and ID number are partly hidden to protect personal data.",
    ),
    "switch": ("English", "中文"),
}
LEVELS = {1: ("一级", "Level 1"), 2: ("二级", "Level 2")}


# --- rate limit ---------------------------------------------------------------------------------------


@dataclass
class RateLimiter:
    """A sliding window per client address, in this process's memory."""

    limit: int
    window: float
    _hits: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > 10_000:  # forget addresses that went quiet
                self._hits = {k: q for k, q in self._hits.items() if q and q[-1] > now - self.window}
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def _limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if getattr(state, "verify_limiter", None) is None:
        settings = state.settings
        state.verify_limiter = RateLimiter(settings.verify_rate_limit, settings.verify_rate_window_seconds)
    limiter: RateLimiter = state.verify_limiter
    return limiter


# --- the answer ---------------------------------------------------------------------------------------


def _mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


def _status(request: Request, engine: Any, recognition: Recognition) -> str:
    settings = request.app.state.settings
    as_of = date.fromisoformat(settings.as_of) if settings.as_of else date.today()
    record = RegistryStore(engine).get(recognition.cert_type, recognition.cert_number)
    status = recognition_status(str(record.status) if record is not None else None, recognition.valid_until, as_of)
    if recognition.revoked_on or status in ("revoked", "suspended"):
        return "revoked" if recognition.revoked_on else status
    return "superseded" if recognition.superseded_by else status


def _holder(recognition: Recognition) -> dict[str, Any]:
    return {
        "holder_name": _mask_name(recognition.holder_name),
        "id_number": mask_id_number(recognition.id_number),
        "level": recognition.level,
        "categories": recognition.categories,
        "area": recognition.area,
        "area_zh": zone.area(recognition.area).name,
        "issuing_authority": recognition.recognising_authority,
        "issued_on": recognition.issued_on.isoformat(),
        "valid_until": recognition.valid_until.isoformat() if recognition.valid_until else None,
    }


def _message(key: str) -> dict[str, str]:
    """A refusal's text as the API's error body carries it (`code`, `message_zh`, `message_en`)."""
    zh, en = TEXT[key]
    return {"message_zh": zh, "message_en": en}


def answer(request: Request, engine: Any, number: str, code: str | None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for a number and the code given with it."""
    number = normalize_number(number)
    if not _limiter(request).allow(request.client.host if request.client else "unknown"):
        return 429, {"number": number, "status": "rate_limited", "code": "rate_limited", **_message("rate_limited")}
    if not number_valid(number):
        return 404, {
            "number": number, "status": "invalid_number", "code": "certificate_number_invalid",
            **_message("invalid_number"),
        }  # fmt: skip
    recognition = RecognitionStore(engine).get(number)
    code = (code or "").strip()
    if not code:
        if recognition is None:
            return 404, {
                "number": number, "status": "not_found", "code": "certificate_not_found", "exists": False,
                **_message("not_found"),
            }  # fmt: skip
        return 200, {"number": number, "status": "code_required", "exists": True}
    secret = request.app.state.settings.cert_secret
    expected = (
        verification_code(number, recognition.id_number or "", recognition.holder_name, secret.encode())
        if recognition is not None and secret
        else None
    )
    if expected is None or not hmac.compare_digest(expected.encode(), normalize_code(code).encode()):
        return 200, {"number": number, "status": "unverifiable", "code_valid": False}
    assert recognition is not None
    return 200, {
        "number": number,
        "status": _status(request, engine, recognition),
        "code_valid": True,
        **_holder(recognition),
    }


def _show_date(iso: str | None, lang: str) -> str:
    if not iso:
        return "—"
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else iso


def _wants_json(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _json(status: int, body: dict[str, Any]) -> JSONResponse:
    zh, en, _ = STATUSES[body["status"]]
    headers = {"Retry-After": "60"} if status == 429 else None
    return JSONResponse({**body, "status_zh": zh, "status_en": en}, status_code=status, headers=headers)


@router.get("/verify/{number}", response_model=None, include_in_schema=False)  # a page: /api/v1/verify is the API
def verify_certificate(number: str, request: Request, engine: EngineDep, c: str | None = None) -> Response:
    """The page for people (JSON with `?format=json` or `Accept: application/json`)."""
    status, body = answer(request, engine, number, c)
    if _wants_json(request):
        return _json(status, body)
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    pick = 1 if lang == "en" else 0
    label, label_en, tone = STATUSES[body["status"]]
    holder = None
    if body.get("code_valid"):
        level = LEVELS.get(body["level"] or 0)
        holder = [
            (TEXT["holder_name"][pick], body["holder_name"]),
            (TEXT["id_number"][pick], body["id_number"]),
            (TEXT["level"][pick], level[pick] if level else "—"),
            (TEXT["categories"][pick], "、".join(body["categories"]) or "—"),
            (TEXT["area"][pick], body["area_zh"] if lang == "zh" else body["area"].capitalize()),
            (TEXT["authority"][pick], body["issuing_authority"]),
            (TEXT["issued_on"][pick], _show_date(body["issued_on"], lang)),
            (TEXT["valid_until"][pick], _show_date(body["valid_until"], lang)),
        ]
    note_key = body["status"] if body["status"] in TEXT else ("exists" if body["status"] == "code_required" else None)
    params = {"lang": "zh" if lang == "en" else "en", **({"c": c} if c else {})}
    response = templates.TemplateResponse(
        request,
        "verify.html",
        {
            "lang": lang,
            "t": {k: v[pick] for k, v in TEXT.items()},
            "number": body["number"],
            "status": body["status"],
            "status_label": label_en if lang == "en" else label,
            "tone": tone,
            "note": TEXT[note_key][pick] if note_key else None,
            "holder": holder,
            "ask_code": body["status"] in ("code_required", "unverifiable"),
            "switch_url": f"{request.url.path}?{urlencode(params)}",
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code in the URL stays here
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


api_router = APIRouter(tags=["verify"])


@api_router.get(
    "/verify/{number}",
    name="certificate", response_model=Verification,
    responses={
        200: {"description": "`code_required` without a code, `unverifiable` with a wrong one, else the status"},
        404: {
            "model": ErrorBody,
            "description": "an invalid number (`certificate_number_invalid`) or no such certificate",
            "content": {"application/json": {"example": {
                "number": "YRD-QP-2025-000009-7", "status": "not_found", "status_zh": "查无此证书",
                "status_en": "No such certificate", "exists": False, "code": "certificate_not_found",
                "message_zh": TEXT["not_found"][0], "message_en": TEXT["not_found"][1]}}},
        },
        **error_responses(400, 422, 429),
    },
)  # fmt: skip
def verify_certificate_json(number: str, request: Request, engine: EngineDep, c: str | None = None) -> JSONResponse:
    """For machines: the same answer as the page, always JSON."""
    return _json(*answer(request, engine, number, c))


__all__ = ["RateLimiter", "answer", "api_router", "router"]
