import random

from app.domain.events import Event, EventType, files_of
from app.domain.fold import fold
from app.domain.hlc import Hlc, HybridClock
from app.domain.ids import new_id
from app.domain.state import Status


def _ev(clock, dossier, type_, **payload):
    return Event(new_id(), dossier, EventType(type_), str(clock.tick()), "clerk-1", "dev-1", payload)


def test_fold_is_order_independent_and_ignores_duplicates():
    clock, d = HybridClock(), new_id()
    events = [
        _ev(clock, d, "received", code="X-261122-1001", due_date="2026-11-25"),
        _ev(clock, d, "accepted"),
        _ev(clock, d, "result_ready", files=[{"sha256": "a" * 64, "size": 3}]),
        _ev(clock, d, "result_returned", returned_at="2026-11-24T10:00:00+07:00"),
        _ev(clock, d, "rated", rating="rat_hai_long"),
    ]
    expected = fold(events).to_dict()
    for _ in range(20):
        shuffled = events + random.sample(events, 2)
        random.shuffle(shuffled)
        assert fold(shuffled).to_dict() == expected
    assert expected["status"] == "returned"


def test_event_breaking_the_state_machine_is_flagged_not_dropped():
    clock, d = HybridClock(), new_id()
    rated_early = _ev(clock, d, "rated", rating="hai_long")
    state = fold([rated_early, _ev(clock, d, "received", code="C", due_date="2026-11-25")])
    assert state.status is Status.RECEIVED
    assert [f.event_id for f in state.flags] == [rated_early.id]


def test_malformed_received_leaves_dossier_new_and_flagged():
    clock, d = HybridClock(), new_id()
    state = fold([_ev(clock, d, "received", code="C", fees_total="many")])
    assert state.status is Status.NEW and state.code is None and len(state.flags) == 1


def test_hlc_orders_after_a_remote_timestamp_from_a_fast_clock():
    clock = HybridClock(wall=lambda: 1_000)
    remote = Hlc(5_000, 7)
    clock.observe(remote)
    assert clock.tick() > remote


def test_files_of_finds_nested_file_refs_once():
    payload = {
        "documents": [{"pages": [{"sha256": "b" * 64, "size": 9}], "pdf": {"sha256": "b" * 64, "size": 9}}]
    }
    assert [f.sha256 for f in files_of(payload)] == ["b" * 64]


def test_the_channel_is_optional_in_received_and_checked_when_given():
    clock, d = HybridClock(), new_id()
    assert fold([_ev(clock, d, "received", code="C")]).channel == "truc_tiep"  # events before it: in person
    online = fold([_ev(clock, d, "received", code="C", channel="truc_tuyen")])
    assert online.channel == "truc_tuyen" and online.to_dict()["channel"] == "truc_tuyen"
    odd = fold([_ev(clock, d, "received", code="C", channel="fax")])
    assert odd.status is Status.NEW and "unknown channel" in odd.flags[0].reason
