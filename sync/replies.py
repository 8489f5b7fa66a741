"""Reading what answers at the hub's address, before anything is believed: a nesting limit before
JSON is parsed, the wire model's shape after, and whether a refusal is in the hub's own shape.

Pure functions on bytes and headers (the HTTP itself stays in sync.transport).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as WireShapeError

from sync.errors import HubReplyError
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

M = TypeVar("M", bound=BaseModel)
MAX_JSON_DEPTH = 64  # the deepest wire body (an event payload) nests about 8 levels

# The hub's own error codes (ErrorBody.code): only a refusal with one of these is the hub's word.
HUB_CODES = frozenset(
    {
        "agency_input",
        "auth_invalid",
        "auth_missing",
        "auth_revoked",
        "bad_metadata",
        "bad_size",
        "dossier_code_foreign",
        "dossier_code_taken",
        "enroll_invalid",
        "hash_mismatch",
        "length_required",
        "not_found",
        "not_named",
        "protocol_version",
        "too_large",
        "too_many_uploads",
        "unsupported",
        "upload_busy",
        "validation",
    }
)
TUS_HEADER = "Tus-Resumable"
_MAX_TUS_DETAIL = 200  # the hub's tus server says "Upload not found", "Offset mismatch"...
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: 3x faster
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"[\[{][\]}]")


def json_depth(body: bytes, cap: int = 10**6) -> int:
    """How deeply `body` nests arrays and objects (strings skipped), without parsing it: innermost
    bracket pairs are removed one level per pass (at C speed); counting stops at `cap`."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = 0
    while brackets and depth < cap:
        brackets, pairs = _INNERMOST.subn(b"", brackets)
        if not pairs:  # unbalanced: not JSON (the parser says so, and catches its recursion)
            return depth
        depth += 1
    return depth


def parse_json(body: bytes, what: str) -> Any:
    """JSON from the wire: refused when nested deeper than MAX_JSON_DEPTH or not JSON."""
    if json_depth(body, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH:
        raise HubReplyError(f"{what}: reply nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise HubReplyError(f"{what}: reply is not JSON ({type(exc).__name__})") from exc


def wire_model(body: bytes, model: type[M], what: str) -> M:
    """The reply as `model`, or a HubReplyError when it has another shape."""
    data = parse_json(body, what)
    try:
        return model.model_validate(data)
    except (WireShapeError, ValueError, TypeError) as exc:
        problems = exc.error_count() if isinstance(exc, WireShapeError) else 1
        raise HubReplyError(f"{what}: reply of the wrong shape ({problems} problems)") from exc


def hub_error_code(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """The code of a refusal in the hub's own shape (its protocol header, an ErrorBody with a known
    code, or FastAPI's validation list); None for anything a proxy or a stranger may have said."""
    if headers.get(PROTOCOL_HEADER) != str(PROTOCOL_VERSION):
        return None
    try:
        detail = parse_json(body, "error").get("detail")
    except (HubReplyError, AttributeError):
        return None
    if (
        isinstance(detail, dict)
        and detail.get("code") in HUB_CODES
        and isinstance(detail.get("message"), str)
    ):
        return str(detail["code"])
    is_validation = (
        isinstance(detail, list)
        and bool(detail)
        and all(isinstance(d, dict) and "loc" in d and "msg" in d for d in detail)
    )
    return "validation" if status == 422 and is_validation else None


def is_hub_upload_refusal(method: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether a 4xx to an upload (tus) request is the hub's: its protocol header, and either the
    tus header or the hub's JSON error shape (an ErrorBody with a known code, or its tus server's
    short `{"detail": "..."}`; a HEAD reply has no body, so its JSON type stands for the shape).
    A proxy's or a portal's 4xx is none of these: not the hub's verdict on the file."""
    if headers.get(PROTOCOL_HEADER) != str(PROTOCOL_VERSION):
        return False
    if headers.get(TUS_HEADER):
        return True
    if method == "HEAD":
        return not body and headers.get("content-type", "").startswith("application/json")
    if hub_error_code(400, headers, body) is not None:
        return True
    try:
        detail = parse_json(body, "upload refusal").get("detail")
    except (HubReplyError, AttributeError):
        return False
    return isinstance(detail, str) and 0 < len(detail) <= _MAX_TUS_DETAIL
