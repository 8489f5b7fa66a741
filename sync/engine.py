"""One sync pass: reconcile when due, push the outbox, upload the files, pull the changes.
`run_once` is the whole API.

Order matters: events first (the hub shows a new dossier at once, "files pending"), then files
through tus, then the hub's changes, and the cursor is stored only after they are applied. Every
step is idempotent, so a pass cut anywhere is simply run again: at-least-once delivery plus
idempotent apply gives exactly-once on both sides. Like ODK Collect's submitter, the exception type
decides what happens: offline stops the pass quietly, auth stops it and says so, a refused item is
marked and the pass goes on. Whatever answers at the hub's address, `run_once` returns a report:
every failure is its outcome, a Vietnamese `user_message` (kept as `last_error`) and an English log
line; nothing leaves the outbox on a word that is not a valid hub reply (see sync.push).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain.errors import AppError, AuthError
from app.domain.hlc import Hlc, HybridClock
from sync import clock
from sync.audit_head import push_audit_head
from sync.enroll import IDENTITY_FILE, load_identity, load_tls
from sync.errors import (
    CancelledError,
    HubRedirectError,
    HubRefusedError,
    HubReplyError,
    HubServerError,
    OfflineError,
    ProtocolMismatchError,
    UnexpectedSyncError,
)
from sync.outbox import CLOCK_OFFSET_KEY, LAST_ERROR_KEY, LAST_SUCCESS_KEY, TUS_URL_PREFIX, DeskOutbox
from sync.outbox_report import report_outbox
from sync.publications import PUBLICATION_ERROR_KEY, apply_publication
from sync.pull import pull_changes
from sync.push import check_cancelled, push_events
from sync.reconcile import is_due, reconcile
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
    timeout: tuple[float, float] = (5.0, 30.0)  # connect, each read
    request_deadline_s: float = 120.0  # one whole request, however the reply trickles
    pass_deadline_s: float = 1800.0  # the whole pass
    reconcile_every_s: float = 86_400.0
    wall: Callable[[], float] = clock.now


@dataclass
class SyncReport:
    outcome: str = "ok"  # ok | offline | auth | protocol | config | cancelled | error
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    files_uploaded: int = 0
    bytes_uploaded: int = 0
    pulled: int = 0
    skipped: int = 0  # feed events not of this desk's point (or malformed): logged, not applied
    files_downloaded: int = 0
    files_waiting: int = 0  # the feed waits at an event whose file is not at the hub yet
    publications: int = 0
    publication_error: str | None = None  # Vietnamese: a publication rejected (and skipped) this pass
    audit_warning: str | None = None  # Vietnamese: the hub holds a fork warning on this desk's audit chain
    held_back: int = 0  # events the hub failed on alone (5xx): set aside, retried next pass
    held_ahead: int = 0  # events stamped ahead of the hub's clock: held unsent until it passes them
    reconciled: bool = False
    requeued: int = 0  # events and files the hub lacked at reconciliation, queued again
    clock_offset_s: float | None = None
    clock_warning: str | None = None
    error_code: str | None = None
    user_message: str | None = None
    log_message: str | None = None
    finished_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def is_ok(self) -> bool:
        return self.outcome == "ok"


def _outcome(exc: AppError) -> str:
    if isinstance(exc, CancelledError):
        return "cancelled"
    if isinstance(exc, HubRedirectError):
        return "config"
    if isinstance(exc, OfflineError):
        return "offline"
    if isinstance(exc, AuthError):
        return "auth"
    if isinstance(exc, ProtocolMismatchError):
        return "protocol"
    return "error"


def run_once(config: SyncConfig, progress: Progress, is_cancelled: IsCancelled) -> SyncReport:
    """One full pass; never raises (the report says what happened)."""
    report = SyncReport()
    try:
        store = DeskOutbox(config.home)
        # the store stamps on the same wall clock the pass measures the hub's offset against
        store.db.clock = HybridClock(wall=lambda: int(config.wall() * 1000))
    except AppError as exc:
        report.outcome, report.error_code = "error", exc.code
        report.user_message, report.log_message = exc.user_message, exc.log_message
        logger.error("sync pass not started: %s", exc.log_message)
        return report
    transport: HubTransport | None = None
    try:
        transport = _transport(config)
        transport.request_deadline_s = config.request_deadline_s
        transport.begin_pass(config.pass_deadline_s)
        _pass(store, transport, config, report, progress, is_cancelled)
        store.set(LAST_SUCCESS_KEY, report.finished_at)
        store.set(LAST_ERROR_KEY, report.publication_error or _held_back_vi(report) or _held_ahead_vi(report))
    except AppError as exc:
        _fail(store, report, _outcome(exc), exc, record=not isinstance(exc, CancelledError))
    except Exception as exc:  # a pass must never kill its caller (the UI job, `sync run`)
        logger.exception("sync pass failed unexpectedly")
        _fail(store, report, "error", UnexpectedSyncError(f"unexpected {type(exc).__name__}: {exc}"[:500]))
    finally:
        if transport is not None:
            _record_clock(store, transport, report)
            transport.close()
        store.close()
    return report


def _held_back_vi(report: SyncReport) -> str | None:
    if not report.held_back:
        return None
    return (
        f"{report.finished_at} held_back: {report.held_back} mục dữ liệu chưa gửi được vì máy chủ Trung tâm "
        "gặp lỗi khi nhận; các mục khác đã gửi. Hệ thống sẽ thử lại; nếu lỗi kéo dài, hãy báo bộ phận kỹ thuật."
    )


def _held_ahead_vi(report: SyncReport) -> str | None:
    if not report.held_ahead:
        return None
    return (
        f"{report.finished_at} held_ahead: {report.held_ahead} mục dữ liệu được ghi khi đồng hồ máy tính "
        "chạy nhanh hơn Trung tâm nên đang được giữ lại trên máy; hệ thống sẽ tự gửi khi đến giờ, "
        "không cần thao tác. Hãy chỉnh lại giờ máy tính."
    )


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


def _point_of(home: Path) -> str | None:
    """This desk's point, as the hub gave it at enrollment (None if unknown: nothing is filtered)."""
    try:
        point = json.loads((home / IDENTITY_FILE).read_text(encoding="utf-8")).get("point_code")
    except (OSError, ValueError, AttributeError):
        return None
    return str(point) if point else None


