"""A TCP proxy for fault tests: forwards 127.0.0.1 traffic, cuts connections at random byte offsets
(both directions), optionally limits bandwidth, counts the bytes on the wire, and can black-hole a
connection mid-request (a half-open link: the sockets stay open, nothing more passes either way)."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class StallPlan:
    """Black-hole the connection `after` bytes into the request that starts with `marker`, once,
    skipping the first `skip` such requests; the stalled sockets stay open until `release()`."""

    marker: bytes = b"PATCH "
    skip: int = 0
    after: int = 10_000
    seen: int = 0
    stalled: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def arm(self, data: bytes) -> int | None:
        """A byte budget if this data begins the request to stall, else None."""
        with self.lock:
            if self.stalled or self.marker not in data:
                return None
            self.seen += 1
            if self.seen <= self.skip:
                return None
            self.stalled = True
            return data.index(self.marker) + self.after

    def release(self) -> None:
        self.released.set()


@dataclass
class CutPlan:
    """Cut after a random number of bytes in [low, high] per direction, `cuts` times in all."""

    cuts: int = 0
    low: int = 1
    high: int = 200_000
    rng: random.Random = field(default_factory=lambda: random.Random(5))
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def budget(self) -> int | None:
        with self.lock:
            if self.done >= self.cuts:
                return None
            return self.rng.randint(self.low, self.high)

    def take(self) -> bool:
        with self.lock:
            if self.done >= self.cuts:
                return False
            self.done += 1
            return True


class FaultProxy:
    def __init__(
        self,
        target_port: int,
        plan: CutPlan | None = None,
        bytes_per_s: float | None = None,
        stall: StallPlan | None = None,
    ) -> None:
        self.target_port = target_port
        self.plan = plan or CutPlan()
        self.stall = stall
        self.bytes_per_s = bytes_per_s
        self.wire_bytes = 0
        self.up_bytes = 0
        self._holes: set[int] = set()  # id() of black-holed connection pairs
        self._free_at = 0.0
        self._count_lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop = True
        if self.stall:
            self.stall.release()
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            up_budget, down_budget = self.plan.budget(), self.plan.budget()
            pair = (client, upstream)
            threading.Thread(
                target=self._pump, args=(client, upstream, up_budget, pair, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, down_budget, pair, False), daemon=True
            ).start()

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        budget: int | None,
        pair: tuple[socket.socket, socket.socket],
        upward: bool,
    ) -> None:
        stall_budget: int | None = None
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if upward and self.stall is not None and stall_budget is None:
                    stall_budget = self.stall.arm(data)
                if id(pair) in self._holes:
                    continue  # the hub's late answer on a black-holed link never arrives
                if stall_budget is not None:
                    if len(data) >= stall_budget:
                        dst.sendall(data[:stall_budget])
                        self._count(stall_budget, upward)
                        self._holes.add(id(pair))
                        self.stall.released.wait()  # type: ignore[union-attr]  # half-open: nothing passes
                        break
                    stall_budget -= len(data)
                if budget is not None and len(data) >= budget:
                    if self.plan.take():
                        dst.sendall(data[:budget])
                        self._count(budget, upward)
                        break  # cut: close both directions mid-stream
                    budget = None
                elif budget is not None:
                    budget -= len(data)
                self._throttle(len(data))
                dst.sendall(data)
                self._count(len(data), upward)
        except OSError:
            pass
        for s in pair:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _throttle(self, n: int) -> None:
        """One shared link: every chunk reserves its slot on a common timeline."""
        if not self.bytes_per_s:
            return
        with self._count_lock:
            start = max(time.monotonic(), self._free_at)
            self._free_at = start + n / self.bytes_per_s
        delay = start + n / self.bytes_per_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _count(self, n: int, upward: bool) -> None:
        with self._count_lock:
            self.wire_bytes += n
            self.up_bytes += n if upward else 0
