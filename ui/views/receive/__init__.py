"""Tiếp nhận: a short wizard — thủ tục → người nộp → thành phần → lệ phí → trả kết quả → xem lại → lưu → in."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from app.codes import NO_AGENCY_CODE_MESSAGE
from app.domain.agency_codes import is_unset
from ui import printing
from ui.context import DeskContext
from ui.messages import user_message
from ui.ops import print_form, save_dossier
from ui.ops.save_dossier import SavedDossier
from ui.views.base import ViewPage
from ui.views.receive import intake_guidance
from ui.views.receive.draft import ReceiveDraft
from ui.views.receive.step_applicant import ApplicantStep
from ui.views.receive.step_documents import DocumentsStep
from ui.views.receive.step_done import DoneStep
from ui.views.receive.step_fees import FeesStep
from ui.views.receive.step_return import ReturnStep
from ui.views.receive.steps_misc import ProcedureStep, ReviewStep
from ui.workers.jobs import Job

logger = logging.getLogger(__name__)

STEPS = ["1. Thủ tục", "2. Người nộp", "3. Thành phần hồ sơ", "4. Lệ phí", "5. Trả kết quả", "6. Xem lại"]
PROCEDURE, APPLICANT, DOCUMENTS, FEES, RETURN, REVIEW, DONE = range(7)


class ReceiveView(ViewPage):
    title = "Tiếp nhận hồ sơ"
    sig_saved = Signal(object)  # the SavedDossier (code...): the queue's call bar links its ticket

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.draft = ReceiveDraft()
        self.last_guidance_pdf: Path | None = None
        self.result: SavedDossier | None = None
        self.saving: Job | None = None  # the save job while it runs: the draft is locked
        self.confirm_discard: Callable[[], bool] = self._ask_discard
        bar = QWidget()
        bar.setObjectName("StepBar")
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(0, 0, 0, 0)
        self.step_labels = [QLabel(s) for s in STEPS]
        for lab in self.step_labels:
            bl.addWidget(lab)
        bl.addStretch(1)
        self.root.addWidget(bar)
        self.stack = QStackedWidget()
        self.procedure_step = ProcedureStep(ctx, self.draft)
        self.applicant_step = ApplicantStep(ctx)
        self.documents_step = DocumentsStep(ctx, self.draft)
        self.fees_step = FeesStep(ctx, self.draft)
        self.return_step = ReturnStep(ctx, self.draft)
        self.review_step = ReviewStep(ctx, self.draft)
        self.done_step = DoneStep(ctx)
        for w in (
            self.procedure_step,
            self.applicant_step,
            self.documents_step,
            self.fees_step,
            self.return_step,
            self.review_step,
            self.done_step,
        ):
            self.stack.addWidget(w)
        self.root.addWidget(self.stack, 1)
        nav = QHBoxLayout()
        self.cancel_button = QPushButton("Hủy hồ sơ (Esc)")
        self.back_button = QPushButton("◀ Quay lại")
        self.next_button = QPushButton("Tiếp tục ▶")
        self.next_button.setObjectName("Primary")
        self.back_button.setShortcut("Alt+Left")
        self.back_button.setToolTip("Bước trước (Alt+←)")
        self.next_button.setShortcut("Alt+Right")
        self.next_button.setToolTip("Bước sau (Alt+→)")
        self.cancel_button.setToolTip("Hủy hồ sơ đang nhập, có hỏi lại trước (Esc)")
        self.save_button = QPushButton("Lưu hồ sơ (Ctrl+Enter)")
        self.save_button.setToolTip("Lưu hồ sơ trong một giao dịch (Ctrl+Enter)")
        self.save_button.setObjectName("Primary")
        nav.addWidget(self.cancel_button)
        self.guidance_button = QPushButton("Chưa đủ giấy tờ: &phiếu 02")
        self.guidance_button.setToolTip(
            "Không tiếp nhận; lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)"
        )
        self.guidance_button.clicked.connect(self.give_guidance)
        nav.addWidget(self.guidance_button)
        nav.addStretch(1)
        for b in (self.back_button, self.next_button, self.save_button):
            nav.addWidget(b)
        self.root.addLayout(nav)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self).activated.connect(self.save)
        QShortcut(QKeySequence("Escape"), self).activated.connect(self.discard)
        self.next_button.clicked.connect(self.next_step)
        self.back_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() - 1))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.discard)
        self.procedure_step.search.sig_activated.connect(lambda _c: self.next_step())
        self.applicant_step.sig_message.connect(self._on_step_message)
        self.documents_step.sig_message.connect(self._on_step_message)
        self.done_step.sig_message.connect(self._on_step_message)
        self.done_step.sig_bienlai.connect(self._on_bienlai_ready)
        self.done_step.print_button.clicked.connect(self.print_receipt)
        self.done_step.save_pdf_button.clicked.connect(self._on_save_pdf_clicked)
        self.done_step.new_button.clicked.connect(self.reset)
        self.go_to(PROCEDURE)

    # ----- navigation -----
    def refresh(self) -> None:
        if self.stack.currentIndex() == PROCEDURE and not self.procedure_step.search.results.count():
            self.procedure_step.search.search()
        if self.stack.currentIndex() == PROCEDURE and is_unset(self.ctx.settings.agency_code):
            self.show_error(NO_AGENCY_CODE_MESSAGE)  # before the clerk types anything: no code to give

    def go_to(self, index: int) -> bool:
        """Show step `index`; refused (False) while a save runs: the pages being saved stay as shown."""
        if self.saving is not None:
            return False
        index = max(PROCEDURE, min(index, DONE))
        if index != PROCEDURE:  # a search still due from the typing must not re-choose the procedure
            self.procedure_step.search.cancel_pending()
        self.clear_message()
        if index == DOCUMENTS:
            self.documents_step.load()
        elif index == FEES:
            self.fees_step.load()
        elif index == RETURN:
            self.return_step.load()
        elif index == REVIEW:
            self.review_step.load()
        self.stack.setCurrentIndex(index)
        for i, lab in enumerate(self.step_labels):
            lab.setProperty("current", i == index)
            lab.setProperty("done", i < index)
            lab.style().unpolish(lab)
            lab.style().polish(lab)
        done = index == DONE
        self.back_button.setVisible(PROCEDURE < index < DONE)
        self.next_button.setVisible(index < REVIEW)
        self.save_button.setVisible(index == REVIEW)
        self.cancel_button.setVisible(not done)
        return True

    def next_step(self) -> bool:
        """Check the current step and move on; the message says what is missing."""
        i = self.stack.currentIndex()
        problem = self._step_problem(i)
        if problem:
            self.show_error(problem)
            return False
        if i == APPLICANT:
            self.draft.applicant = self.applicant_step.applicant()
        self.go_to(i + 1)
        return True

    def _step_problem(self, i: int) -> str:
        if i == PROCEDURE and is_unset(self.ctx.settings.agency_code):
            return NO_AGENCY_CODE_MESSAGE
        if i == PROCEDURE and self.draft.procedure is None:
            code = self.procedure_step.search.current_code()
            if code:
                self.procedure_step.choose(code)
            else:
                return "Hãy chọn thủ tục."
        if i == APPLICANT and not self.applicant_step.validate():
            return "Thông tin người nộp chưa hợp lệ: hãy sửa các ô báo đỏ."
        if i == FEES and not self.fees_step.is_valid():
            return self.fees_step.problem()
        if i == RETURN and not self.return_step.is_valid():
            return "Hãy nhập đủ người nhận, địa chỉ và điện thoại để trả qua bưu chính."
        return ""

    def _on_step_message(self, text: str, is_error: bool) -> None:
        (self.show_error if is_error else self.show_info)(text)

    # ----- save -----
    def save(self) -> Job | None:
        """Save the dossier in one transaction (as a job on a frozen copy of the draft and settings);
        editing is locked while it runs, and the draft stays until the save succeeded."""
        if self.stack.currentIndex() == DONE or self.saving is not None:
            return None
        while self.stack.currentIndex() < REVIEW:
            if not self.next_step():
                return None
        self.draft.applicant = self.applicant_step.applicant()
        job = Job(
            "Lưu hồ sơ",
            save_dossier.run,
            self.ctx.home,
            self.draft.snapshot(self.ctx.settings, self.ctx.clerk_id),
        )
        job.signals.sig_cancelled.connect(self._unlock)
        self._lock(job)
        return self.ctx.runner.start(job, on_done=self._on_saved, on_failed=self._on_save_failed)

    def _lock(self, job: Job) -> None:
        self.saving = job
        for widget in (self.back_button, self.save_button, self.cancel_button, self.documents_step):
            widget.setEnabled(False)

    def _unlock(self) -> None:
        self.saving = None
        for widget in (self.back_button, self.save_button, self.cancel_button, self.documents_step):
            widget.setEnabled(True)

    def is_locked(self) -> bool:
        return self.saving is not None

    def _on_saved(self, result: SavedDossier) -> None:
        self._unlock()
        self.result = result
        self.done_step.show_result(result)
        self.go_to(DONE)
        self.show_info(f"Đã lưu hồ sơ {result.code}.")
        self.sig_saved.emit(result)

    def _on_save_failed(self, exc: BaseException) -> None:
        self._unlock()
        self.show_error(user_message(exc))

    # ----- receipt -----
    def give_guidance(self, values: dict[str, Any] | None = None) -> Job | None:
        """Form 02 at intake: nothing is received; the guidance is recorded and form 02 printed."""
        if self.draft.procedure is None:
            self.show_error("Hãy chọn thủ tục trước.")
            return None
        values = values if values is not None else intake_guidance.ask(self.draft, self)
        if not values:
            return None
        name = self.applicant_step.applicant().get("full_name", "")

        def done(pdf: Path) -> None:
            self.last_guidance_pdf = pdf
            self.show_info(f"Đã lập phiếu yêu cầu bổ sung (mẫu 02), hồ sơ chưa được tiếp nhận: {pdf.name}")
            try:
                printing.print_with_preview(pdf, self, self.ctx.settings.printer)
            except printing.PrinterMissingError as exc:
                self.show_info(f"Đã lập phiếu 02 (hồ sơ chưa được tiếp nhận): {pdf.name}. {exc.user_message}")

        return intake_guidance.start(self.ctx, self.draft, str(name), values, done, self.show_error)

    def make_receipt(self, on_done: Callable[[Path], None]) -> Job | None:
        if not self.result:
            return None
        out = Path(tempfile.mkdtemp(prefix="motcua-receipt-")) / f"giay-tiep-nhan-{self.result.code}.pdf"
        form = print_form.DossierForm("01", self.result.id, out, self.ctx.settings, self.ctx.clerk_name)
        job = Job("Tạo giấy tiếp nhận", print_form.run, self.ctx.home, form)
        return self.ctx.runner.start(job, on_done=on_done, on_failed=self.show_error)

    def _on_bienlai_ready(self, pdf: Path) -> None:
        try:
            printing.print_with_preview(pdf, self, self.ctx.settings.printer)
        except printing.PrinterMissingError as exc:
            self.show_info(f"Đã tạo biên lai {pdf.name}. {exc.user_message}")

    def print_receipt(self) -> Job | None:
        def done(pdf: Path) -> None:
            try:
                printing.print_with_preview(pdf, self, self.ctx.settings.printer)
            except Exception as exc:
                self.show_error(exc)

        return self.make_receipt(done)

    def save_receipt_pdf(self, target: Path) -> Job | None:
        def done(pdf: Path) -> None:
            try:
                printing.print_to_pdf_file(pdf, target)
            except Exception as exc:
                self.show_error(exc)
                return
            self.show_info(f"Đã lưu giấy tiếp nhận: {target}")

        return self.make_receipt(done)

    def _on_save_pdf_clicked(self) -> None:
        code = self.result.code if self.result else "hoso"
        name, _ = QFileDialog.getSaveFileName(
            self, "Lưu giấy tiếp nhận", f"giay-tiep-nhan-{code}.pdf", "PDF (*.pdf)"
        )
        if name:
            self.save_receipt_pdf(Path(name))

    # ----- discard -----
    def has_unsaved(self) -> bool:
        if self.stack.currentIndex() == DONE:
            return False
        return self.stack.currentIndex() != PROCEDURE or self.draft.page_count() > 0

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Hủy hồ sơ đang nhập?",
            "Thông tin và các trang đã quét của hồ sơ này sẽ bị bỏ. Bạn chắc chắn?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def discard(self) -> bool:
        if self.saving is not None:
            return False  # the save decides: saved (then "new"), or failed (then the draft is intact)
        if self.has_unsaved() and not self.confirm_discard():
            return False
        self.reset()
        return True

    def can_close(self) -> bool:
        return self.saving is None and (not self.has_unsaved() or self.confirm_discard())

    def reset(self) -> None:
        self.draft.__init__()  # type: ignore[misc]
        self.result = None
        self.applicant_step.clear()
        self.fees_step.clear()
        self.return_step.desk.setChecked(True)
        self.go_to(PROCEDURE)
