"""Mẫu số 02 (yêu cầu bổ sung), 03 (từ chối tiếp nhận), 04 (xin lỗi và đề nghị gia hạn) of TT 03/2025."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.config import Settings
from app.domain.state import DossierState
from app.domain.vocabulary import vn_today
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name, copy_kind_vi, vn_long_date
from app.forms.receipt import receipt_day


def _intro(pdf: FormPDF, state: DossierState, settings: Settings, t: FormTemplate) -> None:
    a = state.applicant
    pdf.field(t.text("unit_label"), settings.point_name)
    if state.code:  # form 02 at intake has no code: nothing was received
        pdf.rich(
            (f"{t.text('code_label')}: ", ""),
            (state.code, "B"),
            (f"   {t.text('received_label')}: ", ""),
            (receipt_day(state), ""),
        )
    pdf.field(t.text("to_label"), applicant_name(a))
    pdf.field(t.text("address_label"), a.get("address", ""))
    pdf.rich((f"{t.text('phone_label')}: ", ""), (a.get("phone") or "...............", "B"))
    pdf.rich(
        (f"{t.text('procedure_label')}: ", ""),
        (str(state.procedure.get("name", "")), "B"),
        (f" ({state.procedure.get('code', '')})", ""),
    )


def _item_row(i: int, item: Any) -> list[str]:
    if isinstance(item, dict):
        kind = copy_kind_vi(item.get("copy_kind"))
        return [str(i), str(item.get("name", "")), kind, str(item.get("count", 1)), str(item.get("note", ""))]
    return [str(i), str(item), "", "1", ""]


def render_supplement_request(
    state: DossierState,
    settings: Settings,
    items: list[Any] | None = None,
    reason: str | None = None,
    clerk_name: str = "",
    day: date | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 02. `items`/`reason` default to the dossier's latest supplement request.

    An item is {name, copy_kind ("original"|"certified"|"copy"), count, note} or a plain string.
    """
    last = state.supplements[-1] if state.supplements else {}
    items = items if items is not None else list(last.get("items") or [])
    reason = reason if reason is not None else str(last.get("reason") or "")
    t = template or shipped_template("02")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu yêu cầu bổ sung {state.code or ''}",
        heading=t.text("title"),
        form_no="02",
        template=t,
        place_date=day or vn_today(),
    )
    _intro(pdf, state, settings, t)
    pdf.para(t.text("request"), style="B")
    rows = [_item_row(i, item) for i, item in enumerate(items, start=1)] or [["1", "", "", "", ""]]
    header = [t.text(k) for k in ("col_no", "col_item", "col_kind", "col_count", "col_note")]
    pdf.grid(header, rows, (10, 70, 38, 12, 45))
    pdf.rich((f"{t.text('reason_label')}: ", "B"), (reason or "." * 60, ""))
    pdf.para(
        f"{t.text('contact')} {settings.point_name} {t.text('contact_after')}"
        + (f" {t.text('code_label')}: {state.code}." if state.code else "")
    )
    pdf.signatures([(t.text("sign_applicant"), ""), (t.text("sign_clerk"), clerk_name)])
    return pdf.bytes()


def render_refusal(
    state: DossierState,
    settings: Settings,
    reason: str | None = None,
    clerk_name: str = "",
    day: date | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reason."""
    reason = reason if reason is not None else str((state.refusal or {}).get("reason") or "")
    t = template or shipped_template("03")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu từ chối tiếp nhận {state.code or ''}",
        heading=t.text("title"),
        form_no="03",
        template=t,
        place_date=day or vn_today(),
    )
    _intro(pdf, state, settings, t)
    pdf.para(t.text("refusal"))
    pdf.para(reason or "." * 80, style="B")
    pdf.para(t.text("closing"))
    pdf.signatures([(t.text("sign_applicant"), ""), (t.text("sign_clerk"), clerk_name)])
    return pdf.bytes()


def render_apology(
    state: DossierState,
    settings: Settings,
    reason: str | None = None,
    new_due_date: str | None = None,
    signer_name: str = "",
    day: date | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (defaults: the latest apology)."""
    last = state.apologies[-1] if state.apologies else {}
    reason = reason if reason is not None else str(last.get("reason") or "")
    new_due = new_due_date or last.get("new_due_date") or state.due_date
    t = template or shipped_template("04")
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Văn bản xin lỗi và đề nghị gia hạn {state.code or ''}",
        heading=t.text("title"),
        form_no="04",
        template=t,
        place_date=day or vn_today(),
    )
    _intro(pdf, state, settings, t)
    original = state.original_due_date
    pdf.rich(
        (f"{t.text('received_on')} ", ""),
        (receipt_day(state) or "......", "B"),
        (f", {t.text('due_on')} ", ""),
        (vn_long_date(date.fromisoformat(original)) if original else "......", "B"),
        (".", ""),
    )
    pdf.rich((f"{t.text('late')} ", ""), (reason or "." * 60, "B"))
    pdf.para(t.text("apology"))
    pdf.rich(
        (f"{t.text('new_due_label')}: ", ""),
        (vn_long_date(date.fromisoformat(new_due)) if new_due else "......", "B"),
    )
    pdf.para(t.text("closing"))
    pdf.signatures([("", ""), (t.text("sign_head"), signer_name)])
    return pdf.bytes()
