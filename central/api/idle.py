"""A request body that stops arriving is treated as a disconnect after `seconds` of silence.

uvicorn has no timeout while reading a request body. A desk whose link dies half-open mid-PATCH
(no FIN, no RST) would leave tuspyserver awaiting the rest of the chunk forever, holding the
upload's lock: the desk could never resume that file. This ASGI middleware wraps `receive` so a
body idle for `seconds` ends as `http.disconnect`; tuspyserver then records the bytes it got and
releases the lock, and the desk resumes from that offset. Once the body is complete, `receive`
is passed through untouched (Starlette may wait on it for a real disconnect).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

logger = logging.getLogger(__name__)
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class BodyIdleTimeout:
    def __init__(self, app: Asgi, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("PATCH", "POST", "PUT"):
            await self.app(scope, receive, send)
            return
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                logger.warning(
                    "%s %s: request body idle for %.1f s; treated as a disconnect",
                    scope["method"],
                    scope.get("path", ""),
                    self.seconds,
                )
                body_done = True
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)
