"""A server that answers at the hub's address but is not the hub: a proxy, a captive portal, a
pretender. One small HTTP server on 127.0.0.1 per test; `behaviour` decides every answer."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

PROTOCOL = {"X-Motcua-Protocol": "1"}


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    length: int | None = None  # Content-Length to announce (default: len(body) for bytes)
    raw: bool = False  # body is the whole HTTP reply, status line and headers included


@dataclass
class Request:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


Behaviour = Callable[[Request], Answer]


def json_answer(data: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, {"Content-Type": "application/json", **headers}, json.dumps(data).encode())


class FakeHub:
    """Serves `behaviour` on 127.0.0.1; counts requests and the bytes it received."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[Request] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, body, dict(self.headers.items()))
                fake.requests.append(request)
                answer = fake.behaviour(request)
                if answer.raw:
                    self._raw(answer)
                    return
                self.send_response(answer.status)
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                if isinstance(answer.body, bytes):
                    self.send_header("Content-Length", str(len(answer.body)))
                elif answer.length is not None:
                    self.send_header("Content-Length", str(answer.length))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for piece in [answer.body] if isinstance(answer.body, bytes) else answer.body:
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if not isinstance(answer.body, bytes):
                    self.close_connection = True

            def _raw(self, answer: Answer) -> None:
                try:
                    for piece in [answer.body] if isinstance(answer.body, bytes) else answer.body:
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            do_GET = do_POST = do_PATCH = do_HEAD = do_PUT = do_DELETE = _serve

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posted_bytes(self) -> int:
        return sum(len(r.body) for r in self.requests)


HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "content-encoding", "keep-alive"}


def forward(hub_url: str, request: Request) -> Answer:
    """`request` passed on to the real hub at `hub_url`, and its answer back (as a proxy would)."""
    import requests

    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
    resp = requests.request(
        request.method, hub_url + request.path, data=request.body, headers=headers, timeout=30
    )
    out = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_BY_HOP}
    return Answer(resp.status_code, out, resp.content)


def trickle(total_s: float = 120.0, piece: bytes = b" ") -> Iterable[bytes]:
    """One byte every half second for `total_s`, as a server stuck mid-reply would."""
    end = time.monotonic() + total_s
    while time.monotonic() < end:
        yield piece
        time.sleep(0.5)


def trickled_headers(total_s: float = 120.0) -> Iterable[bytes]:
    """A status line, then header bytes one every half second: the read timeout never trips."""
    yield b"HTTP/1.1 200 OK\r\nX-Slow: "
    yield from trickle(total_s, b"a")


def endless(total: int = 2 * 1024**3, chunk: int = 1 << 16) -> Iterable[bytes]:
    """`total` bytes of JSON-looking filler, produced as they are sent (never held in memory)."""
    block = b"[" + b"0," * (chunk // 2 - 1) + b"0"
    sent = 0
    while sent < total:
        yield block
        sent += len(block)


def rss_peak_kb() -> int:
    """This process's peak resident memory (VmHWM), from /proc."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")
