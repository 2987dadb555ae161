"""The FastAPI application: `create_app(settings)`; OpenAPI at /docs, the API under /api/v1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import audit as audit_log
from api import observability
from api.docs import mount_api_docs
from api.errors import http_error_handler, huren_error_handler, validation_error_handler
from api.middleware import BodyGuard, LoginGuard, SecurityHeaders
from api.observability import RequestIdMiddleware
from api.periodic import Periodic
from api.routes import applications, audit, auth, documents, followup, registry, users, verify
from api.settings import Settings
from api.storage import FileStore, purge_decided_uploads
from api.throttle import LoginGate, LoginPolicy
from api.web import STATIC_DIR
from api.web import digitize as web_digitize
from api.web import registry as web_registry
from api.web import routes as web_routes
from api.worker import Worker
from db import open_database
from huren import __version__, sealed
from huren.errors import HurenError

API_PREFIX = "/api/v1"


def operation_id(route: APIRoute) -> str:
    """`applications-create`, `users-list_tokens`: the tag, then the route's name."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None, *, start_worker: bool | None = None) -> FastAPI:
    """The service on `settings.resolved_database_url` with files under `settings.data_dir`.

    The pre-screening worker thread runs with the app's lifespan when `start_worker` (default
    `settings.worker`); tests drive `app.state.worker.run_until_idle()` themselves.
    """
    settings = settings or Settings()
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    sealed.configure(settings.data_key, key_file=settings.data_key_path)
    engine = open_database(settings.resolved_database_url)  # brought to the head revision (migrations)
    audit_log.configure(engine, settings)  # the chain's key and the checkpoint folder, outside the database
    files = FileStore(data_dir / "files")
    housekeeping = [
        Periodic(
            "audit-checkpoint",
            settings.audit_checkpoint_seconds,
            lambda: audit_log.checkpoint(engine),
            run_on_stop=True,
        )
    ]
    if settings.upload_retention_days is not None:
        days = settings.upload_retention_days
        housekeeping.append(Periodic("upload-retention", 3600, lambda: purge_decided_uploads(engine, files, days=days)))
    worker = Worker(engine, settings, files)
    run_worker = settings.worker if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if run_worker:
            worker.start()
        for task in housekeeping:
            task.start()
        try:
            yield
        finally:
            if run_worker:
                worker.stop()
            gate.pool.close()
            for task in housekeeping:
                task.stop()

    app = FastAPI(
        title="互认 Huren",
        description="长三角示范区注册计量师注册资质互认 / mutual recognition of registered metrologists",
        version=__version__,
        docs_url=None,  # served below from packaged assets: nothing from a CDN
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.files = files
    app.state.worker = worker
    app.state.login_gate = gate = LoginGate(
        settings.login_concurrency, policy=LoginPolicy.of(settings), nice=settings.background_nice
    )
    app.add_middleware(
        BodyGuard,
        engine=engine,
        max_upload_bytes=settings.max_upload_bytes,
        max_request_bytes=settings.max_request_bytes,
    )
    app.add_middleware(LoginGuard, gate=gate, tarpit=settings.login_tarpit_seconds)  # a flood: no route, no database
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, the guard's too
    app.add_exception_handler(HurenError, huren_error_handler)  # ApiError and every package's errors
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)  # FastAPI's own 400, 404, 405
    for module in (auth, users, applications, documents, audit, followup, registry):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(verify.api_router, prefix=API_PREFIX)  # /api/v1/verify/{number}: JSON for machines
    app.include_router(verify.router)  # /verify/{number}: the QR code's target, a page for people
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")  # the review pages' CSS and JS
    mount_api_docs(app)
    app.include_router(web_routes.router)  # the review pages under /
    app.include_router(web_digitize.router)  # the digitisation correction queue under /digitize
    app.include_router(web_registry.router)  # the admins' registry upload under /registry

    app.add_middleware(RequestIdMiddleware)
    app.include_router(observability.router)  # /metrics, /readyz

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
