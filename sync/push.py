"""Pushing the outbox: an event leaves it only when the hub acknowledged *that* id in a valid
reply to a batch that contained it.

One `acknowledge` reads every reply: ids the batch did not contain, or a reply that contradicts
itself, make the whole reply void (a proxy or a pretender answered); a reply that acknowledges
nothing ends the pass (no progress, backoff). A whole batch refused in the hub's own shape is sent
one event at a time to find the culprit; so is a batch the hub keeps failing with 5xx (a poison
event that makes the hub err), and an event that fails alone is put aside for this pass.
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


def check_cancelled(is_cancelled: IsCancelled) -> None:
    if is_cancelled():
        raise CancelledError("sync cancelled")


def acknowledge(store: DeskOutbox, batch: list[WireEvent], answer: PushResponse, report: PushCounts) -> int:
    """Apply one valid push reply to the outbox; returns how many of the batch it settled."""
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
    for event_id, reason in rejected.items():
        store.reject(event_id, reason[:500])
    report.pushed += len(stored)
    report.duplicates += len(duplicates)
    report.rejected += len(rejected)
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
    how many events were set aside (they made the hub fail alone; retried next pass)."""
    aside: set[str] = set()  # events that made the hub fail alone: retried next pass
    rounds = store.stats().pending // max(batch_size, 1) + 3
    for _ in range(rounds):
        batch = [e for e in store.pending_events(batch_size + len(aside)) if e.id not in aside][:batch_size]
        if not batch:
            return len(aside)
        check_cancelled(is_cancelled)
        ids = [e.id for e in batch]
        try:
            answer = transport.push(batch)
        except HubRefusedError as exc:
            logger.warning("batch of %d refused (%s); sending one by one", len(batch), exc.log_message)
            advance(_push_one_by_one(store, transport, batch, report, aside))
            continue
        except HubServerError as exc:
            store.record_error(ids, exc.log_message)
            if len(batch) > 1 and store.attempts(ids[0]) >= SPLIT_AFTER:
                logger.warning(
                    "batch of %d failed again (%s); sending one by one", len(batch), exc.log_message
                )
                advance(_push_one_by_one(store, transport, batch, report, aside))
                continue
            raise
        except OfflineError as exc:
            store.record_error(ids, exc.log_message)
            raise
        settled = acknowledge(store, batch, answer, report)
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
) -> int:
    """Find the culprit of a refused or failing batch; send the rest. Returns how many settled."""
    settled = failures = 0
    for event in batch:
        try:
            answer = transport.push([event])
        except HubRefusedError as one:  # the hub's own refusal of this one event
            store.reject(event.id, one.log_message[:500])
            report.rejected += 1
            settled += 1
            failures = 0
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
        done = acknowledge(store, [event], answer, report)
        if not done:
            aside.add(event.id)
        settled += done
    if not settled:
        raise NoProgressError(f"push: {len(batch)} events sent one by one, none settled")
    return settled
