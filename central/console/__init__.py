"""The hub's web console (operators at `/`) and the public citizen status page.

`install(app)` mounts it on the hub's FastAPI app; `/api/v1` is untouched.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.formparsers import MultiPartParser

from central.console import admin, catalog_drafts, citizen, desk_reports, inbox, index, pages, ratelimit, seen
from central.console.web import HERE, LoginRequired, current_actor
from sync.protocol import API


def install(app: FastAPI) -> None:
    index.install()
    # a result file posted from the decision form stays in memory (the guard bounds the post):
    # starlette would otherwise roll a part over 1 MiB to a temporary file on disk, in clear
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, inbox.MAX_RESULT_BYTES + (1 << 20))
    settings = app.state.settings
    db = app.state.db
    app.state.trusted_proxies = ratelimit.parse_networks(settings.trusted_proxies)
    burst = max(1, settings.citizen_burst)
    app.state.citizen_limiter = ratelimit.SharedLimiter(
        db,
        "citizen",
        burst,
        burst / max(settings.citizen_rate_per_s, 1e-6),
        flush_hits=settings.citizen_flush_hits or None,
    )
    app.state.login_limiter = ratelimit.SharedLimiter(
        db, "login", settings.login_failures_per_address, settings.login_window_s, flush_hits=1
    )  # failed logins are rare: every one is written, the count stays exact
    for module in (pages, inbox, admin, catalog_drafts, citizen):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(desk_reports.router, prefix=API)  # a desk's own report, authenticated as it
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="console-static")
    seen.install(app)

    @app.middleware("http")
    async def _posts(request: Request, call_next):  # type: ignore[no-untyped-def]
        """A console post, but for the login itself, needs a live session before a byte of its body
        is read (its Content-Length and size were checked by central.api.guard, outside this)."""
        path = request.url.path
        if request.method == "POST" and not path.startswith("/api/") and path != "/dang-nhap":
            try:
                await run_in_threadpool(current_actor, request)
            except LoginRequired:
                return pages.login_page(request, status=401)
        response: Response = await call_next(request)
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        return pages.login_page(request, status=401)

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        if not request.url.path.startswith("/api/"):
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault(
                "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
            )
        return response
