"""The desks' and the kiosk's client of the point's queue service (`sync.queue_service`).

Short timeouts: the queue is a help, never a gate. When the service cannot be reached every call raises
`QueueUnavailable` at once, and the desk goes on receiving dossiers without it.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from app.domain.errors import AppError, NotFoundError, StateError, ValidationError

logger = logging.getLogger(__name__)
TIMEOUT_S = (1.0, 3.0)  # connect, read


class QueueUnavailable(AppError):
    code = "queue_unavailable"
    default_user_message = "Không kết nối được hệ thống xếp hàng. Quầy vẫn tiếp nhận hồ sơ bình thường."


_ERRORS: dict[int, type[AppError]] = {400: ValidationError, 404: NotFoundError, 409: StateError}


class QueueClient:
    def __init__(self, base_url: str, token: str = "", session: requests.Session | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            resp = self.session.request(
                method, self.base + path, json=body, headers=self.headers, timeout=TIMEOUT_S
            )
        except requests.RequestException as exc:
            logger.warning("queue service unreachable (%s %s): %s", method, path, type(exc).__name__)
            raise QueueUnavailable(f"queue service unreachable: {type(exc).__name__}") from exc
        try:
            data = resp.json()
        except ValueError as exc:
            raise QueueUnavailable(f"queue service replied {resp.status_code} without JSON") from exc
        if resp.status_code != 200:
            if not isinstance(data, dict):
                raise QueueUnavailable(f"queue service replied {resp.status_code}")
            kind = _ERRORS.get(resp.status_code, QueueUnavailable)
            message = str(data.get("message") or "")[:300] or None
            raise kind(
                f"queue service refused {method} {path}: {resp.status_code} {data.get('error')}", message
            )
        if not isinstance(data, dict):
            raise QueueUnavailable("queue service reply is not a JSON object")
        return data

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/api/v1/health"))

    def hall(self) -> dict[str, Any]:
        return dict(self._call("GET", "/api/v1/hall"))

    def tickets(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/api/v1/tickets")["tickets"])

    def issue(self, field: str, priority: bool = False) -> dict[str, Any]:
        return dict(self._call("POST", "/api/v1/tickets", {"field": field, "priority": priority}))

    def book(self, code: str, citizen: str, field: str, day: str) -> None:
        self._call("POST", "/api/v1/bookings", {"code": code, "citizen": citizen, "field": field, "day": day})

    def check_in(self, code: str) -> dict[str, Any]:
        return dict(self._call("POST", "/api/v1/checkin", {"code": code}))

    def call_next(self, desk: int, fields: list[str]) -> dict[str, Any] | None:
        ticket = self._call("POST", "/api/v1/call", {"desk": desk, "fields": fields})["ticket"]
        return dict(ticket) if ticket else None

    def finish(self, ticket_id: int, desk: int, outcome: str, dossier_code: str = "") -> dict[str, Any]:
        body = {"desk": desk, "outcome": outcome, "dossier_code": dossier_code}
        return dict(self._call("POST", f"/api/v1/tickets/{int(ticket_id)}/finish", body))
