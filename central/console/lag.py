"""How far each point's desks are behind, as the hub sees it: when each desk last pulled, how many
events it pushed today, which dossiers still wait for their files, and which points have gone silent.

Each desk also reports, at the end of its pass, how many events and files it has not pushed yet
(central.console.desk_reports); they are shown with the report's time. Events
received today are counted from the tail of each point's feed (its primary key), never by scanning
`events`: a window of the newest items is widened only for points whose whole window is today's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from central.console.dashboard import visible_points
from central.console.index import TZ
from central.console.models import DeskReport, DeviceSeen, DossierIndex, PointBranch
from central.models import Blob, Device, DossierFile, EventRow, FeedItem, Point

WINDOWS = (200, 2_000, 20_000)  # feed items read per point; the last one caps the count


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
    is_capped: bool = False  # more events today than the last window holds: the count is a floor
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
    counts, capped = events_today(s, points, start_of_day_ms(now or datetime.now(TZ)))
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
        )
        .outerjoin(DeviceSeen, DeviceSeen.device_id == Device.id)
        .outerjoin(DeskReport, DeskReport.device_id == Device.id)
        .where(Device.revoked_at.is_(None), Device.point_code.in_(points))
        .order_by(Device.point_code, Device.desk)
    )
    for device_id, p, desk, seen, push, events, files, reported in desks:
        n = counts.get((p, device_id), 0)
        out[p].desks.append(DeskLag(device_id, int(desk), seen, n, push, events, files, reported))
    for p in capped:
        out[p].is_capped = True
    _waiting(s, out, points)
    return [out[p] for p in points]


def events_today(
    s: Session, points: list[str], start_ms: int, windows: tuple[int, ...] = WINDOWS
) -> tuple[dict[tuple[str, str], int], set[str]]:
    """Events each device pushed since `start_ms`, {(point, device): n}, and the points whose count hit
    the last window. The feed is in arrival order per point, so a window holding nothing older than
    today may have missed some: only those points are read again with a wider window."""
    counts: dict[tuple[str, str], int] = {}
    todo, capped = list(points), set()
    for window in windows:
        is_today = EventRow.stored_at >= start_ms
        q = (
            select(
                FeedItem.point_code,
                FeedItem.device,
                func.sum(case((is_today, 1), else_=0)),
                func.count(),
                func.min(Point.next_seq) - window > 1,
            )
            .join(Point, Point.code == FeedItem.point_code)
            .join(EventRow, EventRow.id == FeedItem.event_id)
            .where(FeedItem.point_code.in_(todo), FeedItem.seq >= Point.next_seq - window)
            .group_by(FeedItem.point_code, FeedItem.device)
        )
        full: dict[str, bool] = {}  # point -> every item of its window is today's, and older ones exist
        for p, device, today_n, all_n, has_older in s.execute(q):
            counts[(p, device)] = int(today_n or 0)
            full[p] = full.get(p, True) and int(today_n or 0) == int(all_n) and bool(has_older)
        todo = [p for p, is_full in full.items() if is_full]
        if not todo:
            break
    else:
        capped = set(todo)
    return counts, capped


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
