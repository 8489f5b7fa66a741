"""HTTP to the hub: the only module of `sync` that uses `requests` (and `tuspy`, which uses it too).

One `requests.Session` per transport, with timeouts, TLS verification (optionally against a CA
bundle), device credentials and the protocol version on every request. Every reply's `X-Hub-Time`
updates `clock_offset_s`. Failures become the exceptions of `sync.errors`, which decide what the
engine does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed

from sync import clock
from sync.errors import (
    AuthRevokedError,
    EnrollCodeError,
    HubRefusedError,
    HubServerError,
    OfflineError,
    ProtocolMismatchError,
)
from sync.protocol import (
    API,
    HUB_TIME_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    TUS_PREFIX,
    ChangesResponse,
    EnrollRequest,
    EnrollResponse,
    FileStatus,
    PushRequest,
    PushResponse,
    WireEvent,
)

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Credentials:
    device_id: str
    secret: str


class HubTransport:
    def __init__(
        self,
        hub_url: str,
        credentials: Credentials | None = None,
        *,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        wall: Callable[[], float] = clock.now,
    ) -> None:
        self.base = hub_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.wall = wall
        self.clock_offset_s: float | None = None
        self.session = requests.Session()
        self.session.verify = ca_bundle or True
        self.session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if credentials:
            self.session.auth = (credentials.device_id, credentials.secret)

    def close(self) -> None:
        self.session.close()

    # -- plumbing -------------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        sent = self.wall()
        try:
            resp = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise OfflineError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        self._observe_clock(resp, sent)
        _raise_for(resp, f"{method} {path}")
        return resp

    def _observe_clock(self, resp: requests.Response, sent: float) -> None:
        stamp = resp.headers.get(HUB_TIME_HEADER)
        if stamp and stamp.isdigit():
            self.clock_offset_s = clock.offset_seconds(int(stamp), sent, self.wall())

    @property
    def hub_time_ms(self) -> int | None:
        """The hub's clock now, as last measured (for the desk's HLC to observe)."""
        if self.clock_offset_s is None:
            return None
        return int((self.wall() - self.clock_offset_s) * 1000)

    # -- protocol -------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = self._request("GET", f"{API}/health").json()
        return data

    def enroll(self, code: str, label: str = "") -> EnrollResponse:
        try:
            resp = self._request(
                "POST", f"{API}/enroll", json=EnrollRequest(code=code, label=label).model_dump()
            )
        except AuthRevokedError as exc:
            raise EnrollCodeError(f"enrollment refused: {exc.log_message}") from exc
        return EnrollResponse.model_validate(resp.json())

    def push(self, events: Sequence[WireEvent]) -> PushResponse:
        body = PushRequest(events=list(events)).model_dump(mode="json")
        return PushResponse.model_validate(self._request("POST", f"{API}/events", json=body).json())

    def changes(self, after: int, limit: int = 500) -> ChangesResponse:
        resp = self._request("GET", f"{API}/changes", params={"after": after, "limit": limit})
        return ChangesResponse.model_validate(resp.json())

    def file_status(self, sha256: str) -> FileStatus | None:
        """The hub's view of one file, or None if no event of this point names it."""
        try:
            resp = self._request("GET", f"{API}/files/{sha256}")
        except HubRefusedError as exc:
            if exc.status == 404:
                return None
            raise
        return FileStatus.model_validate(resp.json())

    def download(self, sha256: str, dest_dir: Path) -> Path:
        """Fetch a file into a temporary file in `dest_dir`, checking its SHA-256; returns its path."""
        resp = self._request("GET", f"{API}/files/{sha256}/content", stream=True)
        digest = hashlib.sha256()
        fd, name = tempfile.mkstemp(dir=dest_dir, suffix=".download")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in resp.iter_content(1 << 16):
                    digest.update(chunk)
                    fh.write(chunk)
        except requests.RequestException as exc:
            os.unlink(name)
            raise OfflineError(f"download {sha256[:12]} cut: {exc}") from exc
        if digest.hexdigest() != sha256:
            os.unlink(name)
            raise OfflineError(f"download {sha256[:12]} arrived with another SHA-256")
        return Path(name)

    def upload(
        self,
        path: Path,
        sha256: str,
        resume_url: str | None,
        save_url: Callable[[str | None], None],
        chunk_size: int,
        progress: Progress,
        is_cancelled: Callable[[], bool],
    ) -> None:
        """Send one file through tus, resuming from the hub's offset at `resume_url` if it still exists."""
        assert self.credentials is not None
        client = TusClient(self.base + TUS_PREFIX + "/", headers=self._tus_headers())
        meta = {
            "filename": sha256,
            "filetype": "application/octet-stream",
            "sha256": sha256,
            "device": self.credentials.device_id,
        }
        # Only the path is kept: the hub may be reached by another address next time (proxy, new IP).
        url = self.base + urlsplit(resume_url).path if resume_url else None
        try:
            uploader = self._uploader(client, path, meta, url, chunk_size)
            if uploader.url is None:
                uploader.set_url(uploader.create_url())
                uploader.offset = 0
            save_url(urlsplit(uploader.url).path)
            size = path.stat().st_size
            while uploader.offset < size:
                if is_cancelled():
                    return
                uploader.upload_chunk()
                progress(uploader.offset, size)
        except (TusCommunicationError, TusUploadFailed) as exc:
            status = getattr(exc, "status_code", None)
            if status in (404, 410, 422):  # upload gone or hash mismatch: start this file again
                save_url(None)
            if status and 400 <= status < 500 and status not in (404, 410, 409, 422):
                raise HubRefusedError(f"upload {sha256[:12]}: {status}", status) from exc
            raise OfflineError(f"upload {sha256[:12]} interrupted: {exc}") from exc

    def _uploader(
        self, client: TusClient, path: Path, meta: dict[str, str], url: str | None, chunk_size: int
    ) -> Any:
        if url:
            try:
                return client.uploader(str(path), url=url, chunk_size=chunk_size, metadata=meta)
            except TusCommunicationError as exc:
                if getattr(exc, "status_code", None) not in (404, 410):
                    raise
                logger.info("upload of %s gone at the hub; starting it again", meta["sha256"][:12])
        return client.uploader(str(path), chunk_size=chunk_size, metadata=meta)

    def _tus_headers(self) -> dict[str, str]:
        assert self.credentials is not None
        req = requests.Request("GET", self.base, auth=(self.credentials.device_id, self.credentials.secret))
        auth = req.prepare().headers["Authorization"]
        return {"Authorization": auth, PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def _raise_for(resp: requests.Response, what: str) -> None:
    if resp.status_code < 400:
        return
    try:
        detail = resp.json().get("detail")
    except ValueError:
        detail = None
    code = detail.get("code", "") if isinstance(detail, dict) else ""
    message = f"{what}: HTTP {resp.status_code} {code}".strip()
    if resp.status_code == 426 or code == "protocol_version":
        raise ProtocolMismatchError(message)
    if resp.status_code == 401:
        raise AuthRevokedError(message)
    if resp.status_code >= 500 or resp.status_code in (408, 429):
        raise HubServerError(message)
    raise HubRefusedError(message, resp.status_code, code)


def wait(seconds: float, is_cancelled: Callable[[], bool]) -> None:
    """Sleep in small steps so a cancel is honoured quickly."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not is_cancelled():
        time.sleep(min(0.2, end - time.monotonic()))
