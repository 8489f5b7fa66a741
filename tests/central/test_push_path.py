"""The hub's push path on SQLite and PostgreSQL: a push costs the same few statements whatever the
number of new dossiers in it, and what it writes (events, feed, dossiers, the console's index and
counters) is what storing and indexing them one by one gives."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, delete, event, select

from app.domain.events import Event
from app.domain.fold import fold
from app.domain.hlc import Hlc, HybridClock
from app.domain.ids import new_id
from central import ingest
from central.admission import CodeConflict
from central.console import index
from central.console.models import DeviceDay, DossierIndex, PointDay
from central.core.db import Database, migrate
from central.crud import create_enroll_code, redeem_enroll_code
from central.models import Device, Dossier, DossierCode, EventRow, FeedItem
from sync.protocol import WireEvent
from tests.sync.hubkit import Hub, Postgres, agency_code_for, next_code, received_payload

CLOCK = HybridClock()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        pg: Postgres = request.getfixturevalue("postgres")
        url = pg.new_database()
    else:
        url = f"sqlite:///{tmp_path / 'hub.db'}"
    database = Database(url)
    migrate(database.engine)
    index.install()  # as `central serve` runs: the console keeps its index in the same transaction
    yield database
    database.engine.dispose()


def enroll(db: Database, point: str, desk: int) -> Device:
    with db.session() as s:
        code = create_enroll_code(s, point, desk, 1, agency_code_for(point))
    with db.session() as s:
        redeemed = redeem_enroll_code(s, code, "test")
    assert redeemed is not None
    return redeemed[0]


def received(device: Device, with_file: bool = False) -> WireEvent:
    pages = [{"sha256": hashlib.sha256(new_id().encode()).hexdigest(), "size": 7}] if with_file else []
    payload = received_payload(
        next_code(device.point_code, device.desk), device.point_code, device.desk, pages
    )
    payload["status_secret"] = "ABCD2345"
    return wire(device, new_id(), "received", payload)


def wire(device: Device, dossier_id: str, type_: str, payload: dict[str, Any]) -> WireEvent:
    return WireEvent(
        id=new_id(),
        dossier_id=dossier_id,
        type=type_,
        at=str(CLOCK.tick()),
        actor="clerk",
        device=device.id,
        payload=payload,
    )


def push(db: Database, device: Device, events: list[WireEvent]) -> tuple[int, ingest.PushResponse]:
    """The push as the route runs it; returns the statements it sent and its answer."""
    sent = [0]

    def count(*_args: Any) -> None:
        sent[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.session() as s:
            answer = ingest.push(s, device, events)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sent[0], answer


def console_tables(engine: Engine) -> tuple[list[dict[str, Any]], ...]:
    with engine.connect() as conn:
        return tuple(
            [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
            for t in (DossierIndex.__table__, PointDay.__table__, DeviceDay.__table__)
        )


def test_statements_per_push_do_not_grow_with_the_new_dossiers_in_it(db: Database):
    device = enroll(db, "P01", 1)
    push(db, device, [received(device)])  # the point's first: its day counter rows are made
    one, _ = push(db, device, [received(device, with_file=True)])
    ten, answer = push(db, device, [received(device, with_file=i % 2 == 0) for i in range(10)])
    assert len(answer.stored) == 10 and len(answer.missing_files) == 5
    assert ten == one  # one statement per step, never one per dossier (was 6 more for each)
    again, answer = push(db, device, [received(device) for _ in range(10)])
    if db.engine.dialect.name == "postgresql":
        # the dossiers' owners, then one statement: codes, events, feed, counters, dossiers, their
        # files, the console's index and day counters, and which named files the point may read
        assert ten == again == 2
    else:
        assert ten <= 13  # its BEGIN too
        assert again < ten  # no file named: nothing to look up


def test_a_push_writes_what_storing_and_indexing_one_by_one_gives(db: Database):
    a, b = enroll(db, "P01", 1), enroll(db, "P01", 2)
    first = [received(a, with_file=i % 3 == 0) for i in range(6)]
    assert len(push(db, a, first)[1].stored) == 6
    # a re-sent batch, a new dossier, and events on dossiers the hub has: in one push
    later = [wire(a, first[0].dossier_id, "fee_collected", {"amount": 20_000}), received(a)]
    later = [later[0].model_copy(update={"at": later[1].at}), later[1].model_copy(update={"at": later[0].at})]
    assert sorted(later, key=lambda e: e.id) != sorted(later, key=lambda e: (e.at, e.id))  # fed by `at`
    assert len(push(db, a, [*first[:3], *later])[1].stored) == 2
    assert len(push(db, a, first)[1].duplicates) == 6
    other = [received(b), wire(b, first[1].dossier_id, "corrected", {"applicant": {"phone": "0911111111"}})]
    assert len(push(db, b, other)[1].stored) == 2
    stored = [*first, *later, *other]

    with db.session() as s:
        events = {r.id: r for r in s.scalars(select(EventRow))}
        feed = list(s.scalars(select(FeedItem).where(FeedItem.point_code == "P01").order_by(FeedItem.seq)))
        dossiers = {d.id: d for d in s.scalars(select(Dossier))}
    assert sorted(events) == sorted(e.id for e in stored)  # each once
    fed = [f.event_id for f in feed if f.kind == "event"]
    assert sorted(fed) == sorted(events) and len(set(fed)) == len(fed)
    seqs = [f.seq for f in feed]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no double
    for batch in (first, later, other):  # each push's new events fed in (at, id) order
        ids = {e.id for e in batch}
        assert [i for i in fed if i in ids] == [e.id for e in sorted(batch, key=lambda e: (e.at, e.id))]
    for dossier_id, dossier in dossiers.items():  # each projection is the fold of its whole log
        log = [Event.from_dict(e.model_dump()) for e in stored if e.dossier_id == dossier_id]
        state = fold(log, dossier_id)
        assert json.loads(dossier.state_json) == json.loads(json.dumps(state.to_dict(), default=str))
        assert (dossier.code, dossier.state, dossier.point_code) == (state.code, state.status.value, "P01")

    written = console_tables(db.engine)
    assert len(written[0]) == len(dossiers) and {r["secret_hash"] for r in written[0]} == {
        index.hash_secret("ABCD2345")
    }
    assert {r["device_id"]: r["events"] for r in written[2]} == {a.id: 8, b.id: 2}  # new ones, once each
    with db.engine.begin() as conn:  # the index as one reindex per dossier builds it
        conn.execute(delete(DossierIndex.__table__))
        conn.execute(delete(PointDay.__table__))
        index.backfill(conn)
    assert console_tables(db.engine) == written


def test_dossiers_made_whole_in_one_store_are_indexed_and_counted_as_one_by_one(db: Database):
    """New dossiers whose whole life is in one batch (returned, rated, received on several days, a
    file already at the hub and one not, a file named twice, no secret): their index rows and the
    point's day counters are those one reindex per dossier gives."""
    device = enroll(db, "P01", 1)
    held_sha = hashlib.sha256(b"held").hexdigest()
    with db.session() as s:
        ingest.insert_blob(s, held_sha, 4)
    batch = []
    for i, day in enumerate(["2026-11-20", "2026-11-21", "2026-11-21"]):
        opened = received(device, with_file=i == 0)
        pages = [{"sha256": held_sha, "size": 4}] if i == 1 else opened.payload["documents"][0]["pages"]
        payload = {**opened.payload, "received_at": f"{day}T09:00:00+07:00"}
        payload["documents"] = [{**payload["documents"][0], "pages": pages}]
        if i == 2:
            del payload["status_secret"]
        d = opened.dossier_id
        batch += [
            opened.model_copy(update={"payload": payload}),
            wire(device, d, "documents_added", {"documents": payload["documents"]}),
            wire(device, d, "result_ready", {"files": []}),
            wire(device, d, "result_returned", {"returned_at": f"{day}T10:00:00+07:00"}),
            wire(device, d, "rated", {"rating": ["hai_long", "khong_hai_long", "rat_hai_long"][i]}),
        ]
    with db.session() as s:
        assert len(ingest.store_events(s, "P01", batch, device.id, known={})) == len(batch)
    written = console_tables(db.engine)
    assert len(written[0]) == 3 and sum(r["returned"] for r in written[1]) == 3
    assert sorted(r["files_pending"] for r in written[0]) == [0, 0, 1]
    assert sorted(r["secret_hash"] for r in written[0]) == ["", *[index.hash_secret("ABCD2345")] * 2]
    with db.engine.begin() as conn:  # the index as one reindex per dossier builds it
        conn.execute(delete(DossierIndex.__table__))
        conn.execute(delete(PointDay.__table__))
        index.backfill(conn)
    assert console_tables(db.engine) == written


