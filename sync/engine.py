"""One sync pass: push the outbox, upload the files, pull the changes. `run_once` is the whole API.

Order matters: events first (the hub shows a new dossier at once, "files pending"), then files
through tus, then the hub's changes, and the cursor is stored only after they are applied. Every
step is idempotent, so a pass cut anywhere is simply run again: at-least-once delivery plus
idempotent apply gives exactly-once on both sides. Like ODK Collect's submitter, the exception type
decides what happens: offline stops the pass quietly, auth stops it and says so, a refused item is
marked and the pass goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain.errors import AppError, AuthError
from app.domain.events import files_of
from app.domain.hlc import Hlc
from sync import clock
from sync.enroll import load_identity, load_tls
from sync.errors import CancelledError, HubRefusedError, OfflineError, ProtocolMismatchError
from sync.outbox import (
    CLOCK_OFFSET_KEY,
    CURSOR_KEY,
    LAST_ERROR_KEY,
    LAST_SUCCESS_KEY,
    TUS_URL_PREFIX,
    DeskOutbox,
)
from sync.protocol import WireEvent
from sync.publications import PUBLICATION_ERROR_KEY, apply_publication
from sync.transport import Credentials, HubTransport

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass
class SyncConfig:
    home: Path
    hub_url: str | None = None  # default: from enrollment
    credentials: Credentials | None = None
    batch_size: int = 200
    chunk_size: int = 256 * 1024
    ca_bundle: str | None = None
    timeout: tuple[float, float] = (5.0, 30.0)
    wall: Callable[[], float] = clock.now


@dataclass
class SyncReport:
    outcome: str = "ok"  # ok | offline | auth | protocol | cancelled
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    files_uploaded: int = 0
    bytes_uploaded: int = 0
    pulled: int = 0
    files_downloaded: int = 0
    publications: int = 0
    publication_error: str | None = None  # Vietnamese: a publication rejected (and skipped) this pass
    clock_offset_s: float | None = None
    clock_warning: str | None = None
    error_code: str | None = None
    user_message: str | None = None
    log_message: str | None = None
    finished_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def is_ok(self) -> bool:
        return self.outcome == "ok"


def run_once(config: SyncConfig, progress: Progress, is_cancelled: IsCancelled) -> SyncReport:
    """One full pass; never raises for network, hub or auth trouble (the report says what happened)."""
    report = SyncReport()
    store = DeskOutbox(config.home)
    try:
        transport = _transport(config)
    except AuthError as exc:
        _fail(store, report, "auth", exc)
        store.close()
        return report
    try:
        _pass(store, transport, config, report, progress, is_cancelled)
        store.set(LAST_SUCCESS_KEY, report.finished_at)
        store.set(LAST_ERROR_KEY, report.publication_error)
    except CancelledError as exc:
        _fail(store, report, "cancelled", exc, record=False)
    except (OfflineError, AuthError, ProtocolMismatchError) as exc:
        outcome = (
            "offline"
            if isinstance(exc, OfflineError)
            else "auth"
            if isinstance(exc, AuthError)
            else "protocol"
        )
        _fail(store, report, outcome, exc)
    finally:
        _record_clock(store, transport, report)
        transport.close()
        store.close()
    return report


def _transport(config: SyncConfig) -> HubTransport:
    hub_url, creds = config.hub_url, config.credentials
    if hub_url is None or creds is None:
        hub_url, creds = load_identity(config.home)
    ca_bundle, insecure = load_tls(config.home)  # as given at enrollment; --ca-bundle overrides
    return HubTransport(
        hub_url,
        creds,
        ca_bundle=config.ca_bundle or ca_bundle,
        timeout=config.timeout,
        wall=config.wall,
        allow_insecure=insecure,
    )


def _fail(store: DeskOutbox, report: SyncReport, outcome: str, exc: AppError, record: bool = True) -> None:
    report.outcome, report.error_code = outcome, exc.code
    report.user_message, report.log_message = exc.user_message, exc.log_message
    log = logger.info if outcome in ("offline", "cancelled") else logger.error
    log("sync pass stopped (%s): %s", outcome, exc.log_message)
    if record:
        store.set(LAST_ERROR_KEY, f"{report.finished_at} {exc.code}: {exc.user_message}")


def _record_clock(store: DeskOutbox, transport: HubTransport, report: SyncReport) -> None:
    offset = transport.clock_offset_s
    if offset is None:
        return
    report.clock_offset_s = round(offset, 3)
    store.set(CLOCK_OFFSET_KEY, f"{offset:.3f}")
    hub_ms = transport.hub_time_ms
    if hub_ms is not None:
        store.observe(str(Hlc(hub_ms, 0)))  # the HLC never runs behind the hub
    if clock.is_off(offset):
        report.clock_warning = clock.warning_vi(offset)
        logger.warning("desk clock off by %.0f s from the hub", offset)


def _check(is_cancelled: IsCancelled) -> None:
    if is_cancelled():
        raise CancelledError("sync cancelled")


def _pass(
    store: DeskOutbox,
    transport: HubTransport,
    config: SyncConfig,
    report: SyncReport,
    progress: Progress,
    is_cancelled: IsCancelled,
) -> None:
    stats = store.stats()
    total = stats.pending + stats.files_pending_bytes
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress(min(done, total), total)

    push_events(store, transport, config.batch_size, report, advance, is_cancelled)
    upload_files(store, transport, config.chunk_size, report, advance, is_cancelled)
    pull_changes(store, transport, report, is_cancelled)


def push_events(
    store: DeskOutbox,
    transport: HubTransport,
    batch_size: int,
    report: SyncReport,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> None:
    """Send the outbox in batches; each event is marked sent only once the hub acknowledged it."""
    while batch := store.pending_events(batch_size):
        _check(is_cancelled)
        try:
            answer = transport.push(batch)
        except HubRefusedError as exc:
            _push_one_by_one(store, transport, batch, report, exc)
            continue
        except OfflineError as exc:
            store.record_error([e.id for e in batch], exc.log_message)
            raise
        store.acknowledge(answer.stored + answer.duplicates)
        for rejection in answer.rejected:
            store.reject(rejection.id, rejection.reason)
        report.pushed += len(answer.stored)
        report.duplicates += len(answer.duplicates)
        report.rejected += len(answer.rejected)
        advance(len(batch))


def _push_one_by_one(
    store: DeskOutbox,
    transport: HubTransport,
    batch: list[WireEvent],
    report: SyncReport,
    exc: HubRefusedError,
) -> None:
    """The hub refused a whole batch (e.g. one malformed event): find the culprit, send the rest."""
    logger.warning("batch of %d refused (%s); sending one by one", len(batch), exc.log_message)
    for event in batch:
        try:
            answer = transport.push([event])
        except HubRefusedError as one:
            store.reject(event.id, one.log_message)
            report.rejected += 1
            continue
        store.acknowledge(answer.stored + answer.duplicates)
        for rejection in answer.rejected:
            store.reject(rejection.id, rejection.reason)
        report.pushed += len(answer.stored)
        report.rejected += len(answer.rejected)


def upload_files(
    store: DeskOutbox,
    transport: HubTransport,
    chunk_size: int,
    report: SyncReport,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> None:
    """Upload every file the hub still lacks, resuming each from the hub's offset."""
    for ref in store.pending_files():
        _check(is_cancelled)
        status = transport.file_status(ref.sha256)
        if status is None:  # no event the hub accepted names it (e.g. a rejected event): keep it here
            logger.info("file %s not expected by the hub; kept on the desk", ref.sha256[:12])
            continue
        if not status.complete:
            try:
                _upload_one(store, transport, ref.sha256, chunk_size, advance, is_cancelled)
            except HubRefusedError as exc:  # this file refused (e.g. size differs): the others go on
                logger.error("file %s refused by the hub: %s", ref.sha256[:12], exc.log_message)
                report.rejected += 1
                continue
            report.bytes_uploaded += ref.size
            report.files_uploaded += 1
        store.file_uploaded(ref.sha256)


