"""Mẫu số 05 (TT 03/2025): Thông báo dừng giải quyết hồ sơ, signed for the head of the unit."""

from __future__ import annotations

from datetime import date

from app.config import Settings
from app.domain.state import DossierState
from app.domain.vocabulary import vn_today
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name
from app.forms.receipt import receipt_day


def render_stop_notice(
    state: DossierState,
    settings: Settings,
    reason: str | None = None,
    signer_name: str = "",
    day: date | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 05: the dossier's processing is stopped, with the reason (default: the recorded stop)."""
    stop = state.stopped or {}
    reason = reason if reason is not None else str(stop.get("reason") or "")
    t = template or shipped_template("05")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Thông báo dừng giải quyết hồ sơ {state.code or ''}",
        heading=t.text("title"),
        place_date=day or vn_today(),
        form_no="05",
        template=t,
    )
    a = state.applicant
    pdf.field(t.text("to_label"), applicant_name(a) or str(a.get("org_name") or ""))
    pdf.field(t.text("address_label"), a.get("address", ""))
    pdf.rich(
        (f"{t.text('received_on')} ", ""),
        (receipt_day(state) or "......", "B"),
        (f", {t.text('received_by')} ", ""),
        (settings.point_name, "B"),
        (f" {t.text('code_label')} ", ""),
        (state.code or "", "B"),
        (f" {t.text('procedure_label')} ", ""),
        (str(state.procedure.get("name", "")), "B"),
        (".", ""),
    )
    pdf.para(t.text("stop"))
    pdf.para(reason or "." * 80, style="B")
    pdf.para(t.text("closing"))
    pdf.signatures([("", ""), (t.text("sign_head"), signer_name)])
    return pdf.bytes()
