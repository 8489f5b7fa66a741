"""Form 02 at intake as a job: record the guidance (nothing received) and write its PDF."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from app.services.guidance import supplement_at_intake
from ui.ops.base import IsCancelled, Progress, check_cancelled
from ui.ops.print_form import write_atomic
from ui.ops.store import open_desk


@dataclass(frozen=True)
class IntakeGuidance:
    procedure_code: str
    applicant_name: str
    reason: str
    out: Path
    settings: Settings
    clerk_id: str
    items: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", copy.deepcopy(self.settings))
        object.__setattr__(self, "items", tuple(dict(i) for i in self.items))


def run(home: Path, job: IntakeGuidance, progress: Progress, is_cancelled: IsCancelled) -> Path:
    """The guidance recorded (one audit row) and form 02 written at `job.out`."""
    check_cancelled(is_cancelled, "form 02 at intake")
    desk = open_desk(home, job.settings, job.clerk_id)
    try:
        given = supplement_at_intake(
            desk, job.procedure_code, job.applicant_name, list(job.items), job.reason
        )
    finally:
        desk.db.close()
    write_atomic(job.out, given.pdf, home)
    progress(1, 1)
    return job.out
