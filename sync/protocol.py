"""Wire contract of sync protocol v1: every body the desk and the hub exchange.

Both sides import this module (the hub imports nothing else of the desk but the pure domain).
Every request carries `X-Motcua-Protocol`; a hub that cannot speak it answers 426 with an
`ErrorBody(code="protocol_version")`, so an old desk gets a clear refusal, not a crash.
Every reply carries the hub's clock in `X-Hub-Time` (Unix ms), which the desk's HLC observes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Motcua-Protocol"
HUB_TIME_HEADER = "X-Hub-Time"
API = "/api/v1"
TUS_PREFIX = "/api/v1/tus"
MAX_BATCH = 500
CLOCK_WARN_SECONDS = 120.0


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class WireEvent(Wire):
    """An event exactly as `app.domain.events.Event.to_dict()` writes it."""

    id: str = Field(min_length=1, max_length=64)
    dossier_id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=40)
    at: str = Field(pattern=r"^\d{15}-\d{6}$")
    actor: str = Field(max_length=200)
    device: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict)


class WireFile(Wire):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class ErrorBody(Wire):
    code: str
    message: str


class EnrollRequest(Wire):
    protocol: int = PROTOCOL_VERSION
    code: str = Field(min_length=4, max_length=64)
    label: str = ""


class EnrollResponse(Wire):
    device_id: str
    secret: str
    point_code: str
    desk: int


class PushRequest(Wire):
    protocol: int = PROTOCOL_VERSION
    events: list[WireEvent] = Field(max_length=MAX_BATCH)


class Rejection(Wire):
    id: str
    reason: str


class PushResponse(Wire):
    stored: list[str] = Field(default_factory=list)  # new at the hub
    duplicates: list[str] = Field(default_factory=list)  # already there: acknowledged again
    rejected: list[Rejection] = Field(default_factory=list)  # never accepted; the desk keeps and flags them
    missing_files: list[WireFile] = Field(default_factory=list)  # named by these events, not yet at the hub


class Change(Wire):
    seq: int
    kind: Literal["event", "catalog", "calendar"]
    event: WireEvent | None = None
    document: dict[str, Any] | None = None  # catalog or calendar body


class ChangesResponse(Wire):
    changes: list[Change]
    cursor: int  # pass back as `after=`; never smaller than the one sent
    has_more: bool


class FileStatus(Wire):
    sha256: str
    size: int
    complete: bool


class DossierSummary(Wire):
    id: str
    code: str | None
    point: str
    state: str
    files_expected: int
    files_received: int
    files_complete: bool
    flags: int = 0


class Health(Wire):
    """Unauthenticated (load balancers): says it is up and which protocol, nothing else."""

    status: str = "ok"
    protocol: int = PROTOCOL_VERSION


class AgencyPost(Wire):
    """A decision by the competent agency; `files` must already be at the hub (upload first)."""

    dossier_code: str
    type: Literal[
        "accepted", "processing", "supplement_requested", "result_ready", "rejected", "due_extended"
    ]
    note: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


def is_compatible(version: int | str | None) -> bool:
    """True if a peer speaking `version` can talk to us."""
    try:
        return int(version or 0) == PROTOCOL_VERSION
    except (TypeError, ValueError):
        return False


# -- reconciliation (which of a device's events and files the hub holds) ---------------------------

MAX_RECONCILE = 1000  # ids (events plus files) per reconcile request


class ReconcileRequest(Wire):
    event_ids: list[str] = Field(default_factory=list, max_length=MAX_RECONCILE)
    files: list[str] = Field(default_factory=list, max_length=MAX_RECONCILE)


class HeldFile(Wire):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0, le=2**53)


class ReconcileResponse(Wire):
    events: list[str] = Field(max_length=MAX_RECONCILE)  # held, of those asked
    files: list[HeldFile] = Field(max_length=MAX_RECONCILE)  # complete at the hub
