"""Events into the hub: stored once, folded into the dossier projection, appended to the point's feed.

One function stores for desks (`push`) and the agency (`central.agency.post`). The fold is the desk's own
`app.domain.fold.fold`, so both sides compute the same state from the same events.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.orm import Session

from app.domain.events import Event, EventType, FileRef, files_of
from app.domain.fold import fold, fold_on
from app.domain.hlc import MAX_AHEAD_MS, HybridClock
from app.domain.state import DossierState
from central.admission import (
    CodeConflict,
    claim_codes,
    code_claims,
    reason_to_refuse,
    settle_claims,
    stamped,
)
from central.crud import add_feed, now_ms
from central.files import readable
from central.models import (
    Blob,
    Device,
    Dossier,
    DossierFile,
    EventRow,
    FeedItem,
    Point,
    Publication,
)
from central.sql import insert_ignore
from sync.protocol import PushResponse, Rejection, WireEvent, WireFile, is_ahead

logger = logging.getLogger(__name__)
# the hub's own clock for agency events; observes every event it stores, never pulled past the bound
CLOCK = HybridClock(max_ahead_ms=MAX_AHEAD_MS)


def push(s: Session, device: Device, events: list[WireEvent]) -> PushResponse:
    """Store a batch from a desk; a batch sent again is acknowledged without storing anything twice.

    CodeConflict (nothing stored) if a `received` carries a code that is not the desk's to use."""
    ids = {e.dossier_id for e in events}
    owners = dict(s.execute(select(Dossier.id, Dossier.point_code).where(Dossier.id.in_(ids))).all())
    rejected, good = [], []
    files: dict[str, list[FileRef]] = {}  # each event's payload walked once for its files
    for wire in events:
        named_here = files.setdefault(wire.id, files_of(wire.payload))
        reason = reason_to_refuse(device, wire, owners, named_here)
        if reason:
            logger.warning("event %s from device %s rejected: %s", wire.id, device.id, reason)
            rejected.append(Rejection(id=wire.id, reason=reason))
        else:
            good.append(stamped(device, wire))
    named = {f.sha256: f for w in good for f in files[w.id]}
    claims = code_claims(s, device, good)
    stored, have = _store(s, device.point_code, good, device.id, owners, claims, files, list(named))
    if have is None:
        have = readable(s, device.point_code, list(named))
    missing = [WireFile(sha256=sha, size=f.size) for sha, f in named.items() if sha not in have]
    return PushResponse(
        stored=[w.id for w in good if w.id in stored],
        duplicates=[w.id for w in good if w.id not in stored],
        rejected=rejected,
        missing_files=missing,
    )


def store_events(
    s: Session,
    point_code: str,
    events: Iterable[WireEvent],
    device: str,
    known: Mapping[str, str] | None = None,
    claims: list[dict[str, str]] | None = None,
) -> set[str]:
    """Insert new events once, feed them, refold the dossiers they touch. Returns the new ids.

    `claims`: the dossier codes the events' `received` claim (`admission.code_claims`), inserted
    first; CodeConflict if one is another dossier's (the caller's transaction then rolls back).

    `known`: the dossiers (id → point) that existed when the caller looked, before this transaction
    wrote anything; a dossier not among them is created from its fresh events in one statement
    (refolded from its whole log if another transaction made it meanwhile). None: all may exist.

    On PostgreSQL the codes, the events, the point's feed counter, its feed rows, the device's day
    count, the new dossiers, the files the new events name and the new dossiers' console index rows
    and day counters are written by one statement (`_store_pg`); on SQLite one each."""
    return _store(s, point_code, events, device, known, claims)[0]


