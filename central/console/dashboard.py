"""The dashboard's figures, per point: grouped, indexed reads and day counters, never a scan of dossiers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from central.console.auth import now_ms
from central.console.index import today
from central.console.models import DeskReport, DeviceSeen, DossierIndex, PointBranch, PointDay
from central.models import AuditFork, Blob, Device, DossierFile, Point

ONLINE_MS = 10 * 60_000  # a desk that pulled within ten minutes counts as online


@dataclass(frozen=True)
class DeskRow:
    device_id: str
    desk: int
    last_seen: int | None  # ms since the epoch
    clock_offset_s: float | None
    is_online: bool
    audit_forks: int = (
        0  # open warnings: this desk's audit chain went backwards or forked (central.audit_heads)
    )
    last_push: int | None = None  # ms since the epoch
    outbox: tuple[int, int] | None = None  # events, files the desk last said it still holds (None: no report)


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

    @property
    def desk_pending(self) -> tuple[int, int] | None:
        """Events and files the point's desks last said they still hold, summed (None: no desk reported)."""
        reports = [d.outbox for d in self.desks if d.outbox is not None]
        if not reports:
            return None
        return sum(e for e, _ in reports), sum(f for _, f in reports)

    @property
    def last_contact(self) -> int | None:
        return max((t for d in self.desks for t in (d.last_seen, d.last_push) if t), default=None)

    def is_silent(self, now_ms: int, hours: float) -> bool:
        """No desk of this point has pulled or pushed within `hours` (or none ever has): as on the sync
        page."""
        seen = self.last_contact
        return seen is None or now_ms - seen > hours * 3_600_000


def points_query(role: str, branch: str | None) -> Select[str]:
    """The codes of the points this role sees, as a subquery the figures' queries join on."""
    q = select(Point.code)
    if role == "director":
        q = q.join(PointBranch, PointBranch.point_code == Point.code).where(PointBranch.branch_code == branch)
    return q


def visible_points(s: Session, role: str, branch: str | None) -> list[str]:
    return list(s.scalars(points_query(role, branch).order_by(Point.code)))


def rows(s: Session, role: str, branch: str | None, day: str | None = None) -> list[PointRow]:
    """One row per visible point; counters of the month so far for the rates."""
    day = day or today()
    points = visible_points(s, role, branch)
    out = {p: PointRow(code=p) for p in points}
    sel = points_query(role, branch).scalar_subquery() if role == "director" else None
    for p, name, branch_code in s.execute(
        _within(
            select(PointBranch.point_code, PointBranch.name, PointBranch.branch_code),
            PointBranch.point_code,
            sel,
        )
    ):
        if p in out:
            out[p].name, out[p].branch = name, branch_code  # a point named before it existed: skipped
    _open_counts(s, out, day, sel)
    _month_counters(s, out, day, sel)
    _pending(s, out, sel)
    _desks(s, out, sel)
    return [out[p] for p in points]


def _within(q: Any, column: Any, sel: Any) -> Any:
    """Restrict to the visible points (a subquery); None means every point (admin, auditor)."""
    return q if sel is None else q.where(column.in_(sel))


def _open_counts(s: Session, out: dict[str, PointRow], day: str, sel: Any) -> None:
    base = _within(
        select(DossierIndex.point_code, func.count()).where(DossierIndex.is_open.is_(True)),
        DossierIndex.point_code,
        sel,
    )
    for p, n in s.execute(base.where(DossierIndex.due_date == day).group_by(DossierIndex.point_code)):
        out.setdefault(p, PointRow(code=p)).due_today = int(n)
    for p, n in s.execute(base.where(DossierIndex.due_date < day).group_by(DossierIndex.point_code)):
        out.setdefault(p, PointRow(code=p)).overdue = int(n)


def _month_counters(s: Session, out: dict[str, PointRow], day: str, sel: Any) -> None:
    first = date.fromisoformat(day).replace(day=1).isoformat()
    q = (
        select(
            PointDay.point_code,
            func.sum(PointDay.returned),
            func.sum(PointDay.returned_on_time),
            func.sum(PointDay.rated),
            func.sum(PointDay.satisfied),
        )
        .where(PointDay.day >= first, PointDay.day <= day)
        .group_by(PointDay.point_code)
    )
    q = _within(q, PointDay.point_code, sel)
    for p, returned, on_time, rated, satisfied in s.execute(q):
        row = out.setdefault(p, PointRow(code=p))
        row.returned, row.returned_on_time = int(returned or 0), int(on_time or 0)
        row.rated, row.satisfied = int(rated or 0), int(satisfied or 0)
    for p, n in s.execute(
        _within(
            select(PointDay.point_code, PointDay.received).where(PointDay.day == day),
            PointDay.point_code,
            sel,
        )
    ):
        out.setdefault(p, PointRow(code=p)).received_today = int(n)


def _pending(s: Session, out: dict[str, PointRow], sel: Any) -> None:
    """Files still missing, counted afresh (one grouped query) for the dossiers the index marks as waiting."""
    q = (
        select(DossierIndex.point_code, func.count())
        .select_from(DossierIndex)
        .join(DossierFile, DossierFile.dossier_id == DossierIndex.dossier_id)
        .outerjoin(Blob, Blob.sha256 == DossierFile.sha256)
        .where(DossierIndex.files_pending > 0, Blob.sha256.is_(None))
        .group_by(DossierIndex.point_code)
    )
    for p, n in s.execute(_within(q, DossierIndex.point_code, sel)):
        out.setdefault(p, PointRow(code=p)).files_pending = int(n)


def _desks(s: Session, out: dict[str, PointRow], sel: Any) -> None:
    now = now_ms()
    forks = (
        select(AuditFork.device_id, func.count().label("n"))
        .where(AuditFork.cleared_at.is_(None))
        .group_by(AuditFork.device_id)
        .subquery()
    )
    q = (
        select(
            Device.id,
            Device.point_code,
            Device.desk,
            DeviceSeen.last_seen,
            DeviceSeen.clock_offset_ms,
            forks.c.n,
            DeskReport.last_push,
            DeskReport.outbox_events,
            DeskReport.outbox_files,
        )
        .outerjoin(DeviceSeen, DeviceSeen.device_id == Device.id)
        .outerjoin(forks, forks.c.device_id == Device.id)
        .outerjoin(DeskReport, DeskReport.device_id == Device.id)
        .where(Device.revoked_at.is_(None))
        .order_by(Device.point_code, Device.desk)
    )
    q = _within(q, Device.point_code, sel)
    for device_id, p, desk, seen, offset, n_forks, push, events, files in s.execute(q):
        out.setdefault(p, PointRow(code=p)).desks.append(
            DeskRow(
                device_id,
                int(desk),
                seen,
                offset / 1000 if offset is not None else None,
                bool(seen and now - seen < ONLINE_MS),
                int(n_forks or 0),
                push,
                (int(events), int(files or 0)) if events is not None else None,
            )
        )
