"""Step 1 — chọn thủ tục and step 6 — xem lại."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QLabel, QSplitter, QTextBrowser, QWidget

from app.domain.vocabulary import RETURN_METHOD_VI, copy_kind_vi
from app.domain.vocabulary import vnd as money
from ui.adapters import receive
from ui.adapters.catalog import procedure_detail
from ui.context import DeskContext
from ui.views.base import hint
from ui.views.procedures import ProcedureSearch, procedure_html
from ui.views.receive.draft import ReceiveDraft, components_for
from ui.views.receive.step_base import DraftStep
from ui.views.receive.step_fees import PAY_VI


class ProcedureStep(DraftStep):
    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(ctx, draft, parent)
        lay = self.lay
        split = QSplitter()
        self.search = ProcedureSearch(ctx)
        self.detail = QTextBrowser()
        split.addWidget(self.search)
        split.addWidget(self.detail)
        split.setSizes([420, 600])
        lay.addWidget(split, 1)
        self.search.sig_selected.connect(self.choose)

    def choose(self, code: str) -> None:
        proc = procedure_detail(self.ctx, code)
        self.detail.setHtml(procedure_html(proc))
        if self.draft.procedure and self.draft.procedure["code"] == code:
            return
        self.draft.procedure = proc
        self.draft.components = components_for(proc)
        self.draft.cases, self.draft.case = list(proc["cases"]), ""
        self.draft.channel, self.draft.exemption = "truc_tiep", ""
        self.draft.exemption_reason = self.draft.exemption_proof = ""
        self.draft.fee_copies, self.draft.copies = {}, 1
        self.draft.fees_total = self.draft.fees_computed_total = 0


def pages_or_paper(c: Any) -> str:
    """A component with no pages: "bản giấy" (checked on paper, with its reason) or 0."""
    if c.paper_only and c.paper_note.strip():
        return f"bản giấy, không số hóa — {html.escape(c.paper_note.strip())}"
    return "0"


class ReviewStep(DraftStep):
    def __init__(self, ctx: DeskContext, draft: ReceiveDraft, parent: QWidget | None = None) -> None:
        super().__init__(ctx, draft, parent)
        lay = self.lay
        self.summary = QTextBrowser()
        lay.addWidget(self.summary, 1)
        self.warnings = QLabel()
        self.warnings.setObjectName("Warning")
        self.warnings.setWordWrap(True)
        lay.addWidget(self.warnings)
        lay.addWidget(hint("Bấm “Lưu hồ sơ” hoặc Ctrl+Enter để lưu; Esc để hủy (sẽ hỏi lại)."))

    def load(self) -> None:
        d = self.draft
        a = d.applicant
        esc = html.escape
        due = receive.preview_due(self.ctx, *d.procedure_ref())
        comps = "".join(
            f"<tr><td>{esc(c.name)}</td><td>{esc(copy_kind_vi(c.copy_kind))}</td>"
            f"<td align='center'>{len(c.pages) or pages_or_paper(c)}</td></tr>"
            for c in d.components
        )
        ret = d.return_method
        ret_text = (
            RETURN_METHOD_VI["desk"].capitalize()
            if ret.get("kind") == "desk"
            else f"Bưu chính: {esc(ret.get('recipient_name', ''))}, {esc(ret.get('address', ''))}, {esc(ret.get('phone', ''))}"
        )
        reason = f" (điều chỉnh: {esc(d.fee_override_reason)})" if d.fee_override_reason else ""
        if d.fees_total:
            reason += f" — {esc(PAY_VI.get(d.pay_method, d.pay_method))}"
        proc = d.procedure or {"name": "", "code": ""}
        self.summary.setHtml(
            f"<h2 style='color:#12263f'>{esc(proc['name'])}</h2><p>Mã thủ tục {esc(proc['code'])}</p>"
            f"<h3>Người nộp</h3><p><b>{esc(a.get('full_name', ''))}</b> — {esc(a.get('id_number', ''))}<br>"
            f"{esc(a.get('address', ''))}<br>{esc(a.get('phone', ''))} {esc(a.get('email', ''))}</p>"
            "<h3>Thành phần hồ sơ</h3><table cellpadding='4' width='100%'>"
            "<tr style='background:#eef2f6'><th align='left'>Giấy tờ</th><th align='left'>Loại</th><th>Số trang</th></tr>"
            f"{comps}</table>"
            f"<h3>Lệ phí</h3><p>{money(d.fees_total)}{reason}</p>"
            f"<h3>Trả kết quả</h3><p>{ret_text}</p>"
            f"<h3>Ngày hẹn trả</h3><p><b>{esc(due)}</b></p>"
        )
        self.warnings.setText("\n".join(f"⚠ {w}" for w in d.warnings()))
