"""Rate limits every hub worker shares, and the client address they are keyed on.

Counters live in the hub's database (SQLite or PostgreSQL): one row per key and fixed window, bumped
with an upsert, so two processes (or `serve --workers N`) count the same hits. The limit is checked on
a sliding estimate (this window's hits plus the previous window's, weighted by how much of it still
overlaps), so a burst straddling a window's edge is not let through twice. Rows expire after two
windows and are pruned from each process at most every PRUNE_EVERY_S; keys are a SHA-256 of the scope
and the address (IPv6 grouped by /64), so the table holds no address in clear and stays bounded by the
addresses seen within two windows.

Writing the row on every hit made one busy address a hot row every worker queues on, so each process
keeps a tally per key and window: the database's count as of its last write, plus the hits it counted
since. It writes (one upsert adding that delta, reading back the total and the previous window's count)
on a key's first hit in a window, every `flush_hits` hits (K), on a hit FLUSH_EVERY_S or more after
its last write, and on a refusal; between writes it decides on that tally. A key it refused is then
refused locally, without touching the database (and without counting those refusals), until the sliding estimate (as last read) lets a hit through again, at most to
the window's end. The bound, with P processes on one database: a process holds at most K-1 hits the
database has not seen, and the write that first brings the count to the limit or past it adds at most
K, so within a window at most `limit + P*(K-1)` hits are let through (`limit` exactly when K = 1).
K is `limit // 20`, between 1 and FLUSH_HITS_MAX: at most 5% of the limit per process, and exact for
small limits such as the failed logins (which pass K = 1 anyway: every failure is written).

The client address is the TCP peer, unless that peer is one of the configured trusted proxies
(`--trusted-proxy CIDR`, MOTCUA_HUB_TRUSTED_PROXIES): then X-Forwarded-For is read from the right,
skipping trusted hops, and the first address that is not a trusted proxy is the client. A header sent by
anyone else is ignored, so it cannot buy a fresh allowance.
"""

from __future__ import annotations

import hashlib
import ipaddress
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from central.console.models import RateCounter
from central.core.db import Database

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PRUNE_EVERY_S = 30.0
FLUSH_EVERY_S = 0.25  # a process's unwritten hits reach the database at least this often (on a hit)
FLUSH_HITS_MAX = 32
MAX_HOPS = 20  # X-Forwarded-For entries looked at, from the right


def parse_networks(text: str | Sequence[str]) -> tuple[Network, ...]:
    """CIDRs separated by commas (or a list of them); ValueError names a bad one."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out: list[Network] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"not a CIDR: {item!r}") from exc
    return tuple(out)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None, nets: tuple[Network, ...]) -> bool:
    return ip is not None and any(ip.version == n.version and ip in n for n in nets)


def from_trusted_proxy(request: Request, trusted: tuple[Network, ...]) -> bool:
    """The TCP peer is one of the trusted proxies."""
    return _trusted(_ip(request.client.host if request.client else ""), trusted)


def client_address(request: Request, trusted: tuple[Network, ...]) -> str:
    """The client's address as this hub can trust it (see the module's docstring)."""
    peer = request.client.host if request.client else ""
    ip = _ip(peer)
    if not _trusted(ip, trusted):
        return str(ip) if ip is not None else peer or "?"
    hops = [h for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops[-MAX_HOPS:]):
        hop_ip = _ip(hop)
        if hop_ip is None:  # written by a trusted proxy, yet unreadable: stop at the last good hop
            break
        ip = hop_ip
        if not _trusted(hop_ip, trusted):
            break
    return str(ip)


def limit_key(scope: str, address: str) -> str:
    ip = _ip(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{ip}/64", strict=False))  # one host holds a whole /64
    elif isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        address = str(ip.ipv4_mapped)
    return hashlib.sha256(f"{scope}\n{address}".encode()).hexdigest()


@dataclass
class _Tally:
    """One key's window as this process knows it."""

    start: int
    known: int = 0  # this window's count in the database, as of this process's last write
    pending: int = 0  # hits counted here and not yet written
    previous: int = 0  # the previous window's count, as of the last write
    written_at: float = float("-inf")
    refused_until: float = float("-inf")  # refused locally, without the database, until then
    lock: threading.Lock = field(default_factory=threading.Lock)


