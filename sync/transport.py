"""HTTP to the hub: the only module of `sync` that uses `requests` (and `tuspy`, which uses it too).

One `requests.Session` per transport, with timeouts, TLS verification (optionally against a CA
bundle), device credentials and the protocol version on every request. Every reply's `X-Hub-Time`
updates `clock_offset_s`. Failures become the exceptions of `sync.errors`, which decide what the
engine does.

Uploads too: tuspy 1.1 calls `requests.post/head/patch` itself with no timeout and only a yes/no
TLS flag, so a half-open connection mid-upload hung the pass and the CA bundle was ignored.
`SessionUploader` keeps tuspy's state machine (offset, URL, chunking) but sends every request
through our session.

Nothing that answers at the hub's address is trusted (a proxy, a captive portal, a pretender):
redirects are never followed (`HubRedirectError`, nothing is sent on); every reply is read as a
stream against a size limit and a deadline (per request and per pass, not only per read); JSON is
parsed only below a nesting limit and validated against its wire model; only a refusal in the
hub's own error shape is a `HubRefusedError`; anything else is a `HubReplyError` (try later).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.uploader import Uploader

from sync import clock
from sync.errors import (
    AuthRevokedError,
    DeadlineError,
    EnrollCodeError,
    FileMismatchError,
    HubRedirectError,
    HubRefusedError,
    HubReplyError,
    HubServerError,
    InsecureHubError,
    OfflineError,
    ProtocolMismatchError,
)
from sync.protocol import (
    API,
    HUB_TIME_HEADER,
    MAX_FILE_BYTES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PUBLICATION_KINDS,
    PUBLICATIONS_HEADER,
    TUS_PREFIX,
    AuditHeadAnswer,
    AuditHeadPost,
    ChangesResponse,
    EnrollRequest,
    EnrollResponse,
    FileStatus,
    OutboxReport,
    PushRequest,
    PushResponse,
    ReconcileRequest,
    ReconcileResponse,
    RecordedHead,
    WireEvent,
)
from sync.replies import hub_error_code, is_hub_upload_refusal, wire_model
from sync.watchdog import Watchdog

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

MAX_REPLY_BYTES = 32 * 1024 * 1024  # a changes page of 500 events with a catalog fits well below
REQUEST_DEADLINE_S = 120.0  # a whole request, headers to last byte, unless the caller gives more
MIN_DOWNLOAD_RATE = 16 * 1024  # bytes/s a download is allowed on top of the request deadline
HUB_TIME = re.compile(r"[0-9]{1,15}")


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def check_hub_url(hub_url: str, allow_insecure: bool = False) -> None:
    """HTTPS only, except to this machine (tests, a local proxy) or when IT allowed plain HTTP."""
    parts = urlsplit(hub_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and (parts.hostname in LOOPBACK or allow_insecure):
        return
    raise InsecureHubError(f"refusing hub URL scheme {parts.scheme!r} to {parts.hostname!r}")


def is_unencrypted(hub_url: str) -> bool:
    """Plain http to another machine (allowed only with IT's explicit insecure option)."""
    parts = urlsplit(hub_url)
    return parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK


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
        self.request_deadline_s = REQUEST_DEADLINE_S
        self.pass_deadline: float | None = None  # time.monotonic() by which the pass must end
        self.watchdog = Watchdog()  # ends a request whose headers trickle in past its deadline
        self.session = PinnedSession()
        self.session.verify = ca_bundle or True
        self.session.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
        if credentials:
            self.session.auth = (credentials.device_id, credentials.secret)

    def close(self) -> None:
        self.session.close()

    # -- plumbing -------------------------------------------------------------------------------

    def begin_pass(self, seconds: float) -> None:
        """Every request from now on ends by `seconds` from now, whatever the peer does."""
        self.pass_deadline = time.monotonic() + seconds

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            resp = self.send(method, self.base + path, **kwargs)
        except requests.RequestException as exc:
            raise OfflineError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        _raise_for(resp, f"{method} {path}")
        return resp

    def _deadline(self, extra_s: float = 0.0) -> float:
        end = time.monotonic() + self.request_deadline_s + extra_s
        return min(end, self.pass_deadline) if self.pass_deadline is not None else end

    def send(
        self, method: str, url: str, *, raw: bool = False, extra_s: float = 0.0, **kwargs: Any
    ) -> requests.Response:
        """One request through the session: redirects refused, the reply read within the size
        limit and the deadline (unless `raw`: the caller streams it), the hub's clock observed."""
        deadline = self._deadline(extra_s)
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineError(f"{method} {urlsplit(url).path}: pass deadline reached before sending")
        timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
        sent = self.wall()
        self.watchdog.arm(self.session, url, left)
        try:
            resp = self.session.request(
                method, url, timeout=timeout, allow_redirects=False, stream=True, **kwargs
            )
        except requests.RequestException as exc:
            if self.watchdog.fired:
                raise DeadlineError(
                    f"{method} {urlsplit(url).path}: reply headers not in by the deadline"
                ) from exc
            raise
        finally:
            self.watchdog.disarm()
        self._observe_clock(resp, sent)
        if 300 <= resp.status_code < 400:
            target = resp.headers.get("location", "")
            resp.close()
            raise HubRedirectError(
                f"{method} {urlsplit(url).path}: HTTP {resp.status_code} redirect to {target[:200]!r}"
                " not followed",
                target,
            )
        if not raw:
            resp._content = read_bounded(resp, MAX_REPLY_BYTES, deadline, f"{method} {urlsplit(url).path}")
        return resp

    def _observe_clock(self, resp: requests.Response, sent: float) -> None:
        stamp = resp.headers.get(HUB_TIME_HEADER, "")
        if HUB_TIME.fullmatch(stamp):
            self.clock_offset_s = clock.offset_seconds(int(stamp), sent, self.wall())
        elif stamp:
            logger.warning("ignored a malformed %s header (%d chars)", HUB_TIME_HEADER, len(stamp))

    def on_hub(self, url: str) -> str:
        """`url`'s path at the hub's address: an upload goes where the desk was told the hub is,
        never to a host a reply names (a pretender's Location would get the scans)."""
        path, prefix = urlsplit(url).path, urlsplit(self.base).path
        if prefix and path.startswith(prefix + "/"):  # already under the address's own path
            path = path[len(prefix) :]
        return self.base + path

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
        resp = self._request("POST", f"{API}/events", json=body)
        return wire_model(resp.content, PushResponse, "push")

    def changes(self, after: int, limit: int = 500) -> ChangesResponse:
        resp = self._request(
            "GET",
            f"{API}/changes",
            params={"after": after, "limit": limit},
            headers={PUBLICATIONS_HEADER: ",".join(PUBLICATION_KINDS)},
        )
        return wire_model(resp.content, ChangesResponse, "changes")

    def reconcile(self, event_ids: Sequence[str], files: Sequence[str]) -> ReconcileResponse:
        """Which of these events and files the hub holds for this device's point."""
        body = ReconcileRequest(event_ids=list(event_ids), files=list(files)).model_dump(mode="json")
        resp = self._request("POST", f"{API}/reconcile", json=body)
        return wire_model(resp.content, ReconcileResponse, "reconcile")

    def audit_head(self) -> RecordedHead | None:
        """The audit chain head the hub last recorded for this device; None from a hub that predates
        audit heads (its own 404, with its protocol header): the step is skipped, the pass goes on."""
        path = f"{API}/audit/head"
        try:
            resp = self.send("GET", self.base + path)
        except requests.RequestException as exc:
            raise OfflineError(f"GET {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code == 404 and resp.headers.get(PROTOCOL_HEADER) == str(PROTOCOL_VERSION):
            return None
        _raise_for(resp, f"GET {path}")
        return wire_model(resp.content, RecordedHead, "audit head")

    def push_audit_head(self, head: AuditHeadPost) -> AuditHeadAnswer:
        """Give the hub this desk's audit chain head; the answer says whether it extended the last."""
        resp = self._request("POST", f"{API}/audit/head", json=head.model_dump(mode="json"))
        return wire_model(resp.content, AuditHeadAnswer, "audit head")

    def report_outbox(self, report: OutboxReport) -> bool:
        """Tell the hub what this desk still holds; False from a hub that predates the route (its own
        404, with its protocol header): the step is skipped, the pass goes on."""
        path = f"{API}/outbox/report"
        try:
            resp = self.send("POST", self.base + path, json=report.model_dump(mode="json"))
        except requests.RequestException as exc:
            raise OfflineError(f"POST {path}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code == 404 and resp.headers.get(PROTOCOL_HEADER) == str(PROTOCOL_VERSION):
            return False
        _raise_for(resp, f"POST {path}")
        return True

    def file_status(self, sha256: str) -> FileStatus | None:
        """The hub's view of one file, or None if no event of this point names it (hub's 404)."""
        try:
            resp = self._request("GET", f"{API}/files/{sha256}")
        except HubRefusedError as exc:
            if exc.status == 404:
                return None
            raise
        status = wire_model(resp.content, FileStatus, "file status")
        if status.sha256 != sha256:
            raise HubReplyError(f"file status for {sha256[:12]} names another file")
        return status

    def download(self, sha256: str, size: int) -> bytes:
        """Fetch a file of the announced `size` into memory (the blob store seals it: never clear on
        disk), stopping as soon as more arrives or the deadline passes, then checking its SHA-256."""
        what = f"download {sha256[:12]}"
        if not 0 <= size <= MAX_FILE_BYTES:
            raise FileMismatchError(f"{what}: announced size {size} outside 0..{MAX_FILE_BYTES}")
        resp = self._request(
            "GET", f"{API}/files/{sha256}/content", raw=True, extra_s=size / MIN_DOWNLOAD_RATE
        )
        deadline = self._deadline(size / MIN_DOWNLOAD_RATE)
        declared = resp.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) != size:
            resp.close()
            raise FileMismatchError(f"{what}: announced {declared} bytes, the event says {size}")
        digest, chunks = hashlib.sha256(), []
        try:
            for chunk in _chunks(resp, size, deadline, what):
                digest.update(chunk)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise OfflineError(f"{what} cut: {exc}") from exc
        finally:
            resp.close()
        if digest.hexdigest() != sha256:
            raise FileMismatchError(f"{what} arrived with another SHA-256")
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
        url = self.on_hub(resume_url) if resume_url else None
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
        """One upload request; a 4xx that is not in the hub's shape (a proxy, a portal) is no
        verdict on the file: HubReplyError ends the pass, nothing is marked and the upload's
        resume address is kept."""
        try:
            resp = self.transport.send(method, url, **kwargs)
        except requests.RequestException as exc:
            raise TusCommunicationError(f"{method} upload: {type(exc).__name__}: {exc}") from exc
        if 400 <= resp.status_code < 500 and not is_hub_upload_refusal(method, resp.headers, resp.content):
            raise HubReplyError(
                f"{method} upload: HTTP {resp.status_code} not in the hub's shape"
                f" ({resp.headers.get('content-type', 'no content type')[:40]}); not the hub's verdict"
            )
        return resp

    def get_offset(self) -> int:
        resp = self._send("HEAD", self._url(), headers=self.get_headers())
        offset = resp.headers.get("upload-offset")
        if offset is None:
            raise TusCommunicationError(f"offset: HTTP {resp.status_code}", resp.status_code, resp.text)
        return self._offset(offset)

    def _offset(self, text: str | None) -> int:
        """An upload offset from the hub: an integer within the file, or the reply is void."""
        size = len(self.data)
        if text is None or not (text.isascii() and text.isdigit() and len(text) <= 16) or int(text) > size:
            raise HubReplyError(f"upload offset {str(text)[:20]!r} is not within the file's {size} bytes")
        return int(text)

    def create_url(self) -> str:
        resp = self._send("POST", self.create_endpoint, headers=self.get_url_creation_headers())
        location = resp.headers.get("location")
        if location is None:
            raise TusCommunicationError(f"create: HTTP {resp.status_code}", resp.status_code, resp.text)
        return self.transport.on_hub(urljoin(self.create_endpoint, location))

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
        self.offset = self._offset(resp.headers.get("upload-offset"))


def _pieces(resp: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: whatever the socket has, up to 64 KiB (`iter_content` would wait
    to fill each chunk, so a reply trickling in would never reach a deadline check)."""
    while True:
        try:
            piece = resp.raw.read1(1 << 16, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise requests.ConnectionError(f"reading the reply: {type(exc).__name__}: {exc}") from exc
        if not piece:
            return
        yield piece


def _chunks(resp: requests.Response, limit: int, deadline: float, what: str) -> Iterator[bytes]:
    """The reply body in pieces, ending with an error past `limit` bytes or past `deadline`."""
    total = 0
    for chunk in _pieces(resp):
        total += len(chunk)
        if total > limit:
            resp.close()
            raise FileMismatchError(f"{what}: reply longer than {limit} bytes; stopped reading")
        if time.monotonic() > deadline:
            resp.close()
            raise DeadlineError(f"{what}: reply not complete by the deadline ({total} bytes read)")
        yield chunk


def read_bounded(resp: requests.Response, limit: int, deadline: float, what: str) -> bytes:
    """The whole reply body, read as it comes: refused past `limit` bytes or past `deadline`."""
    declared = resp.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        resp.close()
        raise HubReplyError(f"{what}: reply of {declared} bytes refused (limit {limit})")
    try:
        return b"".join(_chunks(resp, limit, deadline, what))
    except FileMismatchError as exc:
        raise HubReplyError(exc.log_message) from exc


class _KeptOpen(io.BytesIO):
    """tuspy closes the stream it measures; ours must stay readable."""

    def close(self) -> None:
        return None


def _raise_for(resp: requests.Response, what: str) -> None:
    status = resp.status_code
    if status < 400:
        return
    code = hub_error_code(status, resp.headers, resp.content)
    message = f"{what}: HTTP {status} {code or '(not in the hub error shape)'}"
    if code == "protocol_version":
        raise ProtocolMismatchError(message)
    if status >= 500 or status in (408, 429):
        raise HubServerError(message)
    if code is None:
        raise HubReplyError(message)
    if status == 401 or code.startswith("auth_"):
        raise AuthRevokedError(message)
    raise HubRefusedError(message, status, code)


def wait(seconds: float, is_cancelled: Callable[[], bool]) -> None:
    """Sleep in small steps so a cancel is honoured quickly."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not is_cancelled():
        time.sleep(min(0.2, end - time.monotonic()))
