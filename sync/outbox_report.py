"""The pass's report to the hub: how many events and files this desk still holds, not yet pushed.

Two counts, no personal data. The hub shows them on the console's sync page beside the time of the
report, so the centre sees a desk's backlog from the desk's side, not only from what reached the hub.
A hub from before the route answers its own 404: the step is skipped. The report is informative only:
a hub that refuses it is logged and the pass goes on.
"""

from __future__ import annotations

import logging

from sync.errors import HubRefusedError
from sync.outbox import DeskOutbox
from sync.protocol import MAX_OUTBOX_COUNT, OutboxReport
from sync.transport import HubTransport

logger = logging.getLogger(__name__)


def report_outbox(store: DeskOutbox, transport: HubTransport) -> OutboxReport | None:
    """Send the counts; returns what was reported, or None if the hub did not take it."""
    stats = store.stats()
    report = OutboxReport(
        events=min(stats.pending, MAX_OUTBOX_COUNT), files=min(stats.files_pending, MAX_OUTBOX_COUNT)
    )
    try:
        taken = transport.report_outbox(report)
    except HubRefusedError as exc:
        logger.warning("the hub did not take the outbox report: %s", exc)
        return None
    if not taken:
        logger.info("the hub takes no outbox reports (an older hub); step skipped")
        return None
    return report
