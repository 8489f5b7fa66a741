"""The event model of a dossier (DESIGN.md "A dossier is a log of events").

Events are immutable facts. They are serialised as plain JSON dicts, identical on the desk, on the
wire and on the hub, so the fold below gives the same state everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.hlc import Hlc


class EventType(StrEnum):
    # written at the point (desk)
    RECEIVED = "received"
    CORRECTED = "corrected"
    DOCUMENTS_ADDED = "documents_added"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    FEE_COLLECTED = "fee_collected"
    EXTENSION_REQUESTED = "extension_requested"  # form 04 asked for by a clerk, pending the head's approval
    EXTENSION_DECLINED = "extension_declined"  # the head declines a pending request, with a reason
    EXTENSION_WITHDRAWN = "extension_withdrawn"  # the clerk withdraws a pending request
    APOLOGY_ISSUED = "apology_issued"  # form 04 signed by the head (approves a pending request)
    RESULT_RETURNED = "result_returned"
    RATED = "rated"
    CANCELLED = "cancelled"  # an entry made in error, same day, approved by the head
    STOPPED = "stopped"  # form 05: the processing is stopped (signed for the head)
    HANDED_OFF = "handed_off"  # the paper dossier or the result changed hands (form 06 rows)
    RESULT_RECORDED = "result_recorded"  # the result reached the point (on paper, or settled here)
    POSTAL_UPDATED = "postal_updated"  # a postal return: sent, delivered, returned to sender
    RECEIPT_VOIDED = "receipt_voided"  # a biên lai cancelled with its reason (app.services.cashdesk)
    CASH_REPORTED = "cash_reported"  # a clerk's end-of-day cash report, on the desk's ledger stream
    COMPLAINT_RECORDED = "complaint_recorded"  # a phản ánh, kiến nghị (or its answer), on the ledger stream
    # written by the hub / the competent agency
    ACCEPTED = "accepted"
    PROCESSING = "processing"
    RESULT_READY = "result_ready"
    REJECTED = "rejected"
    DUE_EXTENDED = "due_extended"


POINT_EVENTS = frozenset(
    {
        EventType.RECEIVED,
        EventType.CORRECTED,
        EventType.DOCUMENTS_ADDED,
        EventType.SUPPLEMENT_REQUESTED,
        EventType.REFUSED,
        EventType.FEE_COLLECTED,
        EventType.EXTENSION_REQUESTED,
        EventType.EXTENSION_DECLINED,
        EventType.EXTENSION_WITHDRAWN,
        EventType.APOLOGY_ISSUED,
        EventType.RESULT_RETURNED,
        EventType.RATED,
        EventType.CANCELLED,
        EventType.STOPPED,
        EventType.HANDED_OFF,
        EventType.RESULT_RECORDED,
        EventType.POSTAL_UPDATED,
        EventType.RECEIPT_VOIDED,
        EventType.CASH_REPORTED,
        EventType.COMPLAINT_RECORDED,
    }
)
AGENCY_EVENTS = frozenset(
    {
        EventType.ACCEPTED,
        EventType.PROCESSING,
        EventType.SUPPLEMENT_REQUESTED,
        EventType.RESULT_READY,
        EventType.REJECTED,
        EventType.DUE_EXTENDED,
    }
)


@dataclass(frozen=True)
class Event:
    """One fact about one dossier. `at` is an HLC string; `(at, id)` orders a dossier's events."""

    id: str
    dossier_id: str
    type: EventType
    at: str
    actor: str
    device: str
    payload: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Hlc.parse(self.at)  # refuse a malformed timestamp at the door
        object.__setattr__(self, "type", EventType(self.type))

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.at, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dossier_id": self.dossier_id,
            "type": self.type.value,
            "at": self.at,
            "actor": self.actor,
            "device": self.device,
            "payload": dict(self.payload),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            id=str(data["id"]),
            dossier_id=str(data["dossier_id"]),
            type=EventType(data["type"]),
            at=str(data["at"]),
            actor=str(data["actor"]),
            device=str(data["device"]),
            payload=dict(data.get("payload") or {}),
        )

    def payload_json(self) -> str:
        return json.dumps(self.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class FileRef:
    """A file an event names: content-addressed by SHA-256."""

    sha256: str
    size: int


def files_of(payload: Mapping[str, Any]) -> list[FileRef]:
    """Every file an event payload names (any dict with `sha256` and `size`), in order, once each."""
    seen: dict[str, FileRef] = {}

    def walk(node: object) -> Iterator[FileRef]:
        if isinstance(node, Mapping):
            sha, size = node.get("sha256"), node.get("size")
            if isinstance(sha, str) and isinstance(size, int):
                yield FileRef(sha, size)
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list | tuple):
            for item in node:
                yield from walk(item)

    for ref in walk(payload):
        seen.setdefault(ref.sha256, ref)
    return list(seen.values())
