"""Mẫu số 01 (TT 03/2025): Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Liên 1 kept at the point, Liên 2 to the applicant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fpdf.enums import XPos, YPos

from app.catalog.fees import vnd
from app.catalog.model import Procedure
from app.codes import status_url
from app.config import Settings
from app.domain.state import DossierState
from app.domain.vocabulary import register_no_text
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name, copy_kind_vi, vn_long_date, vn_time_date
from app.forms.citizen import public_note

SHIPPED = shipped_template("01")
BRING_BACK_VI = SHIPPED.text("bring_back")
RESULT_FORM_VI = {
    "paper": "Bản giấy",
    "electronic": "Bản điện tử",
    "both": "Bản giấy và bản điện tử",
}
ROLE_VI = {
    "owner": "chủ hồ sơ",
    "submitter": "người nộp thay",
    "representative": "người được ủy quyền",
    "legal_representative": "người đại diện theo pháp luật",
}
LIEN = (("Liên 1", "lien_1"), ("Liên 2", "lien_2"))  # the purpose of each copy: the template's wording


@dataclass(frozen=True)
class ReceiptExtras:
    """What the slip shows that the dossier state does not hold."""

    due_time: str = "16:00"  # the `due_time` of the received payload
    clerk_name: str = ""
    register_book: str = ""  # Sổ theo dõi hồ sơ, quyển số
    register_no: str = ""  # số thứ tự
    copies: int = 1  # số lượng hồ sơ (bộ)
    payment_qr: str = ""  # the VietQR of the fee still due, or of the one paid by transfer
    payment_amount: int = 0  # its amount
    payment_paid: bool = False  # True: paid by transfer (the QR is a record); False: still due


def _processing_text(procedure: Procedure | None) -> tuple[str, str]:
    if procedure is None:
        return "", ""
    public = public_note(procedure.processing.note)
    note = f" ({public})" if public else ""
    return procedure.processing.label_vi(), note


def _return_place(state: DossierState, settings: Settings) -> list[str]:
    method = state.return_method or {}
    if method.get("kind") == "post":
        parts = [method.get("recipient_name"), method.get("address"), method.get("phone")]
        who = ", ".join(str(p) for p in parts if p)
        service = f" ({method['service']})" if method.get("service") else ""
        return [f"Qua dịch vụ bưu chính công ích{service}: {who}"]
    return [f"Tại Bộ phận tiếp nhận và trả kết quả - {settings.point_name}"]


def _form_of(item: dict[str, Any]) -> str:
    """The "Hình thức" cell: copy kind, and for a component checked on paper only, that it was shown."""
    kind = copy_kind_vi(item.get("copy_kind"))
    return f"{kind} (xuất trình, không số hóa)" if item.get("digitized") is False else kind


def _due(state: DossierState, extras: ReceiptExtras) -> datetime | None:
    if not state.due_date:
        return None
    hh, mm = (int(x) for x in extras.due_time.split(":"))
    return datetime.combine(date.fromisoformat(state.due_date), time(hh, mm))


def _body(
    pdf: FormPDF,
    state: DossierState,
    settings: Settings,
    proc: Procedure | None,
    ex: ReceiptExtras,
    tpl: FormTemplate = SHIPPED,
) -> None:
    a = state.applicant
    dots = "..............."
    pdf.field("Bộ phận tiếp nhận và trả kết quả", settings.point_name)
    if hotline := str(settings.extra.get("hotline") or "").strip():
        pdf.rich(("Đường dây nóng: ", ""), (hotline, "B"), size=11)
    applicant_lines(pdf, a)
    pdf.rich(
        ("Số điện thoại: ", ""),
        (a.get("phone") or dots, "B"),
        ("     Email: ", ""),
        (a.get("email") or dots, "B"),
    )
    pdf.rich(
        ("Nội dung yêu cầu giải quyết: ", ""),
        (str(state.procedure.get("name", "")), "B"),
        (f" (mã thủ tục {state.procedure.get('code', '')})", ""),
    )
    pdf.para(tpl.text("documents_heading"), style="B")
    rows = [
        [str(i), c.get("name", ""), _form_of(c), str(c.get("count", 1))]
        for i, c in enumerate((c for c in state.checklist if c.get("provided", True)), start=1)
    ]
    pdf.grid(
        ["TT", "Tên giấy tờ", "Hình thức", "Số lượng"], rows, (10, 95, 42, 23), align=("C", "L", "L", "C")
    )
    pdf.rich(("2. Số lượng hồ sơ: ", ""), (f"{ex.copies:02d}", "B"), (" (bộ)", ""))
    label, note = _processing_text(proc)
    pdf.rich(("3. Thời gian giải quyết hồ sơ theo quy định là: ", ""), (label, "B"), (note, "I"))
    received = datetime.fromisoformat(state.received_at) if state.received_at else None
    pdf.rich(("4. Thời gian nhận hồ sơ: ", ""), (vn_time_date(received) if received else dots, "B"))
    due = _due(state, ex)
    pdf.rich(("5. Thời gian trả kết quả giải quyết hồ sơ: ", ""), (vn_time_date(due) if due else dots, "B"))
    pdf.rich(("6. Nơi nhận kết quả: ", ""), ("; ".join(_return_place(state, settings)), ""))
    result_form = RESULT_FORM_VI.get(str((state.return_method or {}).get("result_form") or "paper"))
    pdf.rich(("   Hình thức nhận kết quả: ", ""), (result_form or RESULT_FORM_VI["paper"], "B"))
    fees = "; ".join(f"{f.get('label')}: {vnd(int(f.get('amount', 0)))}" for f in state.fee_lines) or "Không"
    pdf.rich(("7. Phí, lệ phí: ", ""), (fees + ". ", ""), ("Tổng cộng: ", ""), (vnd(state.fees_quoted), "B"))
    for block in tpl.order:  # the optional blocks, in the order the centre's template gives
        if block == "payment":
            _payment_block(pdf, ex)
        elif block == "register":
            book, no = register_of(state, ex)
            pdf.rich(
                ("Vào Sổ theo dõi hồ sơ, Quyển số: ", ""),
                (book or "......", "B"),
                (", Số thứ tự: ", ""),
                (no or "......", "B"),
                size=11,
            )
        elif block == "bring_back":
            pdf.para(tpl.text("bring_back"), style="I", size=11)


def _payment_block(pdf: FormPDF, ex: ReceiptExtras) -> None:
    """The fee as it stands: the VietQR and amount to transfer (due), or of the transfer made (paid)."""
    if not ex.payment_amount:
        return
    if ex.payment_paid:
        text = (
            f"Đã nộp {vnd(ex.payment_amount)} bằng chuyển khoản (VietQR, nội dung chuyển khoản là mã hồ sơ)."
        )
    elif ex.payment_qr:
        text = (f"Số tiền phải nộp: {vnd(ex.payment_amount)}. Quét mã VietQR bằng ứng dụng ngân hàng để "
                "chuyển khoản; nội dung chuyển khoản là mã hồ sơ.")  # fmt: skip
    else:
        text = f"Số tiền phí, lệ phí chưa nộp: {vnd(ex.payment_amount)}."
    if not ex.payment_qr:
        pdf.para("   " + text, style="I", size=11)
        return
    size = 26
    if pdf.get_y() + size + 2 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 1
    pdf.qr(ex.payment_qr, x=pdf.l_margin + 4, y=y, size=size)
    pdf.set_xy(pdf.l_margin + size + 8, y + 5)
    pdf.font("I", 11)
    pdf.multi_cell(pdf.width - size - 8, 5.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(y + size + 1)


def render_receipt(
    state: DossierState,
    settings: Settings,
    procedure: Procedure | None = None,
    extras: ReceiptExtras | None = None,
    template: FormTemplate | None = None,
) -> bytes:
    """Form 01 as a two-page A4 PDF: Liên 1 then Liên 2, each with the dossier code as a QR code, in
    the wording of the centre's template (`app.form_templates`; the shipped one by default)."""
    ex = extras or ReceiptExtras()
    tpl = template or SHIPPED
    for scale in BODY_SCALES:  # a long slip (an organisation, a long checklist) is set a little smaller
        pdf = _SlipPDF()
        pdf.set_title(f"Giấy tiếp nhận hồ sơ {state.code or ''}")
        pdf.body_scale = scale
        smallest = scale == BODY_SCALES[-1]
        try:
            for n, lien in enumerate(LIEN, 1):
                # each copy on its own page, signatures included; while a smaller size is left to
                # try, a copy running onto a next page stops this size at once (the copies are alike)
                pdf.last_page = None if smallest else n
                _copy(pdf, state, settings, procedure, ex, lien, tpl)
        except _PastItsPage:
            continue
        break
    return pdf.bytes()  # at the smallest scale a copy that still does not fit runs on to a second page


