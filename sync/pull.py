"""Pulling the hub's feed: validated cursor, only this desk's point, files fetched before events.

- The cursor belongs to the hub address it was read from: after the address changes the feed is
  read again from the start (applying is idempotent), so a cursor another server at the old
  address made up is never used with the real hub.
- The cursor is an integer in [0, MAX_CURSOR] that never goes back; a page whose cursor or
  sequence numbers break that is refused whole (nothing applied, nothing stored), and a page that
  says `has_more` without advancing ends the pass (no progress, backoff).
- An event is applied only if it belongs to this desk's point: a `received` for the point, or an
  event of a dossier the desk holds (or received earlier in the same page). Others are skipped.
- An event whose file is not at the hub yet (a colleague's upload still under way) holds the feed
  at that event: everything before it is applied and the cursor stored, the pass goes on and the
  next pass picks it up. A file that arrives wrong holds the feed the same way and is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from app.domain.events import Event, EventType, files_of
from sync.errors import CancelledError, FileMismatchError, HubRefusedError, HubReplyError, NoProgressError
from sync.outbox import CURSOR_HUB_KEY, CURSOR_KEY, DeskOutbox
from sync.protocol import PUBLICATION_KINDS, ChangesResponse, WireEvent
from sync.transport import HubTransport

logger = logging.getLogger(__name__)
IsCancelled = Callable[[], bool]
MAX_CURSOR = 2**53 - 1  # the hub's feed numbers a point's items from 1; nothing real comes near
MAX_PAGES = 2000  # pages per pass; the rest waits for the next pass
Publish = Callable[[str, int, dict[str, Any]], None]


class PullCounts(Protocol):
    pulled: int
    files_downloaded: int
    files_waiting: int
    skipped: int


def stored_cursor(store: DeskOutbox, hub_url: str) -> int:
    """The stored cursor; one read from another hub address, or unreadable or out of range (an
    older version), restarts at 0."""
    owner = store.get(CURSOR_HUB_KEY)
    if owner != hub_url:
        if store.get(CURSOR_KEY) and owner is not None:
            logger.warning("hub address changed; the feed is read again from the start")
            store.set(CURSOR_KEY, None)
        store.set(CURSOR_HUB_KEY, hub_url)
    text = store.get(CURSOR_KEY) or "0"
    if text.isascii() and text.isdigit() and len(text) <= 16 and int(text) <= MAX_CURSOR:
        return int(text)
    logger.error("stored feed cursor %r out of range; reading the feed again from the start", text[:40])
    store.set(CURSOR_KEY, None)
    return 0


def check_page(page: ChangesResponse, after: int) -> None:
    """Refuse a page whose cursor or sequence numbers no hub would send."""
    if not after <= page.cursor <= MAX_CURSOR:
        raise HubReplyError(f"changes: cursor {str(page.cursor)[:30]} out of range after {after}")
    seqs = [c.seq for c in page.changes]
    if any(not after < s <= page.cursor for s in seqs) or seqs != sorted(set(seqs)):
        raise HubReplyError(f"changes: sequence numbers out of order or outside ({after}, {page.cursor}]")
    if page.has_more and page.cursor == after:
        raise NoProgressError(f"changes: has_more at cursor {after} without advancing")


def pull_changes(
    store: DeskOutbox,
    transport: HubTransport,
    report: PullCounts,
    is_cancelled: IsCancelled,
    point: str | None,
    publish: Publish,
) -> None:
    """Apply the hub's changes after our cursor, fetch the files they name, then store the cursor."""
    cursor = stored_cursor(store, transport.base)
    for _ in range(MAX_PAGES):
        if is_cancelled():
            raise CancelledError("sync cancelled")
        page = transport.changes(after=cursor)
        check_page(page, cursor)
        upto, held = _apply_page(store, transport, report, page, cursor, point, publish)
        if upto > cursor:
            cursor = upto
            store.set(CURSOR_KEY, str(cursor))
        if held is not None:
            raise held
        if upto < page.cursor or not page.has_more:
            return
    logger.info("pull: %d pages this pass; the rest next pass", MAX_PAGES)


def _apply_page(
    store: DeskOutbox,
    transport: HubTransport,
    report: PullCounts,
    page: ChangesResponse,
    after: int,
    point: str | None,
    publish: Publish,
) -> tuple[int, FileMismatchError | None]:
    """Apply a page up to the first event whose files cannot be had; returns (cursor, problem)."""
    accepted: list[WireEvent] = []
    dossiers: set[str] = set()
    done, problem = after, None
    for change in page.changes:
        if change.kind in PUBLICATION_KINDS and change.document is not None:
            publish(change.kind, change.seq, change.document)
        elif change.kind == "event" and change.event is not None:
            event = change.event
            if not _is_ours(store, event, point, dossiers):
                report.skipped += 1
            else:
                try:
                    if not _fetch_files(store, transport, event, report):
                        report.files_waiting += 1
                        break
                except FileMismatchError as exc:
                    problem = exc
                    break
                accepted.append(event)
                dossiers.add(event.dossier_id)
        done = change.seq
    else:
        done = page.cursor
    report.pulled += store.apply_remote(accepted)
    return done, problem


def _is_ledger(event: Event) -> bool:
    """An event of a desk's cash ledger (app.services.receipts.ledger_id), which names no dossier:
    an end-of-day cash report, a phản ánh, kiến nghị, or the void of a blank biên lai (amount 0)."""
    if event.type in (EventType.CASH_REPORTED, EventType.COMPLAINT_RECORDED):
        return True
    return event.type is EventType.RECEIPT_VOIDED and event.payload.get("amount") == 0


def _is_ours(store: DeskOutbox, wire: WireEvent, point: str | None, dossiers: set[str]) -> bool:
    """Whether an event from the feed is a valid event of this desk's point (else logged, skipped)."""
    try:
        event = Event.from_dict(wire.model_dump())
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("feed event %s skipped: malformed (%s)", wire.id[:64], type(exc).__name__)
        return False
    if point is None:
        return True
    if event.type is EventType.RECEIVED:
        ours = event.payload.get("point_code") == point
    elif _is_ledger(event):
        ours = True  # a colleague desk's cash ledger (no dossier): the hub feeds only our point's desks
    else:
        ours = event.dossier_id in dossiers or store.has_dossier(event.dossier_id)
    if not ours:
        logger.warning("feed event %s skipped: not of this desk's point %s", wire.id[:64], point)
    return ours


def _fetch_files(store: DeskOutbox, transport: HubTransport, event: WireEvent, report: PullCounts) -> bool:
    """Download the files an event names; False if one is not at the hub yet (try next pass)."""
    for ref in files_of(event.payload):
        if store.blobs.has(ref.sha256):
            continue
        try:
            data = transport.download(ref.sha256, ref.size)
        except HubRefusedError as exc:  # the hub's 404: a colleague's upload has not arrived yet
            logger.info(
                "file %s of event %s not at the hub yet (%s)", ref.sha256[:12], event.id, exc.hub_code
            )
            return False
        store.adopt_download(data, _file_info(event.payload, ref.sha256))
        report.files_downloaded += 1
    return True


def _file_info(payload: dict[str, object], sha256: str) -> dict[str, object]:
    for item in payload.get("files") or []:  # type: ignore[attr-defined]
        if isinstance(item, dict) and item.get("sha256") == sha256:
            return item
    return {}
