"""Mẫu số 06 (TT 03/2025): Phiếu kiểm soát quá trình giải quyết hồ sơ (one row per hand-off, signatures of both sides)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.config import Settings
from app.domain.state import DossierState
from app.domain.vocabulary import vn_date
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name, vn_long_date


def _when(value: object) -> str:
    if not value:
        return "...giờ...ngày.../.../..."
    moment = datetime.fromisoformat(str(value))
    return f"{moment.hour:02d} giờ {moment.minute:02d}, ngày {vn_date(moment)}"


def default_handoffs(state: DossierState, settings: Settings) -> list[dict[str, Any]]:
    """The hand-offs recorded in the log (plus a blank row for the next), or, when none is recorded
    yet, the first hand-off (reception → processing) plus blank rows for the ones written by hand."""
    if state.handoffs:
        return [*state.handoffs, {"from": "", "to": "", "at": ""}]
    first = {"from": f"Bộ phận tiếp nhận và trả kết quả ({settings.point_name})", "to": "Cơ quan giải quyết"}
    first["at"] = state.received_at or ""
    blank = {"from": "", "to": "", "at": ""}
    return [
        first,
        dict(blank),
        dict(blank),
        {"from": "Cơ quan giải quyết", "to": "Bộ phận trả kết quả", "at": ""},
    ]


def render_control_slip(
    state: DossierState,
    settings: Settings,
    handoffs: list[dict[str, Any]] | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 06. A hand-off is {from, to, at (ISO 8601 or ""), note}."""
    rows_in = handoffs if handoffs is not None else default_handoffs(state, settings)
    received = date.fromisoformat(state.received_at[:10]) if state.received_at else None
    t = template or shipped_template("06")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu kiểm soát {state.code or ''}",
        heading=t.text("title"),
        form_no="06",
        template=t,
        place_date=received,
    )
    pdf.rich((f"{t.text('code_label')}: ", ""), (state.code or "", "B"))
    pdf.rich((f"{t.text('applicant_label')}: ", ""), (applicant_name(state.applicant), "B"))
    pdf.rich((f"{t.text('procedure_label')}: ", ""), (str(state.procedure.get("name", "")), "B"))
    due = vn_long_date(date.fromisoformat(state.due_date)) if state.due_date else "......"
    pdf.rich((f"{t.text('due_label')}: ", ""), (due, "B"))
    rows = []
    for h in rows_in:
        handed = f"1. Giao: {h.get('from', '')}\n2. Nhận: {h.get('to', '')}"
        note = h.get("note") or ""
        giver, taker = str(h.get("giver") or ""), str(h.get("taker") or "")
        rows.append([f"{handed}\n{note}".strip(), _when(h.get("at")), giver, taker])
    pdf.grid(
        [t.text(k) for k in ("col_units", "col_time", "col_giver", "col_taker")],
        rows,
        (70, 45, 30, 30),
        size=10,
    )
    pdf.checkboxes(
        t.text("outcome_label"), [t.text(k) for k in ("outcome_early", "outcome_on_time", "outcome_late")]
    )
    pdf.para(t.text("notes"), style="I", size=10)
    return pdf.bytes()
