"""The hub's FastAPI application."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from central.api.idle import BodyIdleTimeout
from central.api.routes import agency, dossiers, enroll, events, files, health, reconcile, uploads
from central.blobs import HubBlobs
from central.core.config import HubSettings
from central.core.db import Database, migrate
from sync.protocol import API, HUB_TIME_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, is_compatible

logger = logging.getLogger(__name__)


def create_app(settings: HubSettings) -> FastAPI:
    """Build the hub: migrate the database, mount the routes, stamp every reply with the hub's clock."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.db_url)
    migrate(database.engine)
    # No /docs, /redoc or /openapi.json: they would describe every route to anyone, unauthenticated.
    app = FastAPI(
        title="Một Cửa hub", version=str(PROTOCOL_VERSION), docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings, app.state.db, app.state.blobs = settings, database, HubBlobs(settings.blobs_dir)

    @app.middleware("http")
    async def protocol_and_clock(
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

    for module in (health, enroll, events, dossiers, files, agency):
        app.include_router(module.router, prefix=API)
    app.include_router(reconcile.router, prefix=API)
    app.include_router(uploads.tus_router(settings))
    app.add_middleware(BodyIdleTimeout, seconds=settings.body_idle_timeout_s)
    return app


def app_from_env() -> FastAPI:
    """Factory for multi-worker serving: settings from `MOTCUA_HUB_*` environment variables."""
    return create_app(HubSettings())
