"""Rate limits every hub worker shares, and the client address they are keyed on.

Counters live in the hub's database (SQLite or PostgreSQL): one row per key and fixed window, bumped
with an upsert, so two processes (or `serve --workers N`) count the same hits. The limit is checked on
a sliding estimate (this window's hits plus the previous window's, weighted by how much of it still
overlaps), so a burst straddling a window's edge is not let through twice. Rows expire after two
windows and are pruned from each process at most every PRUNE_EVERY_S; keys are a SHA-256 of the scope
and the address (IPv6 grouped by /64), so the table holds no address in clear and stays bounded by the
addresses seen within two windows.

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

from fastapi import Request
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from central.console.models import RateCounter
from central.core.db import Database

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PRUNE_EVERY_S = 30.0
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


class SharedLimiter:
    """At most `limit` hits per key within any `window_s` (estimated), counted in the hub's database."""

    def __init__(self, db: Database, scope: str, limit: int, window_s: float) -> None:
        self.db, self.scope = db, scope
        self.limit, self.window = max(1, int(limit)), max(1, round(window_s))
        self._pruned = 0.0
        self._lock = threading.Lock()

    def hit(self, address: str, now: float | None = None) -> bool:
        """Count one hit; False when the key is over its limit (the hit is still counted)."""
        return self._estimate(address, now, count=True) <= self.limit

    def is_over(self, address: str, now: float | None = None) -> bool:
        """True when the key already used its allowance (nothing counted)."""
        return self._estimate(address, now, count=False) >= self.limit

    def _estimate(self, address: str, now: float | None, count: bool) -> float:
        now = time.time() if now is None else now
        key, start = limit_key(self.scope, address), int(now) // self.window * self.window
        with self.db.session() as s:
            current = self._bump(s, key, start) if count else self._count(s, key, start)
            previous = self._count(s, key, start - self.window)
            self._maybe_prune(s, now)
        overlap = 1.0 - (now - start) / self.window
        return current + previous * max(0.0, overlap)

    def _bump(self, s: Session, key: str, start: int) -> int:
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(RateCounter)
            .values(key=key, window_start=start, count=1, expires_at=start + 2 * self.window)
            .on_conflict_do_update(
                index_elements=[RateCounter.key, RateCounter.window_start],
                set_={"count": RateCounter.count + 1},
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
        s.execute(delete(RateCounter).where(RateCounter.expires_at < int(now)))
