"""Hybrid logical clock: wall time plus a counter, so a wrong PC clock cannot reorder a dossier.

A timestamp is written as ``"<wall ms, 15 digits>-<counter, 6 digits>"`` so that string order is
time order. Every device keeps one clock; it ticks for local events and `observe`s every remote
timestamp it receives (events pulled from the hub, the hub's own clock on each reply).

Bounds, so that no word from the wire can run the clock away:
- the reference wall time is the local clock corrected by the measured hub offset, when that
  offset is plausible (`correction_for`): a desk whose date is a day off still stamps hub time;
- a remote stamp is adopted only up to `MAX_AHEAD_MS` past the later of that reference and this
  device's own last stamp (the hub applies the same bound): one year-9999 stamp moves nothing;
- a clock loaded from a store that an earlier version let run away (beyond `MAX_CORRECTION_MS`)
  restarts from the reference (`repaired`), and no stamp is made that its string form cannot hold.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_AHEAD_MS = 5 * 60 * 1000  # how far past our own time a remote stamp may pull this clock
MAX_CORRECTION_MS = 36 * 3600 * 1000  # the largest hub offset believed; also the runaway bound
MAX_WALL_MS = 10**15 - 1  # the largest wall time the 15-digit form can write
MAX_COUNTER = 10**6 - 1
_MAX_SHOWN = datetime(9999, 12, 30, tzinfo=UTC)  # the latest instant any time zone can show


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int = 0

    def __str__(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:06d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """Parse the string form; raises ValueError on anything else."""
        wall, sep, counter = text.partition("-")
        if not sep or len(wall) != 15 or len(counter) != 6 or not (wall + counter).isascii():
            raise ValueError(f"not an HLC timestamp: {text[:40]!r}")
        if not (wall + counter).isdigit():
            raise ValueError(f"not an HLC timestamp: {text[:40]!r}")
        return cls(int(wall), int(counter))

    @property
    def wall_time(self) -> datetime:
        """The wall time as a UTC datetime; a stamp beyond what a date can show (an earlier
        version's runaway clock) is shown as the latest showable instant instead of failing."""
        if self.wall_ms >= _MAX_SHOWN.timestamp() * 1000:
            return _MAX_SHOWN
        return datetime.fromtimestamp(self.wall_ms / 1000, tz=UTC)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def correction_for(offset_s: float | None) -> int:
    """Milliseconds to add to the local clock, given the measured desk-minus-hub offset: towards
    the hub's time if the offset is plausible, else none (a reply claiming 9999 corrects nothing)."""
    if offset_s is None or abs(offset_s) * 1000 > MAX_CORRECTION_MS:
        return 0
    return -round(offset_s * 1000)


def repaired(stored: str | None, reference_ms: int) -> Hlc | None:
    """The stamp to store instead of `stored` if it is unreadable or ran away (else None)."""
    if stored is None:
        return None
    fresh = Hlc(max(0, min(reference_ms, MAX_WALL_MS)), 0)
    try:
        last = Hlc.parse(stored)
    except ValueError:
        return fresh
    return fresh if last.wall_ms > reference_ms + MAX_CORRECTION_MS else None


class HybridClock:
    """Thread-safe HLC. `state` may be loaded from and saved to the store to survive restarts."""

    def __init__(
        self, last: Hlc | None = None, wall: Callable[[], int] = now_ms, max_ahead_ms: int | None = None
    ) -> None:
        self._last = last or Hlc(0, 0)
        self._wall = wall
        self._lock = threading.Lock()
        self.max_ahead_ms = max_ahead_ms  # None: unbounded (the desk store sets MAX_AHEAD_MS)
        self.correction_ms = 0  # from the measured hub offset (`correction_for`)
        self.own_ms = 0  # wall time of this device's last own stamp (the base of the remote bound)

    @property
    def last(self) -> Hlc:
        return self._last

    def now(self) -> int:
        """The reference wall time: the local clock, corrected towards the hub's, writable."""
        return max(0, min(self._wall() + self.correction_ms, MAX_WALL_MS))

    def _unrun(self, wall: int) -> None:
        """Bring back a clock loaded from a store an earlier version let run away."""
        if self.max_ahead_ms is None:
            return
        limit = max(wall, self._wall()) + MAX_CORRECTION_MS  # lenient: corrected or not
        if self._last.wall_ms > limit:
            self._last = Hlc(wall, 0)
        if self.own_ms > limit:
            self.own_ms = wall

    def load(self, stored: Hlc | str) -> Hlc:
        """Resume from this device's own saved state (trusted, except a runaway value)."""
        if isinstance(stored, str):
            stored = Hlc.parse(stored)
        with self._lock:
            self._last = max(self._last, stored)
            self._unrun(self.now())
            return self._last

    def tick(self) -> Hlc:
        """A timestamp for a local event, strictly after every one seen so far."""
        with self._lock:
            wall = self.now()
            self._unrun(wall)
            self._last = Hlc(wall, 0) if wall > self._last.wall_ms else _next(self._last)
            self.own_ms = self._last.wall_ms
            return self._last

    def observe(self, remote: Hlc | str) -> Hlc:
        """Merge a timestamp received from elsewhere; later ticks come after it. Its wall time is
        adopted only up to `max_ahead_ms` past the later of the reference and our own last stamp."""
        if isinstance(remote, str):
            remote = Hlc.parse(remote)
        with self._lock:
            wall = self.now()
            self._unrun(wall)
            bound = MAX_WALL_MS if self.max_ahead_ms is None else self.max_ahead_ms
            ceiling = min(max(wall, self._wall(), self.own_ms) + bound, MAX_WALL_MS)
            if remote.wall_ms > ceiling:
                remote = Hlc(ceiling, 0)
            top = max(wall, self._last.wall_ms, remote.wall_ms)
            if top == self._last.wall_ms == remote.wall_ms:
                counter = max(self._last.counter, remote.counter) + 1
            elif top == self._last.wall_ms:
                counter = self._last.counter + 1
            elif top == remote.wall_ms:
                counter = remote.counter + 1
            else:
                counter = 0
            self._last = Hlc(top, counter) if counter <= MAX_COUNTER else _next(Hlc(top, MAX_COUNTER))
            return self._last


def is_ahead(stamp: Hlc, reference_ms: int) -> bool:
    """True if `stamp` lies more than MAX_AHEAD_MS past `reference_ms` (a skewed remote clock)."""
    return stamp.wall_ms > reference_ms + MAX_AHEAD_MS


def _next(last: Hlc) -> Hlc:
    """The stamp right after `last`, carrying a full counter into the next millisecond."""
    if last.counter < MAX_COUNTER:
        return Hlc(last.wall_ms, last.counter + 1)
    if last.wall_ms >= MAX_WALL_MS:
        raise OverflowError("HLC exhausted: cannot stamp after the largest writable time")
    return Hlc(last.wall_ms + 1, 0)
