"""Errors the service returns, each with a stable code and a message in Chinese and English."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """`{"code", "message_zh", "message_en"}` with an HTTP status; `extra` is merged into the body."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str, **extra: Any) -> None:
        super().__init__(f"{code}: {message_en}")
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en, **self.extra}


def not_found(what_zh: str = "申请", what_en: str = "application") -> ApiError:
    return ApiError(404, f"{what_en.replace(' ', '_')}_not_found", f"{what_zh}不存在", f"{what_en} not found")


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "未登录或令牌无效", "missing or invalid bearer token")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "无权执行此操作", "your role may not do this")


async def api_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


ERROR_ZH: dict[str, str] = {
    "missing": "缺少此项",
    "string_too_short": "内容过短或为空",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不符合要求",
    "string_type": "应为文字",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是或否",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "value_error": "取值不符合要求",
}
"""pydantic's error types as a Chinese reader is told them (`msg_zh` beside pydantic's English `msg`)."""


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": list(e.get("loc", ())),
            "msg": e.get("msg", ""),
            "msg_zh": ERROR_ZH.get(e.get("type", ""), "不符合要求"),
        }
        for e in exc.errors()
    ]
    body = {
        "code": "invalid_request",
        "message_zh": "请求内容不符合要求",
        "message_en": "invalid request",
        "errors": errors,
    }
    return JSONResponse(body, status_code=422)
