"""The hub's web console (operators at `/`) and the public citizen status page.

`install(app)` mounts it on the hub's FastAPI app; `/api/v1` is untouched.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from central.console import admin, citizen, inbox, index, pages, seen
from central.console.inbox import MAX_RESULT_BYTES
from central.console.web import HERE, LoginRequired, current_actor

MAX_POST_BYTES = MAX_RESULT_BYTES + 1024 * 1024  # a result file and the form around it


def install(app: FastAPI) -> None:
    index.install()
    settings = app.state.settings
    app.state.citizen_limiter = citizen.RateLimiter(settings.citizen_rate_per_s, settings.citizen_burst)
    for module in (pages, inbox, admin, citizen):
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="console-static")
    seen.install(app)

    @app.middleware("http")
    async def _posts(request: Request, call_next):  # type: ignore[no-untyped-def]
        """A console post is bounded in size and, but for the login itself, needs a live session
        before a byte of its body is read."""
        if request.method == "POST" and not request.url.path.startswith("/api/"):
            length = request.headers.get("content-length", "")
            if not length.isdigit():
                return PlainTextResponse("Content-Length required", status_code=411)
            if int(length) > MAX_POST_BYTES:
                return PlainTextResponse("request too large", status_code=413)
            if request.url.path != "/dang-nhap":
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
