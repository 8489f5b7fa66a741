"""Đồng bộ: the state of the link with the centre and what is waiting to go up."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from sync.engine import SyncReport
from ui.adapters.sync import (
    hub_link_view,
    is_enrolled,
    sync_overview,
)
from ui.context import DeskContext
from ui.views.base import ViewPage, hint, row, section
from ui.workers.jobs import Job
from ui.workers.sync_scheduler import SyncScheduler


class SyncView(ViewPage):
    title = "Đồng bộ với trung tâm"

    def __init__(self, ctx: DeskContext, scheduler: SyncScheduler, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.scheduler = scheduler  # "Đồng bộ ngay" asks it: one pass at a time
        self.unencrypted = QLabel()
        self.unencrypted.setObjectName("Unencrypted")
        self.unencrypted.setWordWrap(True)
        self.unencrypted.hide()
        self.root.addWidget(self.unencrypted)
        box = QGroupBox("Tình trạng")
        form = QFormLayout(box)
        self.labels: dict[str, QLabel] = {}
        for key, label in (
            ("hub", "Trung tâm"),
            ("state", "Kết nối"),
            ("pending_events", "Sự kiện chờ gửi"),
            ("pending_files", "Tệp chờ gửi"),
            ("last_success", "Lần đồng bộ gần nhất"),
            ("last_error", "Lỗi gần nhất"),
        ):
            self.labels[key] = QLabel("—")
            self.labels[key].setWordWrap(True)
            form.addRow(label, self.labels[key])
        self.root.addWidget(box)
        self.sync_button = QPushButton("Đồng bộ &ngay")
        self.sync_button.setObjectName("Primary")
        self.root.addLayout(row(self.sync_button))
        self.root.addWidget(section("Đang chờ gửi"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Mã hồ sơ", "Thao tác", "Thời điểm"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.root.addWidget(self.table, 1)
        self.root.addWidget(
            hint(
                "Đồng bộ chạy nền theo chu kỳ khi đã đăng ký máy với trung tâm; dữ liệu luôn lưu trên máy trước."
            )
        )
        self.sync_button.clicked.connect(self.sync_now)

    def refresh(self) -> None:
        info = sync_overview(self.ctx)
        link = hub_link_view(self.ctx)
        self.unencrypted.setText(link.unencrypted_text)
        self.unencrypted.setVisible(link.is_unencrypted)
        for key, lab in self.labels.items():
            lab.setText(str(info.get(key) or "—"))
        pending = info.get("pending", [])
        self.table.setRowCount(len(pending))
        for r, p in enumerate(pending):
            for c, key in enumerate(("code", "label", "when")):
                self.table.setItem(r, c, QTableWidgetItem(str(p.get(key, ""))))
        self.table.resizeColumnsToContents()
        self.sync_button.setEnabled(is_enrolled(self.ctx))

    def sync_now(self) -> Job | None:
        if not is_enrolled(self.ctx):
            self.show_error(
                "Máy chưa được đăng ký với trung tâm. Bộ phận kỹ thuật đăng ký bằng lệnh: python -m sync enroll --hub ĐỊA_CHỈ --code MÃ."
            )
            return None
        job = self.scheduler.run_now()  # the pass already running, if one is
        if job is not None:
            job.signals.sig_done.connect(self._on_synced)
            job.signals.sig_failed.connect(self.show_error)
        return job

    def _on_synced(self, report: SyncReport) -> None:
        self.refresh()
        if report.user_message:
            self.show_error(report.user_message)
        else:
            self.show_info("Đồng bộ xong.")
