"""The hub's FastAPI application."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from central import console, tus_store
from central.api.guard import RequestGuard
from central.api.idle import BodyIdleTimeout
from central.api.routes import agency, audit, dossiers, enroll, events, files, health, reconcile, uploads
from central.blobs import open_store
from central.core.config import HubSettings
from central.core.db import describe_error, migrate, open_database
from sync.protocol import API, HUB_TIME_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, is_compatible

logger = logging.getLogger(__name__)


def create_app(settings: HubSettings) -> FastAPI:
    """Build the hub: migrate the database, mount the routes, stamp every reply with the hub's clock."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(settings.data_dir, 0o700)
    database = open_database(settings)
    migrate(database.engine)
    # No /docs, /redoc or /openapi.json: they would describe every route to anyone, unauthenticated.
    app = FastAPI(
        title="Một Cửa hub",
        version=str(PROTOCOL_VERSION),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_housekeeping(settings),
    )
    blobs = open_store(settings.data_dir, settings.blobs_dir, settings.key_file)
    blobs.seal_all()  # an older hub's files, stored in clear, are sealed in place (crash-safe)
    app.state.settings, app.state.db, app.state.blobs = settings, database, blobs
    app.state.tus_key = blobs.upload_key()
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)  # type: ignore[arg-type]
    for module in (health, enroll, events, dossiers, files, agency, audit):
        app.include_router(module.router, prefix=API)
    app.include_router(reconcile.router, prefix=API)
    app.include_router(uploads.tus_router(settings, app.state.tus_key))
    console.install(app)  # the web console at / and the citizen page; /api/v1 unchanged
    # after the console's own middlewares, so outside them: the guard (credentials and body limits,
    # the console's too) runs before any route or console session check reads a body
    app.add_middleware(RequestGuard, database=database)
    app.middleware("http")(_protocol_and_clock)
    app.add_middleware(BodyIdleTimeout, seconds=settings.body_idle_timeout_s)
    return app


async def _protocol_and_clock(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    version = request.headers.get(PROTOCOL_HEADER)
    if version is not None and not is_compatible(version):
        body = {
            "detail": {
                "code": "protocol_version",
                "message": f"hub speaks protocol {PROTOCOL_VERSION}, desk sent {version}",
            }
        }
        response: Response = JSONResponse(body, status_code=426)
    else:
        response = await call_next(request)
    response.headers[HUB_TIME_HEADER] = str(time.time_ns() // 1_000_000)
    response.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
    return response


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming where and why, never echoing the input (it may be personal data, or not even JSON)."""
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors[:20]}, status_code=422)


async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    """A database failure: logged by kind only (the driver's text may quote a row of personal data)."""
    logger.error("%s %s: database error %s", request.method, request.url.path, describe_error(exc))
    return JSONResponse({"detail": {"code": "hub_error", "message": "database error"}}, status_code=503)


def _housekeeping(settings: HubSettings) -> Callable[[FastAPI], Any]:
    """While the hub runs: remove abandoned uploads at start and every `cleanup_interval_s`."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.to_thread(
                    tus_store.expire_uploads, settings.tus_dir, settings.upload_expiry_hours * 3600
                )
                await asyncio.sleep(settings.cleanup_interval_s)

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()

    return lifespan


def app_from_env() -> FastAPI:
    """Factory for multi-worker serving: settings from `MOTCUA_HUB_*` environment variables."""
    return create_app(HubSettings())