def _fail(store: DeskOutbox, report: SyncReport, outcome: str, exc: AppError, record: bool = True) -> None:
    report.outcome, report.error_code = outcome, exc.code
    report.user_message, report.log_message = exc.user_message, exc.log_message
    quiet = outcome == "cancelled" or type(exc) in (OfflineError, HubServerError)
    (logger.info if quiet else logger.error)("sync pass stopped (%s): %s", outcome, exc.log_message)
    if record:
        try:
            store.set(LAST_ERROR_KEY, f"{report.finished_at} {exc.code}: {exc.user_message}")
        except AppError as again:
            logger.error("could not record the sync error: %s", again.log_message)


def _record_clock(store: DeskOutbox, transport: HubTransport, report: SyncReport) -> None:
    offset = transport.clock_offset_s
    if offset is None:
        return
    try:
        report.clock_offset_s = round(offset, 3)
        store.set(CLOCK_OFFSET_KEY, f"{offset:.3f}")
        hub_ms = transport.hub_time_ms
        if hub_ms is not None and 0 <= hub_ms < 10**15:
            store.observe(str(Hlc(hub_ms, 0)))  # bounded: see app.domain.hlc
    except (AppError, ValueError, OverflowError) as exc:
        logger.error("hub clock not recorded: %s", exc)
    if clock.is_off(offset):
        report.clock_warning = clock.warning_vi(offset)
        logger.warning("desk clock off by %.0f s from the hub", offset)


def _pass(
    store: DeskOutbox,
    transport: HubTransport,
    config: SyncConfig,
    report: SyncReport,
    progress: Progress,
    is_cancelled: IsCancelled,
) -> None:
    if is_due(store, transport.base, config.wall(), config.reconcile_every_s):
        result = reconcile(store, transport, config.wall())
        report.reconciled, report.requeued = True, result.events_requeued + result.files_requeued
    stats = store.stats()
    total = stats.pending + stats.files_pending_bytes
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress(min(done, total), total)

    report.held_back = push_events(store, transport, config.batch_size, report, advance, is_cancelled)
    upload_files(store, transport, config.chunk_size, report, advance, is_cancelled)

    def publish(kind: str, seq: int, document: dict[str, Any]) -> None:
        _publication(store, report, kind, seq, document)

    pull_changes(store, transport, report, is_cancelled, _point_of(config.home), publish)
    check_cancelled(is_cancelled)
    report.audit_warning = push_audit_head(store, transport, report.finished_at)
    report_outbox(store, transport)  # what is still here, as the pass ends


def upload_files(
    store: DeskOutbox,
    transport: HubTransport,
    chunk_size: int,
    report: SyncReport,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> None:
    """Upload every file the hub still lacks, resuming each from the hub's offset. A file is done
    only once the hub confirmed its SHA-256 and size after an upload from this desk."""
    for ref in store.pending_files():
        check_cancelled(is_cancelled)
        status = transport.file_status(ref.sha256)
        if status is None:  # no event the hub accepted names it (e.g. a rejected event): keep it here
            logger.info("file %s not expected by the hub; kept on the desk", ref.sha256[:12])
            continue
        if status.size != ref.size:
            logger.error(
                "file %s: the hub expects %d bytes, the desk has %d", ref.sha256[:12], status.size, ref.size
            )
            report.rejected += 1
            continue
        if status.complete and store.get(TUS_URL_PREFIX + ref.sha256) is not None:
            store.file_uploaded(ref.sha256)  # our own upload finished before the last pass ended
            continue
        try:
            _upload_one(store, transport, ref.sha256, ref.size, chunk_size, advance, is_cancelled)
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
    size: int,
    chunk_size: int,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> None:
    key = TUS_URL_PREFIX + sha256
    sent = 0

    def on_progress(offset: int, total: int) -> None:
        nonlocal sent
        advance(offset - sent)
        sent = offset

    def save_url(url: str | None) -> None:
        store.set(key, url)

    plain = store.blobs.read_bytes(sha256)  # decrypted in memory: the hub checks the plaintext SHA-256
    transport.upload(plain, sha256, store.get(key), save_url, chunk_size, on_progress, is_cancelled)
    check_cancelled(is_cancelled)
    status = transport.file_status(sha256)
    if status is None or not status.complete or status.size != size:
        store.set(key, None)
        raise HubReplyError(f"file {sha256[:12]} sent but not confirmed by the hub; will resend")


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
