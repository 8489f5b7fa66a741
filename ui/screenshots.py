"""`--screenshots DIR`: render every main view and each step of the receive flow with demo data."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.samples import sample_page
from ui.screenshots_life import later_actions
from ui.views.dossiers import DossiersView
from ui.views.procedures import ProceduresView
from ui.views.receive import ReceiveView
from ui.views.returns import ReturnsView

logger = logging.getLogger(__name__)

DEMO_APPLICANT = {
    "full_name": "Nguyễn Thị Hồng Nhung",
    "id_kind": "cccd",
    "id_number": "001190012345",
    "birth_date": "1990-05-14",
    "gender": "female",
    "address": "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    "phone": "0912345678",
    "email": "nhung.nguyen@example.vn",
}


def settle(ms: int = 30) -> None:
    """Let queued signals and layouts run."""
    app = QApplication.instance()
    assert app is not None
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def wait_jobs(ctx: DeskContext, timeout_ms: int = 120_000) -> None:
    waited = 0
    while ctx.runner.is_busy() and waited < timeout_ms:
        settle(50)
        waited += 50
    settle()


class Shooter:
    def __init__(self, window: MainWindow, out: Path) -> None:
        self.window = window
        self.out = out
        self.names: list[str] = []

    def show(self, key: str) -> None:
        """Show the view under `key` and save it as `key`.png."""
        self.window.show_view(key)
        self.shot(key)

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        settle()
        target = widget or self.window
        target.grab().save(str(self.out / f"{name}.png"))
        self.names.append(name)


def _step(label: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:
        logger.exception("screenshot step %s failed", label)


def receive_flow(s: Shooter, ctx: DeskContext) -> None:
    w = s.window
    view = w.show_view("receive")
    assert isinstance(view, ReceiveView)
    view.procedure_step.search.query.setText("khai sinh")
    view.procedure_step.search.search()
    s.shot("receive-1-procedure")
    view.next_step()
    view.applicant_step.set_applicant(DEMO_APPLICANT)
    s.shot("receive-2-applicant")
    view.next_step()
    tmp = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
    steps = view.documents_step
    mandatory = [row for row, comp in enumerate(view.draft.components) if comp.mandatory]
    for row in mandatory[:-1] if len(mandatory) > 1 else mandatory:
        steps.checklist.setCurrentRow(row)
        steps.import_files(
            [sample_page(tmp / f"trang-{row}.png", view.draft.components[row].name.upper()[:40])]
        )
        wait_jobs(ctx)
    if len(mandatory) > 1:  # the last one shown on paper only, as for an original handed back
        steps.checklist.setCurrentRow(mandatory[-1])
        steps.paper_check.setChecked(True)
        steps.paper_note.setText("Bản chính chỉ xuất trình, đã đối chiếu và trả lại")
        steps.paper_note.textEdited.emit(steps.paper_note.text())
        s.shot("receive-3-paper-only")
    steps.checklist.setCurrentRow(mandatory[0] if mandatory else 0)  # a component with its page
    view.documents_step.pages.setCurrentRow(0)
    s.shot("receive-3-documents")
    view.next_step()
    s.shot("receive-4-fees")
    view.next_step()
    view.return_step.post.setChecked(True)
    s.shot("receive-5-return")
    view.next_step()
    s.shot("receive-6-review")
    view.save()
    wait_jobs(ctx)
    s.shot("receive-7-saved")


def render_all(window: MainWindow, ctx: DeskContext, out: Path) -> int:
    """Save DIR/<name>.png for every view and receive step; exit code 0 when at least 8 were saved."""
    out.mkdir(parents=True, exist_ok=True)
    window.resize(1366, 820)
    window.show()
    s = Shooter(window, out)
    _step("home", lambda: s.show("home"))

    def procedures() -> None:
        view = window.show_view_as("procedures", ProceduresView)
        view.search.query.setText("chung thuc")
        view.search.search()
        s.shot("procedures")

    _step("procedures", procedures)
    _step("receive", lambda: receive_flow(s, ctx))

    def dossiers() -> None:
        view = window.show_view_as("dossiers", DossiersView)
        view.table.selectRow(0)
        s.shot("dossiers")
        view.detail.tabs.setCurrentIndex(1)
        s.shot("dossier-timeline")
        view.detail.tabs.setCurrentIndex(2)
        view.detail.documents.setCurrentRow(0)
        s.shot("dossier-documents")

    _step("dossiers", dossiers)

    def returns() -> None:
        view = window.show_view_as("returns", ReturnsView)
        result = window.view_as("receive", ReceiveView).result
        if result:
            view.code.setText(result.code)
            view.find()
        s.shot("returns")

    _step("returns", returns)
    _step("later actions", lambda: later_actions(s, ctx))
    _step("sync", lambda: s.show("sync"))
    _step("settings", lambda: s.show("settings"))

    def login() -> None:
        from ui.dialogs.login import LoginDialog

        dialog = LoginDialog(lambda u, p: None, ctx.settings.point_name, window)
        dialog.username.setText("canbo1")
        dialog.show()
        s.shot("login", dialog)
        dialog.close()

    _step("login", login)
    window.view_as("receive", ReceiveView).confirm_discard = lambda: True
    window.close()
    logger.info("screenshots saved: %s", ", ".join(s.names))
    print(f"{len(s.names)} screenshots in {out}: {', '.join(s.names)}")
    return 0 if len(s.names) >= 8 else 1
