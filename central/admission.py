"""What the hub accepts from a device: checks on every event before anything is stored.

A device speaks only for its own point: its events name its own point's dossiers, carry no agency
decision and no agency actor, are stamped no further ahead than MAX_AHEAD_MS of the hub's clock,
name files by a well-formed SHA-256 and size, and hold a payload the shared fold can read. The
`device` of a stored event is the authenticated device, whatever it sent. A `received` must carry a
dossier code of the point's agency code and the device's desk range that no other dossier holds.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.events import POINT_EVENTS, Event, EventType, FileRef, files_of
from app.domain.fold import ALLOWED_FROM, apply
from app.domain.state import DossierState
from central.crud import now_ms
from central.models import Device, DossierCode, Point
from central.sql import insert_ignore
from sync.protocol import (
    MAX_FILE_BYTES,
    SHA256_PATTERN,
    STAMP_AHEAD_REASON,
    WireEvent,
    code_belongs,
    is_ahead,
)

AGENCY_ONLY = frozenset(EventType) - POINT_EVENTS
# `unverified`: what migration 0005 wrote over an actor a device was never entitled to send
RESERVED_ACTORS = re.compile(r"^(agency|hub|system|unverified)(:.*)?$", re.IGNORECASE)
SHA = re.compile(SHA256_PATTERN)


class CodeConflict(Exception):
    """A `received` whose code is not this desk's to use, or is already another dossier's (409)."""

    def __init__(self, code: str, event_id: str, message: str) -> None:
        super().__init__(message)
        self.code, self.event_id, self.message = code, event_id, message


def reason_to_refuse(
    device: Device, wire: WireEvent, owners: dict[str, str], files: list[FileRef] | None = None
) -> str | None:
    """Why this event may not be accepted from this device, or None. `files`: `files_of` its payload
    (walked here if not given)."""
    try:
        event = Event.from_dict(wire.model_dump())
    except (ValueError, KeyError) as exc:
        return f"malformed event: {type(exc).__name__}"
    if event.type in AGENCY_ONLY:
        return f"{event.type.value} is an agency event"
    if RESERVED_ACTORS.match(event.actor) or not event.actor:
        return "actor must be a clerk of the point"
    if is_ahead(event.at, now_ms()):
        return STAMP_AHEAD_REASON
    owner = owners.get(event.dossier_id)
    if owner is not None and owner != device.point_code:
        return "dossier belongs to another point"
    point = event.payload.get("point_code") if event.type is EventType.RECEIVED else None
    if event.type is EventType.RECEIVED and point != device.point_code:
        return "received for another point"
    for ref in files_of(event.payload) if files is None else files:
        if not SHA.match(ref.sha256) or not 0 <= ref.size <= MAX_FILE_BYTES:
            return "malformed file reference"
    return _unreadable(event)


def _unreadable(event: Event) -> str | None:
    """The fold flags a payload it cannot read; one that would crash it is refused here."""
    state = DossierState(id=event.dossier_id)
    state.status = min(ALLOWED_FROM[event.type], key=lambda s: s.value)
    try:
        apply(state, event)
    except Exception as exc:  # any crash of the fold is a payload we cannot keep
        return f"payload the fold cannot read ({type(exc).__name__})"
    return None


def stamped(device: Device, wire: WireEvent) -> WireEvent:
    """The event as stored: `device` is who authenticated, not what the event said."""
    return wire if wire.device == device.id else wire.model_copy(update={"device": device.id})


_AGENCY_CODES: dict[str, str] = {}  # a point's agency code never changes once set


def _agency_code(s: Session, point_code: str) -> str | None:
    code = _AGENCY_CODES.get(point_code)
    if code is None:
        code = s.scalar(select(Point.agency_code).where(Point.code == point_code))
        if code:
            _AGENCY_CODES[point_code] = code
    return code


def claim_codes(s: Session, claims: list[dict[str, str]]) -> None:
    """Claim these codes (`code_claims`) for their dossiers; CodeConflict if one is not ours to take.

    One multi-row INSERT ... ON CONFLICT DO NOTHING claims them all; a code that was not new is
    checked against its holder (the same dossier re-sent is fine). (On PostgreSQL the push's one
    statement inserts them, then `settle_claims` checks.)"""
    rows = [{k: c[k] for k in ("code", "dossier_id", "point_code")} for c in claims]
    settle_claims(s, claims, insert_ignore(s, DossierCode.__table__, rows, "code"))


def code_claims(s: Session, device: Device, events: list[WireEvent]) -> list[dict[str, str]]:
    """The `dossier_codes` rows the `received` events claim, in code order; CodeConflict if one is
    not of the point's agency code and the desk's range, or is twice in the batch."""
    received = [e for e in events if e.type == EventType.RECEIVED.value]
    if not received:
        return []
    agency_code = _agency_code(s, device.point_code)
    claims: dict[str, WireEvent] = {}
    for e in received:
        code = e.payload.get("code")
        if not isinstance(code, str) or not agency_code or not code_belongs(code, agency_code, device.desk):
            raise CodeConflict(
                "dossier_code_foreign",
                e.id,
                f"code is not of point {device.point_code}'s agency code and desk {device.desk}'s range",
            )
        if claims.setdefault(code, e).dossier_id != e.dossier_id:
            raise CodeConflict("dossier_code_taken", e.id, f"code {code} is twice in this batch")
    return [
        {"code": c, "dossier_id": e.dossier_id, "point_code": device.point_code, "event_id": e.id}
        for c, e in sorted(claims.items())
    ]


def settle_claims(s: Session, claims: list[dict[str, str]], new: set[str]) -> None:
    """CodeConflict if a claimed code that was not `new` is held by another dossier."""
    old = [c for c in claims if c["code"] not in new]
    if not old:
        return
    holders = dict(
        s.execute(
            select(DossierCode.code, DossierCode.dossier_id).where(
                DossierCode.code.in_([c["code"] for c in old])
            )
        ).all()
    )
    for claim in old:
        if holders.get(claim["code"]) != claim["dossier_id"]:
            raise CodeConflict(
                "dossier_code_taken", claim["event_id"], f"code {claim['code']} is already another dossier's"
            )
