"""Hybrid logical clock: wall time plus a counter, so a wrong PC clock cannot reorder a dossier.

A timestamp is written as ``"<wall ms, 15 digits>-<counter, 6 digits>"`` so that string order is
time order. Every device keeps one clock; it ticks for local events and `observe`s every remote
timestamp it receives (events pulled from the hub, the hub's own clock on each reply).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


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
        if not sep or len(wall) != 15 or len(counter) != 6 or not (wall + counter).isdigit():
            raise ValueError(f"not an HLC timestamp: {text!r}")
        return cls(int(wall), int(counter))

    @property
    def wall_time(self) -> datetime:
        return datetime.fromtimestamp(self.wall_ms / 1000, tz=UTC)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Thread-safe HLC. `state` may be loaded from and saved to the store to survive restarts."""

    def __init__(self, last: Hlc | None = None, wall: Callable[[], int] = now_ms) -> None:
        self._last = last or Hlc(0, 0)
        self._wall = wall
        self._lock = threading.Lock()

    @property
    def last(self) -> Hlc:
        return self._last

    def tick(self) -> Hlc:
        """A timestamp for a local event, strictly after every one seen so far."""
        with self._lock:
            wall = self._wall()
            if wall > self._last.wall_ms:
                self._last = Hlc(wall, 0)
            else:
                self._last = Hlc(self._last.wall_ms, self._last.counter + 1)
            return self._last

    def observe(self, remote: Hlc | str) -> Hlc:
        """Merge a timestamp received from elsewhere; later ticks come after it."""
        if isinstance(remote, str):
            remote = Hlc.parse(remote)
        with self._lock:
            wall = self._wall()
            top = max(wall, self._last.wall_ms, remote.wall_ms)
            if top == self._last.wall_ms == remote.wall_ms:
                counter = max(self._last.counter, remote.counter) + 1
            elif top == self._last.wall_ms:
                counter = self._last.counter + 1
            elif top == remote.wall_ms:
                counter = remote.counter + 1
            else:
                counter = 0
            self._last = Hlc(top, counter)
            return self._last
