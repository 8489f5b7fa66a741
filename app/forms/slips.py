"""Mẫu số 02 (yêu cầu bổ sung), 03 (từ chối tiếp nhận), 04 (xin lỗi và đề nghị gia hạn) of TT 03/2025."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.config import Settings
from app.domain.state import DossierState
from app.form_templates import FormTemplate, shipped_template
from app.forms.base import FormPDF, applicant_name, copy_kind_vi, vn_long_date
from app.forms.receipt import receipt_day


def _intro(pdf: FormPDF, state: DossierState, settings: Settings) -> None:
    a = state.applicant
    pdf.field("Bộ phận tiếp nhận và trả kết quả", settings.point_name)
    if state.code:  # form 02 at intake has no code: nothing was received
        pdf.rich(("Mã hồ sơ: ", ""), (state.code, "B"), ("   ngày tiếp nhận: ", ""), (receipt_day(state), ""))
    pdf.field("Kính gửi", applicant_name(a))
    pdf.field("Địa chỉ", a.get("address", ""))
    pdf.rich(("Số điện thoại: ", ""), (a.get("phone") or "...............", "B"))
    pdf.rich(
        ("Thủ tục: ", ""),
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
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu yêu cầu bổ sung {state.code or ''}",
        heading="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        form_no="02",
        template=template or shipped_template("02"),
        place_date=day or date.today(),
    )
    _intro(pdf, state, settings)
    pdf.para("Sau khi kiểm tra, hồ sơ của Ông/Bà cần bổ sung, hoàn thiện các nội dung sau:", style="B")
    rows = [_item_row(i, item) for i, item in enumerate(items, start=1)] or [["1", "", "", "", ""]]
    pdf.grid(["TT", "Giấy tờ cần bổ sung", "Hình thức", "SL", "Ghi chú"], rows, (10, 70, 38, 12, 45))
    pdf.rich(("Lý do: ", "B"), (reason or "." * 60, ""))
    pdf.para(
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với "
        f"{settings.point_name} để được hướng dẫn." + (f" Mã hồ sơ: {state.code}." if state.code else "")
    )
    pdf.signatures([("NGƯỜI NỘP HỒ SƠ", ""), ("NGƯỜI HƯỚNG DẪN", clerk_name)])
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
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Phiếu từ chối tiếp nhận {state.code or ''}",
        heading="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        form_no="03",
        template=template or shipped_template("03"),
        place_date=day or date.today(),
    )
    _intro(pdf, state, settings)
    pdf.para(
        "Sau khi nghiên cứu, đối chiếu với quy định hiện hành, Bộ phận tiếp nhận và trả kết quả "
        "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
    )
    pdf.para(reason or "." * 80, style="B")
    pdf.para("Xin thông báo để Ông/Bà được biết và thực hiện.")
    pdf.signatures([("NGƯỜI NỘP HỒ SƠ", ""), ("NGƯỜI TIẾP NHẬN HỒ SƠ", clerk_name)])
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
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Văn bản xin lỗi và đề nghị gia hạn {state.code or ''}",
        heading="VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        form_no="04",
        template=template or shipped_template("04"),
        place_date=day or date.today(),
    )
    _intro(pdf, state, settings)
    original = state.original_due_date
    pdf.rich(
        ("Bộ phận tiếp nhận và trả kết quả đã tiếp nhận hồ sơ của Ông/Bà vào ", ""),
        (receipt_day(state) or "......", "B"),
        (", hẹn trả kết quả ", ""),
        (vn_long_date(date.fromisoformat(original)) if original else "......", "B"),
        (".", ""),
    )
    pdf.rich(("Tuy nhiên đến nay chưa trả kết quả đúng hẹn. Lý do: ", ""), (reason or "." * 60, "B"))
    pdf.para(
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Chúng tôi thành thật xin lỗi Ông/Bà và "
        "xin hẹn lại thời gian trả kết quả:"
    )
    pdf.rich(
        ("Ngày hẹn mới: ", ""), (vn_long_date(date.fromisoformat(new_due)) if new_due else "......", "B")
    )
    pdf.para("Rất mong nhận được sự thông cảm của Ông/Bà.")
    pdf.signatures([("", ""), ("THỦ TRƯỞNG ĐƠN VỊ", signer_name)])
    return pdf.bytes()
