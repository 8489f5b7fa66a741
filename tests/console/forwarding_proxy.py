"""A tiny reverse proxy for the tests: `python -m tests.console.forwarding_proxy PORT UPSTREAM...`.

Listens on 127.0.0.1:PORT, sends each request to the next upstream in turn (round robin, as a load
balancer in front of several hub processes would) and appends the TCP peer it saw to X-Forwarded-For,
as nginx's `$proxy_add_x_forwarded_for` does. Prints "ready" once listening.
"""

from __future__ import annotations

import http.client
import itertools
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host", "content-length"}


def serve(port: int, upstreams: list[str]) -> None:
    turn = itertools.cycle(urlsplit(u) for u in upstreams)
    lock = threading.Lock()

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            with lock:
                target = next(turn)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers.pop("X-Forwarded-For", None)
            seen = self.headers.get("X-Forwarded-For")
            peer = self.client_address[0]
            headers["X-Forwarded-For"] = f"{seen}, {peer}" if seen else peer
            conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
            conn.request(self.command, self.path, body=body or None, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for k, v in reply.getheaders():
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = _forward

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Forward)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2:])
