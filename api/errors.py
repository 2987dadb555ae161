"""Errors the service returns, each with a stable code and a message in Chinese and English."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from huren.errors import HurenError
from matching.errors import RegistryStoreError
from ocr.errors import EngineError


class ApiError(HurenError):
    """`{"code", "message_zh", "message_en"}` with an HTTP status; `extra` is merged into the body."""

    wait_seconds: float | None = None  # a throttled login: how long its answer is held (never in the body)

    def __init__(self, status: int, code: str, message_zh: str, message_en: str, **extra: Any) -> None:
        super().__init__(code, message_zh, message_en)
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {**super().body(), **self.extra}


UNAVAILABLE: tuple[type[HurenError], ...] = (EngineError, RegistryStoreError)
"""Errors of a part the service needs (the OCR engine, the registry's database): 503, not the request's fault."""


def status_of(exc: HurenError) -> int:
    """An `ApiError` says its status; any other `HurenError` that reaches a route is about what was sent (422)
    unless a part of the service is missing (503)."""
    if isinstance(exc, ApiError):
        return exc.status
    return 503 if isinstance(exc, UNAVAILABLE) else 422


def not_found(what_zh: str = "申请", what_en: str = "application") -> ApiError:
    return ApiError(404, f"{what_en.replace(' ', '_')}_not_found", f"{what_zh}不存在", f"{what_en} not found")


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "未登录或令牌无效", "missing or invalid bearer token")


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "无权执行此操作", "your role may not do this")


async def huren_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """Any `HurenError` as the documented error body (`api.models.ErrorBody`)."""
    assert isinstance(exc, HurenError)
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(exc.body(), status_code=status, headers=headers)


HTTP_CODES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求无法解析", "the request could not be parsed"),
    404: ("not_found", "地址不存在", "no such address"),
    405: ("method_not_allowed", "不支持此请求方法", "method not allowed"),
}
"""What Starlette and FastAPI refuse themselves (a body that is not JSON, an unknown path), in our words."""


async def http_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own refusals (`HTTPException`: an unparsable body, an unknown path) as the error body."""
    assert isinstance(exc, StarletteHTTPException)
    code, zh, en = HTTP_CODES.get(exc.status_code, (f"http_{exc.status_code}", "请求未能处理", str(exc.detail)))
    body = {"code": code, "message_zh": zh, "message_en": en if exc.status_code in HTTP_CODES else str(exc.detail)}
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


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


# --- the contract: which errors each operation declares ---------------------------------------------

ERROR_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("a NUL byte in the path or the query", {"code": "nul_byte", "message_zh": "请求中含有空字符",
                                                  "message_en": "a NUL byte in the path or query"}),
    401: ("no token, or one that expired or was revoked", unauthorized().body()),
    403: ("the user's role may not do this", forbidden().body()),
    404: ("absent, or outside the user's scope (which looks the same)", not_found().body()),
    409: ("the application's state or version does not allow it", {
        "code": "version_conflict", "message_zh": "申请已被他人更新，请刷新后重试",
        "message_en": "the application changed; reload and retry"}),
    413: ("the body is larger than its limit (refused before it is read)", {
        "code": "request_too_large", "message_zh": "请求内容超过 1 MB 上限",
        "message_en": "request body larger than 1048576 bytes", "max_bytes": 1048576}),
    415: ("the file's content is not an accepted type", {
        "code": "unsupported_file_type", "message_zh": "文件类型不支持，请上传 PDF、JPEG、PNG、TIFF、WEBP 或 BMP 文件",
        "message_en": "unsupported file type: upload PDF, JPEG, PNG, TIFF, WEBP or BMP"}),
    422: ("the request does not validate (`errors` lists the fields) or breaks a rule", {
        "code": "invalid_request", "message_zh": "请求内容不符合要求", "message_en": "invalid request",
        "errors": [{"loc": ["body", "name"], "msg": "Field required", "msg_zh": "缺少此项"}]}),
    429: ("too many requests: wait (`retry_after` seconds when given)", {
        "code": "login_throttled", "message_zh": "登录失败次数过多，请 4 秒后再试",
        "message_en": "too many failed logins: try again in 4 s", "retry_after": 4}),
    503: ("too busy right now, or a part of the service is missing", {
        "code": "login_busy", "message_zh": "登录请求过多，请稍后再试",
        "message_en": "too many logins at once: try again shortly", "retry_after": 1}),
}  # fmt: skip
"""Per status: when it happens and one real body."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with the error body's schema, its meaning and an example."""
    from api.models import ErrorBody

    return {
        status: {
            "model": ErrorBody,
            "description": ERROR_EXAMPLES[status][0],
            "content": {"application/json": {"example": ERROR_EXAMPLES[status][1]}},
        }
        for status in statuses
    }