def _store(
    s: Session,
    point_code: str,
    events: Iterable[WireEvent],
    device: str,
    known: Mapping[str, str] | None = None,
    claims: list[dict[str, str]] | None = None,
    files_by_event: Mapping[str, list[FileRef]] | None = None,
    named: list[str] | None = None,
) -> tuple[set[str], set[str] | None]:
    """`store_events`, and (PostgreSQL, in the same statement) those of the `named` files the point
    may read (`central.files.readable`), else None. `files_by_event`: `files_of` each event's payload
    by event id, where the caller has walked them already."""
    unique: dict[str, WireEvent] = {}
    for e in events:  # an id twice in a batch: the first is the one stored, fed and folded
        unique.setdefault(e.id, e)
    events = sorted(unique.values(), key=lambda e: (e.at, e.id))
    claims = claims or []
    if not events:
        return set(), None
    walked = files_by_event or {}
    event_files = {e.id: walked[e.id] if e.id in walked else files_of(e.payload) for e in events}
    stamp = now_ms()
    rows = [
        {
            "id": e.id,
            "dossier_id": e.dossier_id,
            "type": e.type,
            "at": e.at,
            "actor": e.actor,
            "device": e.device,
            "payload": json.dumps(e.payload, ensure_ascii=False, sort_keys=True),
            "stored_at": stamp,
        }
        for e in sorted(events, key=lambda e: e.id)  # one key order for every writer: no deadlock
    ]
    candidates = sorted({e.dossier_id for e in events if known is not None and e.dossier_id not in known})
    planned = _planned_dossiers(candidates, events, point_code, stamp)
    have: set[str] | None = None
    indexed = False
    if s.get_bind().dialect.name == "postgresql":
        new, made, have, indexed = _store_pg(
            s, point_code, device, rows, planned, claims, events, event_files, named
        )
        fresh = [e for e in events if e.id in new]
    else:
        claim_codes(s, claims)
        new, made = insert_ignore(s, EventRow.__table__, rows, "id"), set()
        fresh = [e for e in events if e.id in new]
        if fresh:
            _feed(s, point_code, device, fresh)
            with_fresh = {e.dossier_id for e in fresh}
            made = insert_ignore(s, Dossier.__table__, [r for r in planned if r["id"] in with_fresh], "id")
    if not fresh:
        return new, have
    for e in fresh:
        if not is_ahead(e.at, now_ms()):  # never adopt a stamp from the future (admission refuses them)
            CLOCK.observe(e.at)
    files = [
        {"dossier_id": e.dossier_id, "sha256": f.sha256, "size": f.size}
        for e in fresh
        for f in event_files[e.id]
    ]
    if s.get_bind().dialect.name != "postgresql":  # PostgreSQL: in the one statement
        insert_ignore(s, DossierFile.__table__, files, "sha256")
    touched = sorted({e.dossier_id for e in fresh})
    raced: list[str] = []
    refolded: list[str] = []
    if known is not None:
        raced, refolded = _settle_created(s, candidates, planned, made, events, fresh, files, indexed)
        _refuse_foreign(s, raced, point_code, fresh)
        touched = [d for d in touched if d in known] + raced + refolded
    if touched:  # those made here from all their events are done; the others from their state or log
        refold(s, touched, point_code, fresh, whole={*raced, *refolded})
    return new, have


def _planned_dossiers(
    dossier_ids: list[str], events: list[WireEvent], point_code: str, stamp: int
) -> list[dict[str, Any]]:
    """The rows of dossiers new to the caller, each folded from all of its events in this batch:
    its whole log if all of them prove fresh and no other transaction makes the dossier first."""
    if not dossier_ids:
        return []
    logs: dict[str, list[Event]] = {d: [] for d in dossier_ids}
    for e in events:
        if e.dossier_id in logs:
            logs[e.dossier_id].append(Event.from_dict(e.model_dump()))
    rows = []
    for dossier_id in dossier_ids:
        state = fold(logs[dossier_id], dossier_id)
        rows.append(
            {
                "id": dossier_id,
                "point_code": point_code,
                "code": state.code,
                "state": state.status.value,
                "flags": len(state.flags),
                "state_json": json.dumps(state.to_dict(), ensure_ascii=False, default=str),
                "updated_at": stamp,
            }
        )
    return rows


def _settle_created(
    s: Session,
    candidates: list[str],
    planned: list[dict[str, Any]],
    made: set[str],
    events: list[WireEvent],
    fresh: list[WireEvent],
    files: list[dict[str, Any]],
    indexed: bool = False,
) -> tuple[list[str], list[str]]:
    """Index the dossiers this transaction made; returns (raced, refold): those another transaction
    made first, and those made here from a batch some of whose events were not new after all (both
    are refolded from their log). `indexed`: the push's one statement has indexed them (PostgreSQL)."""
    fresh_ids = {e.id for e in fresh}
    partly_new = {e.dossier_id for e in events if e.dossier_id in made and e.id not in fresh_ids}
    with_fresh = {e.dossier_id for e in fresh}
    raced = [d for d in candidates if d in with_fresh and d not in made]
    if indexed:
        return raced, sorted(partly_new)
    secrets: dict[str, str] = {}
    for e in fresh:  # the status secret the citizen page checks: the first `received` carries it
        secret = e.payload.get("status_secret") if e.type == EventType.RECEIVED.value else None
        if e.dossier_id in made and secret and e.dossier_id not in secrets:
            secrets[e.dossier_id] = str(secret)
    from central.console.index import index_created  # here: central.console imports this module

    index_created(
        s.connection(),  # no flush: the hook sees none
        [r for r in planned if r["id"] in made],
        secrets,
        {str(f["dossier_id"]) for f in files},
    )
    return raced, sorted(partly_new)