def test_a_payload_is_stored_as_the_exact_text_sent_whatever_it_holds(db: Database):
    """The push's rows travel as one JSON document on PostgreSQL: quotes, backslashes, control
    characters, escapes and characters outside the BMP come out of it as the same text."""
    device = enroll(db, "P01", 1)
    opened = received(device)
    tricky = 'Nguyễn "Văn" \\ A\n\t\u0041   😀 </script> \x01'
    payload = {**opened.payload, "note": tricky, "nested": {"q": ['"', "\\", "\n", "é"]}}
    payload["applicant"] = {**payload["applicant"], "full_name": tricky}
    opened = opened.model_copy(update={"payload": payload})
    assert push(db, device, [opened])[1].stored == [opened.id]
    with db.session() as s:
        row = s.get(EventRow, opened.id)
        assert row is not None
        assert row.payload == json.dumps(payload, ensure_ascii=False, sort_keys=True)
        indexed = s.get(DossierIndex, opened.dossier_id)
        assert indexed is not None and indexed.name_key == index.fold_key(tricky)


def test_a_later_event_is_applied_on_the_stored_state_and_an_earlier_one_refolds_the_log(db: Database):
    device = enroll(db, "P01", 1)
    opened = received(device)
    push(db, device, [opened])
    fee = wire(device, opened.dossier_id, "fee_collected", {"amount": 20_000})
    early = wire(device, opened.dossier_id, "corrected", {"applicant": {"phone": "0911111111"}})
    first = Hlc.parse(opened.at)  # between the dossier's received and its fee, or tied with the fee
    early = early.model_copy(update={"at": str(Hlc(first.wall_ms, first.counter + 1))})
    reads: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "FROM events" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        assert len(push(db, device, [fee])[1].stored) == 1
        assert reads == []  # applied on the dossier's row: its log is not read back
        assert early.at <= fee.at  # stamped before the newest event the hub holds: refolded
        assert len(push(db, device, [early])[1].stored) == 1
        assert len(reads) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    with db.session() as s:
        dossier = s.get(Dossier, opened.dossier_id)
        assert dossier is not None
        held = json.loads(dossier.state_json)
    whole = fold([Event.from_dict(e.model_dump()) for e in (opened, fee, early)], opened.dossier_id)
    assert held == json.loads(json.dumps(whole.to_dict(), default=str))
    assert held["fees_collected"] == 20_000 and held["applicant"]["phone"] == "0911111111"


