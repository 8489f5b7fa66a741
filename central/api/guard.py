"""Limits before work: who may send a body to which route, and how large, checked before reading it.

FastAPI reads and parses a request body before it runs a route's dependencies, so credentials
checked there come too late: a stranger's 100 MB POST was read and parsed before its 401. This
ASGI middleware runs first. It finds the route's policy (credentials, largest body), authenticates
from the headers alone (the principal is kept in the request state for the route's dependencies),
refuses a declared `Content-Length` over the limit with 413 before reading a byte, and counts a
streamed body as it passes, ending it with 413 as soon as it goes over. The web console's posts
are bounded here too (and need a `Content-Length`); the console itself checks only their session.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from anyio import to_thread

from central.auth import AuthFailure, authenticate_agency, authenticate_device, remembered_device
from central.core.db import Database
from sync.protocol import (
    API,
    AUDIT_HEAD_BYTES,
    MAX_AGENCY_FILE_BYTES,
    MAX_PUSH_BYTES,
    OUTBOX_REPORT_BYTES,
    TUS_PREFIX,
)

logger = logging.getLogger(__name__)
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]
TUS_CHUNK_LIMIT = 16 * 1024**2  # one PATCH; the desk sends 256 KiB chunks
RECONCILE_BYTES = 256 * 1024  # MAX_RECONCILE ids and as many hashes, at most 68 bytes each as JSON
CONSOLE_RESULT_BYTES = 50 * 1024**2  # a result file uploaded from the console's decision form
CONSOLE_DECISION_BYTES = CONSOLE_RESULT_BYTES + 1024**2  # the file and the form around it


@dataclass(frozen=True)
class Policy:
    auth: str  # "none", "device" or "agency"
    max_body: int
    length_required: bool = False  # 411 without a Content-Length (the console's posts)


NO_BODY = 0
POLICIES: list[tuple[str, re.Pattern[str], Policy]] = [
    ("GET", re.compile(rf"^{API}/health$"), Policy("none", NO_BODY)),
    ("POST", re.compile(rf"^{API}/enroll$"), Policy("none", 4096)),
    ("POST", re.compile(rf"^{API}/events$"), Policy("device", MAX_PUSH_BYTES)),
    ("POST", re.compile(rf"^{API}/reconcile$"), Policy("device", RECONCILE_BYTES)),
    ("POST", re.compile(rf"^{API}/audit/head$"), Policy("device", AUDIT_HEAD_BYTES)),
    ("POST", re.compile(rf"^{API}/outbox/report$"), Policy("device", OUTBOX_REPORT_BYTES)),
    ("POST", re.compile(rf"^{API}/agency/events$"), Policy("agency", 1024**2)),
    ("PUT", re.compile(rf"^{API}/agency/files$"), Policy("agency", MAX_AGENCY_FILE_BYTES)),
    ("*", re.compile(rf"^{API}/agency(/.*)?$"), Policy("agency", NO_BODY)),
    # creation-with-upload is not offered: the body of a creation POST must be empty (PATCH sends it)
    ("PATCH", re.compile(rf"^{TUS_PREFIX}/[^/]+$"), Policy("device", TUS_CHUNK_LIMIT)),
    ("*", re.compile(rf"^{API}(/.*)?$"), Policy("device", NO_BODY)),
    # the web console checks its own session; its decision form may carry a result file
    ("POST", re.compile(r"^/co-quan/[^/]+/quyet-dinh$"), Policy("none", CONSOLE_DECISION_BYTES, True)),
    # the console's other forms (a calendar is up to 200,000 characters, form-encoded)
    ("POST", re.compile(r"^/"), Policy("none", 1024**2, True)),
]
FALLBACK = Policy("none", 64 * 1024)  # any other request (console pages, citizen page, 404s): small bodies


def policy_for(method: str, path: str) -> Policy:
    for want, pattern, policy in POLICIES:
        if (want in ("*", method)) and pattern.match(path):
            return policy
    return FALLBACK


class BodyTooLarge(Exception):
    """Raised from `receive` when a streamed body passes its route's limit."""


class RequestGuard:
    def __init__(self, app: Asgi, database: Database) -> None:
        self.app, self.database = app, database

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = _override(scope) or scope["method"]
        policy = policy_for(method, scope.get("path", ""))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            principal = await self._authenticate(policy, headers.get("authorization", ""))
        except AuthFailure as exc:
            await _reply(send, 401, exc.code, exc.message)
            return
        if principal is not None:
            scope.setdefault("state", {})["principal"] = principal
        declared = headers.get("content-length")
        if declared is None and policy.length_required:
            await _reply(send, 411, "length_required", "this route needs a Content-Length")
            return
        streamed = "transfer-encoding" in headers and declared is None
        if (declared is not None and (not declared.isdigit() or int(declared) > policy.max_body)) or (
            streamed and policy.max_body == NO_BODY
        ):
            await _reply(send, 413, "too_large", f"this route takes at most {policy.max_body} bytes")
            return
        await self._bounded(scope, receive, send, policy.max_body)

    async def _authenticate(self, policy: Policy, header: str) -> object | None:
        if policy.auth == "device":
            remembered = remembered_device(self.database, header)
            if remembered is not None:
                return remembered
            return await to_thread.run_sync(authenticate_device, self.database, header)
        if policy.auth == "agency":
            return await to_thread.run_sync(authenticate_agency, self.database, header)
        return None

    async def _bounded(
        self, scope: MutableMapping[str, Any], receive: Receive, send: Send, limit: int
    ) -> None:
        seen, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app answers to a cut body, the answer is our 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted, guarded_send)
        if over and not started:
            logger.warning("%s %s: body over %d bytes refused", scope["method"], scope.get("path"), limit)
            await _reply(send, 413, "too_large", f"this route takes at most {limit} bytes")


def _override(scope: MutableMapping[str, Any]) -> str | None:
    """tus clients may tunnel PATCH through POST with X-HTTP-Method-Override (tuspyserver honours it)."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"x-http-method-override":
            return str(value.decode("latin-1").strip().upper())
    return None


async def _reply(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"detail": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status in (401, 411, 413):  # the unread body is never drained: this connection ends here
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
