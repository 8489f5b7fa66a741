"""Reconciliation: ask the hub which of this desk's delivered events and files it holds, and queue
again whatever it does not (so even a loss an earlier reply caused, e.g. a pretender's "stored",
heals). The engine runs it on the first pass after the hub address changes and at least daily;
`python -m sync reconcile` runs it on demand.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sync.errors import HubReplyError
from sync.outbox import RECONCILED_KEY, DeskOutbox
from sync.protocol import MAX_RECONCILE
from sync.transport import HubTransport

logger = logging.getLogger(__name__)
DAY_S = 86_400.0


@dataclass
class ReconcileResult:
    events_checked: int = 0
    events_requeued: int = 0
    files_checked: int = 0
    files_requeued: int = 0


def is_due(store: DeskOutbox, hub_url: str, now: float, every_s: float = DAY_S) -> bool:
    """True on the first pass against a new hub address, and once `every_s` has passed."""
    try:
        last = json.loads(store.get(RECONCILED_KEY) or "{}")
        return bool(last.get("url") != hub_url or now - float(last.get("at", 0)) >= every_s)
    except (ValueError, TypeError, AttributeError):
        return True


def reconcile(store: DeskOutbox, transport: HubTransport, now: float) -> ReconcileResult:
    """Compare every delivered event and file with the hub; re-queue what it lacks."""
    result = ReconcileResult()
    sent = store.sent_event_ids()
    for start in range(0, len(sent), MAX_RECONCILE):
        chunk = sent[start : start + MAX_RECONCILE]
        held = set(transport.reconcile(chunk, []).events)
        if held - set(chunk):
            raise HubReplyError("reconcile reply names events that were not asked about")
        missing = [e for e in chunk if e not in held]
        store.requeue_sent(missing)
        result.events_checked += len(chunk)
        result.events_requeued += len(missing)
    files = store.uploaded_files()
    for start in range(0, len(files), MAX_RECONCILE):
        refs = files[start : start + MAX_RECONCILE]
        answer = transport.reconcile([], [r.sha256 for r in refs])
        sizes = {f.sha256: f.size for f in answer.files}
        if sizes.keys() - {r.sha256 for r in refs}:
            raise HubReplyError("reconcile reply names files that were not asked about")
        missing = [r.sha256 for r in refs if sizes.get(r.sha256) != r.size]
        store.requeue_files(missing)
        result.files_checked += len(refs)
        result.files_requeued += len(missing)
    store.set(RECONCILED_KEY, json.dumps({"url": transport.base, "at": now, **result.__dict__}))
    if result.events_requeued or result.files_requeued:
        logger.warning(
            "reconcile: the hub lacked %d of %d events and %d of %d files; queued again",
            result.events_requeued,
            result.events_checked,
            result.files_requeued,
            result.files_checked,
        )
    return result
