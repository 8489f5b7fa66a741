"""Pushing the outbox: an event leaves it only when the hub acknowledged *that* id in a valid
reply to a batch that contained it.

One `acknowledge` reads every reply: ids the batch did not contain, or a reply that contradicts
itself, make the whole reply void (a proxy or a pretender answered); a reply that acknowledges
nothing ends the pass (no progress, backoff). A whole batch refused in the hub's own shape is sent
one event at a time to find the culprit; so is a batch the hub keeps failing with 5xx (a poison
event that makes the hub err), and an event that fails alone is put aside for this pass. An event
stamped ahead of the hub's clock is held, not sent and not rejected (sync.hold).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sync.errors import (
    CancelledError,
    HubRefusedError,
    HubReplyError,
    HubServerError,
    NoProgressError,
    OfflineError,
)
from sync.hold import AheadHold
from sync.outbox import DeskOutbox
from sync.protocol import PushResponse, WireEvent
from sync.transport import HubTransport

logger = logging.getLogger(__name__)
IsCancelled = Callable[[], bool]
SPLIT_AFTER = 2  # 5xx answers in a row for the same first event before the batch is split
HUB_DOWN_AFTER = 3  # single events failing with 5xx in a row: the hub is down, not one event


class PushCounts(Protocol):
    pushed: int
    duplicates: int
    rejected: int
    held_ahead: int


def check_cancelled(is_cancelled: IsCancelled) -> None:
    if is_cancelled():
        raise CancelledError("sync cancelled")


def acknowledge(
    store: DeskOutbox,
    batch: list[WireEvent],
    answer: PushResponse,
    report: PushCounts,
    hold: AheadHold | None = None,
) -> int:
    """Apply one valid push reply to the outbox; returns how many of the batch it settled. A
    refusal of an event stamped ahead of the hub's clock holds it (`hold`) instead of rejecting it."""
    sent = {e.id for e in batch}
    stored, duplicates = set(answer.stored), set(answer.duplicates)
    rejected = {r.id: r.reason for r in answer.rejected}
    named = stored | duplicates | rejected.keys()
    strangers = named - sent
    contradictions = (stored & duplicates) | ((stored | duplicates) & rejected.keys())
    if strangers or contradictions:
        raise HubReplyError(
            f"push reply void: {len(strangers)} ids not in the batch of {len(batch)}, "
            f"{len(contradictions)} both acknowledged and refused"
        )
    store.acknowledge(sorted(stored | duplicates))
    by_id = {e.id: e for e in batch}
    for event_id, reason in rejected.items():
        if hold is not None and hold.holds(by_id[event_id], reason):
            continue
        store.reject(event_id, reason[:500])
        report.rejected += 1
    report.pushed += len(stored)
    report.duplicates += len(duplicates)
    return len(named)


def push_events(
    store: DeskOutbox,
    transport: HubTransport,
    batch_size: int,
    report: PushCounts,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
) -> int:
    """Send the outbox in batches; every round must settle something, or the pass ends. Returns
    how many events were set aside (they made the hub fail alone; retried next pass); those held
    for a stamp ahead of the hub's clock are counted in `report.held_ahead`."""
    hold = AheadHold(store, transport)
    hold.release_earlier_rejections()
    try:
        return _push_rounds(store, transport, batch_size, report, advance, is_cancelled, hold)
    finally:
        report.held_ahead = len(hold.ids)
        hold.log()


def _next_batch(store: DeskOutbox, batch_size: int, aside: set[str], hold: AheadHold) -> list[WireEvent]:
    """The oldest pending events not set aside, holding back those ahead of the hub's clock."""
    while True:
        window = [
            e
            for e in store.pending_events(batch_size + len(aside) + len(hold.ids))
            if e.id not in aside and e.id not in hold.ids
        ]
        held = [e for e in window if hold.holds(e)]
        if not held:
            return window[:batch_size]


def _push_rounds(
    store: DeskOutbox,
    transport: HubTransport,
    batch_size: int,
    report: PushCounts,
    advance: Callable[[int], None],
    is_cancelled: IsCancelled,
    hold: AheadHold,
) -> int:
    aside: set[str] = set()  # events that made the hub fail alone: retried next pass
    rounds = store.stats().pending // max(batch_size, 1) + 3
    for _ in range(rounds):
        batch = _next_batch(store, batch_size, aside, hold)
        if not batch:
            return len(aside)
        check_cancelled(is_cancelled)
        ids = [e.id for e in batch]
        try:
            answer = transport.push(batch)
        except HubRefusedError as exc:
            logger.warning("batch of %d refused (%s); sending one by one", len(batch), exc.log_message)
            advance(_push_one_by_one(store, transport, batch, report, aside, hold))
            continue
        except HubServerError as exc:
            store.record_error(ids, exc.log_message)
            if len(batch) > 1 and store.attempts(ids[0]) >= SPLIT_AFTER:
                logger.warning(
                    "batch of %d failed again (%s); sending one by one", len(batch), exc.log_message
                )
                advance(_push_one_by_one(store, transport, batch, report, aside, hold))
                continue
            raise
        except OfflineError as exc:
            store.record_error(ids, exc.log_message)
            raise
        settled = acknowledge(store, batch, answer, report, hold)
        if not settled:
            raise NoProgressError(f"push: a reply to a batch of {len(batch)} acknowledged none of it")
        advance(settled)
    logger.info("push: %d rounds done; the rest of the outbox goes next pass", rounds)
    return len(aside)


def _push_one_by_one(
    store: DeskOutbox,
    transport: HubTransport,
    batch: list[WireEvent],
    report: PushCounts,
    aside: set[str],
    hold: AheadHold,
) -> int:
    """Find the culprit of a refused or failing batch; send the rest. Returns how many settled."""
    settled = failures = 0
    for event in batch:
        try:
            answer = transport.push([event])
        except HubRefusedError as one:  # the hub's own refusal of this one event
            settled += 1
            failures = 0
            if hold.holds(event):
                continue
            store.reject(event.id, one.log_message[:500])
            report.rejected += 1
            continue
        except HubServerError as one:
            store.record_error([event.id], one.log_message)
            aside.add(event.id)
            failures += 1
            logger.warning("event %s set aside for this pass: %s", event.id, one.log_message)
            if failures >= HUB_DOWN_AFTER:
                raise
            continue
        failures = 0
        done = acknowledge(store, [event], answer, report, hold)
        if not done:
            aside.add(event.id)
        settled += done
    if not settled:
        raise NoProgressError(f"push: {len(batch)} events sent one by one, none settled")
    return settled
