"""Any arrival order of desk and agency events folds to the same state on the desk and the hub."""

from __future__ import annotations

import itertools
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.events import Event, FileRef
from app.domain.fold import fold, fold_on
from app.domain.hlc import Hlc
from app.domain.state import DossierState
from app.storage.blobs import record_blob
from app.storage.db import open_db
from app.storage.events import load_state
from app.storage.outbox import apply_remote_events
from central.core.db import Database, migrate
from central.crud import ensure_point
from central.ingest import store_events
from central.models import Dossier
from sync.protocol import WireEvent
from tests.sync.hubkit import received_payload

DESK = [
    ("received", lambda: received_payload("C-1", "P01", 1, [])),
    ("fee_collected", lambda: {"amount": 50_000}),
    ("corrected", lambda: {"applicant": {"phone": "0911111111"}}),
    ("extension_requested", lambda: {"reason": "chậm", "new_due_date": "2026-12-03"}),
    ("extension_declined", lambda: {"reason": "không đủ căn cứ", "signer": "Lê Thị Mai"}),
    ("extension_withdrawn", lambda: {"reason": "đã có kết quả"}),
    ("apology_issued", lambda: {"reason": "chậm", "new_due_date": "2026-12-02"}),
    ("documents_added", lambda: {"documents": [{"id": "doc2", "pages": []}]}),
    ("result_returned", lambda: {"returned_at": "2026-12-01T10:00:00+07:00"}),
    ("rated", lambda: {"rating": "hai_long"}),
    (
        "handed_off",
        lambda: {"direction": "to_agency", "from": "Một cửa", "to": "Công an xã", "giver": "A", "taker": "B"},
    ),
    ("result_recorded", lambda: {"at": "2026-12-01T09:00:00+07:00", "kind": "paper"}),
    ("postal_updated", lambda: {"status": "returned_to_sender", "at": "2026-12-02T09:00:00+07:00"}),
    ("stopped", lambda: {"reason": "dừng"}),
    ("cancelled", lambda: {"reason": "nhập nhầm", "approved_by": "head"}),
]
AGENCY = [
    ("accepted", lambda: {}),
    ("processing", lambda: {"note": "đang xử lý"}),
    ("supplement_requested", lambda: {"items": ["bản sao"], "reason": "thiếu"}),
    ("due_extended", lambda: {"new_due_date": "2026-12-05", "reason": "gia hạn"}),
    ("result_ready", lambda: {"files": [{"sha256": "b" * 64, "size": 10, "mime": "application/pdf"}]}),
    ("rejected", lambda: {"note": "không đủ điều kiện"}),
]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Event], list[int], list[int], list[int]]:
    """A dossier's events (desk and agency, random kinds and clocks) and two arrival orders."""
    kinds = [DESK[0], *draw(st.lists(st.sampled_from(DESK[1:] + AGENCY), min_size=1, max_size=8))]
    events = []
    for i, (kind, payload) in enumerate(kinds):
        wall = draw(st.integers(1_700_000_000_000, 1_700_000_000_050))
        events.append(
            Event(
                id=f"e{i:02d}",
                dossier_id="D1",
                type=kind,
                at=str(Hlc(wall, draw(st.integers(0, 3)))),
                actor="desk" if (kind, payload) in DESK else "agency",
                device="desk-1" if (kind, payload) in DESK else "hub",
                payload=payload(),
            )
        )
    order = list(range(len(events)))
    desk_order = draw(st.permutations(order))
    hub_order = draw(st.permutations(order))
    cuts = sorted(draw(st.lists(st.integers(1, len(events)), max_size=3)))
    return events, desk_order, hub_order, cuts


def comparable(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("flags",)} | {
        "flags": sorted((f["event_id"], f["reason"]) for f in state["flags"])
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_any_arrival_order_folds_to_the_same_state_on_desk_and_hub(case):
    events, desk_order, hub_order, cuts = case
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_db(Path(tmp) / "desk.db")
        with desk.transaction():  # the engine fetches a result file before applying its event
            record_blob(desk, FileRef("b" * 64, 10), "application/pdf")
        for i in desk_order:  # one event per sync pass, in this arrival order
            apply_remote_events(desk, [events[i]])
        state = load_state(desk, "D1")
        desk_state = state.to_dict()
        assert desk_state == {**asdict(state), "status": state.status.value}  # to_dict is asdict, faster
        desk.close()

        hub = Database(f"sqlite:///{tmp}/hub.db")
        migrate(hub.engine)
        with hub.session() as s:
            ensure_point(s, "P01")
        bounds = [0, *cuts, len(events)]
        for n, (lo, hi) in enumerate(itertools.pairwise(bounds)):  # in batches, in another order
            batch = [WireEvent.model_validate(events[i].to_dict()) for i in hub_order[lo:hi]]
            with hub.session() as s:
                # as a desk's push does (the dossiers it saw before storing), or as an agency post
                known = dict(s.execute(select(Dossier.id, Dossier.point_code)).all())
                store_events(s, "P01", batch, "desk-1", known if n % 2 == 0 else None)
        with hub.session() as s:
            dossier = s.get(Dossier, "D1")
            assert dossier is not None
            hub_state = json.loads(dossier.state_json)
        hub.engine.dispose()
    assert comparable(hub_state) == comparable(json.loads(json.dumps(desk_state, default=str)))
    assert hub_state["status"] == desk_state["status"]


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(1, 9))
def test_new_events_applied_on_a_stored_state_fold_as_a_refold_or_are_refused(case, cut):
    """The hub's incremental fold: a projection read back from its JSON, with later events applied,
    is the fold of the whole log; an event that does not sort after all the state has seen (an
    out-of-order or equal HLC) makes it refuse, and the hub refolds the log."""
    events, _, hub_order, _ = case
    arrived = [events[i] for i in hub_order]
    held, added = arrived[: min(cut, len(arrived) - 1)], arrived[min(cut, len(arrived) - 1) :]
    stored = json.loads(json.dumps(fold(held, "D1").to_dict(), ensure_ascii=False, default=str))
    state = DossierState.from_dict(stored)
    assert state is not None and json.loads(json.dumps(state.to_dict(), default=str)) == stored
    result = fold_on(state, added)
    in_order = min(e.sort_key for e in added)[0] > max(e.sort_key for e in held)[0]
    assert (result is not None) == in_order
    if result is not None:
        whole = fold(events, "D1").to_dict()
        assert json.loads(json.dumps(result.to_dict(), default=str)) == json.loads(
            json.dumps(whole, default=str)
        )


def test_a_state_of_another_fold_version_is_not_built_on():
    data = fold([], "D1").to_dict()
    assert DossierState.from_dict(data) is not None
    assert DossierState.from_dict({k: v for k, v in data.items() if k != "corrections"}) is None
    assert DossierState.from_dict({**data, "later_field": 1}) is None
