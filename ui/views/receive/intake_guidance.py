"""The receive view's "papers incomplete" path: form 02 at intake, nothing received (the guidance
is recorded and counted by app.services.guidance)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from ui.context import DeskContext
from ui.dialogs.actions import SupplementDialog
from ui.ops import intake_guidance
from ui.views.receive.draft import ReceiveDraft
from ui.workers.jobs import Job


def checklist_of(draft: ReceiveDraft) -> list[dict[str, Any]]:
    """The chosen procedure's components, as the supplement dialog lists them."""
    return [{"component": c.component, "name": c.name, "copy_kind": c.copy_kind} for c in draft.components]


def ask(draft: ReceiveDraft, parent: QWidget) -> dict[str, Any] | None:
    dialog = SupplementDialog(checklist_of(draft), parent)
    dialog.setWindowTitle("Hồ sơ chưa đủ: phiếu yêu cầu bổ sung (mẫu 02), không tiếp nhận")
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


def start(
    ctx: DeskContext,
    draft: ReceiveDraft,
    applicant_name: str,
    values: dict[str, Any],
    on_done: Callable[[Path], None],
    on_failed: Callable[[BaseException], None],
) -> Job | None:
    """Record the guidance and write form 02 in a job; `on_done(pdf)` prints it."""
    code, _version = draft.procedure_ref()
    out = Path(tempfile.mkdtemp(prefix="motcua-form-")) / f"mau-02-huong-dan-{code}.pdf"
    request = intake_guidance.IntakeGuidance(
        code, applicant_name, str(values["reason"]), out, ctx.settings, ctx.clerk_id, tuple(values["items"])
    )
    job = Job("Lập phiếu yêu cầu bổ sung (mẫu 02)", intake_guidance.run, ctx.home, request)
    return ctx.runner.start(job, on_done=on_done, on_failed=on_failed)
