"""Events stamped ahead of the hub's clock: held unsent, never rejected, sent once the hub's clock
has come within the bound.

A desk whose clock runs fast stamps its events ahead of the hub until a pass measures the offset
(`X-Hub-Time` on every reply). From then on its clock is corrected, but what it already stamped
keeps its stamp, and its next events follow those stamps (an HLC never goes back). The hub
refuses any event more than MAX_AHEAD_MS ahead of its own clock, so such an event is not sent
while it is ahead, and a refusal of it for that reason holds it instead of rejecting it: it waits
in the outbox (pending, not rejected) and goes on the first pass where the hub's clock allows it,
with nobody from IT involved. It is not re-stamped: an event's content is sealed by the keyed
audit chain, and its stamp orders it after everything the desk had seen when it was made.
An event an earlier version marked rejected for that reason is released the same way.
"""

from __future__ import annotations

import logging
import math

from sync.clock import IMPLAUSIBLE_S
from sync.outbox import CLOCK_OFFSET_KEY, DeskOutbox
from sync.protocol import MAX_AHEAD_MS, STAMP_AHEAD_REASON, WireEvent, hlc_wall_ms
from sync.transport import HubTransport

logger = logging.getLogger(__name__)
HOLD_MARGIN_MS = 2_000  # the measured hub time is only as exact as a round trip: hold a bit early


class AheadHold:
    """The events of this pass held for being ahead of the hub's clock."""

    def __init__(self, store: DeskOutbox, transport: HubTransport) -> None:
        self.store, self.transport = store, transport
        self.ids: set[str] = set()
        self.furthest_ms = 0  # how far past the hub's bound the furthest held event is

    def hub_now_ms(self) -> int | None:
        """The hub's clock now: as measured in this pass, else as the last pass left it; None if
        unknown or implausible (a pretender's year 9999 holds nothing)."""
        offset = self.transport.clock_offset_s
        if offset is None:
            stored = self.store.get(CLOCK_OFFSET_KEY)
            try:
                offset = float(stored) if stored else None
            except ValueError:
                offset = None
        if offset is None or not math.isfinite(offset) or abs(offset) > IMPLAUSIBLE_S:
            return None
        return int((self.transport.wall() - offset) * 1000)

    def is_ahead(self, event: WireEvent) -> bool:
        """The hub would refuse `event` now for its stamp (as far as the desk knows the hub's clock)."""
        hub = self.hub_now_ms()
        return hub is not None and hlc_wall_ms(event.at) > hub + MAX_AHEAD_MS - HOLD_MARGIN_MS

    def holds(self, event: WireEvent, reason: str | None = None) -> bool:
        """Hold `event` if it is ahead (or the hub refused it for that); returns whether it was held."""
        if not (self.is_ahead(event) or (reason or "").startswith(STAMP_AHEAD_REASON)):
            return False
        self.ids.add(event.id)
        hub = self.hub_now_ms()
        if hub is not None:
            self.furthest_ms = max(self.furthest_ms, hlc_wall_ms(event.at) - hub - MAX_AHEAD_MS)
        return True

    def release_earlier_rejections(self) -> int:
        """Put back in the outbox the events an earlier version rejected for their stamp."""
        released = self.store.release_rejected(STAMP_AHEAD_REASON)
        if released:
            logger.info("%d events rejected earlier for a stamp ahead of the hub are queued again", released)
        return released

    def log(self) -> None:
        if self.ids:
            logger.warning(
                "%d events stamped ahead of the hub's clock held unsent (furthest %.0f s past the bound)",
                len(self.ids),
                self.furthest_ms / 1000,
            )
