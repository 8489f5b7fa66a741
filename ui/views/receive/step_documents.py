"""Step 3 — thành phần hồ sơ: the checklist; per component scan or import pages with live thumbnails,
an OCR quality badge per page, rotate / reorder / delete / rescan, and warnings."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import copy_kind_vi
from ui.adapters import receive
from ui.context import DeskContext
from ui.messages import user_message
from ui.theme import DANGER, OK, WARNING
from ui.views.base import section
from ui.views.receive.draft import DraftComponent, DraftPage, ReceiveDraft
from ui.workers import pages
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)
THUMB = QSize(120, 160)
FILE_FILTER = "Ảnh và PDF (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.pdf)"


def badge_color(page: DraftPage) -> tuple[str, str]:
    """The badge text and colour for a page's OCR quality (the grade comes from the core)."""
    grade, text = receive.page_quality(page.meta)
    return text, {"good": OK, "fair": WARNING, "bad": DANGER}.get(grade, WARNING)


def thumbnail_icon(page: DraftPage) -> QIcon:
    base = (
        page.thumb
        if isinstance(page.thumb, QImage) and not page.thumb.isNull()
        else QImage(THUMB, QImage.Format.Format_RGB32)
    )
    if base.isNull() or (base.width() == THUMB.width() and page.thumb is None):
        base.fill(QColor("white"))
    pix = QPixmap.fromImage(
        base.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    )
    text, color = badge_color(page)
    p = QPainter(pix)
    font = QFont()
    font.setPointSize(8)
    font.setBold(True)
    p.setFont(font)
    rect = pix.rect().adjusted(4, pix.height() - 22, -4, -4)
    p.fillRect(rect, QColor(color))
    p.setPen(QColor("white"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return QIcon(pix)


class DocumentsStep(QWidget):
    sig_message = Signal(str, bool)
    sig_changed = Signal()

    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.draft = draft
        self.jobs: list[Job] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        split = QSplitter()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(section("Thành phần hồ sơ"))
        self.case_box = QComboBox()  # the applicant's case, when the procedure groups papers by case
        self.case_box.setAccessibleName("Trường hợp của người nộp hồ sơ")
        self.case_box.setToolTip(
            "Chọn trường hợp: chỉ giấy tờ của trường hợp này (và giấy tờ chung) là bắt buộc"
        )
        self.case_box.hide()
        ll.addWidget(self.case_box)
        self.checklist = QListWidget()
        self.checklist.setWordWrap(True)
        self.checklist.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.checklist.setSpacing(2)
        self.checklist.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        ll.addWidget(self.checklist, 1)
        self.paper_check = QCheckBox("Đã kiểm tra bản &giấy, không số hóa")
        self.paper_check.setToolTip(
            "Alt+G — giấy tờ chỉ xuất trình (ví dụ bản chính khi chứng thực bản sao): cán bộ đã kiểm tra "
            "bản giấy và trả lại, không quét. Cần ghi lý do ngắn."
        )
        self.paper_note = QLineEdit()
        self.paper_note.setMaxLength(receive.PAPER_NOTE_MAX)
        self.paper_note.setPlaceholderText("Lý do (ví dụ: bản chính chỉ xuất trình, đã trả lại)")
        self.paper_note.setAccessibleName("Lý do kiểm tra bản giấy")
        ll.addWidget(self.paper_check)
        ll.addWidget(self.paper_note)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.scan_button = QPushButton("Quét trang (F5)")
        self.scan_button.setObjectName("Primary")
        self.scan_button.setShortcut("F5")
        self.import_button = QPushButton("Nhập tệp…")
        self.import_button.setShortcut("Ctrl+O")
        self.rotate_left = QPushButton("↺ Xoay &trái")
        self.rotate_right = QPushButton("↻ Xoay &phải")
        self.move_up = QPushButton("◀ &Lên trước")
        self.move_down = QPushButton("&Ra sau ▶")
        self.delete_button = QPushButton("&Xóa trang")
        self.delete_button.setObjectName("Danger")
        self.rescan_button = QPushButton("Quét lạ&i")
        for button, tip in (
            (self.scan_button, "Quét thêm trang vào thành phần đang chọn (F5)"),
            (self.import_button, "Nhập ảnh hoặc PDF vào thành phần đang chọn (Ctrl+O)"),
            (self.rotate_left, "Xoay trang đang chọn sang trái (Alt+T)"),
            (self.rotate_right, "Xoay trang đang chọn sang phải (Alt+P)"),
            (self.move_up, "Đưa trang đang chọn lên trước (Alt+L)"),
            (self.move_down, "Đưa trang đang chọn ra sau (Alt+R)"),
            (self.rescan_button, "Quét lại trang đang chọn (Alt+I)"),
            (self.delete_button, "Xóa trang đang chọn (Alt+X)"),
        ):
            button.setToolTip(tip)
        for b in (
            self.scan_button,
            self.import_button,
            self.rotate_left,
            self.rotate_right,
            self.move_up,
            self.move_down,
            self.rescan_button,
            self.delete_button,
        ):
            tools.addWidget(b)
        self.original_button = QPushButton("&Dùng ảnh gốc")
        self.original_button.setToolTip("Thay trang đang chọn bằng ảnh gốc như khi quét (Alt+D)")
        self.original_button.clicked.connect(self.use_original)
        tools.addWidget(self.original_button)
        tools.addStretch(1)
        rl.addLayout(tools)
        self.pages = QListWidget()
        self.pages.setViewMode(QListWidget.ViewMode.IconMode)
        self.pages.setIconSize(THUMB)
        self.pages.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 34))
        self.pages.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.pages.setMovement(QListWidget.Movement.Snap)
        self.pages.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.pages.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rl.addWidget(self.pages, 3)
        self.page_note = QLabel()  # what the desk found about the selected page (low dpi, size)
        self.page_note.setObjectName("Warning")
        self.page_note.setWordWrap(True)
        self.page_note.hide()
        rl.addWidget(self.page_note)
        self.ocr_text = QPlainTextEdit()
        self.ocr_text.setReadOnly(True)
        self.ocr_text.setPlaceholderText("Văn bản nhận dạng (OCR) của trang đang chọn")
        rl.addWidget(self.ocr_text, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([300, 760])
        lay.addWidget(split, 1)
        self.warnings = QLabel()
        self.warnings.setObjectName("Warning")
        self.warnings.setWordWrap(True)
        lay.addWidget(self.warnings)
        self.checklist.currentRowChanged.connect(self._show_component)
        self.case_box.currentIndexChanged.connect(self._on_case_chosen)
        self.paper_check.toggled.connect(self._on_paper_toggled)
        self.paper_note.textEdited.connect(self._on_paper_note)
        self.pages.currentRowChanged.connect(self._on_page_current)
        self.pages.model().rowsMoved.connect(self._on_pages_dragged)
        self.scan_button.clicked.connect(self.scan)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.rotate_left.clicked.connect(lambda: self.rotate(-90))
        self.rotate_right.clicked.connect(lambda: self.rotate(90))
        self.move_up.clicked.connect(lambda: self.move(-1))
        self.move_down.clicked.connect(lambda: self.move(1))
        self.delete_button.clicked.connect(self.delete)
        self.rescan_button.clicked.connect(self.rescan)

    # ----- checklist -----
    def _load_cases(self) -> None:
        self.case_box.blockSignals(True)
        self.case_box.clear()
        self.case_box.addItem("— Chọn trường hợp của người nộp —", "")
        for case_id, label in self.draft.cases:
            self.case_box.addItem(f"Trường hợp: {label[:140]}", case_id)
        self.case_box.setCurrentIndex(max(self.case_box.findData(self.draft.case), 0))
        self.case_box.setVisible(bool(self.draft.cases))
        self.case_box.blockSignals(False)

    def _on_case_chosen(self, _index: int) -> None:
        self.draft.choose_case(str(self.case_box.currentData() or ""))
        self.load()
        self.sig_changed.emit()

    def load(self) -> None:
        self._load_cases()
        row = max(self.checklist.currentRow(), 0)
        self.checklist.blockSignals(True)
        self.checklist.clear()
        for comp in self.draft.components:
            mark = "★ " if comp.mandatory else ""
            paper = comp.paper_only and not comp.pages
            state = "bản giấy, không số hóa" if paper else f"{len(comp.pages)} trang"
            if comp.present_only and paper:
                state = "xuất trình, đã đối chiếu"
            alt = f"\nMột trong: {' / '.join(o[:60] for o in comp.one_of[:4])}" if comp.one_of else ""
            item = QListWidgetItem(f"{mark}{comp.name}{alt}\n{copy_kind_vi(comp.copy_kind)} · {state}")
            if comp.mandatory and not comp.pages and not (paper and comp.paper_note.strip()):
                item.setForeground(QColor(DANGER))
            self.checklist.addItem(item)
        self.checklist.blockSignals(False)
        if self.draft.components:
            self.checklist.setCurrentRow(min(row, len(self.draft.components) - 1))
            self._show_component(self.checklist.currentRow())
        self.update_warnings()

    def component(self) -> DraftComponent | None:
        row = self.checklist.currentRow()
        return self.draft.components[row] if 0 <= row < len(self.draft.components) else None

    def _show_component(self, row: int) -> None:
        self.pages.clear()
        comp = self.component()
        self._show_paper(comp)
        if comp is None:
            return
        for i, page in enumerate(comp.pages):
            item = QListWidgetItem(thumbnail_icon(page), f"Trang {i + 1}")
            item.setToolTip("\n".join(text for _warn, text in receive.page_notes(page.meta)))
            self.pages.addItem(item)
        self.ocr_text.clear()
        self._show_page_note(None)

    def _show_page_note(self, page: DraftPage | None) -> None:
        notes = receive.page_notes(page.meta) if page else []
        self.page_note.setText("\n".join(f"{'⚠' if warn else 'ℹ'} {text}" for warn, text in notes))
        self.page_note.setVisible(bool(notes))

    def _show_paper(self, comp: DraftComponent | None) -> None:
        """The paper-only mark of the current component; only a component with no pages may carry it."""
        can = comp is not None and not comp.pages
        for w in (self.paper_check, self.paper_note):
            w.blockSignals(True)
        self.paper_check.setChecked(bool(comp and comp.paper_only and can))
        self.paper_check.setEnabled(can)
        self.paper_note.setText(comp.paper_note if comp else "")
        self.paper_note.setEnabled(self.paper_check.isChecked())
        for w in (self.paper_check, self.paper_note):
            w.blockSignals(False)

    def _on_paper_toggled(self, checked: bool) -> None:
        comp = self.component()
        if comp is None:
            return
        comp.paper_only = checked
        self.paper_note.setEnabled(checked)
        if checked:
            self.paper_note.setFocus()
        self._refresh_row()

    def _on_paper_note(self, text: str) -> None:
        comp = self.component()
        if comp is not None:
            comp.paper_note = text
            self._refresh_row()

    def _refresh_row(self) -> None:
        """Reload the checklist keeping the focus where the clerk is typing."""
        focus = self.focusWidget()
        self.load()
        if focus is not None:
            focus.setFocus()

    def update_warnings(self) -> None:
        items = self.draft.warnings()
        self.warnings.setText("\n".join(f"⚠ {w}" for w in items))
        self.sig_changed.emit()

    # ----- adding pages -----
    def scan(self, replace_row: int | None = None) -> Job | None:
        return self._start_pages_job(
            "Quét trang", pages.scan_pages_job, self.ctx.settings, replace_row=replace_row
        )

    def import_files(self, paths: list[Path]) -> Job | None:
        return self._start_pages_job("Nhập tệp", pages.import_pages_job, paths)

    def _on_import_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp ảnh hoặc PDF", "", FILE_FILTER)
        if names:
            self.import_files([Path(n) for n in names])

    def _start_pages_job(self, name: str, fn: Any, *args: Any, replace_row: int | None = None) -> Job | None:
        comp = self.component()
        if comp is None:
            self.sig_message.emit("Hãy chọn thành phần hồ sơ trước khi quét.", True)
            return None
        job = Job(name, fn, self.ctx.home, *args, emits_items=True)
        self.jobs.append(job)

        def on_item(item: dict[str, Any], comp: DraftComponent = comp) -> None:
            page = DraftPage.from_item(item, QImage.fromData(item["thumb_png"]))
            if replace_row is not None and replace_row < len(comp.pages):
                comp.pages[replace_row] = page
            else:
                comp.pages.append(page)
            self.load()

        return self.ctx.runner.start(
            job, on_item=on_item, on_failed=self._on_job_failed, on_done=lambda _r: self.load()
        )

    def _on_job_failed(self, exc: BaseException) -> None:
        self.sig_message.emit(user_message(exc), True)
        self.load()

    # ----- editing pages -----
    def _page_index(self) -> tuple[DraftComponent, int] | None:
        comp, row = self.component(), self.pages.currentRow()
        if comp is None or not 0 <= row < len(comp.pages):
            self.sig_message.emit("Hãy chọn một trang.", True)
            return None
        return comp, row

    def rotate(self, degrees: int) -> Job | None:
        found = self._page_index()
        if not found:
            return None
        comp, row = found
        job = Job("Xoay trang", pages.rotate_page_job, self.ctx.home, comp.pages[row].meta, degrees)

        def done(item: dict[str, Any]) -> None:
            page = comp.pages[row]
            page.meta = item["meta"]
            page.text_pdf = None  # the text layer no longer matches the turned image
            page.thumb = QImage.fromData(item["thumb_png"])
            self.load()
            self.pages.setCurrentRow(row)

        return self.ctx.runner.start(job, on_done=done, on_failed=self._on_job_failed)

    def move(self, delta: int) -> None:  # type: ignore[override]  # moves a page, not QWidget.move
        found = self._page_index()
        if not found:
            return
        comp, row = found
        new = row + delta
        if 0 <= new < len(comp.pages):
            comp.pages.insert(new, comp.pages.pop(row))
            self.load()
            self.pages.setCurrentRow(new)

    def _on_pages_dragged(self, *_args: object) -> None:
        comp = self.component()
        if comp is None:
            return
        order = [int(self.pages.item(i).text().split()[-1]) - 1 for i in range(self.pages.count())]
        comp.pages = [comp.pages[i] for i in order]
        self.load()

    def delete(self) -> None:
        found = self._page_index()
        if found:
            comp, row = found
            del comp.pages[row]
            self.load()

    def rescan(self) -> None:
        found = self._page_index()
        if found:
            self.scan(replace_row=found[1])

    def _on_page_current(self, row: int) -> None:
        comp = self.component()
        if comp and 0 <= row < len(comp.pages):
            self.ocr_text.setPlainText(comp.pages[row].text or "(chưa có văn bản nhận dạng)")
            self._show_page_note(comp.pages[row])

    def use_original(self) -> Job | None:
        """ "Dùng ảnh gốc": put back the page as scanned (no sheet finding, crop or turn), read again."""
        from ui.workers.pages import restore_page_job

        found = self._page_index()
        if not found:
            return None
        comp, row = found
        if not comp.pages[row].meta.get("original"):
            # no copy of its own: the clean-up left every pixel as scanned
            self.sig_message.emit("Trang này đã là ảnh gốc như khi quét.", False)
            return None
        job = Job(
            "Dùng ảnh gốc", restore_page_job, self.ctx.home, comp.pages[row].meta, self.ctx.settings.ocr_lang
        )

        def done(item: dict[str, Any]) -> None:
            page = DraftPage(
                meta=item["meta"],
                text=item["text"],
                source=item["source"],
                text_pdf=item["text_pdf"],
                is_photo=bool(item.get("is_photo")),  # the PDF keeps a photo as a photo
            )
            page.thumb = QImage.fromData(item["thumb_png"])
            comp.pages[row] = page
            self.load()
            self.pages.setCurrentRow(row)

        return self.ctx.runner.start(job, on_done=done, on_failed=self._on_job_failed)