def _feed(s: Session, point_code: str, device: str, fresh: list[WireEvent]) -> None:
    """The fresh events' feed rows, in their order, and the device's day count (SQLite)."""
    first = take_seqs(s, point_code, len(fresh), device)  # one writer per point from here to commit
    s.execute(
        insert(cast(Table, FeedItem.__table__)),
        [
            {
                "point_code": point_code,
                "seq": first + i,
                "kind": "event",
                "event_id": e.id,
                "publication_id": None,
                "device": device,
            }
            for i, e in enumerate(fresh)
        ],
    )
    if device:  # the console's sync page reads these per-device day counters, never the feed
        from central.console.index import count_pushed  # here: central.console imports this module

        count_pushed(s.connection(), Counter({device: len(fresh)}))


# The codes claimed, then the events inserted once (ON CONFLICT DO NOTHING), then, if any is new, the
# point's feed counter moved past them under its row lock (refused for a device revoked since its
# credentials were cached), their feed rows in (at, id) order, the device's day count, the new
# dossiers that have a new event, the files the new events name, and (console installed) the new
# dossiers' index rows and the point's day counters they add to; and the named files the point may
# read: one round trip. The counter's UPDATE reads the inserted events, and the feed and the
# dossiers read the counter's row, the files the dossiers' and the index the files', so the locks
# are taken in the order of the SQLite path: codes, events (each in key order; the events' insert
# waits for the codes' by its WHERE), the point, the dossiers, their files, index rows, counters.
_STORE_PG_HEAD = """
WITH cl AS (
    INSERT INTO dossier_codes (code, dossier_id, point_code)
    SELECT code, dossier_id, :point
    FROM unnest(CAST(:c_codes AS varchar[]), CAST(:c_dossiers AS varchar[])) AS c(code, dossier_id)
    ORDER BY code COLLATE "C"
    ON CONFLICT DO NOTHING
    RETURNING code
), w AS (
    SELECT * FROM json_to_recordset(CAST(:events AS json))
         AS w(id varchar, dossier_id varchar, type varchar, at varchar, actor varchar, device varchar,
              payload text, secret varchar)
), ev AS (
    INSERT INTO events (id, dossier_id, type, at, actor, device, payload, stored_at)
    SELECT id, dossier_id, type, at, actor, device, payload, :stored_at
    FROM w
    WHERE (SELECT count(*) FROM cl) >= 0
    ORDER BY id COLLATE "C"
    ON CONFLICT (id) DO NOTHING
    RETURNING id, dossier_id, at
), n AS (
    SELECT count(*) AS n FROM ev
), pt AS (
    UPDATE points SET next_seq = points.next_seq + n.n
    FROM n
    WHERE points.code = :point AND n.n > 0
      AND NOT EXISTS (SELECT 1 FROM devices WHERE devices.id = :device AND devices.revoked_at IS NOT NULL)
    RETURNING points.next_seq - n.n AS first
), fd AS (
    INSERT INTO feed (point_code, seq, kind, event_id, publication_id, device)
    SELECT :point, pt.first + row_number() OVER (ORDER BY ev.at COLLATE "C", ev.id COLLATE "C") - 1,
           'event', ev.id, NULL, :device
    FROM ev, pt
), dd AS (
    INSERT INTO console_device_day (device_id, day, events)
    SELECT :device, :day, n.n FROM n, pt WHERE :device <> ''
    ON CONFLICT (device_id, day) DO UPDATE SET events = console_device_day.events + excluded.events
), dz AS (
    INSERT INTO dossiers (id, point_code, code, state, flags, state_json, updated_at)
    SELECT d.id, :point, d.code, d.state, d.flags, d.state_json, :stored_at
    FROM json_to_recordset(CAST(:dossiers AS json))
         AS d(id varchar, code varchar, state varchar, flags integer, state_json text)
    WHERE EXISTS (SELECT 1 FROM pt) AND d.id IN (SELECT ev.dossier_id FROM ev)
    ORDER BY d.id COLLATE "C"
    ON CONFLICT (id) DO NOTHING
    RETURNING id
), df AS (
    INSERT INTO dossier_files (dossier_id, sha256, size)
    SELECT DISTINCT ON (f.dossier_id COLLATE "C", f.sha256 COLLATE "C") f.dossier_id, f.sha256, f.size
    FROM json_to_recordset(CAST(:files AS json))
         AS f(event_id varchar, dossier_id varchar, sha256 varchar, size bigint, ord integer)
    WHERE f.event_id IN (SELECT ev.id FROM ev) AND (SELECT count(*) FROM dz) >= 0
    ORDER BY f.dossier_id COLLATE "C", f.sha256 COLLATE "C", f.ord
    ON CONFLICT DO NOTHING
    RETURNING dossier_id, sha256
)"""
# the console's index rows of the new dossiers (a new dossier has none yet) and their day counters
_STORE_PG_INDEX = """, ix AS (
    INSERT INTO console_dossier_index (dossier_id, point_code, code, status, is_open, procedure_code,
                                       received_day, due_date, returned_day, on_time, rating, name_key,
                                       id_number, secret_hash, files_pending)
    SELECT i.dossier_id, :point, i.code, i.status, i.is_open, i.procedure_code, i.received_day, i.due_date,
           i.returned_day, i.on_time, i.rating, i.name_key, i.id_number,
           coalesce((SELECT w.secret FROM w JOIN ev ON ev.id = w.id
                     WHERE w.dossier_id = i.dossier_id AND w.secret <> ''
                     ORDER BY w.at COLLATE "C", w.id COLLATE "C" LIMIT 1), ''),
           (SELECT count(*) FROM df LEFT JOIN blobs ON blobs.sha256 = df.sha256
            WHERE df.dossier_id = i.dossier_id AND blobs.sha256 IS NULL)
    FROM json_to_recordset(CAST(:index AS json))
         AS i(dossier_id varchar, code varchar, status varchar, is_open boolean, procedure_code varchar,
              received_day varchar, due_date varchar, returned_day varchar, on_time boolean, rating varchar,
              name_key varchar, id_number varchar)
    WHERE i.dossier_id IN (SELECT dz.id FROM dz)
    ORDER BY i.dossier_id COLLATE "C"
    RETURNING dossier_id
), pd AS (
    INSERT INTO console_point_day (point_code, day, received, returned, returned_on_time, rated, satisfied)
    SELECT :point, k.day, sum(k.received), sum(k.returned), sum(k.returned_on_time), sum(k.rated),
           sum(k.satisfied)
    FROM json_to_recordset(CAST(:cells AS json))
         AS k(dossier_id varchar, day varchar, received integer, returned integer, returned_on_time integer,
              rated integer, satisfied integer)
    WHERE k.dossier_id IN (SELECT ix.dossier_id FROM ix)
    GROUP BY k.day
    ORDER BY k.day COLLATE "C"
    ON CONFLICT (point_code, day) DO UPDATE SET
        received = console_point_day.received + excluded.received,
        returned = console_point_day.returned + excluded.returned,
        returned_on_time = console_point_day.returned_on_time + excluded.returned_on_time,
        rated = console_point_day.rated + excluded.rated,
        satisfied = console_point_day.satisfied + excluded.satisfied
)"""
_STORE_PG_TAIL = """
SELECT 'event' AS kind, ev.id AS value FROM ev
UNION ALL SELECT 'dossier', dz.id FROM dz
UNION ALL SELECT 'first', CAST(pt.first AS varchar) FROM pt
UNION ALL SELECT 'code', cl.code FROM cl
UNION ALL SELECT 'have', blob_grants.sha256 FROM blob_grants JOIN blobs ON blobs.sha256 = blob_grants.sha256
    WHERE blob_grants.point_code = :point AND blob_grants.sha256 = ANY(CAST(:named AS varchar[]))
"""
_STORE_PG = {
    False: text(_STORE_PG_HEAD + _STORE_PG_TAIL),
    True: text(_STORE_PG_HEAD + _STORE_PG_INDEX + _STORE_PG_TAIL),
}


