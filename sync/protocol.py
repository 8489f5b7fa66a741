"""Wire contract of sync protocol v1: every body the desk and the hub exchange.

Both sides import this module (the hub imports nothing else of the desk but the pure domain).
Every request carries `X-Motcua-Protocol`; a hub that cannot speak it answers 426 with an
`ErrorBody(code="protocol_version")`, so an old desk gets a clear refusal, not a crash.
Every reply carries the hub's clock in `X-Hub-Time` (Unix ms), which the desk's HLC observes.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Motcua-Protocol"
HUB_TIME_HEADER = "X-Hub-Time"
API = "/api/v1"
TUS_PREFIX = "/api/v1/tus"
MAX_BATCH = 500
CLOCK_WARN_SECONDS = 120.0

# Bounds of every wire field (the hub refuses anything outside them; the desk checks replies too).
MAX_CURSOR = 2**62  # feed positions are BIGINT on the hub
MAX_FILE_BYTES = 2 * 1024**3
MAX_AMOUNT = 10**12  # VND
MAX_JSON_DEPTH = 12  # a payload nested deeper is refused (nothing the desk writes goes past 6)
MAX_JSON_NODES = 20_000  # values in one payload
MAX_STRING = 100_000  # characters in one string value
MAX_PUSH_BYTES = 8 * 1024**2  # one POST /events body
MAX_AGENCY_FILE_BYTES = 64 * 1024**2
MAX_AHEAD_MS = 5 * 60 * 1000  # an HLC stamp further ahead of the receiver's clock is refused
# the hub's reason for an event stamped past MAX_AHEAD_MS (the desk holds such an event, see sync.push)
STAMP_AHEAD_REASON = "stamp is ahead of the hub's clock (check the desk's clock)"
MIN_WALL_MS = 1_577_836_800_000  # 2020-01-01: nothing older was ever written
MAX_WALL_MS = 7_258_118_400_000  # 2200-01-01: beyond any clock, and inside every date type
SHA256_PATTERN = r"^[0-9a-f]{64}$"
HLC_PATTERN = r"^\d{15}-\d{6}$"
ID_PATTERN = r"^[0-9A-Za-z._:-]{1,64}$"
AGENCY_CODE_PATTERN = r"^[0-9A-Za-z]{2,4}(\.[0-9A-Za-z]{1,6}){1,5}$"  # e.g. 000.00.01.H26: no "-"
POINT_PATTERN = r"^[0-9A-Za-z._-]{1,40}$"
FILE_NAME_PATTERN = r"^[^\x00-\x1f\x7f/\\]{1,200}$"  # plus: not "." or ".." (check_file_name)
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # no NUL or other control characters


def check_json(value: Any, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Refuse JSON a store cannot keep or a fold cannot read: too deep or too many values, NUL in a
    string, a non-finite or huge number. Iterative, so a hostile depth cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise ValueError(f"more than {MAX_JSON_NODES} values")
        if isinstance(node, dict | list) and depth > max_depth:
            raise ValueError(f"nested deeper than {max_depth}")
        if isinstance(node, dict):
            for key, item in node.items():
                _check_str(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _check_str(node)
        elif isinstance(node, int | float) and not _is_sane_number(node):
            raise ValueError("number out of range")
    return value


def _is_sane_number(number: float) -> bool:
    return math.isfinite(number) and abs(number) <= 2**53


def _check_str(text: object) -> None:
    if not isinstance(text, str) or "\x00" in text or len(text) > MAX_STRING:
        raise ValueError("string with NUL, too long, or not a string")


def check_hlc(text: str) -> str:
    """Format and plausibility of an HLC stamp (how far ahead is the receiver's check)."""
    wall, counter = int(text[:15]), int(text[16:])
    if not MIN_WALL_MS <= wall <= MAX_WALL_MS or counter > 999_999:
        raise ValueError("HLC stamp out of range")
    return text


def check_file_name(name: str) -> str:
    if name.strip(" .") == "":
        raise ValueError("a file name needs a letter or digit")
    return name


def code_belongs(code: str, agency_code: str, desk: int) -> bool:
    """True if `code` is `<agency_code>-YYMMDD-<seq>` with `seq` in desk `desk`'s daily range
    (desk d draws d*1000+1 .. d*1000+999, as `app.codes` allocates them)."""
    head, _, seq = code.rpartition("-")
    prefix, _, day = head.rpartition("-")
    if prefix != agency_code or len(day) != 6 or not day.isdigit() or not seq.isdigit() or len(seq) > 5:
        return False
    return desk * 1000 + 1 <= int(seq) <= desk * 1000 + 999


def hlc_wall_ms(text: str) -> int:
    return int(text[:15])


def is_ahead(text: str, now_ms: int) -> bool:
    """True if `text` is more than MAX_AHEAD_MS ahead of `now_ms` (the receiver must refuse it)."""
    return hlc_wall_ms(text) > now_ms + MAX_AHEAD_MS


JsonObject = Annotated[dict[str, Any], AfterValidator(check_json)]
Hlc = Annotated[str, Field(pattern=HLC_PATTERN), AfterValidator(check_hlc)]
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN)]
WireId = Annotated[str, Field(pattern=ID_PATTERN)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
FileName = Annotated[str, Field(pattern=FILE_NAME_PATTERN), AfterValidator(check_file_name)]
Cursor = Annotated[int, Field(ge=0, le=MAX_CURSOR)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class WireEvent(Wire):
    """An event exactly as `app.domain.events.Event.to_dict()` writes it."""

    id: WireId
    dossier_id: WireId
    type: str = Field(pattern=r"^[a-z_]{1,40}$")
    at: Hlc
    actor: Text = Field(max_length=64)
    device: Text = Field(max_length=64)
    payload: JsonObject = Field(default_factory=dict)


class WireFile(Wire):
    sha256: Sha256
    size: int = Field(ge=0, le=MAX_FILE_BYTES)


class ErrorBody(Wire):
    code: str
    message: str


class EnrollRequest(Wire):
    protocol: int = PROTOCOL_VERSION
    code: str = Field(min_length=4, max_length=64)
    label: Text = Field(default="", max_length=200)


class EnrollResponse(Wire):
    device_id: WireId
    secret: str = Field(min_length=16, max_length=200)
    point_code: str = Field(pattern=POINT_PATTERN)
    desk: int = Field(ge=1, le=99)
    agency_code: str = Field(pattern=AGENCY_CODE_PATTERN)  # starts every dossier code of the point


class PushRequest(Wire):
    protocol: int = PROTOCOL_VERSION
    events: list[WireEvent] = Field(max_length=MAX_BATCH)


class Rejection(Wire):
    id: str = Field(max_length=64)
    reason: str = Field(max_length=500)


class PushResponse(Wire):
    stored: list[str] = Field(default_factory=list)  # new at the hub
    duplicates: list[str] = Field(default_factory=list)  # already there: acknowledged again
    rejected: list[Rejection] = Field(default_factory=list)  # never accepted; the desk keeps and flags them
    missing_files: list[WireFile] = Field(default_factory=list)  # named by these events, not yet at the hub


# what the centre publishes to every desk ("forms": a form's template, app.form_templates)
PUBLICATION_KINDS = ("catalog", "calendar", "digitization", "forms")
# A desk names the publication kinds it can read in this header on /changes; the hub leaves the others
# out of its feed (the cursor still passes them), so a kind added later never stalls an older desk. A
# desk that names none is one from before the header: it read exactly these.
PUBLICATIONS_HEADER = "X-Motcua-Publications"
FIRST_PUBLICATION_KINDS = frozenset({"catalog", "calendar"})
_KIND = re.compile(r"^[a-z_]{1,20}$")


def publication_kinds(header: str | None) -> frozenset[str]:
    """The kinds a desk named (bounded: at most 16 well-formed names), else the first ones."""
    if not header or len(header) > 400:
        return FIRST_PUBLICATION_KINDS
    names = [n.strip() for n in header.split(",")][:16]
    kinds = frozenset(n for n in names if _KIND.match(n))
    return kinds or FIRST_PUBLICATION_KINDS


class Change(Wire):
    seq: Cursor
    kind: str = Field(pattern=r"^[a-z_]{1,20}$")  # "event", or a publication kind (a newer one is skipped)
    event: WireEvent | None = None
    document: dict[str, Any] | None = None  # a publication's body


class ChangesResponse(Wire):
    changes: list[Change]
    cursor: Cursor  # pass back as `after=`; never smaller than the one sent
    has_more: bool


class FileStatus(Wire):
    sha256: Sha256
    size: int = Field(ge=0, le=MAX_FILE_BYTES)
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


class AgencyFile(Wire):
    """A result file the agency uploaded (`PUT /agency/files`), as named in `payload.files`."""

    sha256: Sha256
    size: int = Field(ge=0, le=MAX_AGENCY_FILE_BYTES)
    mime: str = Field(default="application/octet-stream", pattern=r"^[\w.+-]{1,60}/[\w.+-]{1,60}$")
    name: FileName


class AgencyPost(Wire):
    """A decision by the competent agency on a dossier named by id, or by its point and code.

    `payload.files` lists result files the same agency uploaded first (`AgencyFile`)."""

    dossier_id: WireId | None = None
    point_code: str | None = Field(default=None, pattern=POINT_PATTERN)
    dossier_code: str | None = Field(default=None, max_length=80, pattern=r"^[0-9A-Za-z.-]{1,80}$")
    type: Literal[
        "accepted", "processing", "supplement_requested", "result_ready", "rejected", "due_extended"
    ]
    note: Text | None = Field(default=None, max_length=2000)
    payload: JsonObject = Field(default_factory=dict)

    @model_validator(mode="after")
    def _addressed(self) -> AgencyPost:
        if self.dossier_id is None and not (self.point_code and self.dossier_code):
            raise ValueError("name the dossier by dossier_id, or by point_code and dossier_code")
        files = self.payload.get("files")
        if files is not None:
            if not isinstance(files, list) or len(files) > 50:
                raise ValueError("payload.files must be a list of at most 50 files")
            for ref in files:
                AgencyFile.model_validate(ref)
        return self


def is_compatible(version: int | str | None) -> bool:
    """True if a peer speaking `version` can talk to us."""
    try:
        return int(version or 0) == PROTOCOL_VERSION
    except (TypeError, ValueError):
        return False


# -- reconciliation (which of a device's events and files the hub holds) ---------------------------

MAX_RECONCILE = 1000  # ids (events plus files) per reconcile request


class ReconcileRequest(Wire):
    event_ids: list[WireId] = Field(default_factory=list, max_length=MAX_RECONCILE)
    files: list[Sha256] = Field(default_factory=list, max_length=MAX_RECONCILE)


class HeldFile(Wire):
    sha256: Sha256
    size: int = Field(ge=0, le=MAX_FILE_BYTES)


class ReconcileResponse(Wire):
    events: list[WireId] = Field(max_length=MAX_RECONCILE)  # held, of those asked
    files: list[HeldFile] = Field(max_length=MAX_RECONCILE)  # complete at the hub


# -- the desk's audit chain head (GET and POST /audit/head) ----------------------------------------

MAX_AUDIT_SEQ = 2**62  # audit_log.seq is a SQLite INTEGER
MAX_AUDIT_FORKS = 10**6
AUDIT_HEAD_BYTES = 1024  # one POST /audit/head body: two seqs and two hex MACs
AuditSeq = Annotated[int, Field(ge=0, le=MAX_AUDIT_SEQ)]
AuditMac = Annotated[str, Field(pattern=SHA256_PATTERN)]  # HMAC-SHA256 hex: a keyed hash, nothing else


class RecordedHead(Wire):
    """The head the hub last recorded for the asking device (`seq` 0: none yet)."""

    seq: AuditSeq
    mac: AuditMac | None = None
    forks: int = Field(default=0, ge=0, le=MAX_AUDIT_FORKS)  # warnings on record for this device


class AuditHeadPost(Wire):
    """The desk's head, and its own MAC at the seq the hub said it recorded (`seen_seq`), so the hub can
    tell a chain that extends its record from one that only got longer after going back."""

    protocol: int = PROTOCOL_VERSION
    seq: AuditSeq
    mac: AuditMac
    seen_seq: AuditSeq = 0
    seen_mac: AuditMac | None = None  # None: the desk has no row at seen_seq (its chain is shorter)


# -- what the desk still holds (POST /outbox/report), each pass -------------------------------------

OUTBOX_REPORT_BYTES = 1024  # one POST /outbox/report body: two counts
MAX_OUTBOX_COUNT = 10**9
OutboxCount = Annotated[int, Field(ge=0, le=MAX_OUTBOX_COUNT)]


class OutboxReport(Wire):
    """Events and files the desk has not pushed yet, at the end of its pass (no personal data)."""

    protocol: int = PROTOCOL_VERSION
    events: OutboxCount
    files: OutboxCount


class AuditHeadAnswer(Wire):
    status: Literal["ok", "backwards", "forked"]
    recorded_seq: AuditSeq
    forks: int = Field(ge=0, le=MAX_AUDIT_FORKS)  # warnings on record for this device, this one included