def test_an_event_id_twice_in_a_batch_is_stored_fed_and_folded_once(db: Database):
    device = enroll(db, "P01", 1)
    opened = received(device)
    fee = wire(device, opened.dossier_id, "fee_collected", {"amount": 20_000})
    forged = fee.model_copy(update={"payload": {"amount": 90_000}})  # same id, other content
    assert len(push(db, device, [opened, fee, forged])[1].stored) >= 2
    with db.session() as s:
        stored = {r.id: json.loads(r.payload) for r in s.scalars(select(EventRow))}
        fed = [f.event_id for f in s.scalars(select(FeedItem).where(FeedItem.kind == "event"))]
        counted = s.scalars(select(DeviceDay.events).where(DeviceDay.device_id == device.id)).one()
        dossier = s.get(Dossier, opened.dossier_id)
        assert dossier is not None
        held = json.loads(dossier.state_json)
    assert sorted(fed) == sorted(stored) == sorted([opened.id, fee.id]) and counted == 2
    assert held["fees_collected"] == stored[fee.id]["amount"]  # the fold is of the event stored


def test_an_agency_post_on_a_dossier_read_before_a_desks_commit_keeps_the_desks_event(
    postgres: Postgres,
):
    """The incremental fold builds on the dossier's row as locked, never on a copy the transaction
    read before (READ COMMITTED: another push may commit in between)."""
    database = Database(postgres.new_database())
    migrate(database.engine)
    try:
        device = enroll(database, "P01", 1)
        opened = received(device)
        push(database, device, [opened])
        with database.session() as s:
            seen = s.get(Dossier, opened.dossier_id)  # as the agency's post finds its dossier
            assert seen is not None and json.loads(seen.state_json)["fees_collected"] == 0
            fee = wire(device, opened.dossier_id, "fee_collected", {"amount": 20_000})
            assert len(push(database, device, [fee])[1].stored) == 1  # commits meanwhile
            note = wire(device, opened.dossier_id, "accepted", {}).model_copy(
                update={"actor": "agency", "device": "hub"}
            )
            ingest.store_events(s, "P01", [note], "hub")
        with database.session() as s:
            dossier = s.get(Dossier, opened.dossier_id)
            assert dossier is not None
            held = json.loads(dossier.state_json)
        log = [Event.from_dict(e.model_dump()) for e in (opened, fee, note)]
        assert held == json.loads(json.dumps(fold(log, opened.dossier_id).to_dict(), default=str))
        assert held["fees_collected"] == 20_000 and held["status"] == "accepted"
    finally:
        database.engine.dispose()


