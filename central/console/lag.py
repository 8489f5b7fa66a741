"""How far each point's desks are behind, as the hub sees it: when each desk last pulled, how many
events it pushed today, which dossiers still wait for their files, and which points have gone silent.

Each desk also reports, at the end of its pass, how many events and files it has not pushed yet
(central.console.desk_reports); they are shown with the report's time. Events received today are
counted per device and day as they are stored (central.console.index.count_pushed): one row per desk
is read, never the feed or `events`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from central.console.dashboard import visible_points
from central.console.index import TZ
from central.console.models import DeskReport, DeviceDay, DeviceSeen, DossierIndex, PointBranch
from central.models import Blob, Device, DossierFile


@dataclass(frozen=True)
class DeskLag:
    device_id: str
    desk: int
    last_seen: int | None  # ms since the epoch; None: never pulled
    events_today: int
    last_push: int | None = None  # ms since the epoch; None: never pushed (or before the hub kept it)
    outbox_events: int | None = None  # what the desk said it still holds; None: it never said
    outbox_files: int | None = None
    reported_at: int | None = None

    @property
    def last_contact(self) -> int | None:
        return max((t for t in (self.last_seen, self.last_push) if t), default=None)


@dataclass
class PointLag:
    code: str
    name: str = ""
    desks: list[DeskLag] = field(default_factory=list)
    dossiers_waiting: int = 0
    files_missing: int = 0

    @property
    def last_seen(self) -> int | None:
        return max((d.last_seen for d in self.desks if d.last_seen), default=None)

    @property
    def last_push(self) -> int | None:
        return max((d.last_push for d in self.desks if d.last_push), default=None)

    @property
    def last_contact(self) -> int | None:
        return max((t for t in (self.last_seen, self.last_push) if t), default=None)

    @property
    def events_today(self) -> int:
        return sum(d.events_today for d in self.desks)

    def is_silent(self, now_ms: int, hours: float) -> bool:
        """No desk of this point has pulled or pushed within `hours` (or none ever has)."""
        seen = self.last_contact
        return seen is None or now_ms - seen > hours * 3_600_000


def start_of_day_ms(day: datetime) -> int:
    """Midnight of `day` in Hanoi, as ms since the epoch."""
    local = day.astimezone(TZ)
    return int(datetime.combine(local.date(), time(0), TZ).timestamp() * 1000)


def lags(s: Session, role: str, branch: str | None, now: datetime | None = None) -> list[PointLag]:
    """One row per point this role sees (a director: their branch's only), desks in desk order."""
    points = visible_points(s, role, branch)
    out = {p: PointLag(code=p) for p in points}
    if not points:
        return []
    for p, name in s.execute(
        select(PointBranch.point_code, PointBranch.name).where(PointBranch.point_code.in_(points))
    ):
        out[p].name = name
    day = (now or datetime.now(TZ)).astimezone(TZ).date().isoformat()
    desks = s.execute(
        select(
            Device.id,
            Device.point_code,
            Device.desk,
            DeviceSeen.last_seen,
            DeskReport.last_push,
            DeskReport.outbox_events,
            DeskReport.outbox_files,
            DeskReport.reported_at,
            DeviceDay.events,
        )
        .outerjoin(DeviceSeen, DeviceSeen.device_id == Device.id)
        .outerjoin(DeskReport, DeskReport.device_id == Device.id)
        .outerjoin(DeviceDay, (DeviceDay.device_id == Device.id) & (DeviceDay.day == day))
        .where(Device.revoked_at.is_(None), Device.point_code.in_(points))
        .order_by(Device.point_code, Device.desk)
    )
    for device_id, p, desk, seen, push, events, files, reported, today_n in desks:
        n = int(today_n or 0)
        out[p].desks.append(DeskLag(device_id, int(desk), seen, n, push, events, files, reported))
    _waiting(s, out, points)
    return [out[p] for p in points]


def _waiting(s: Session, out: dict[str, PointLag], points: list[str]) -> None:
    """Dossiers with files still missing, and how many files: counted afresh for the dossiers the index
    marks as waiting (one grouped query)."""
    q = (
        select(DossierIndex.point_code, func.count(distinct(DossierIndex.dossier_id)), func.count())
        .select_from(DossierIndex)
        .join(DossierFile, DossierFile.dossier_id == DossierIndex.dossier_id)
        .outerjoin(Blob, Blob.sha256 == DossierFile.sha256)
        .where(DossierIndex.files_pending > 0, Blob.sha256.is_(None), DossierIndex.point_code.in_(points))
        .group_by(DossierIndex.point_code)
    )
    for p, dossiers, files in s.execute(q):
        out[p].dossiers_waiting, out[p].files_missing = int(dossiers), int(files)