class SharedLimiter:
    """At most `limit` hits per key within any `window_s` (estimated), counted in the hub's database.

    `flush_hits` (K) is how many hits a process may count before writing them; across P processes at
    most `limit + P*(K-1)` hits of a key are let through in a window (see the module's docstring).
    """

    def __init__(
        self, db: Database, scope: str, limit: int, window_s: float, flush_hits: int | None = None
    ) -> None:
        self.db, self.scope = db, scope
        self.limit, self.window = max(1, int(limit)), max(1, round(window_s))
        k = self.limit // 20 if flush_hits is None else flush_hits
        self.flush_hits = max(1, min(FLUSH_HITS_MAX, k))
        self._pruned = 0.0
        self._lock = threading.Lock()  # guards _tallies and _pruned; each tally has its own lock
        self._tallies: dict[str, _Tally] = {}

    def hit(self, address: str, now: float | None = None) -> bool:
        """Count one hit; False when the key is over its limit."""
        now = time.time() if now is None else now
        key, start = limit_key(self.scope, address), self._start(now)
        tally, stale = self._tally(key, start)
        with tally.lock:
            if stale is not None:
                self._write_stale(key, stale)
            if now < tally.refused_until:
                return False  # refused here until the estimate lets a hit in: no database
            tally.pending += 1
            must_write = (
                tally.written_at == float("-inf")  # this process's first hit of the key in this window
                or tally.pending >= self.flush_hits
                or now - tally.written_at >= FLUSH_EVERY_S
                or tally.refused_until > float("-inf")  # just out of a refusal: look again
                or self._estimate(tally, now) > self.limit
            )
            if must_write:
                self._write(key, tally, now)
            if self._estimate(tally, now) <= self.limit:
                tally.refused_until = float("-inf")
                return True
            tally.refused_until = self._free_at(tally)
            return False

    def is_over(self, address: str, now: float | None = None) -> bool:
        """True when the key already used its allowance (nothing counted)."""
        now = time.time() if now is None else now
        key, start = limit_key(self.scope, address), self._start(now)
        with self._lock:
            tally = self._tallies.get(key)
        if tally is not None and tally.start == start and now < tally.refused_until:
            return True
        with self.db.session() as s:
            current = self._count(s, key, start) + (tally.pending if tally and tally.start == start else 0)
            previous = self._count(s, key, start - self.window)
        return current + previous * self._overlap(start, now) >= self.limit

    def _start(self, now: float) -> int:
        return int(now) // self.window * self.window

    def _overlap(self, start: int, now: float) -> float:
        return max(0.0, 1.0 - (now - start) / self.window)

    def _estimate(self, tally: _Tally, now: float) -> float:
        return tally.known + tally.pending + tally.previous * self._overlap(tally.start, now)

    def _free_at(self, t: _Tally) -> float:
        """When, with no more hits, the next one would be let through again (at most the window's end)."""
        end = float(t.start + self.window)
        room = self.limit - 1 - t.known - t.pending  # what the previous window's share must fall to
        if room < 0 or t.previous <= 0:
            return end
        return min(end, t.start + self.window * (1.0 - room / t.previous))

    def _tally(self, key: str, start: int) -> tuple[_Tally, _Tally | None]:
        """This window's tally of `key`, and the one it replaces if that still holds unwritten hits."""
        with self._lock:
            old = self._tallies.get(key)
            if old is not None and old.start >= start:  # a thread a tick late counts in the newer window
                return old, None
            new = self._tallies[key] = _Tally(start)
        return new, (old if old is not None and old.pending and old.start < start else None)

    def _write_stale(self, key: str, old: _Tally) -> None:
        """The last window's unwritten hits, so the other processes' sliding estimates weigh them."""
        with old.lock:
            delta, old.pending = old.pending, 0
        if delta:
            with self.db.session() as s:
                self._bump(s, key, old.start, delta)

    def _write(self, key: str, tally: _Tally, now: float) -> None:
        with self.db.session() as s:  # on a database error the hits stay pending, for the next write
            tally.known = self._bump(s, key, tally.start, tally.pending)
            tally.previous = self._count(s, key, tally.start - self.window)
            self._maybe_prune(s, now)
        tally.pending = 0
        tally.written_at = now

    def _bump(self, s: Session, key: str, start: int, delta: int) -> int:
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(RateCounter)
            .values(key=key, window_start=start, count=delta, expires_at=start + 2 * self.window)
            .on_conflict_do_update(
                index_elements=[RateCounter.key, RateCounter.window_start],
                set_={"count": RateCounter.count + delta},
            )
            .returning(RateCounter.count)
        )
        return int(s.execute(stmt).scalar_one())

    def _count(self, s: Session, key: str, start: int) -> int:
        q = select(RateCounter.count).where(RateCounter.key == key, RateCounter.window_start == start)
        return int(s.scalar(q) or 0)

    def _maybe_prune(self, s: Session, now: float) -> None:
        with self._lock:
            if now - self._pruned < PRUNE_EVERY_S:
                return
            self._pruned = now
            oldest = self._start(now) - self.window
            gone = [k for k, t in self._tallies.items() if t.start < oldest]
            for k in gone:  # unwritten hits of a window two back no longer weigh on any estimate
                del self._tallies[k]
        s.execute(delete(RateCounter).where(RateCounter.expires_at < int(now)))
