"""A small eSCL scanner on 127.0.0.1 (http.server in a thread): real HTTP, real JPEG/PDF pages.

Behaviour: POST ScanJobs → 201 + Location (503 for the first `busy_posts` tries);
GET NextDocument → one page per call (503 for `busy_docs` calls first), 404 when the job is done.
"""

from __future__ import annotations

import io
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pikepdf
from PIL import Image

from tests.scanner.escl_caps_samples import HP, STATUS_IDLE


def jpeg_page(seed: int, size: tuple[int, int] = (425, 550)) -> bytes:
    rng = np.random.default_rng(seed)
    img = np.full((size[1], size[0], 3), 250, np.uint8)
    img[50:60, 40 : 40 + int(rng.integers(100, 300))] = 20
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pdf_document(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(200, 280))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


@dataclass
class ScannerState:
    capabilities: str = HP
    adf_state: str = "ScannerAdfLoaded"
    pages: int = 3
    mime: str = "image/jpeg"
    busy_posts: int = 0
    busy_docs: int = 0
    jobs: dict[str, int] = field(default_factory=dict)
    posted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    state: ScannerState

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _send(
        self, code: int, body: bytes = b"", ctype: str = "text/xml", headers: dict[str, str] | None = None
    ):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        st = self.state
        if self.path == "/eSCL/ScannerCapabilities":
            return self._send(200, st.capabilities.encode())
        if self.path == "/eSCL/ScannerStatus":
            return self._send(200, STATUS_IDLE.replace("{adf}", st.adf_state).encode())
        parts = self.path.strip("/").split("/")
        if len(parts) == 4 and parts[1] == "ScanJobs" and parts[3] == "NextDocument":
            job = parts[2]
            if job not in st.jobs:
                return self._send(404)
            if st.busy_docs > 0:
                st.busy_docs -= 1
                return self._send(503)
            sent = st.jobs[job]
            if st.mime == "application/pdf":
                if sent:
                    return self._send(404)
                st.jobs[job] = 1
                return self._send(200, pdf_document(st.pages), "application/pdf")
            if sent >= st.pages:
                return self._send(404)
            st.jobs[job] = sent + 1
            return self._send(200, jpeg_page(sent), "image/jpeg")
        return self._send(404)

    def do_POST(self) -> None:
        st = self.state
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        if self.path != "/eSCL/ScanJobs":
            return self._send(404)
        if st.busy_posts > 0:
            st.busy_posts -= 1
            return self._send(503)
        st.posted.append(body)
        job = uuid.uuid4().hex
        st.jobs[job] = 0
        return self._send(201, headers={"Location": f"/eSCL/ScanJobs/{job}"})

    def do_DELETE(self) -> None:
        self.state.deleted.append(self.path)
        self._send(200)


class EsclServer:
    def __init__(self, state: ScannerState) -> None:
        handler = type("BoundHandler", (Handler,), {"state": state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.state = state
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/eSCL"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> EsclServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
