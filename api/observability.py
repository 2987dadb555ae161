"""Logs, request ids, metrics and readiness: what an operator needs to run the service blind.

* `configure_logging(fmt)` once per process (`dictConfig`): plain lines, or JSON lines with
  `HUREN_LOG_FORMAT=json`; every record carries the request id of the request it belongs to, and an
  ID number anywhere in a message is masked before it is written (PIPL).
* `RequestIdMiddleware`: an `X-Request-ID` on every response (the proxy's own when it sent a sane
  one), one access line per request, and the request metrics.
* `router`: `/metrics` (Prometheus text format: requests by route and status, latency, queue depth
  and the oldest job's age, screening seconds per page, decisions by outcome) and `/readyz` (the
  database and its tables, the OCR model, the certificate secret, the certificate font), 503 with
  what failed when not ready. `/healthz` stays "the process answers".
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select, text

from huren.normalize import mask_id_number

log = logging.getLogger("huren.access")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

REQUESTS = Counter("huren_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "huren_http_request_seconds", "HTTP request latency", ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
QUEUE_DEPTH = Gauge("huren_queue_jobs", "screening and issuing jobs waiting or running", ["state"])
OLDEST_JOB = Gauge("huren_queue_oldest_job_age_seconds", "age of the oldest job not yet done")
SCREENING_SECONDS_PER_PAGE = Histogram(
    "huren_screening_seconds_per_page", "pre-screening time divided by the pages read",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
)  # fmt: skip
DECISIONS = Counter("huren_decisions_total", "automatic pre-screening outcomes", ["outcome"])


# --- logging -------------------------------------------------------------------------------------


class ContextFilter(logging.Filter):
    """Adds the request id and masks ID numbers in the message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        masked = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["exception"] = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def logging_config(fmt: str = "text", level: str = "INFO") -> dict[str, Any]:
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"main": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["context"]},
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # uvicorn's own access line has no request id: ours replaces it
            "uvicorn.access": {"handlers": [], "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
        },
    }


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Once per process, by `serve` and `worker`: `fmt` is `text` or `json`."""
    if fmt not in ("text", "json"):
        raise ValueError(f"HUREN_LOG_FORMAT must be text or json, not {fmt!r}")
    logging.config.dictConfig(logging_config(fmt, level))


# --- requests ------------------------------------------------------------------------------------


class RequestIdMiddleware:
    """Pure ASGI: a request id for each request (in the log records, the response, the metrics)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if SANE_ID.match(given) else secrets.token_hex(8)
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            template = _template(scope)
            REQUESTS.labels(scope["method"], template, str(status)).inc()
            LATENCY.labels(scope["method"], template).observe(seconds)
            log.info("%s %s %s %.1f ms", scope["method"], template, status, seconds * 1000)
            request_id.reset(token)


def _template(scope: dict[str, Any]) -> str:
    """The route's path with its parameters' names, never their values (an id, a number)."""
    if scope.get("route") is None:
        return "unmatched"
    names = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    return "/".join(f"{{{names[part]}}}" if part in names else part for part in scope["path"].split("/"))


# --- /metrics and /readyz -----------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


def _queue_gauges(engine: Any) -> None:
    from api.db import jobs
    from api.states import JobState

    pending = (JobState.QUEUED, JobState.RUNNING)
    waiting = jobs.c.state.in_(pending)
    with engine.connect() as conn:
        counts = dict(conn.execute(select(jobs.c.state, func.count()).where(waiting).group_by(jobs.c.state)).all())
        oldest = conn.execute(select(func.min(jobs.c.created_at)).where(waiting)).scalar()
    for state in pending:
        QUEUE_DEPTH.labels(str(state)).set(counts.get(state, 0))
    age = (datetime.now(UTC) - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
    OLDEST_JOB.set(max(0.0, age))


@router.get("/metrics")
def metrics(request: Request) -> Response:
    _queue_gauges(request.app.state.engine)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def readiness(app_state: Any) -> dict[str, str]:
    """Each check's result: "ok" or what is wrong (in words an operator can act on)."""
    import db

    checks: dict[str, str] = {}
    settings = app_state.settings
    try:
        with app_state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        at, head = db.current(app_state.engine), db.head()
        checks["schema"] = "ok" if at == head else f"at revision {at or 'none'}, not {head}: run `huren db upgrade`"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        checks["schema"] = "unknown"
    try:
        from ocr.engine import get_engine

        checks["ocr_model"] = "ok" if get_engine(settings.engine_config()).version else "no version"
    except Exception as exc:
        checks["ocr_model"] = f"cannot load: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    checks["cert_secret"] = "ok" if settings.cert_secret else "HUREN_CERT_SECRET is not set"
    try:
        from recognition.reissue import register_font

        register_font(settings.cert_font)
        checks["cert_font"] = "ok"
    except Exception as exc:
        checks["cert_font"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return checks


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    checks = readiness(request.app.state)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
