"""The two figures the head of point's dashboard adds: satisfaction this month and today's average wait."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.reports.period import Period
from app.reports.point import _returned, _satisfaction
from app.storage.db import Database


@dataclass(frozen=True)
class PointFigures:
    satisfaction: float | None  # QĐ 766 index (%), month to date
    rated: int
    handled: int
    avg_wait_min: float | None  # today, over the tickets called so far
    called: int


def wait_minutes(tickets: Iterable[Mapping[str, Any]]) -> list[float]:
    """Minutes from issue to call of each called ticket (the queue service's `tickets` rows)."""
    out = []
    for t in tickets:
        if t.get("called_at") and t.get("issued_at"):
            delta = datetime.fromisoformat(str(t["called_at"])) - datetime.fromisoformat(str(t["issued_at"]))
            out.append(max(0.0, delta.total_seconds() / 60))
    return out


def point_figures(db: Database, today: date, tickets: Iterable[Mapping[str, Any]] = ()) -> PointFigures:
    """Month-to-date satisfaction from the store (index scans), today's wait from the queue's tickets."""
    returned = _returned(db, Period("month", today.replace(day=1), today))
    table = _satisfaction(returned)
    index = table.rows[-1][2]
    waits = wait_minutes(tickets)
    avg = round(sum(waits) / len(waits), 1) if waits else None
    return PointFigures(index if isinstance(index, float) else None, int(table.total[1] or 0), len(returned), avg,
                        len(waits))  # fmt: skip