def _store_pg(
    s: Session,
    point_code: str,
    device: str,
    rows: list[dict[str, Any]],
    planned: list[dict[str, Any]],
    claims: list[dict[str, str]],
    events: list[WireEvent],
    files: Mapping[str, list[FileRef]],
    named: list[str] | None,
) -> tuple[set[str], set[str], set[str] | None, bool]:
    """`_STORE_PG`: returns the new event ids, the dossiers made, the `named` files the point may read
    (None if not asked) and whether the made dossiers were indexed. CodeConflict or DeviceRevoked
    (the caller's transaction then rolls back) if a code is another dossier's, or if events were new
    but the point's counter refused the device."""
    from central.console import index  # here: central.console imports this module

    stamp = rows[0]["stored_at"]
    with_index = index.installed() and bool(planned)
    # the rows as JSON documents (json_to_recordset): one C-speed dump, where text arrays would have
    # psycopg quote every payload and state, element by element, in Python
    secrets = {e.id: _secret_hash(e) for e in events}
    ordered = enumerate((e, f) for e in events for f in files[e.id])  # (at, id): the first size kept
    params: dict[str, Any] = {
        "stored_at": stamp,
        "point": point_code,
        "device": device,
        "day": index.today(),
        "events": _json([{**{c: r[c] for c in _EVENT_COLUMNS}, "secret": secrets[r["id"]]} for r in rows]),
        "dossiers": _json([{c: r[c] for c in _DOSSIER_COLUMNS} for r in planned]),
        "files": _json(
            [
                {"event_id": e.id, "dossier_id": e.dossier_id, "sha256": f.sha256, "size": f.size, "ord": i}
                for i, (e, f) in ordered
            ]
        ),
        "c_codes": [c["code"] for c in claims],
        "c_dossiers": [c["dossier_id"] for c in claims],
        "named": named or [],
    }
    if with_index:
        params.update(_index_rows(point_code, planned))
    got = s.execute(_STORE_PG[with_index], params).all()
    settle_claims(s, claims, {str(v) for k, v in got if k == "code"})
    new = {str(v) for k, v in got if k == "event"}
    if new and not any(k == "first" for k, _ in got):
        raise DeviceRevoked(device)
    have = {str(v) for k, v in got if k == "have"} if named is not None else None
    return new, {str(v) for k, v in got if k == "dossier"}, have, with_index


