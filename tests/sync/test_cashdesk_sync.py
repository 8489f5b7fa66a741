"""Biên lai numbers from three desks working offline, then synced to the real hub: unique, voids kept."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from app.services import cashdesk as cd
from app.services.cash_report import day_report, submit
from app.services.intake import receive
from app.services.receipts import void_receipt
from app.storage.db import open_db
from sync.enroll import enroll
from tests.cashdesk.helpers import NOW, cash_desk
from tests.store_helpers import request
from tests.sync.hubkit import Hub, outbox_empty
from tests.sync.test_roundtrip import sync

OFFLINE_AGENCY_CODE = "000.00.01.H26"  # the agency code tests.store_helpers.make_desk codes dossiers with


def _enroll(hub: Hub, home: Path, desk_no: int) -> None:
    """The point's first code gives the hub the agency code its desks already used offline."""
    args = ("--point", "HK", "--desk", str(desk_no), "--agency-code", OFFLINE_AGENCY_CODE)
    enroll(home, hub.url, hub.cli("enroll-code", *args).strip().splitlines()[-1])


def _hub_payloads(hub: Hub, types: tuple[str, ...]) -> list[tuple[str, dict]]:
    engine = hub.engine()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT type, payload FROM events")).all()
    engine.dispose()
    return [(str(t), json.loads(p)) for t, p in rows if t in types]


def _work_offline(home: Path, desk_no: int) -> list[int]:
    """Six dossiers paid at this desk, the second biên lai voided and paid again; the numbers used."""
    desk = cash_desk(home, desk_no)
    used = []
    for i in range(6):
        state = receive(desk, request(desk, "1.004222"))
        pay = cd.Payment("transfer", transfer_confirmed=True) if i % 2 else cd.Payment("cash")
        got = cd.collect(desk, state.id, cd.FeeRequest(), pay)
        assert got.receipt is not None
        used.append(got.receipt.number)
        if i == 1:
            void_receipt(desk, got.receipt, "Ghi nhầm người nộp")
            again = cd.collect(desk, state.id, cd.FeeRequest(), pay)
            assert again.receipt is not None
            used.append(again.receipt.number)
    report = submit(desk, NOW.date(), 60_000, "Một khoản chuyển khoản ghi nhầm là tiền mặt")
    assert report.expected_cash == 60_000 and report.difference == 0
    desk.db.close()
    return used


def test_numbers_of_three_offline_desks_are_unique_at_the_hub_and_a_void_is_never_reused(hub: Hub, tmp_path):
    homes = [tmp_path / f"d{n}" for n in (1, 2, 3)]
    used = {}
    for n, home in enumerate(homes, 1):
        home.mkdir()
        used[n] = _work_offline(home, n)  # no hub yet: the desks are offline
    for n, home in enumerate(homes, 1):
        _enroll(hub, home, n)
        report = sync(home)
        assert report.outcome == "ok", report.log_message
        assert outbox_empty(home)
    assert (
        used[1] == list(range(1, 8)) and used[2] == list(range(101, 108)) and used[3] == list(range(201, 208))
    )

    collected = _hub_payloads(hub, ("fee_collected",))
    numbers = [(p["receipt"]["form"], p["receipt"]["series"], p["receipt"]["number"]) for _, p in collected]
    assert len(numbers) == 21 and len(set(numbers)) == 21  # 3 desks x 7 biên lai, no number twice
    voided = [p["receipt"]["number"] for _, p in _hub_payloads(hub, ("receipt_voided",))]
    assert sorted(voided) == [2, 102, 202]
    # each voided number was issued exactly once and never again; its dossier was paid under a new number
    assert sorted(x[2] for x in numbers if x[2] in voided) == [2, 102, 202]
    reports = [p for _, p in _hub_payloads(hub, ("cash_reported",))]
    assert sorted(p["desk"] for p in reports) == [1, 2, 3]  # each desk's end-of-day report reached the hub
    assert all(p["totals"]["voided"] == 1 and p["totals"]["issued"] == 6 for p in reports)
    # the head reads every desk's biên lai and reports on desk 1 once it pulled the others' events
    assert sync(homes[0]).outcome == "ok"
    db = open_db(homes[0] / "desk.db")
    point_day = day_report(db, NOW.date())
    db.close()
    assert len(point_day.clerks) == 3 and point_day.total == 3 * 6 * 20_000
    assert sorted(len(c.voided) for c in point_day.clerks) == [1, 1, 1]
    assert all(c.counted_cash == 60_000 and c.difference == 0 for c in point_day.clerks)
    states = {d["code"]: d["state"] for d in hub.dossiers("HK") if d["code"]}
    assert len(states) == 18 and set(states.values()) == {"received"}


def _hub_states(hub: Hub) -> list[dict]:
    engine = hub.engine()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT state_json FROM dossiers")).all()
    engine.dispose()
    return [json.loads(r[0]) for r in rows]


def test_the_channel_and_complaints_reach_the_hub_and_the_head_of_the_other_desk(hub: Hub, tmp_path):
    from dataclasses import replace

    from app.services.cash_report import cash_view
    from app.services.clerks import get_clerk
    from app.services.complaints import Complaint, received_between, record
    from app.services.fees import FeeRequest
    from tests.store_helpers import make_desk

    homes = [tmp_path / "d1", tmp_path / "d2"]
    for home in homes:
        home.mkdir()
    one = cash_desk(homes[0], 1)
    one.db.close()
    two = cash_desk(homes[1], 2)
    online = FeeRequest(channel="truc_tuyen").to_dict()
    state, got = cd.receive_and_collect(
        two, request(two, "1.004222", channel="truc_tuyen", fee_request=online), cd.Payment("cash")
    )
    assert got is not None and state.channel == "truc_tuyen"
    record(two, Complaint("2026-11-20", "hop_thu", "Đề nghị thêm ghế chờ ở sảnh", state.code or ""))
    submit(two, NOW.date(), 10_000)
    two.db.close()
    for n, home in enumerate(homes, 1):
        _enroll(hub, home, n)
        assert sync(home).outcome == "ok"
        assert outbox_empty(home)  # the hub accepted every event, the complaint's too
    (complaint,) = [p for _, p in _hub_payloads(hub, ("complaint_recorded",))]
    assert complaint["channel"] == "hop_thu" and complaint["desk"] == 2
    folded = [s for s in _hub_states(hub) if s.get("code") == state.code]
    assert [s["channel"] for s in folded] == ["truc_tuyen"]  # the hub's fold (the shared one) keeps it
    assert sync(homes[0]).outcome == "ok"  # desk 1 pulls desk 2's events
    desk1 = make_desk(homes[0], 1)
    try:
        (pulled,) = received_between(desk1.db, NOW.date(), NOW.date())
        assert pulled.subject.startswith("Đề nghị thêm ghế") and pulled.dossier_code == state.code
        head = replace(desk1, clerk_id=get_clerk(desk1.db, "thuha").id)
        rows = cash_view(head, NOW.date())
        assert [(r.desk, r.pulled, r.clerk.total, r.clerk.counted_cash) for r in rows] == [
            (2, True, 10_000, 10_000)
        ]
        assert cash_view(desk1, NOW.date())[0].clerk.total == 0  # a clerk of desk 1: only their own day
    finally:
        desk1.db.close()
