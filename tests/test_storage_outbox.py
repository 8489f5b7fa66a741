import pytest

from app.domain.events import Event, EventType
from app.domain.hlc import Hlc
from app.domain.ids import new_id
from app.storage import BlobStore, open_db, record_blob
from app.storage import outbox as ob
from app.storage.cipher import IntegrityErrors
from app.storage.events import append_event, load_state, refresh_projection


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "desk.db")
    yield database
    database.close()


def _receive(db, dossier_id, **extra):
    with db.transaction():
        event = append_event(
            db, dossier_id, "received", {"code": new_id(), "due_date": "2026-12-01", **extra}, "c1"
        )
        refresh_projection(db, dossier_id)
    return event


def test_database_is_wal_with_foreign_keys_and_full_sync(db):
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_event_and_outbox_row_commit_together_or_not_at_all(db):
    with pytest.raises(RuntimeError), db.transaction():
        append_event(db, "d1", "received", {"code": "X", "due_date": "2026-12-01"}, "c1")
        raise RuntimeError("crash before commit")
    assert db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    event = _receive(db, "d1")
    assert [e.id for e in ob.pending_events(db, 10)] == [event.id]


def test_outbox_row_cannot_name_a_missing_event(db):
    with pytest.raises(IntegrityErrors):
        db.conn.execute("INSERT INTO outbox (event_id, created_at) VALUES ('nope', 'x')")


def test_sent_and_rejected_events_leave_the_pending_list(db):
    a, b, c = (_receive(db, new_id()) for _ in range(3))
    ob.record_error(db, [a.id, b.id], "timeout")
    assert db.conn.execute(
        "SELECT attempts, last_error FROM outbox WHERE event_id=?", (a.id,)
    ).fetchone() == (
        1,
        "timeout",
    )
    assert ob.mark_sent(db, [a.id]) == 1
    assert ob.mark_sent(db, [a.id]) == 0  # a second acknowledgement changes nothing
    ob.mark_rejected(db, b.id, "wrong point")
    assert [e.id for e in ob.pending_events(db, 10)] == [c.id]
    stats = ob.outbox_stats(db)
    assert (stats.pending, stats.sent, stats.rejected) == (1, 1, 1)


def test_pending_files_are_those_of_local_events_until_uploaded(db, tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    ref = blobs.put_bytes(b"page one")
    with db.transaction():
        record_blob(db, ref, "image/png")
        _receive(db, "d1", documents=[{"pages": [{"sha256": ref.sha256, "size": ref.size}]}])
    assert ob.pending_files(db) == [ref]
    ob.mark_file_uploaded(db, ref.sha256)
    assert ob.pending_files(db) == []


def test_remote_events_apply_once_and_refresh_the_projection(db):
    local = _receive(db, "d1")
    remote = Event(
        new_id(), "d1", EventType.ACCEPTED, str(Hlc(Hlc.parse(local.at).wall_ms + 5, 0)), "hub", "hub", {}
    )
    assert ob.apply_remote_events(db, [remote.to_dict(), remote]) == 1
    assert ob.apply_remote_events(db, [remote]) == 0
    assert load_state(db, "d1").status.value == "accepted"
    row = db.conn.execute("SELECT status, event_count FROM dossiers WHERE id='d1'").fetchone()
    assert row == ("accepted", 2)
    assert [e.id for e in ob.pending_events(db, 10)] == [local.id]  # remote events are never sent back


def test_clock_survives_restart_and_follows_remote_clock(tmp_path):
    path = tmp_path / "desk.db"
    with open_db(path) as db:
        first = _receive(db, "d1")
        far = Hlc(Hlc.parse(first.at).wall_ms + 240_000, 4)  # within the bound (hlc.MAX_AHEAD_MS)
        ob.apply_remote_events(db, [Event(new_id(), "d2", EventType.ACCEPTED, str(far), "hub", "hub", {})])
    with open_db(path) as db:
        later = _receive(db, "d3")
    assert Hlc.parse(later.at) > far


def test_far_future_remote_stamp_is_not_adopted(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        first = _receive(db, "d1")
        for far in (Hlc(Hlc.parse(first.at).wall_ms + 3_600_000, 4), Hlc(253402300799999, 0)):
            ob.apply_remote_events(
                db, [Event(new_id(), "d1", EventType.ACCEPTED, str(far), "hub", "hub", {})]
            )
        later = _receive(db, "d3")
    assert Hlc.parse(later.at).wall_ms < Hlc.parse(first.at).wall_ms + 6 * 60_000


def test_sync_values_round_trip(db):
    assert ob.get_sync_value(db, "cursor") is None
    ob.set_sync_value(db, "cursor", "42")
    ob.set_sync_value(db, "cursor", "43")
    assert ob.get_sync_value(db, "cursor") == "43"


def test_not_yet_synced_list_follows_the_acknowledgements(db):
    from app.services.queries import list_dossiers

    a, b = _receive(db, "d1"), _receive(db, "d2")
    assert list_dossiers(db, "unsynced").total == 2
    ob.mark_sent(db, [a.id])
    ob.mark_rejected(db, b.id, "bad")
    assert list_dossiers(db, "unsynced").total == 0
