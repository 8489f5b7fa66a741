"""sync.backoff.Backoff: truncated exponential backoff with full jitter."""

from __future__ import annotations

import random

from sync.backoff import Backoff


def test_each_delay_is_drawn_below_a_ceiling_that_doubles_up_to_the_cap():
    backoff = Backoff(base_s=5, cap_s=60, rng=random.Random(3))
    ceilings = [5, 10, 20, 40, 60, 60, 60]
    for ceiling in ceilings:
        delay = backoff.next_delay()
        assert 0 <= delay <= ceiling
    assert backoff.failures == len(ceilings)


def test_full_jitter_spreads_delays_over_the_whole_range():
    draws = []
    for seed in range(400):
        backoff = Backoff(base_s=5, cap_s=600, failures=3, rng=random.Random(seed))
        draws.append(backoff.next_delay())
    assert min(draws) < 5 and max(draws) > 35  # uniform in [0, 40]: both ends are reached
    assert all(0 <= d <= 40 for d in draws)


def test_reset_after_a_success_starts_again_from_the_base():
    backoff = Backoff(base_s=5, cap_s=600, rng=random.Random(1))
    for _ in range(8):
        backoff.next_delay()
    backoff.reset()
    assert backoff.failures == 0
    assert backoff.next_delay() <= 5


def test_a_long_outage_never_waits_more_than_the_cap():
    backoff = Backoff(base_s=5, cap_s=600, failures=1_000, rng=random.Random(2))
    assert all(backoff.next_delay() <= 600 for _ in range(50))


def test_the_same_seed_gives_the_same_delays():
    a, b = Backoff(rng=random.Random(9)), Backoff(rng=random.Random(9))
    assert [a.next_delay() for _ in range(5)] == [b.next_delay() for _ in range(5)]
