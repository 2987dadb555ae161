"""Public verification of a zone certificate (the QR code's target): valid, revoked or expired."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from fastapi import APIRouter, Request

from api.auth import EngineDep
from api.errors import ApiError
from matching.store import RegistryStore
from recognition.recognitions import RecognitionStore
from recognition.reissue import AREAS, mask_for_certificate, number_valid, verification_code

router = APIRouter(tags=["verify"])


def _mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


@router.get("/verify/{number}")
def verify_certificate(number: str, request: Request, engine: EngineDep, c: str | None = None) -> dict[str, Any]:
    """Status and masked holder data only; `c` (the QR code's verification code) is checked when given."""
    if not number_valid(number):
        raise ApiError(404, "certificate_number_invalid", "证书编号无效", "not a valid certificate number")
    recognition = RecognitionStore(engine).get(number)
    if recognition is None:
        raise ApiError(404, "certificate_not_found", "查无此证书", "no such certificate")
    record = RegistryStore(engine).get(recognition.cert_type, recognition.cert_number)
    status = "valid"
    if record is not None and str(record.status) != "valid":
        status = "revoked"
    elif recognition.valid_until is not None and recognition.valid_until < date.today():
        status = "expired"
    code_ok: bool | None = None
    secret = request.app.state.settings.cert_secret
    if c is not None and secret:
        expected = verification_code(number, recognition.id_number or "", recognition.holder_name, secret.encode())
        code_ok = hmac.compare_digest(expected, c)
    status_zh = {"valid": "有效", "revoked": "已撤销", "expired": "已过期"}[status]
    return {
        "number": number,
        "status": status,
        "status_zh": status_zh,
        "code_valid": code_ok,
        "holder_name": _mask_name(recognition.holder_name),
        "id_number": mask_for_certificate(recognition.id_number),
        "level": recognition.level,
        "categories": recognition.categories,
        "area": recognition.area,
        "area_zh": AREAS[recognition.area].name,
        "issuing_authority": recognition.recognising_authority,
        "issued_on": recognition.issued_on.isoformat(),
        "valid_until": recognition.valid_until.isoformat() if recognition.valid_until else None,
    }
