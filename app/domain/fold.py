"""`fold(events) -> DossierState`: the one function that turns a dossier's log into its state.

The same code runs on the desk and on the hub. It sorts by `(at, id)` and ignores duplicate ids,
so every arrival order folds to the same state. An event the state machine does not allow is kept
and flagged, never dropped and never allowed to corrupt the state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from app.domain.events import Event, EventType
from app.domain.state import TERMINAL, DossierState, Flag, Status
from app.domain.vocabulary import CHANNEL_VI
from app.domain.vocabulary import RATING_LABELS_VI as RATING_LABELS_VI
from app.domain.vocabulary import RATINGS as RATINGS

S = Status
_BEFORE_RESULT = frozenset({S.RECEIVED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.PROCESSING})
_HAS_RESULT = frozenset({S.RESULT_READY, S.REJECTED})

# Which statuses each status-changing event may start from.
ALLOWED_FROM: dict[EventType, frozenset[Status]] = {
    EventType.RECEIVED: frozenset({S.NEW}),
    EventType.SUPPLEMENT_REQUESTED: frozenset({S.RECEIVED, S.ACCEPTED, S.PROCESSING}),
    EventType.REFUSED: frozenset({S.RECEIVED, S.SUPPLEMENT_REQUESTED}),
    EventType.ACCEPTED: frozenset({S.RECEIVED}),
    EventType.PROCESSING: frozenset({S.RECEIVED, S.ACCEPTED}),
    EventType.RESULT_READY: _BEFORE_RESULT,
    EventType.REJECTED: _BEFORE_RESULT,
    # hand-back only with a result: from the agency, or recorded at the point (`result_recorded`)
    EventType.RESULT_RETURNED: _HAS_RESULT,
    EventType.RESULT_RECORDED: _BEFORE_RESULT,
    EventType.CANCELLED: _BEFORE_RESULT,
    EventType.STOPPED: _BEFORE_RESULT,
    EventType.HANDED_OFF: _BEFORE_RESULT | _HAS_RESULT,
    # a postal return was sent (returned by post); it is delivered, or comes back to the point
    EventType.POSTAL_UPDATED: frozenset({S.RETURNED}),
    EventType.CORRECTED: _BEFORE_RESULT | {S.RESULT_READY, S.REJECTED},
    EventType.DOCUMENTS_ADDED: _BEFORE_RESULT,
    EventType.APOLOGY_ISSUED: _BEFORE_RESULT | {S.RESULT_READY},
    EventType.EXTENSION_REQUESTED: _BEFORE_RESULT | {S.RESULT_READY},
    EventType.EXTENSION_DECLINED: _BEFORE_RESULT | {S.RESULT_READY},
    EventType.EXTENSION_WITHDRAWN: _BEFORE_RESULT | {S.RESULT_READY},
    EventType.DUE_EXTENDED: _BEFORE_RESULT | {S.RESULT_READY},
    EventType.FEE_COLLECTED: frozenset(Status) - {S.NEW},
    EventType.RATED: frozenset({S.RETURNED, S.REFUSED}),
    # cash-desk facts: any state; NEW too, for the desk's ledger stream that no `received` opens
    EventType.RECEIPT_VOIDED: frozenset(Status),
    EventType.CASH_REPORTED: frozenset(Status),
    EventType.COMPLAINT_RECORDED: frozenset(Status),  # the point's, on the ledger stream like the above
}
# a status-changing event must not start from a terminal status (the cancellation is final)
assert not ALLOWED_FROM[EventType.CANCELLED] & TERMINAL


def fold(events: Iterable[Event], dossier_id: str | None = None) -> DossierState:
    """The state of one dossier from its events, in any order, duplicates allowed."""
    unique = {e.id: e for e in events}
    ordered = sorted(unique.values(), key=lambda e: e.sort_key)
    ident = dossier_id or (ordered[0].dossier_id if ordered else "")
    state = DossierState(id=ident)
    for event in ordered:
        apply(state, event)
    return state


def fold_on(state: DossierState, events: Iterable[Event]) -> DossierState | None:
    """`state` (the fold of a log) with these new events of its dossier applied, when that is
    provably the fold of the whole log: every new event sorts after all that `state` has seen (its
    `at` is later than `last_event_at`, so no id tie-break can matter). Else None: refold the log.
    The events must be new to `state` (ids it has not seen); `state` is changed in place."""
    unique = {e.id: e for e in events}
    ordered = sorted(unique.values(), key=lambda e: e.sort_key)
    if not ordered or state.last_event_at is None or ordered[0].at <= state.last_event_at:
        return None
    for event in ordered:
        apply(state, event)
    return state


def apply(state: DossierState, event: Event) -> None:
    """Apply one event in place (events must come in `(at, id)` order)."""
    state.event_count += 1
    state.last_event_at = event.at
    if event.actor and event.actor not in state.actors:
        state.actors.append(event.actor)
    if event.dossier_id != state.id:
        _flag(state, event, "event belongs to another dossier")
        return
    if state.status not in ALLOWED_FROM[event.type]:
        _flag(state, event, f"{event.type.value} not allowed in state {state.status.value}")
        return
    try:
        _HANDLERS[event.type](state, dict(event.payload))
    except (KeyError, TypeError, ValueError) as exc:
        _flag(state, event, f"malformed payload: {type(exc).__name__}: {exc}")


def _flag(state: DossierState, event: Event, reason: str) -> None:
    state.flags.append(Flag(event_id=event.id, event_type=event.type.value, reason=reason))


def _set_due(state: DossierState, p: dict[str, Any], kind: str) -> None:
    new_due = str(p["new_due_date"])
    state.due_history.append({"kind": kind, "from": state.due_date, "to": new_due, "reason": p.get("reason")})
    state.due_date = new_due


def _received(state: DossierState, p: dict[str, Any]) -> None:
    # Read everything first, so a malformed snapshot raises before the state is touched (stays NEW).
    fee_lines = list(p.get("fees") or [])
    values = {
        "code": str(p["code"]),
        "point_code": p.get("point_code"),
        "desk": p.get("desk"),
        "procedure": dict(p.get("procedure") or {}),
        "applicant": dict(p.get("applicant") or {}),
        "checklist": list(p.get("checklist") or []),
        "documents": list(p.get("documents") or []),
        "fee_lines": fee_lines,
        "fees_quoted": int(p.get("fees_total", sum(int(f.get("amount", 0)) for f in fee_lines))),
        "return_method": dict(p.get("return_method") or {"kind": "desk"}),
        "channel": _channel(p.get("channel")),
        "received_at": p.get("received_at"),
        "counted_from": p.get("counted_from"),
        "due_date": str(p["due_date"]) if p.get("due_date") else None,
        "due_time": str(p["due_time"]) if p.get("due_time") else None,
        "status_secret": str(p["status_secret"])[:40] if p.get("status_secret") else None,
    }
    for key, value in values.items():
        setattr(state, key, value)
    state.original_due_date = state.due_date
    register = p.get("register")
    if register:
        state.register = {"book": str(register["book"]), "no": int(register["no"])}
    state.status = S.RECEIVED


def _channel(raw: Any) -> str:
    """The filing channel of a `received` event: optional (events before it was recorded came in person);
    a value outside the vocabulary is a malformed payload, never a new report row."""
    if raw is None:
        return "truc_tiep"
    if raw not in CHANNEL_VI:
        raise ValueError(f"unknown channel {str(raw)[:20]!r}")
    return str(raw)


def _corrected(state: DossierState, p: dict[str, Any]) -> None:
    state.corrections.append({"reason": str(p.get("reason") or ""), "at": p.get("at")})
    for key in ("applicant", "return_method"):
        if key in p:
            getattr(state, key).update(p[key])
    if "checklist" in p:
        state.checklist = list(p["checklist"])


def _documents_added(state: DossierState, p: dict[str, Any]) -> None:
    state.documents.extend(p["documents"])
    if state.status is S.SUPPLEMENT_REQUESTED and p.get("completes_supplement"):
        state.status = S.RECEIVED
        if p.get("new_due_date"):
            _set_due(state, p, "supplement")
            if p.get("due_time"):  # the new appointment's hour, as the new slip prints it
                state.due_time = str(p["due_time"])


def _supplement_requested(state: DossierState, p: dict[str, Any]) -> None:
    state.supplements.append({"items": list(p.get("items") or []), "reason": p.get("reason")})
    state.status = S.SUPPLEMENT_REQUESTED


def _refused(state: DossierState, p: dict[str, Any]) -> None:
    state.refusal = {"reason": str(p["reason"])}
    state.status = S.REFUSED


def _fee_collected(state: DossierState, p: dict[str, Any]) -> None:
    state.fees_collected += int(p["amount"])


def _receipt_voided(state: DossierState, p: dict[str, Any]) -> None:
    state.fees_collected -= int(p.get("amount", 0))  # the money of a voided biên lai was given back


def _no_state_change(state: DossierState, p: dict[str, Any]) -> None:
    return None


def _apology(state: DossierState, p: dict[str, Any]) -> None:
    apology = {"reason": str(p["reason"]), "new_due_date": str(p["new_due_date"])}
    if p.get("signer"):
        apology["signer"] = str(p["signer"])
    state.apologies.append(apology)
    _set_due(state, p, "apology")
    state.pending_extension = None  # the head signed: any request is settled (approved, maybe re-dated)


def _extension_requested(state: DossierState, p: dict[str, Any]) -> None:
    new_due = date.fromisoformat(str(p["new_due_date"])).isoformat()  # a malformed date is flagged
    state.pending_extension = {"reason": str(p["reason"]), "new_due_date": new_due}


def _extension_settled(outcome: str) -> Callable[[DossierState, dict[str, Any]], None]:
    """A pending request declined by the head or withdrawn by the clerk: the due date stays. Without
    a pending request (an arrival order where it came later) nothing is pending to settle."""

    def handler(state: DossierState, p: dict[str, Any]) -> None:
        reason = str(p.get("reason") or "")
        if outcome == "declined" and not reason:
            raise ValueError("a declined extension request needs a reason")
        asked = state.pending_extension or {}
        settled = {"outcome": outcome, "reason": reason, "new_due_date": asked.get("new_due_date")}
        if p.get("signer"):
            settled["signer"] = str(p["signer"])
        state.extension_outcomes.append(settled)
        state.pending_extension = None

    return handler


def _due_extended(state: DossierState, p: dict[str, Any]) -> None:
    _set_due(state, p, "extension")


def _status(target: Status) -> Callable[[DossierState, dict[str, Any]], None]:
    def handler(state: DossierState, p: dict[str, Any]) -> None:
        if p.get("note"):
            state.agency_notes.append({"status": target.value, "note": p["note"]})
        state.status = target

    return handler


def _result_ready(state: DossierState, p: dict[str, Any]) -> None:
    state.result_files.extend(p.get("files") or [])
    _status(S.RESULT_READY)(state, p)


def _rejected(state: DossierState, p: dict[str, Any]) -> None:
    state.result_files.extend(p.get("files") or [])
    _status(S.REJECTED)(state, p)


def _returned(state: DossierState, p: dict[str, Any]) -> None:
    if p.get("by_post") and p.get("tracking_no"):
        sent = {"status": "sent", "at": str(p["returned_at"])}
        state.postal = {"tracking_no": str(p["tracking_no"]), "status": "sent", "history": [sent]}
    state.returned = {
        "at": str(p["returned_at"]),
        "receiver_name": p.get("receiver_name"),
        "id_checked": bool(p.get("id_checked", False)),
        "by_post": bool(p.get("by_post", False)),
    }
    state.status = S.RETURNED


def _cancelled(state: DossierState, p: dict[str, Any]) -> None:
    state.cancelled = {"reason": str(p["reason"]), "approved_by": str(p["approved_by"]), "at": p.get("at")}
    state.status = S.CANCELLED


def _stopped(state: DossierState, p: dict[str, Any]) -> None:
    state.stopped = {"reason": str(p["reason"]), "signer": p.get("signer")}
    state.status = S.STOPPED


def _handed_off(state: DossierState, p: dict[str, Any]) -> None:
    direction = str(p["direction"])
    if direction not in ("to_agency", "to_point"):
        raise ValueError(f"unknown hand-off direction {direction!r}")
    keys = ("from", "to", "at", "giver", "taker", "note")
    state.handoffs.append({"direction": direction, **{k: p.get(k) for k in keys}})


def _result_recorded(state: DossierState, p: dict[str, Any]) -> None:
    outcome = str(p.get("outcome") or "result")
    state.result_recorded = {"at": str(p["at"]), "kind": p.get("kind"), "note": p.get("note")}
    state.status = S.REJECTED if outcome == "rejected" else S.RESULT_READY


POSTAL_STATUSES = ("sent", "delivered", "returned_to_sender")


def _postal_updated(state: DossierState, p: dict[str, Any]) -> None:
    status = str(p["status"])
    if status not in POSTAL_STATUSES:
        raise ValueError(f"unknown postal status {status!r}")
    history = [*state.postal.get("history", []), {"status": status, "at": p.get("at")}]
    tracking = p.get("tracking_no") or state.postal.get("tracking_no")
    state.postal = {"tracking_no": tracking, "status": status, "history": history}
    if status == "returned_to_sender":  # the result is back at the point, to be handed over again
        state.status = S.RESULT_READY


def _rated(state: DossierState, p: dict[str, Any]) -> None:
    rating = str(p["rating"])
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    state.rating = rating


_HANDLERS: dict[EventType, Callable[[DossierState, dict[str, Any]], None]] = {
    EventType.RECEIVED: _received,
    EventType.CORRECTED: _corrected,
    EventType.DOCUMENTS_ADDED: _documents_added,
    EventType.SUPPLEMENT_REQUESTED: _supplement_requested,
    EventType.REFUSED: _refused,
    EventType.FEE_COLLECTED: _fee_collected,
    EventType.APOLOGY_ISSUED: _apology,
    EventType.EXTENSION_REQUESTED: _extension_requested,
    EventType.EXTENSION_DECLINED: _extension_settled("declined"),
    EventType.EXTENSION_WITHDRAWN: _extension_settled("withdrawn"),
    EventType.DUE_EXTENDED: _due_extended,
    EventType.ACCEPTED: _status(S.ACCEPTED),
    EventType.PROCESSING: _status(S.PROCESSING),
    EventType.RESULT_READY: _result_ready,
    EventType.REJECTED: _rejected,
    EventType.RESULT_RETURNED: _returned,
    EventType.RATED: _rated,
    EventType.CANCELLED: _cancelled,
    EventType.STOPPED: _stopped,
    EventType.HANDED_OFF: _handed_off,
    EventType.RESULT_RECORDED: _result_recorded,
    EventType.POSTAL_UPDATED: _postal_updated,
    EventType.RECEIPT_VOIDED: _receipt_voided,
    EventType.CASH_REPORTED: _no_state_change,
    EventType.COMPLAINT_RECORDED: _no_state_change,
}

assert set(_HANDLERS) == set(EventType) == set(ALLOWED_FROM), "every event type needs a rule"
assert TERMINAL.isdisjoint(ALLOWED_FROM[EventType.CORRECTED])