def _secret_hash(e: WireEvent) -> str:
    """The console's hash of the status secret a `received` carries, else ''."""
    from central.console.index import hash_secret  # here: central.console imports this module

    secret = e.payload.get("status_secret") if e.type == EventType.RECEIVED.value else None
    return hash_secret(str(secret)) if secret else ""


def _json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False)


def _index_rows(point_code: str, planned: list[dict[str, Any]]) -> dict[str, str]:
    """The console's index rows (without secret and files, which the statement adds) and day counter
    cells of the planned dossiers, as the statement's JSON documents."""
    from central.console.index import contribution, row_for  # here: central.console imports this module

    index_rows, cells = [], []
    for r in planned:
        row = row_for(str(r["id"]), point_code, json.loads(str(r["state_json"])), "")
        index_rows.append({c: row[c] for c in _INDEX_COLUMNS})
        days: dict[str, dict[str, Any]] = {}
        for (_point, day, name), n in contribution(row).items():
            days.setdefault(day, {"dossier_id": row["dossier_id"], "day": day, **dict.fromkeys(_COUNTS, 0)})
            days[day][name] += n
        cells += [days[d] for d in sorted(days)]
    return {"index": _json(index_rows), "cells": _json(cells)}


_EVENT_COLUMNS = ("id", "dossier_id", "type", "at", "actor", "device", "payload")
_DOSSIER_COLUMNS = ("id", "code", "state", "flags", "state_json")
_INDEX_COLUMNS = (
    "dossier_id",
    "code",
    "status",
    "is_open",
    "procedure_code",
    "received_day",
    "due_date",
    "returned_day",
    "on_time",
    "rating",
    "name_key",
    "id_number",
)
_COUNTS = ("received", "returned", "returned_on_time", "rated", "satisfied")


class DeviceRevoked(Exception):
    """The device was revoked after its credentials were checked (and cached): nothing is stored."""