def _upload_one(
    store: DeskOutbox,
    transport: HubTransport,
    sha256: str,
    chunk_size: int,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> None:
    key = TUS_URL_PREFIX + sha256
    sent = 0

    def on_progress(offset: int, size: int) -> None:
        nonlocal sent
        advance(offset - sent)
        sent = offset

    def save_url(url: str | None) -> None:
        store.set(key, url)

    plain = store.blobs.read_bytes(sha256)  # decrypted in memory: the hub checks the plaintext SHA-256
    transport.upload(plain, sha256, store.get(key), save_url, chunk_size, on_progress, is_cancelled)
    _check(is_cancelled)
    status = transport.file_status(sha256)
    if status is None or not status.complete:
        store.set(key, None)
        raise OfflineError(f"file {sha256[:12]} sent but not confirmed by the hub; will resend")


def pull_changes(
    store: DeskOutbox, transport: HubTransport, report: SyncReport, is_cancelled: IsCancelled
) -> None:
    """Apply the hub's changes after our cursor, fetch the files they name, then store the cursor."""
    cursor = int(store.get(CURSOR_KEY) or 0)
    while True:
        _check(is_cancelled)
        page = transport.changes(after=cursor)
        events = [c.event for c in page.changes if c.kind == "event" and c.event is not None]
        for change in page.changes:
            if change.kind in ("catalog", "calendar") and change.document is not None:
                _publication(store, report, change.kind, change.seq, change.document)
        for event in events:
            for ref in files_of(event.payload):
                if not store.blobs.has(ref.sha256):
                    data = transport.download(ref.sha256)
                    store.adopt_download(data, _file_info(event.payload, ref.sha256))
                    report.files_downloaded += 1
        report.pulled += store.apply_remote(events)
        if page.cursor > cursor:
            cursor = page.cursor
            store.set(CURSOR_KEY, str(cursor))
        if not page.has_more:
            return


def _publication(store: DeskOutbox, report: SyncReport, kind: str, seq: int, doc: dict[str, Any]) -> None:
    """Apply a catalog or calendar; a malformed one is skipped (see sync.publications) and reported."""
    store.store_publication(kind, doc)
    problem = apply_publication(store.db, store.home, kind, seq, doc)
    if problem is None:
        report.publications += 1
        store.set(PUBLICATION_ERROR_KEY, None)
        return
    report.rejected += 1
    report.publication_error = problem
    store.set(PUBLICATION_ERROR_KEY, f"{report.finished_at} #{seq}: {problem}")


def _file_info(payload: dict[str, object], sha256: str) -> dict[str, object]:
    for item in payload.get("files") or []:  # type: ignore[attr-defined]
        if isinstance(item, dict) and item.get("sha256") == sha256:
            return item
    return {}