def test_a_code_another_dossier_holds_stores_nothing_of_the_push(db: Database):
    device = enroll(db, "P01", 1)
    held = received(device)
    push(db, device, [held])
    squat = received(device).model_copy(update={"payload": {**held.payload, "status_secret": "X"}})
    bystander = received(device)
    with pytest.raises(CodeConflict) as refused:
        push(db, device, [bystander, squat])
    assert refused.value.code == "dossier_code_taken" and refused.value.event_id == squat.id
    again = push(db, device, [held])[1]  # the holder re-sending its own code is fine
    assert again.duplicates == [held.id]
    with db.session() as s:
        assert sorted(s.scalars(select(EventRow.id))) == [held.id]
        assert list(s.scalars(select(Dossier.id))) == [held.dossier_id]
        assert s.scalars(select(DossierCode.dossier_id)).all() == [held.dossier_id]


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_restarted_postgresql_fails_no_push_of_a_hub_that_held_connections(tmp_path: Path, mode: str):
    """The pool checks a connection as it is checked out without a round trip: the server closed
    it, so the socket is readable; it is dropped and a new one made, and the push succeeds."""
    pg = Postgres()
    hub = Hub(data=tmp_path / "hub", db_url=pg.new_database())
    hub.data.mkdir()
    try:
        hub.start()
        device = Device(id="", point_code="P01", desk=1)
        enrolled = requests.post(
            f"{hub.url}/api/v1/enroll", json={"code": hub.enroll_code("P01", 1)}, timeout=10
        ).json()
        device.id = enrolled["device_id"]
        auth = (enrolled["device_id"], enrolled["secret"])

        def send() -> int:
            body = {"events": [json.loads(received(device).model_dump_json())]}
            return requests.post(f"{hub.url}/api/v1/events", json=body, auth=auth, timeout=30).status_code

        with ThreadPoolExecutor(6) as pool:  # several connections in the hub's pool
            assert list(pool.map(lambda _: send(), range(24))) == [200] * 24
        pg.restart(mode)
        assert [send() for _ in range(12)] == [200] * 12  # each one checks out a closed connection first
        assert len(hub.events()) == 36
    finally:
        hub.stop()
        pg.stop()