class _PastItsPage(Exception):
    """A copy of the slip ran onto a next page."""


class _SlipPDF(FormPDF):
    """The slip at one body size; with `last_page`, adding a page after it raises `_PastItsPage`."""

    last_page: int | None = None

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        if self.last_page is not None and self.page >= self.last_page:
            raise _PastItsPage
        super().add_page(*args, **kwargs)


BODY_SCALES = (1.0, 0.95, 0.9, 0.86)  # the body from 12 pt down to about 10 pt, still easily read


def _copy(
    pdf: FormPDF,
    state: DossierState,
    settings: Settings,
    procedure: Procedure | None,
    ex: ReceiptExtras,
    lien_purpose: tuple[str, str],
    tpl: FormTemplate = SHIPPED,
) -> None:
    """One copy (liên) of the slip, from a new page."""
    lien, purpose_key = lien_purpose
    purpose = tpl.text(purpose_key)
    received_day = date.fromisoformat(state.received_at[:10]) if state.received_at else None
    pdf.add_page()
    pdf.form_number("01")
    pdf.national_header(settings, place_date=received_day)
    y = pdf.get_y()
    pdf.qr(receipt_qr_text(state, settings), x=pdf.w - pdf.r_margin - 24, y=y)
    pdf.form_title(tpl.text("title"))
    pdf.font("", 12)
    pdf.cell(pdf.width, 6, f"Mã hồ sơ: {state.code or ''}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if state.status_secret:
        pdf.para(f"Mã tra cứu trực tuyến: {state.status_secret}", size=10, align="C")
    pdf.para(f"{lien}: {purpose}", style="I", size=11, align="C")
    book, no = register_of(state, ex)
    if no:
        pdf.para(f"Số phiếu: {no}/{book}", size=11, align="C")
    if state.corrections:  # a reprint after a correction replaces the slip given before
        n = len(state.corrections)
        pdf.para(f"(Cấp lại lần {n}, thay thế Giấy tiếp nhận đã cấp trước đó)", style="I", size=10, align="C")
    pdf.set_y(max(pdf.get_y(), y + 26))
    _body(pdf, state, settings, procedure, ex, tpl)
    pdf.signatures([(tpl.text("sign_applicant"), ""), (tpl.text("sign_clerk"), ex.clerk_name)], gap=18)
    pdf.page_foot(tpl.footer, tpl.version_line)  # the centre's footer, the same at every point


def receipt_qr_text(state: DossierState, settings: Settings) -> str:
    """The hub's citizen status page for this dossier when the desk knows its hub, else the code."""
    code = state.code or state.id
    if settings.hub_url and state.status_secret:
        return status_url(settings.hub_url, code, state.status_secret)
    return code


def receipt_day(state: DossierState) -> str:
    """`ngày dd tháng mm năm yyyy` of receipt, for other forms."""
    return vn_long_date(date.fromisoformat(state.received_at[:10])) if state.received_at else ""


def register_of(state: DossierState, ex: ReceiptExtras) -> tuple[str, str]:
    """Quyển số and số thứ tự: given at receipt (state.register), or as the caller passes them."""
    if ex.register_no:
        return ex.register_book, ex.register_no
    if state.register:
        return str(state.register["book"]), register_no_text(int(state.register["no"]))
    return ex.register_book, ""


def applicant_lines(pdf: FormPDF, a: dict[str, Any]) -> None:
    """Who filed: a person (with their ID number), or an organisation; the submitter's role; the owner."""
    if a.get("kind") == "organisation":
        pdf.field("Tiếp nhận hồ sơ của tổ chức", a.get("org_name", ""))
        pdf.rich(("Mã số thuế/mã số doanh nghiệp: ", ""), (str(a.get("tax_code") or "......"), "B"))
        if a.get("legal_rep"):
            pdf.rich(("Người đại diện theo pháp luật: ", ""), (str(a["legal_rep"]), "B"))
        submitter = applicant_name(a)
        if submitter:
            pdf.rich(("Người nộp hồ sơ: ", ""), (submitter, "B"), (_role(a), ""))
    else:
        pdf.rich(("Tiếp nhận hồ sơ của: ", ""), (applicant_name(a), "B"), (_role(a), ""))
    if a.get("id_number"):
        label = ID_LABEL_VI.get(str(a.get("id_kind") or "cccd"), "Số giấy tờ tùy thân")
        pdf.rich((f"{label}: ", ""), (str(a["id_number"]), "B"))
    pdf.field("Địa chỉ", a.get("address", ""))
    owner = a.get("owner") or {}
    if owner.get("full_name") or owner.get("name"):
        pdf.rich(
            ("Chủ hồ sơ: ", ""),
            (str(owner.get("full_name") or owner.get("name")), "B"),
            (f", địa chỉ: {owner['address']}" if owner.get("address") else "", ""),
        )
    if a.get("authorisation"):
        pdf.rich(("Giấy ủy quyền: ", ""), (str(a["authorisation"]), ""), size=11)


ID_LABEL_VI = {"cccd": "Số định danh cá nhân", "cmnd": "Số CMND", "passport": "Số hộ chiếu"}


def _role(a: dict[str, Any]) -> str:
    role = ROLE_VI.get(str(a.get("role") or ""))
    return f" ({role})" if role else ""
