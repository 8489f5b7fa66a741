"""A dossier's form (TT 03/2025 numbers 01-06) and the register (07), rendered from the log.

The desk's print action (ui.ops.print_form) and `python -m app forms` both come here, so a form
prints the same from a screen and from the command line. A form the dossier has no data for (02
without a supplement request, 03 without a refusal, 04 without an apology, 05 without a stop) is a
StateError with a Vietnamese message: it is never printed blank as if it were real.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Literal

from app import forms
from app.catalog import ensure_loaded, get_procedure
from app.config import Settings
from app.domain.errors import NotFoundError, StateError
from app.domain.events import EventType
from app.domain.state import DossierState
from app.form_templates import installed_template
from app.forms.stop import render_stop_notice
from app.payments import vietqr
from app.storage import Database
from app.storage.events import load_events

logger = logging.getLogger(__name__)

FormCode = Literal["01", "02", "03", "04", "05", "06"]
FORM_CODES: tuple[FormCode, ...] = ("01", "02", "03", "04", "05", "06")
FORM_NAMES_VI = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}


def has_data(state: DossierState, form: str) -> bool:
    """Whether the dossier holds what `form` prints."""
    needs = {
        "01": state.received_at is not None,
        "02": bool(state.supplements),
        "03": state.refusal is not None,
        "04": bool(state.apologies),
        "05": state.stopped is not None,
        "06": state.received_at is not None,
    }
    return needs.get(form, False)


def render_form(
    db: Database,
    state: DossierState,
    form: str,
    settings: Settings,
    clerk_name: str = "",
    home: Path | None = None,
) -> bytes:
    """The PDF of `form` for this dossier; StateError when it has no data for that form. With the
    desk's `home`, in the wording of the template the centre published (`app.form_templates`)."""
    if form not in FORM_CODES:
        raise NotFoundError(f"unknown form {form!r}", "Mẫu phiếu không hợp lệ (chỉ 01 đến 06).")
    if not has_data(state, form):
        raise StateError(
            f"dossier {state.id} has no data for form {form}",
            f"Hồ sơ {state.code or ''} chưa có nội dung cho mẫu số {form} ({FORM_NAMES_VI[form]}).",
        )
    template = installed_template(home, form)  # the centre's wording, from its effective date
    if form == "01":
        received = next(e for e in load_events(db, state.id) if e.type is EventType.RECEIVED)
        ensure_loaded(db.conn)
        proc = get_procedure(db.conn, state.procedure["code"], state.procedure.get("version"))
        qr, amount, paid = payment_on_receipt(db, state, settings)
        extras = forms.ReceiptExtras(
            due_time=str(state.due_time or received.payload.get("due_time") or "16:00"),
            clerk_name=clerk_name,
            payment_qr=qr,
            payment_amount=amount,
            payment_paid=paid,
        )
        return forms.render_receipt(state, settings, proc, extras, template)
    if form == "02":
        return forms.render_supplement_request(state, settings, clerk_name=clerk_name, template=template)
    if form == "03":
        return forms.render_refusal(state, settings, clerk_name=clerk_name, template=template)
    if form == "04":
        signer = str(state.apologies[-1].get("signer") or clerk_name)
        return forms.render_apology(state, settings, signer_name=signer, template=template)
    if form == "05":
        signer = str((state.stopped or {}).get("signer") or clerk_name)
        return render_stop_notice(state, settings, signer_name=signer, template=template)
    return forms.render_control_slip(state, settings, template=template)


def payment_on_receipt(db: Database, state: DossierState, settings: Settings) -> tuple[str, int, bool]:
    """(VietQR, amount, paid) for form 01: what is still due, else the last transfer that paid the fees;
    no QR when the point has no account for transfers (settings: bank_bin, bank_account)."""
    due = state.fees_quoted - state.fees_collected
    transfers = [e.payload for e in load_events(db, state.id)
                 if e.type is EventType.FEE_COLLECTED and e.payload.get("method") == "transfer"]  # fmt: skip
    if due > 0:
        amount, paid = due, False
    elif transfers and state.fees_collected > 0:
        amount, paid = int(transfers[-1].get("amount") or 0), True
    else:
        return "", 0, False
    qr = vietqr.for_point(settings.extra, settings.point_name, amount, state.code or "") if amount else ""
    return qr, amount, paid


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' → (2026-11-01, 2026-11-30)."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)
