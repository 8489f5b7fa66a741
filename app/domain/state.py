"""The current state of a dossier: what `fold` returns. Plain data, JSON-friendly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    NEW = "new"  # no `received` event seen (yet)
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    ACCEPTED = "accepted"
    PROCESSING = "processing"
    RESULT_READY = "result_ready"
    REJECTED = "rejected"
    RETURNED = "returned"
    REFUSED = "refused"
    CANCELLED = "cancelled"  # entered in error and cancelled (its code is never reused)
    STOPPED = "stopped"  # processing stopped (form 05)


STATUS_LABELS_VI: dict[Status, str] = {
    Status.NEW: "Chưa tiếp nhận",
    Status.RECEIVED: "Đã tiếp nhận",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
    Status.ACCEPTED: "Đã chuyển xử lý",
    Status.PROCESSING: "Đang giải quyết",
    Status.RESULT_READY: "Có kết quả",
    Status.REJECTED: "Không giải quyết",
    Status.RETURNED: "Đã trả kết quả",
    Status.REFUSED: "Từ chối tiếp nhận",
    Status.CANCELLED: "Đã hủy (nhập nhầm)",
    Status.STOPPED: "Dừng giải quyết",
}

TERMINAL = frozenset({Status.RETURNED, Status.REFUSED, Status.CANCELLED, Status.STOPPED})
OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.SUPPLEMENT_REQUESTED,
        Status.ACCEPTED,
        Status.PROCESSING,
        Status.RESULT_READY,
        Status.REJECTED,
    }
)


@dataclass
class Flag:
    """An event that broke the state machine: kept, never dropped, and shown to people."""

    event_id: str
    event_type: str
    reason: str


@dataclass
class DossierState:
    id: str
    status: Status = Status.NEW
    code: str | None = None
    point_code: str | None = None
    desk: int | None = None
    procedure: dict[str, Any] = field(default_factory=dict)
    applicant: dict[str, Any] = field(default_factory=dict)
    checklist: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    fees_quoted: int = 0
    fees_collected: int = 0
    fee_lines: list[dict[str, Any]] = field(default_factory=list)
    return_method: dict[str, Any] = field(default_factory=dict)
    channel: str = (
        "truc_tiep"  # how the dossier came (app.domain.vocabulary.CHANNEL_VI); older events: in person
    )
    received_at: str | None = None  # ISO 8601 with offset, as the clerk saw it
    counted_from: str | None = None  # the day the period counts from (15:00 rule)
    due_date: str | None = None  # YYYY-MM-DD, the current appointment
    due_time: str | None = None  # HH:MM of the appointment, as printed on the receipt
    original_due_date: str | None = None
    due_history: list[dict[str, Any]] = field(default_factory=list)
    supplements: list[dict[str, Any]] = field(default_factory=list)
    refusal: dict[str, Any] | None = None
    apologies: list[dict[str, Any]] = field(default_factory=list)
    # form 04 asked for by a clerk, not yet signed by the head: {reason, new_due_date}; the due date is
    # unchanged until the head approves (apology_issued)
    pending_extension: dict[str, Any] | None = None
    # requests settled without form 04: {outcome: declined|withdrawn, reason, new_due_date, signer?}
    extension_outcomes: list[dict[str, Any]] = field(default_factory=list)
    result_files: list[dict[str, Any]] = field(default_factory=list)
    agency_notes: list[dict[str, Any]] = field(default_factory=list)
    returned: dict[str, Any] | None = None
    rating: str | None = None
    register: dict[str, Any] = field(default_factory=dict)  # {book, no}: Sổ theo dõi hồ sơ (form 07)
    cancelled: dict[str, Any] | None = None  # {reason, approved_by, at}
    stopped: dict[str, Any] | None = None  # {reason, signer}
    handoffs: list[dict[str, Any]] = field(default_factory=list)  # {direction, from, to, at, giver, taker}
    result_recorded: dict[str, Any] | None = None  # {at, kind, note}: the result at the point
    postal: dict[str, Any] = field(default_factory=dict)  # {tracking_no, status, history}
    corrections: list[dict[str, Any]] = field(default_factory=list)  # {reason, at}: receipts replaced
    status_secret: str | None = None  # printed on the receipt: opens the citizen status page with the code
    flags: list[Flag] = field(default_factory=list)
    event_count: int = 0
    last_event_at: str | None = None
    actors: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, today: date) -> bool:
        """Open and past its appointment date (a returned dossier is judged by `returned_late`)."""
        return self.is_open and self.due_date is not None and date.fromisoformat(self.due_date) < today

    @property
    def returned_late(self) -> bool | None:
        if not self.returned or not self.due_date:
            return None
        return str(self.returned.get("at", ""))[:10] > self.due_date

    def to_dict(self) -> dict[str, Any]:
        """The state as plain data (what `dataclasses.asdict` gives, without its deep copy of every
        leaf: containers are copied, leaves of events' JSON are immutable). Status as its value."""
        data = {name: _plain(getattr(self, name)) for name in _FIELDS}
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DossierState | None:
        """The state `to_dict` gave (read back from its JSON), or None if it is not one of today's:
        a field missing or unknown (written by another version of the fold)."""
        if set(data) != set(_FIELDS):
            return None
        values = dict(data)
        values["status"] = Status(values["status"])
        values["flags"] = [Flag(**f) for f in values["flags"]]
        return cls(**values)


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:  # most values: no dataclass check
        return value
    if kind is list or kind is tuple:
        return kind(_plain(v) for v in value)
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


_FIELDS = tuple(f.name for f in fields(DossierState))
_LEAVES = frozenset({str, int, float, bool, type(None), Status})
