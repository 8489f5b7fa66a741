"""The desk's Vietnamese words and formats, defined once: the printed forms and the screens use these.

Dates are dd/mm/yyyy, amounts use the dot as thousands separator and "đ", and every label of a copy
kind, a rating, an event or a status comes from here (statuses from `app.domain.state`, next to the
enum). Pure: no I/O, no Qt; the hub may import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.domain.state import STATUS_LABELS_VI as STATUS_LABELS_VI

COPY_KIND_VI: dict[str, str] = {"original": "Bản chính", "certified": "Bản sao chứng thực", "copy": "Bản sao"}
COPY_KINDS = tuple(COPY_KIND_VI)

LEVEL_VI: dict[str, str] = {  # the level of government that settles a procedure
    "xa": "Cấp xã",
    "tinh": "Cấp tỉnh",
    "trung_uong": "Cấp trung ương",
    "lien_thong": "Liên thông",
}

CHANNEL_VI: dict[str, str] = {  # the ways a dossier is filed
    "truc_tiep": "Trực tiếp",
    "truc_tuyen": "Trực tuyến",
    "buu_chinh": "Dịch vụ bưu chính công ích",
}

UNIT_VI: dict[str, str] = {  # the units of a processing time
    "working_days": "ngày làm việc",
    "calendar_days": "ngày",
    "hours": "giờ",
    "months": "tháng",
}

RATING_LABELS_VI: dict[str, str] = {
    "rat_hai_long": "Rất hài lòng",
    "hai_long": "Hài lòng",
    "khong_hai_long": "Không hài lòng",
}
RATINGS = tuple(RATING_LABELS_VI)

EVENT_LABELS_VI: dict[str, str] = {
    "received": "Tiếp nhận hồ sơ",
    "corrected": "Sửa thông tin",
    "documents_added": "Bổ sung tài liệu",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "refused": "Từ chối tiếp nhận",
    "fee_collected": "Thu phí, lệ phí",
    "extension_requested": "Đề nghị gia hạn (mẫu 04)",
    "extension_declined": "Trưởng điểm không duyệt đề nghị gia hạn",
    "extension_withdrawn": "Rút đề nghị gia hạn",
    "apology_issued": "Xin lỗi, hẹn lại ngày trả",
    "result_returned": "Trả kết quả",
    "rated": "Công dân đánh giá",
    "accepted": "Chuyển cơ quan giải quyết",
    "processing": "Đang giải quyết",
    "result_ready": "Có kết quả",
    "rejected": "Không giải quyết",
    "due_extended": "Gia hạn",
    "cancelled": "Hủy hồ sơ nhập nhầm",
    "stopped": "Dừng giải quyết hồ sơ",
    "handed_off": "Giao nhận hồ sơ",
    "result_recorded": "Nhận kết quả tại điểm",
    "postal_updated": "Bưu chính",
    "complaint_recorded": "Phản ánh, kiến nghị",
}
COMPLAINT_CHANNEL_VI: dict[str, str] = {  # how a phản ánh, kiến nghị reached the point
    "truc_tiep": "Trực tiếp tại Điểm",
    "hop_thu": "Hộp thư góp ý",
    "dien_thoai": "Điện thoại, đường dây nóng",
    "truc_tuyen": "Trực tuyến (Cổng Dịch vụ công, iHanoi)",
    "van_ban": "Văn bản, thư gửi đến",
}
HANDOFF_DIRECTION_VI: dict[str, str] = {"to_agency": "Chuyển cơ quan giải quyết", "to_point": "Trả về điểm"}
POSTAL_STATUS_VI: dict[str, str] = {
    "sent": "Đã gửi bưu chính",
    "delivered": "Đã phát thành công",
    "returned_to_sender": "Phát không thành công, trả về điểm",
}

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the wall time the clerk and the citizen read


def vn_today() -> date:
    """Today in Hanoi. Not `date.today()`: a desk's system clock may be set to UTC (or any zone),
    and between 00:00 and 07:00 Hanoi time its date is still yesterday's."""
    return datetime.now(VN_TZ).date()


PAYMENT_METHOD_VI: dict[str, str] = {  # how a fee is paid at the desk
    "cash": "Tiền mặt",
    "transfer": "Chuyển khoản (VietQR)",
    "epay": "Thanh toán trực tuyến",
}

RETURN_METHOD_VI: dict[str, str] = {"desk": "tại điểm phục vụ", "post": "qua bưu chính"}

QT_DATE_FORMAT = "dd/MM/yyyy"  # the same dd/mm/yyyy, in the pattern Qt's date widgets take


def copy_kind_vi(kind: object) -> str:
    """'certified' → 'Bản sao chứng thực'; an unknown kind is shown as given."""
    return COPY_KIND_VI.get(str(kind), str(kind or ""))


def rating_vi(rating: object) -> str:
    return RATING_LABELS_VI.get(str(rating), "")


def event_label_vi(event_type: str) -> str:
    return EVENT_LABELS_VI.get(event_type, event_type)


def vnd(amount: int) -> str:
    """12000 → '12.000đ' (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + "đ"


def vn_int(value: int) -> str:
    """1234567 → '1.234.567' (a count, with the Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float, digits: int = 1) -> str:
    """12.25 → '12,3' (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def vn_size(size: int) -> str:
    """A file size as the clerk reads it: '1,5 MB', '12 kB' (decimal comma)."""
    mb = size / 1_000_000
    return f"{mb:.1f} MB".replace(".", ",") if mb >= 0.1 else f"{max(size // 1000, 1)} kB"


def vn_date(value: date | str | None) -> str:
    """2026-12-01 (a date, a datetime or an ISO string) → '01/12/2026'; '' for nothing."""
    if not value:
        return ""
    return f"{_as_date(value):%d/%m/%Y}"


def vn_datetime(value: datetime | str | None) -> str:
    """An ISO moment → '14:05 ngày 01/12/2026' (the wall time it carries); '' for nothing."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return f"{moment:%H:%M} ngày {vn_date(moment)}"


def vn_stamp(moment: datetime) -> str:
    """'01/12/2026 14:05': the compact form of a timeline row."""
    return f"{vn_date(moment)} {moment:%H:%M}"


def vn_local_stamp(value: str | None) -> str:
    """A stored UTC moment (ISO 8601) as Hanoi wall time, '01/12/2026 14:05'; '' for nothing."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return vn_stamp(moment.astimezone(VN_TZ))


def vn_short(value: str | None) -> str:
    """A register cell: a date as dd/mm/yyyy, a moment as 'HH:MM dd/mm'."""
    if not value:
        return ""
    if len(value) == 10:
        return vn_date(value)
    return f"{datetime.fromisoformat(value):%H:%M %d/%m}"


def vn_long_date(day: date) -> str:
    """'ngày 01 tháng 12 năm 2026', as the forms write it."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def vn_time_date(moment: datetime) -> str:
    """'14 giờ 05 phút, ngày 01 tháng 12 năm 2026'."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {vn_long_date(moment.date())}"


REGISTER_PER_DESK = 100_000  # số thứ tự of the register: desk d numbers d*100000+1 .. d*100000+99999


def register_no_text(no: int) -> str:
    """100007 → '01.00007' (desk 01, its 7th entry in the year's book)."""
    return f"{no // REGISTER_PER_DESK:02d}.{no % REGISTER_PER_DESK:05d}"
