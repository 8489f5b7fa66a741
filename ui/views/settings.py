"""Cài đặt: point and desk, scanner (device, dpi, colour, test scan), printer, Saturday reception,
hub (address, its CA bundle, and a red mark while the link is plain http to another machine)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import save_settings
from app.domain.errors import AppError
from scanner.sources import Device
from ui.adapters.sync import (
    check_hub_ca,
    hub_link_view,
    install_hub_ca,
)
from ui.adapters.upkeep import backup_status_text, digitization_profile_text, form_templates_text
from ui.context import DeskContext
from ui.ops import scanners
from ui.ops.scan_source import PageFrom
from ui.views.base import ViewPage, row
from ui.workers.jobs import Job
from ui.workers.upkeep import Upkeep

MODES = [("color", "Màu"), ("gray", "Xám"), ("bw", "Đen trắng")]


class SettingsView(ViewPage):
    title = "Cài đặt"

    def __init__(self, ctx: DeskContext, upkeep: Upkeep, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.upkeep = upkeep  # the session's background upkeep: runs "Sao lưu ngay" too
        cols = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        point = QGroupBox("Điểm phục vụ")
        pf = QFormLayout(point)
        self.point_name = QLineEdit()
        self.point_code = QLineEdit()
        self.agency_code = QLineEdit()
        self.desk = QSpinBox()
        self.desk.setRange(1, 99)
        self.saturday = QCheckBox("Tiếp nhận sáng thứ Bảy")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 120)
        self.lock_minutes.setSuffix(" phút")
        pf.addRow("Tên điểm", self.point_name)
        pf.addRow("Mã điểm", self.point_code)
        pf.addRow("Mã cơ quan (mã hồ sơ)", self.agency_code)
        pf.addRow("Số quầy", self.desk)
        pf.addRow("", self.saturday)
        pf.addRow("Khóa màn hình sau", self.lock_minutes)
        left.addWidget(point)
        left.addWidget(self._hub_box())
        left.addWidget(self._backup_box())
        left.addStretch(1)
        scan = QGroupBox("Máy quét")
        sf = QFormLayout(scan)
        self.device = QComboBox()
        self.refresh_devices = QPushButton("Tìm &thiết bị")
        self.dpi = QComboBox()
        for dpi in (150, 200, 300, 400, 600):
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.mode = QComboBox()
        for value, label in MODES:
            self.mode.addItem(label, value)
        self.test_scan = QPushButton("&Quét thử")
        self.preview = QLabel("(ảnh quét thử)")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(160)
        sf.addRow("Thiết bị", row(self.device, self.refresh_devices))
        sf.addRow("Độ phân giải", self.dpi)
        sf.addRow("Chế độ màu", self.mode)
        self.profile = QLabel()  # two lines, no word wrap: a wrapped label in a form row is cut short
        self.profile.setToolTip(
            "Trung tâm ban hành cấu hình số hóa; máy nhận khi đồng bộ. Không sửa tại đây."
        )
        sf.addRow("Cấu hình số hóa", self.profile)
        self.form_templates = QLabel()  # the version of the printed forms in force (read-only)
        self.form_templates.setToolTip("Trung tâm ban hành mẫu phiếu in; máy nhận khi đồng bộ.")
        sf.addRow("", row(self.test_scan))
        sf.addRow("", self.preview)
        printer = QGroupBox("Máy in")
        prf = QFormLayout(printer)
        self.printer = QComboBox()
        prf.addRow("Máy in giấy tiếp nhận", self.printer)
        prf.addRow("Mẫu phiếu in", self.form_templates)
        right.addWidget(scan)
        right.addWidget(printer)
        right.addStretch(1)
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        self.root.addLayout(cols, 1)
        self.save_button = QPushButton("&Lưu cài đặt")
        self.save_button.setObjectName("Primary")
        self.root.addLayout(row(self.save_button))
        self.save_button.clicked.connect(self.save)
        self.refresh_devices.clicked.connect(self.find_devices)
        self._connect_upkeep(upkeep)
        self.test_scan.clicked.connect(self.run_test_scan)

    # ----- Trung tâm -----
    def _hub_box(self) -> QGroupBox:
        box = QGroupBox("Trung tâm (đồng bộ)")
        hf = QFormLayout(box)
        self.hub_url = QLineEdit()
        self.hub_url.setPlaceholderText("https://trungtam.hanoi.gov.vn/motcua")
        self.unencrypted = QLabel()
        self.unencrypted.setObjectName("Unencrypted")
        self.unencrypted.setWordWrap(True)
        self.unencrypted.hide()
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setReadOnly(True)
        self.ca_bundle.setToolTip("Tệp PEM chứng chỉ CA đã ký chứng chỉ của máy chủ Trung tâm")
        self.choose_ca = QPushButton("Chọn &tệp…")
        self.choose_ca.setToolTip("Chọn tệp chứng chỉ CA của Trung tâm, dạng PEM (Alt+T)")
        self._ca_picked: str | None = None  # checked, installed when the settings are saved
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(self.choose_ca)
        hf.addRow("Địa chỉ trung tâm", self.hub_url)
        hf.addRow("", self.unencrypted)
        hf.addRow("Chứng chỉ CA", ca_row)
        self.choose_ca.clicked.connect(self._on_choose_ca_clicked)
        return box

    def _on_choose_ca_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Chọn chứng chỉ CA của Trung tâm", "", "Chứng chỉ PEM (*.pem *.crt *.cer);;Mọi tệp (*)"
        )
        if path:
            self.pick_ca_bundle(path)

    def pick_ca_bundle(self, path: str) -> bool:
        """Take the PEM file IT chose if it holds CA certificates; it is kept when the settings are saved."""
        try:
            check_hub_ca(path)
        except AppError as exc:
            self.show_error(exc)
            return False
        self._ca_picked = path
        self.ca_bundle.setText(path)
        self.show_info("Tệp chứng chỉ hợp lệ; bấm “Lưu cài đặt” để dùng.")
        return True

    def _show_link(self) -> None:
        link = hub_link_view(self.ctx)
        self.ca_bundle.setText(self._ca_picked or link.ca_text)
        self.unencrypted.setText(link.unencrypted_text)
        self.unencrypted.setVisible(link.is_unencrypted)

    # ----- Sao lưu -----
    def _backup_box(self) -> QGroupBox:
        box = QGroupBox("Sao lưu")
        bf = QFormLayout(box)
        self.backup_dir = QLineEdit()
        self.backup_dir.setPlaceholderText("Thư mục trên ổ USB, ví dụ /media/usb/motcua")
        self.choose_backup_dir = QPushButton("&Chọn…")
        self.choose_backup_dir.setToolTip("Chọn thư mục sao lưu (Alt+C)")
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 90)
        self.backup_keep.setSuffix(" bản gần nhất")
        self.backup_now_button = QPushButton("Sao lưu &ngay")
        self.backup_now_button.setToolTip("Lưu cài đặt rồi sao lưu ngay vào thư mục đã chọn (Alt+N)")
        self.backup_progress = QProgressBar()
        self.backup_progress.hide()
        self.backup_status = QLabel()
        self.backup_status.setWordWrap(True)
        folder = QHBoxLayout()
        folder.addWidget(self.backup_dir, 1)
        folder.addWidget(self.choose_backup_dir)
        bf.addRow("Thư mục sao lưu", folder)
        bf.addRow("Giữ lại", self.backup_keep)
        bf.addRow("", row(self.backup_now_button, self.backup_progress))
        bf.addRow("", self.backup_status)
        hint = QLabel("Máy tự sao lưu mỗi ngày một lần khi đã chọn thư mục.")
        hint.setObjectName("Hint")
        bf.addRow("", hint)
        self.choose_backup_dir.clicked.connect(self._on_choose_backup_dir)
        self.backup_now_button.clicked.connect(self.backup_now)
        return box

    def _connect_upkeep(self, upkeep: Upkeep) -> None:
        upkeep.sig_backup_started.connect(self._on_backup_started)
        upkeep.sig_backup_progress.connect(self._on_backup_progress)
        upkeep.sig_backup_finished.connect(self._on_backup_finished)

    def _on_choose_backup_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục sao lưu", self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def backup_now(self) -> Job | None:
        if not self.backup_dir.text().strip():
            self.show_error("Hãy chọn thư mục sao lưu trước.")
            return None
        if not self.save():
            return None
        job = self.upkeep.backup_now()
        if job is None:
            self.show_info("Đang sao lưu, hãy chờ lần sao lưu này xong.")
        return job

    def _on_backup_started(self) -> None:
        self.backup_now_button.setEnabled(False)
        self.backup_progress.setRange(0, 0)
        self.backup_progress.show()
        self.backup_status.setText("Đang sao lưu…")

    def _on_backup_progress(self, done: int, total: int) -> None:
        self.backup_progress.setRange(0, max(total, 0))
        self.backup_progress.setValue(done)

    def _on_backup_finished(self) -> None:
        self.backup_now_button.setEnabled(True)
        self.backup_progress.hide()
        self.backup_status.setText(backup_status_text(self.ctx.home, self.ctx.settings))

    def refresh(self) -> None:
        s = self.ctx.settings
        self.backup_dir.setText(s.backup_dir)
        self.backup_keep.setValue(s.backup_keep)
        if self.backup_now_button.isEnabled():
            self.backup_status.setText(backup_status_text(self.ctx.home, s))
        self.point_name.setText(s.point_name)
        self.point_code.setText(s.point_code)
        self.agency_code.setText(s.agency_code)
        self.desk.setValue(s.desk)
        self.saturday.setChecked(s.saturday_reception)
        self.lock_minutes.setValue(s.lock_minutes)
        self.hub_url.setText(s.hub_url)
        self._show_link()
        self.profile.setText(digitization_profile_text(self.ctx.home))
        self.form_templates.setText(form_templates_text(self.ctx.home))
        self.dpi.setCurrentIndex(max(self.dpi.findData(s.scan_dpi), 0))
        self.mode.setCurrentIndex(max(self.mode.findData(s.scan_mode), 0))
        if self.device.count() == 0:
            self.device.addItem(s.scanner_device or "(chưa chọn)", s.scanner_device)
        self.printer.clear()
        self.printer.addItem("(máy in mặc định)", "")
        for info in QPrinterInfo.availablePrinters():
            self.printer.addItem(info.printerName(), info.printerName())
        self.printer.setCurrentIndex(max(self.printer.findData(s.printer), 0))

    def find_devices(self) -> Job:
        job = Job("Tìm máy quét", scanners.run_list)
        return self.ctx.runner.start(job, on_done=self._on_devices, on_failed=self.show_error)

    def _on_devices(self, devices: list[Device]) -> None:
        current = self.device.currentData()
        self.device.clear()
        for d in devices:
            self.device.addItem(f"{d.name} ({d.id})", d.id)
        self.device.setCurrentIndex(max(self.device.findData(current), 0))
        if not devices:
            self.show_error(
                "Không tìm thấy máy quét nào. Hãy kiểm tra cáp, nguồn điện hoặc mạng của máy quét."
            )

    def run_test_scan(self) -> Job:
        self._apply()
        job = Job("Quét thử", scanners.run_test_scan, PageFrom.scanner(self.ctx.settings))
        return self.ctx.runner.start(job, on_done=self._on_test_scanned, on_failed=self.show_error)

    def _on_test_scanned(self, png: bytes) -> None:
        img = QImage.fromData(png)
        self.preview.setPixmap(
            QPixmap.fromImage(img).scaledToHeight(160, Qt.TransformationMode.SmoothTransformation)
        )
        self.show_info("Quét thử thành công.")

    def _apply(self) -> None:
        s = self.ctx.settings
        s.point_name = self.point_name.text().strip()
        s.point_code = self.point_code.text().strip()
        s.agency_code = self.agency_code.text().strip()
        s.desk = self.desk.value()
        s.saturday_reception = self.saturday.isChecked()
        s.lock_minutes = self.lock_minutes.value()
        s.hub_url = self.hub_url.text().strip()
        s.scan_dpi = int(self.dpi.currentData())
        s.scan_mode = str(self.mode.currentData())
        s.scanner_device = str(self.device.currentData() or "")
        s.printer = str(self.printer.currentData() or "")
        s.backup_dir = self.backup_dir.text().strip()
        s.backup_keep = self.backup_keep.value()

    def save(self) -> bool:
        self._apply()
        try:
            if self._ca_picked is not None:  # checked again: the file may have changed since
                install_hub_ca(self.ctx, self._ca_picked)
                self._ca_picked = None
            save_settings(self.ctx.settings, self.ctx.home)
        except Exception as exc:
            self.show_error(exc)
            return False
        self._show_link()
        self.show_info("Đã lưu cài đặt.")
        return True
