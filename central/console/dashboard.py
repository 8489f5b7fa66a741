"""The dashboard's figures, per point: grouped, indexed reads and day counters, never a scan of dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.console.auth import now_ms
from central.console.index import missing_files, today
from central.console.models import DeviceSeen, DossierIndex, PointBranch, PointDay
from central.models import Device, Point

ONLINE_MS = 10 * 60_000  # a desk that pulled within ten minutes counts as online


@dataclass(frozen=True)
class DeskRow:
    device_id: str
    desk: int
    last_seen: int | None  # ms since the epoch
    clock_offset_s: float | None
    is_online: bool


@dataclass
class PointRow:
    code: str
    name: str = ""
    branch: str = ""
    received_today: int = 0
    due_today: int = 0
    overdue: int = 0
    returned: int = 0
    returned_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    files_pending: int = 0
    desks: list[DeskRow] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.returned_on_time / self.returned if self.returned else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def desks_online(self) -> int:
        return sum(d.is_online for d in self.desks)


def visible_points(s: Session, role: str, branch: str | None) -> list[str]:
    q = select(Point.code).order_by(Point.code)
    if role == "director":
        q = q.join(PointBranch, PointBranch.point_code == Point.code).where(PointBranch.branch_code == branch)
    return list(s.scalars(q))


def rows(s: Session, points: list[str], day: str | None = None) -> list[PointRow]:
    """One row per point; counters of the month so far for the rates."""
    day = day or today()
    out = {p: PointRow(code=p) for p in points}
    for p, name, branch in s.execute(
        select(PointBranch.point_code, PointBranch.name, PointBranch.branch_code).where(
            PointBranch.point_code.in_(points)
        )
    ):
        out[p].name, out[p].branch = name, branch
    _open_counts(s, out, day)
    _month_counters(s, out, day)
    _pending(s, out)
    _desks(s, out)
    return [out[p] for p in points]


def _open_counts(s: Session, out: dict[str, PointRow], day: str) -> None:
    base = select(DossierIndex.point_code, func.count()).where(
        DossierIndex.point_code.in_(out), DossierIndex.is_open.is_(True)
    )
    for p, n in s.execute(base.where(DossierIndex.due_date == day).group_by(DossierIndex.point_code)):
        out[p].due_today = int(n)
    for p, n in s.execute(base.where(DossierIndex.due_date < day).group_by(DossierIndex.point_code)):
        out[p].overdue = int(n)


def _month_counters(s: Session, out: dict[str, PointRow], day: str) -> None:
    first = date.fromisoformat(day).replace(day=1).isoformat()
    q = (
        select(
            PointDay.point_code,
            func.sum(PointDay.returned),
            func.sum(PointDay.returned_on_time),
            func.sum(PointDay.rated),
            func.sum(PointDay.satisfied),
        )
        .where(PointDay.point_code.in_(out), PointDay.day >= first, PointDay.day <= day)
        .group_by(PointDay.point_code)
    )
    for p, returned, on_time, rated, satisfied in s.execute(q):
        row = out[p]
        row.returned, row.returned_on_time = int(returned or 0), int(on_time or 0)
        row.rated, row.satisfied = int(rated or 0), int(satisfied or 0)
    for p, n in s.execute(
        select(PointDay.point_code, PointDay.received).where(
            PointDay.point_code.in_(out), PointDay.day == day
        )
    ):
        out[p].received_today = int(n)


def _pending(s: Session, out: dict[str, PointRow]) -> None:
    """Files still missing, counted afresh for the (few) dossiers the index marks as waiting."""
    flagged = s.execute(
        select(DossierIndex.point_code, DossierIndex.dossier_id)
        .where(DossierIndex.point_code.in_(out), DossierIndex.files_pending > 0)
        .limit(5000)
    ).all()
    conn = s.connection()
    for p, dossier_id in flagged:
        out[p].files_pending += missing_files(conn, dossier_id)


def _desks(s: Session, out: dict[str, PointRow]) -> None:
    now = now_ms()
    q = (
        select(Device.id, Device.point_code, Device.desk, DeviceSeen.last_seen, DeviceSeen.clock_offset_ms)
        .outerjoin(DeviceSeen, DeviceSeen.device_id == Device.id)
        .where(Device.point_code.in_(out), Device.revoked_at.is_(None))
        .order_by(Device.point_code, Device.desk)
    )
    for device_id, p, desk, seen, offset in s.execute(q):
        out[p].desks.append(
            DeskRow(
                device_id,
                int(desk),
                seen,
                offset / 1000 if offset is not None else None,
                bool(seen and now - seen < ONLINE_MS),
            )
        )
