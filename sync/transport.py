"""HTTP to the hub: the only module of `sync` that uses `requests` (and `tuspy`, which uses it too).

One `requests.Session` per transport, with timeouts, TLS verification (optionally against a CA
bundle), device credentials and the protocol version on every request. Every reply's `X-Hub-Time`
updates `clock_offset_s`. Failures become the exceptions of `sync.errors`, which decide what the
engine does.

Uploads too: tuspy 1.1 calls `requests.post/head/patch` itself with no timeout and only a yes/no
TLS flag, so a half-open connection mid-upload hung the pass and the CA bundle was ignored.
`SessionUploader` keeps tuspy's state machine (offset, URL, chunking) but sends every request
through our session.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.uploader import Uploader

from sync import clock
from sync.errors import (
    AuthRevokedError,
    EnrollCodeError,
    HubRefusedError,
    HubServerError,
    InsecureHubError,
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


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def check_hub_url(hub_url: str, allow_insecure: bool = False) -> None:
    """HTTPS only, except to this machine (tests, a local proxy) or when IT allowed plain HTTP."""
    parts = urlsplit(hub_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and (parts.hostname in LOOPBACK or allow_insecure):
        return
    raise InsecureHubError(f"refusing hub URL scheme {parts.scheme!r} to {parts.hostname!r}")


class PinnedSession(requests.Session):
    """A session whose configured CA bundle wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE.

    requests lets those variables replace `session.verify` on every request; a desk configured with
    the centre's CA must not silently trust whatever bundle the environment names."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> Any:
        merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None and isinstance(self.verify, str):
            merged["verify"] = self.verify
        return merged


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
        allow_insecure: bool = False,
    ) -> None:
        check_hub_url(hub_url, allow_insecure)
        self.base = hub_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.wall = wall
        self.clock_offset_s: float | None = None
        self.session = PinnedSession()
        self.session.verify = ca_bundle or True
        self.session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if credentials:
            self.session.auth = (credentials.device_id, credentials.secret)

    def close(self) -> None:
        self.session.close()

    # -- plumbing -------------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            resp = self.send(method, self.base + path, **kwargs)
        except requests.RequestException as exc:
            raise OfflineError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        _raise_for(resp, f"{method} {path}")
        return resp

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request through the session, with our timeouts; observes the hub's clock."""
        sent = self.wall()
        resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
        self._observe_clock(resp, sent)
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

    def download(self, sha256: str, dest_dir: Path | None = None) -> bytes:
        """Fetch a file into memory, checking its SHA-256 (the blob store seals it: never clear on disk)."""
        resp = self._request("GET", f"{API}/files/{sha256}/content", stream=True)
        digest, chunks = hashlib.sha256(), []
        try:
            for chunk in resp.iter_content(1 << 16):
                digest.update(chunk)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise OfflineError(f"download {sha256[:12]} cut: {exc}") from exc
        if digest.hexdigest() != sha256:
            raise OfflineError(f"download {sha256[:12]} arrived with another SHA-256")
        return b"".join(chunks)

    def upload(
        self,
        data: bytes,
        sha256: str,
        resume_url: str | None,
        save_url: Callable[[str | None], None],
        chunk_size: int,
        progress: Progress,
        is_cancelled: Callable[[], bool],
    ) -> None:
        """Send one file through tus, resuming from the hub's offset at `resume_url` if it still exists.
        `data` is the file's plaintext, decrypted in memory by the blob store (never a clear file on disk)."""
        assert self.credentials is not None
        meta = {
            "filename": sha256,
            "filetype": "application/octet-stream",
            "sha256": sha256,
            "device": self.credentials.device_id,
        }
        # Only the path is kept: the hub may be reached by another address next time (proxy, new IP).
        url = self.base + urlsplit(resume_url).path if resume_url else None
        try:
            uploader = self._uploader(data, meta, url, chunk_size)
            if uploader.url is None:
                uploader.set_url(uploader.create_url())
                uploader.offset = 0
            save_url(urlsplit(str(uploader.url)).path)
            size = len(data)
            if uploader.offset:
                logger.info("upload of %s resumes at byte %d of %d", sha256[:12], uploader.offset, size)
            while uploader.offset < size:
                if is_cancelled():
                    return
                uploader.upload_chunk()
                progress(uploader.offset, size)
        except (TusCommunicationError, TusUploadFailed) as exc:
            status = getattr(exc, "status_code", None)
            if status in (404, 410, 422):  # upload gone or hash mismatch: start this file again
                save_url(None)
            if status == 401:
                raise AuthRevokedError(f"upload {sha256[:12]}: HTTP 401") from exc
            if status and 400 <= status < 500 and status not in RETRY_LATER:
                raise HubRefusedError(f"upload {sha256[:12]}: {status}", status) from exc
            raise OfflineError(f"upload {sha256[:12]} interrupted: {exc}") from exc

    def _uploader(self, data: bytes, meta: dict[str, str], url: str | None, chunk_size: int) -> Uploader:
        if url:
            try:
                return SessionUploader(self, data, url=url, chunk_size=chunk_size, metadata=meta)
            except TusCommunicationError as exc:
                if getattr(exc, "status_code", None) not in (404, 410):
                    raise
                logger.info("upload of %s gone at the hub; starting it again", meta["sha256"][:12])
        return SessionUploader(self, data, chunk_size=chunk_size, metadata=meta)


