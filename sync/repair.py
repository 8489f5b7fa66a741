"""IT's repairs of the desk's sync state: reconcile now, re-queue rejected events, reset the cursor."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.domain.errors import AppError
from sync import clock
from sync.enroll import load_identity, load_tls
from sync.outbox import CURSOR_KEY, LAST_ERROR_KEY, DeskOutbox
from sync.reconcile import reconcile
from sync.transport import HubTransport

logger = logging.getLogger(__name__)


def reconcile_now(home: Path, ca_bundle: str | None = None) -> tuple[str, dict[str, Any]]:
    """Run a reconciliation with the enrolled hub; ("ok", counts) or ("error", message)."""
    store = DeskOutbox(home)
    transport: HubTransport | None = None
    try:
        hub_url, creds = load_identity(home)
        enrolled_ca, insecure = load_tls(home)  # as given at enrollment; --ca-bundle overrides
        transport = HubTransport(hub_url, creds, ca_bundle=ca_bundle or enrolled_ca, allow_insecure=insecure)
        transport.begin_pass(600.0)
        result = reconcile(store, transport, clock.now())
        return "ok", dict(result.__dict__)
    except AppError as exc:
        logger.error("reconcile failed: %s", exc.log_message)
        store.set(LAST_ERROR_KEY, f"{exc.code}: {exc.user_message}")
        return "error", {"error_code": exc.code, "message": exc.user_message}
    finally:
        if transport is not None:
            transport.close()
        store.close()


def requeue(home: Path, event_ids: Sequence[str] | None) -> int:
    """Send rejected events again (all of them if `event_ids` is None); returns how many."""
    store = DeskOutbox(home)
    try:
        count = store.requeue_rejected(event_ids)
    finally:
        store.close()
    logger.warning("%d rejected events queued again by IT", count)
    return count


def reset_cursor(home: Path) -> int:
    """Forget the feed cursor: the next pass reads the hub's feed from the start (applying is
    idempotent: events by id, files by hash, publications as a whole). Returns the old cursor."""
    store = DeskOutbox(home)
    try:
        before = store.get(CURSOR_KEY) or "0"
        store.set(CURSOR_KEY, None)
    finally:
        store.close()
    logger.warning("feed cursor %s reset by IT; the feed is read again from the start", before[:30])
    return int(before) if before.isascii() and before.isdigit() and len(before) < 30 else -1
