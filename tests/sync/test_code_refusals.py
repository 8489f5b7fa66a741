"""The hub's own refusal of a dossier code (409 `dossier_code_taken` / `dossier_code_foreign`) is
believed by the desk: that event is marked rejected with the Vietnamese sentence for it, and the rest
of the outbox still goes. Before, the desk did not know these two codes, read the 409 as "not the
hub", and sent the same event again at every pass without ever saying why."""

from __future__ import annotations

from pathlib import Path

from app.storage.db import open_db
from app.storage.events import append_event
from sync.engine import SyncConfig, run_once
from sync.enroll import load_identity
from sync.errors import HubRefusedError
from sync.status import status
from tests.sync.hubkit import Hub, enroll_desk, make_dossier, next_code, outbox_empty, received_payload
from ui.messages import HUB_REFUSALS, user_message


def _received(home: Path, code: str) -> str:
    from app.domain.ids import new_id

    db = open_db(home / "desk.db")
    try:
        dossier_id = new_id()
        with db.transaction():
            append_event(db, dossier_id, "received", received_payload(code, "P01", 1, []), "clerk1")
        return dossier_id
    finally:
        db.close()


def _sync(home: Path):
    url, creds = load_identity(home)
    return run_once(SyncConfig(home=home, hub_url=url, credentials=creds), lambda d, t: None, lambda: False)


def _rejections(home: Path) -> dict[str, str]:
    db = open_db(home / "desk.db")
    try:
        rows = db.conn.execute(
            "SELECT e.dossier_id, o.rejected_reason FROM outbox o JOIN events e ON e.id = o.event_id"
            " WHERE o.rejected_reason IS NOT NULL"
        )
        return {r[0]: r[1] or "" for r in rows}
    finally:
        db.close()


def test_a_taken_or_foreign_code_is_the_hubs_refusal_and_the_rest_still_goes(sqlite_hub: Hub, tmp_path: Path):
    first, clone = tmp_path / "first", tmp_path / "clone"
    enroll_desk(sqlite_hub, first, "P01", 1)
    enroll_desk(sqlite_hub, clone, "P01", 1)  # a second machine enrolled as the same desk
    _, taken, _ = make_dossier(first, "P01", 1, pages=1, page_size=100)
    assert _sync(first).outcome == "ok" and outbox_empty(first)

    twice = _received(clone, taken)  # the clone numbers a dossier with a code the hub has given out
    foreign = _received(clone, next_code("P77", 1))  # a code of another agency's range
    good, _, _ = make_dossier(clone, "P01", 1, pages=1, page_size=100)
    for _ in range(3):
        report = _sync(clone)
    rejected = _rejections(clone)
    assert set(rejected) == {twice, foreign}, (report.outcome, report.log_message, rejected)
    assert "dossier_code_taken" in rejected[twice] and "dossier_code_foreign" in rejected[foreign]
    assert good in {d["id"] for d in sqlite_hub.dossiers("P01")}
    assert status(clone)["rejected_events"] == 2
    for code in ("dossier_code_taken", "dossier_code_foreign"):
        sentence = user_message(HubRefusedError("push: HTTP 409", 409, code))
        assert sentence == HUB_REFUSALS[code] and "Mã hồ sơ" in sentence
