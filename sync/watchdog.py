"""A deadline for the part of a request that `requests` cannot bound: a reply whose status line
and headers trickle in a byte at a time never trips the per-read timeout. The watchdog notes the
connection each request of the session uses and, at the deadline, shuts its socket down, so the
blocked read ends at once (the transport then reports a DeadlineError).

It hooks the session's adapters at request time (their connection pools' `_get_conn`), so the
session itself is built as before.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from typing import Any

logger = logging.getLogger(__name__)


class Watchdog:
    """One per transport; the transport runs one request at a time."""

    def __init__(self) -> None:
        self._conn: Any = None
        self._timer: threading.Timer | None = None
        self.fired = False

    def arm(self, session: Any, url: str, seconds: float) -> None:
        """Watch the next request of `session` to `url` for `seconds`."""
        self._hook(session.get_adapter(url))
        self.fired, self._conn = False, None
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        sock = getattr(self._conn, "sock", None)
        if sock is None:
            return
        self.fired = True
        logger.warning("request deadline reached while the reply was still arriving; connection cut")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def _hook(self, adapter: Any) -> None:
        if getattr(adapter, "_watchdog", None) is self or not hasattr(
            adapter, "get_connection_with_tls_context"
        ):
            return
        inner = adapter.get_connection_with_tls_context
        watchdog = self

        def get_pool(*args: Any, **kwargs: Any) -> Any:
            pool = inner(*args, **kwargs)
            if getattr(pool, "_watchdog", None) is not watchdog:
                get_conn = pool._get_conn

                def tracked(*a: Any, **kw: Any) -> Any:
                    watchdog._conn = get_conn(*a, **kw)
                    return watchdog._conn

                pool._get_conn = tracked
                pool._watchdog = watchdog
            return pool

        adapter.get_connection_with_tls_context = get_pool
        adapter._watchdog = self
