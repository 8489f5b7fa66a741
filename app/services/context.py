"""What every service needs: the store, the blob store, the settings, the clerk and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.calendar import TZ, WorkCalendar, installed_overlays
from app.config import Settings
from app.domain.errors import AuthError
from app.storage import BlobStore, Database


def vn_now() -> datetime:
    """The current time in Asia/Ho_Chi_Minh (aware)."""
    return datetime.now(TZ)


@dataclass
class Desk:
    """The services' context: `Desk(db, blobs, settings, clerk_id)`; one per thread (owns `db`)."""

    db: Database
    blobs: BlobStore
    settings: Settings
    clerk_id: str
    now: Callable[[], datetime] = vn_now
    calendar: WorkCalendar = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        row = self.db.conn.execute("SELECT is_active FROM clerks WHERE id = ?", (self.clerk_id,)).fetchone()
        if row is None or not row[0]:
            raise AuthError(
                f"no active clerk {self.clerk_id}", "Chưa đăng nhập bằng tài khoản cán bộ hợp lệ."
            )
        if self.calendar is None:  # with the centre's published overlays installed beside desk.db
            overlays = installed_overlays(Path(self.db.path).parent)
            self.calendar = WorkCalendar(overlays, saturday_reception=self.settings.saturday_reception)

    def local_now(self) -> datetime:
        moment = self.now()
        if moment.tzinfo is None:
            raise ValueError("the desk clock must return aware datetimes")
        return moment.astimezone(TZ)
