"""The shared limiter's local tallies: how far over the limit P processes can let one key get, and
that a key over its limit stops costing database statements. Real databases (SQLite, PostgreSQL);
each "process" is its own SharedLimiter on its own engine, as a hub process would hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from central.console.ratelimit import SharedLimiter
from central.core.db import Database, migrate
from tests.sync.conftest import postgres  # noqa: F401

NOW = 1_800_000_000.0  # 0.0 s into a window of 100 s (and of 1,000 s): nothing slides in these tests
ADDRESS = "203.0.113.9"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").new_database()
    else:
        url = f"sqlite:///{tmp_path / 'hub.db'}"
    migrate(Database(url).engine)
    yield url


def processes(url: str, p: int, limit: int, k: int) -> list[SharedLimiter]:
    return [SharedLimiter(Database(url), "citizen", limit, 100, flush_hits=k) for _ in range(p)]


@pytest.mark.parametrize(("p", "limit", "k"), [(4, 100, 5), (3, 40, 8), (2, 6, 1)])
def test_p_processes_hammering_one_key_let_through_at_most_limit_plus_p_times_k_minus_1(
    db_url: str, p: int, limit: int, k: int
):
    limiters = processes(db_url, p, limit, k)
    admitted = [0] * p

    def hammer(i: int) -> None:
        for _ in range(3 * limit // p + 10):
            admitted[i] += limiters[i].hit(ADDRESS, now=NOW + 1.0)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(p)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert limit <= sum(admitted) <= limit + p * (k - 1), (admitted, limit, p, k)


@pytest.mark.parametrize("k", [1, 4])
def test_the_worst_interleaving_reaches_the_bound_and_no_further(db_url: str, k: int):
    """Each process sees its first hit written, then holds K-1 more unwritten while the others fill the
    database: the documented bound is reached exactly, never passed."""
    p, limit = 3, 12
    limiters = processes(db_url, p, limit, k)
    admitted = 0
    for lim in limiters:  # the first hit of each is written at once
        admitted += lim.hit(ADDRESS, now=NOW + 1.0)
    for lim in limiters:  # K-1 each, unwritten, invisible to the others
        admitted += sum(lim.hit(ADDRESS, now=NOW + 1.0) for _ in range(k - 1))
    for _ in range(5 * limit):  # then round robin until all refuse
        for lim in limiters:
            admitted += lim.hit(ADDRESS, now=NOW + 1.0)
    assert limit <= admitted <= limit + p * (k - 1)


def test_a_key_over_its_limit_is_refused_without_touching_the_database(db_url: str):
    db = Database(db_url)
    limiter = SharedLimiter(db, "citizen", 20, 100, flush_hits=1)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert all(limiter.hit(ADDRESS, now=NOW + 1.0) for _ in range(20))
    assert len(statements) >= 20  # K = 1: under the limit, every hit is written
    assert not limiter.hit(ADDRESS, now=NOW + 2.0)  # the refusal itself is written once
    statements.clear()
    assert not any(limiter.hit(ADDRESS, now=NOW + 3.0 + i / 10) for i in range(200))
    assert statements == []
    assert limiter.hit("203.0.113.10", now=NOW + 30.0) and statements  # another address is its own
    statements.clear()
    # the window ends (its 21 hits weigh a fifth 80 s into the next): the key is back
    assert limiter.hit(ADDRESS, now=NOW + 100.0 + 80.0) and statements


def test_under_the_limit_one_statement_batch_per_k_hits(db_url: str):
    db = Database(db_url)
    limiter = SharedLimiter(db, "citizen", 1000, 100, flush_hits=10)
    writes: list[str] = []
    event.listen(
        db.engine,
        "before_cursor_execute",
        lambda *a: writes.append(a[2]) if a[2].lstrip().upper().startswith("INSERT") else None,
    )
    assert all(limiter.hit(ADDRESS, now=NOW + 1.0) for _ in range(100))
    assert 10 <= len(writes) <= 11  # the first hit, then every 10th


def test_a_refusal_lasts_only_until_the_sliding_estimate_lets_a_hit_in(db_url: str):
    """Over the limit early in a window because of the previous one: refused locally only until its
    share has slid down, not to the window's end."""
    db = Database(db_url)
    limiter = SharedLimiter(db, "citizen", 10, 100, flush_hits=1)
    assert sum(limiter.hit(ADDRESS, now=NOW + 50.0) for _ in range(10)) == 10  # previous window: 10
    assert not limiter.hit(ADDRESS, now=NOW + 100.0 + 1.0)  # 1 + 10 x 0.99 > 10
    assert not limiter.hit(ADDRESS, now=NOW + 100.0 + 10.0)
    assert limiter.hit(ADDRESS, now=NOW + 100.0 + 30.0)  # 2 + 10 x 0.70 <= 10, well before the window ends


def test_hits_left_unwritten_at_a_window_end_still_reach_the_database(db_url: str):
    """They weigh on every process's sliding estimate in the next window."""
    a, b = processes(db_url, 2, 100, 10)
    assert all(a.hit(ADDRESS, now=NOW + 1.0) for _ in range(3))  # the first written, two held by `a`
    assert a.hit(ADDRESS, now=NOW + 100.0 + 1.0)  # a's next window: the two reach the last one's row
    b.hit(ADDRESS, now=NOW + 100.0 + 2.0)
    (tally,) = b._tallies.values()
    assert tally.previous == 3