# Upload answers that mean "try again later", not "this file is refused": gone (404/410, started
# again), offset conflict (409), hash mismatch (422, started again), busy (423: another request of
# ours still holds the upload, e.g. a half-open one the hub has not timed out yet).
RETRY_LATER = (404, 409, 410, 422, 423)


class SessionUploader(Uploader):
    """tuspy's Uploader with every request sent through the transport's session: timeouts on
    connect, send and read, TLS verification against the CA bundle, device auth, hub clock."""

    def __init__(self, transport: HubTransport, data: bytes, **kwargs: Any) -> None:
        self.transport = transport  # before super(): it asks the hub for the offset of a known URL
        self.data = data
        self.create_endpoint = transport.base + TUS_PREFIX + "/"
        super().__init__(file_stream=_KeptOpen(data), client=TusClient(self.create_endpoint), **kwargs)

    def _url(self) -> str:
        if not self.url:
            raise TusCommunicationError("no upload URL")
        return str(self.url)

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.transport.send(method, url, **kwargs)
        except requests.RequestException as exc:
            raise TusCommunicationError(f"{method} upload: {type(exc).__name__}: {exc}") from exc

    def get_offset(self) -> int:
        resp = self._send("HEAD", self._url(), headers=self.get_headers())
        offset = resp.headers.get("upload-offset")
        if offset is None:
            raise TusCommunicationError(f"offset: HTTP {resp.status_code}", resp.status_code, resp.text)
        return int(offset)

    def create_url(self) -> str:
        resp = self._send("POST", self.create_endpoint, headers=self.get_url_creation_headers())
        location = resp.headers.get("location")
        if location is None:
            raise TusCommunicationError(f"create: HTTP {resp.status_code}", resp.status_code, resp.text)
        return urljoin(self.create_endpoint, location)

    def upload_chunk(self) -> None:
        if not self.url:
            self.set_url(self.create_url())
            self.offset = 0
        chunk = self.data[self.offset : self.offset + self.get_request_length()]
        headers = {
            **self.get_headers(),
            "upload-offset": str(self.offset),
            "Content-Type": "application/offset+octet-stream",
        }
        resp = self._send("PATCH", self._url(), data=chunk, headers=headers)
        if not 200 <= resp.status_code < 300:
            raise TusUploadFailed(f"PATCH: HTTP {resp.status_code}", resp.status_code, resp.text)
        self.offset = int(resp.headers["upload-offset"])


class _KeptOpen(io.BytesIO):
    """tuspy closes the stream it measures; ours must stay readable."""

    def close(self) -> None:
        return None


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
