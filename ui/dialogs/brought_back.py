"""Nhận giấy tờ bổ sung: the papers a citizen brings back after form 02, scanned from the desk's
scanner or imported from files as at intake (the same page jobs, `ui.workers.pages`, over the one
pipeline `ui.ops.digitize`: clean-up, OCR, thumbnails with the OCR quality badge)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from ui.context import DeskContext
from ui.dialogs.actions import ActionDialog
from ui.messages import user_message
from ui.views.receive.draft import DraftPage
from ui.views.receive.step_documents import FILE_FILTER, THUMB, thumbnail_icon
from ui.workers import pages as page_jobs
from ui.workers.jobs import Job

NO_PAGES_VI = "Chưa có trang nào: hãy quét giấy tờ (F5) hoặc nhập tệp."
BUSY_VI = "Đang quét, nhận dạng trang: hãy chờ xong."


class BroughtBackDialog(ActionDialog):
    """Which paper was brought back, and its pages from the scanner (F5) or from files."""

    def __init__(self, ctx: DeskContext, missing: list[str], parent: QWidget | None = None) -> None:
        super().__init__("Nhận giấy tờ bổ sung (quét như khi tiếp nhận)", parent)
        self.setMinimumWidth(640)
        self.ctx = ctx
        self.pages: list[DraftPage] = []
        self.jobs: list[Job] = []
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems(missing or ["Giấy tờ bổ sung"])
        self.form.addRow("Tên giấy tờ *", self.name)
        bar = QHBoxLayout()
        self.scan_button = QPushButton("Quét trang (F5)")
        self.scan_button.setObjectName("Primary")
        self.scan_button.setShortcut("F5")
        self.scan_button.setToolTip("Quét từ máy quét đã chọn trong Cài đặt")
        self.import_button = QPushButton("&Nhập tệp...")
        self.import_button.setToolTip("Nhập ảnh hoặc PDF công dân gửi")
        self.delete_button = QPushButton("&Xóa trang")
        for b in (self.scan_button, self.import_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.form.addRow("", bar)
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setMinimumHeight(THUMB.height() + 40)
        self.form.addRow("Các trang", self.list)
        self.status = QLabel(NO_PAGES_VI)
        self.status.setObjectName("Hint")
        self.status.setWordWrap(True)
        self.form.addRow("", self.status)
        self.scan_button.clicked.connect(self.scan)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.delete_button.clicked.connect(self.delete_page)

    # ----- pages, through the same jobs as the intake step -----
    def scan(self) -> Job | None:
        return self._start("Quét giấy tờ bổ sung", page_jobs.scan_pages_job, self.ctx.settings)

    def import_files(self, paths: list[Path]) -> Job | None:
        return self._start("Nhập giấy tờ bổ sung", page_jobs.import_pages_job, paths)

    def _on_import_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp giấy tờ công dân bổ sung", "", FILE_FILTER)
        if names:
            self.import_files([Path(n) for n in names])

    def _start(self, name: str, fn: Any, *args: Any) -> Job | None:
        job = Job(name, fn, self.ctx.home, *args, emits_items=True)
        self.jobs.append(job)
        self.status.setText(BUSY_VI)

        def failed(exc: BaseException) -> None:
            self._on_failed(job, exc)

        def done(_result: object) -> None:
            self._finished(job)

        return self.ctx.runner.start(job, on_item=self._on_item, on_failed=failed, on_done=done)

    def _finished(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self._show()

    def _on_item(self, item: dict[str, Any]) -> None:
        page = DraftPage.from_item(item, QImage.fromData(item["thumb_png"]))
        self.pages.append(page)
        self._show()

    def _on_failed(self, job: Job, exc: BaseException) -> None:
        self._finished(job)
        self.status.setText(user_message(exc))

    def delete_page(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.pages):
            del self.pages[row]
            self._show()

    def busy(self) -> bool:
        live = self.ctx.runner.live_jobs()
        return any(job in live for job in self.jobs)

    def _show(self) -> None:
        self.list.clear()
        for i, page in enumerate(self.pages):
            self.list.addItem(QListWidgetItem(thumbnail_icon(page), f"Trang {i + 1}"))
        if self.busy():
            self.status.setText(BUSY_VI)
        else:
            self.status.setText(f"{len(self.pages)} trang đã nhận dạng." if self.pages else NO_PAGES_VI)

    # ----- the dialog's answer -----
    def values(self) -> dict[str, Any]:
        return {"name": " ".join(self.name.currentText().split()), "pages": list(self.pages)}

    def problem(self) -> str:
        if self.busy():
            return BUSY_VI
        if not self.values()["name"]:
            return "Hãy ghi tên giấy tờ bổ sung."
        return "" if self.pages else NO_PAGES_VI
