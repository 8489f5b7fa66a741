"""What the composition root hands to every view: no global application object (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.config import Settings
from app.services.clerks import Clerk
from app.storage import Database
from ui.workers.jobs import JobRunner


@dataclass
class DeskContext:
    """Built whole by `ui.main.make_context`; `clerk` changes at login and lock, `settings` when the
    Cài đặt page or an enrollment saves new ones (jobs take a copy when they start)."""

    home: Path
    settings: Settings
    runner: JobRunner
    db: Database  # the UI thread's connection to the desk store (each job opens its own)
    clerk: Clerk | None = None  # the logged-in clerk

    @property
    def clerk_name(self) -> str:
        if self.clerk is None:
            return ""
        return self.clerk.full_name or self.clerk.username

    @property
    def clerk_id(self) -> str:
        if self.clerk is None:
            return "unknown"
        return self.clerk.id or self.clerk.username or "unknown"
