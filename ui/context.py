"""What the composition root hands to every view: no global application object (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from ui.workers.jobs import JobRunner


@dataclass
class DeskContext:
    home: Path
    settings: Settings
    runner: JobRunner
    db: Any = None  # the UI thread's connection to the desk store (each job opens its own)
    clerk: Any = None  # the logged-in clerk (from app.services)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def clerk_name(self) -> str:
        if self.clerk is None:
            return ""
        return str(getattr(self.clerk, "full_name", None) or getattr(self.clerk, "username", ""))

    @property
    def clerk_id(self) -> str:
        if self.clerk is None:
            return "unknown"
        return str(getattr(self.clerk, "id", None) or getattr(self.clerk, "username", "unknown"))