def take_seqs(s: Session, point_code: str, n: int, device: str) -> int:
    """The first of `n` feed positions of the point, in one round trip that takes the point's row
    lock until commit (SQLite: the write lock BEGIN IMMEDIATE took), so positions are handed out in
    commit order: a reader can never see position k+1 while k is still uncommitted.

    The same statement refuses a device revoked since its credentials were cached (DeviceRevoked)."""
    revoked = select(Device.id).where(Device.id == device, Device.revoked_at.is_not(None)).exists()
    taken = s.execute(
        update(Point)
        .where(Point.code == point_code, ~revoked)
        .values(next_seq=Point.next_seq + n)
        .returning(Point.next_seq)
    ).scalar_one_or_none()
    if taken is None:
        raise DeviceRevoked(device)
    return int(taken) - n


def _refuse_foreign(s: Session, dossier_ids: list[str], point_code: str, fresh: list[WireEvent]) -> None:
    """A dossier another transaction created after admission looked must still be this point's."""
    if not dossier_ids:
        return
    owners = dict(s.execute(select(Dossier.id, Dossier.point_code).where(Dossier.id.in_(dossier_ids))))
    for e in fresh:
        if owners.get(e.dossier_id, point_code) != point_code:
            raise CodeConflict("dossier_foreign", e.id, "dossier belongs to another point")


def refold(
    s: Session,
    dossier_ids: list[str],
    point_code: str,
    fresh: list[WireEvent] | None = None,
    whole: Collection[str] = (),
) -> None:
    """Bring these dossiers' projections up to date with the shared fold.

    `fresh`: every event this transaction stored for them. The row of a dossier not in `whole` holds
    the fold of all its other events (whoever stores an event updates its row under the row's lock,
    taken here too), so its fresh events are applied on that state when `fold_on` proves the result
    the same as a refold (they all sort after what it has seen); any other dossier is refolded from
    its whole log, read back (this transaction's events included). Without `fresh`: all are."""
    locked = select(Dossier).where(Dossier.id.in_(dossier_ids)).with_for_update()
    # as locked, never as this session read them before (PostgreSQL: a push may have committed since)
    existing = {d.id: d for d in s.scalars(locked.execution_options(populate_existing=True))}
    added: dict[str, list[Event]] = {d: [] for d in dossier_ids}
    for e in fresh or []:
        if e.dossier_id in added:
            added[e.dossier_id].append(Event.from_dict(e.model_dump()))
    states: dict[str, DossierState] = {}
    for dossier_id, row in existing.items():
        if fresh is None or dossier_id in whole:
            continue
        held = DossierState.from_dict(json.loads(row.state_json))
        state = fold_on(held, added[dossier_id]) if held is not None and held.id == dossier_id else None
        if state is not None:
            states[dossier_id] = state
    logs: dict[str, list[Event]] = {d: [] for d in dossier_ids if d not in states}
    if logs:
        for stored in s.scalars(select(EventRow).where(EventRow.dossier_id.in_(list(logs)))):
            logs[stored.dossier_id].append(_to_event(stored))
    for dossier_id in dossier_ids:
        state = states.get(dossier_id) or fold(logs[dossier_id], dossier_id)
        dossier = existing.get(dossier_id)
        if dossier is None:
            dossier = Dossier(id=dossier_id, point_code=point_code)
            s.add(dossier)
        dossier.code, dossier.state, dossier.flags = state.code, state.status.value, len(state.flags)
        dossier.state_json = json.dumps(state.to_dict(), ensure_ascii=False, default=str)
        dossier.updated_at = now_ms()


def _to_event(row: EventRow) -> Event:
    return Event(
        id=row.id,
        dossier_id=row.dossier_id,
        type=EventType(row.type),
        at=row.at,
        actor=row.actor,
        device=row.device,
        payload=json.loads(row.payload),
    )


def publish(s: Session, kind: str, body: dict[str, Any]) -> int:
    """A catalog or calendar for every point: one feed item in each point's feed."""
    pub = Publication(kind=kind, body=json.dumps(body, ensure_ascii=False), published_at=now_ms())
    s.add(pub)
    s.flush()
    for code in s.scalars(select(Point.code).order_by(Point.code)).all():
        add_feed(s, code, kind, publication_id=pub.id)
    logger.info("%s publication %d fed to every point", kind, pub.id)
    return pub.id


def insert_blob(s: Session, sha256: str, size: int) -> None:
    insert_ignore(s, Blob.__table__, [{"sha256": sha256, "size": size, "stored_at": now_ms()}], "sha256")
