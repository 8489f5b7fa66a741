"""Mẫu số 07 (TT 03/2025): Sổ theo dõi hồ sơ, one day or one month (A4 landscape).

The official column layout was not found (only a secondary list of the forms): the columns follow a
vendor's export (DOMAIN.md) plus the register number and the cancellation note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.catalog.fees import vnd
from app.config import Settings
from app.domain.state import STATUS_LABELS_VI, DossierState
from app.domain.vocabulary import register_no_text, vn_short
from app.forms.base import FormPDF, vn_long_date

HEADER = [
    "TT",
    "Số thứ tự",
    "Mã hồ sơ",
    "Thủ tục",
    "Người nộp",
    "Nhận lúc",
    "Hẹn trả",
    "Trả kết quả",
    "Phí, lệ phí",
    "Tình trạng",
    "Ký nhận",
]
WIDTHS = (8, 18, 46, 42, 30, 22, 22, 22, 18, 22, 12)


def _row(i: int, s: DossierState) -> list[str]:
    returned = vn_short((s.returned or {}).get("at")) if s.returned else ""
    status = STATUS_LABELS_VI.get(s.status, str(s.status))
    if s.cancelled:  # the entry stays in the book, marked, with the reason (its number is never reused)
        status += f": {s.cancelled.get('reason', '')}"
    return [
        str(i),
        register_no_text(int(s.register["no"])) if s.register else "",
        s.code or "",
        str(s.procedure.get("name", "")),
        str(s.applicant.get("org_name") or s.applicant.get("full_name", "")),
        vn_short(s.received_at),
        vn_short(s.due_date),
        returned,
        vnd(s.fees_quoted),
        status,
        "",
    ]


def register_rows(states: Sequence[DossierState]) -> list[list[str]]:
    """The register's rows (also the XLSX export), in order of receipt."""
    ordered = sorted(states, key=lambda s: (s.received_at or "", s.code or ""))
    return [_row(i, s) for i, s in enumerate(ordered, start=1)]


def render_register(
    states: Sequence[DossierState], settings: Settings, day: date, book: str = "", period: str = ""
) -> bytes:
    """The register page(s) of `day` (or of `period`, e.g. 'Tháng 11 năm 2026'): one row per dossier."""
    ordered = sorted(states, key=lambda s: (s.received_at or "", s.code or ""))
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Sổ theo dõi hồ sơ {day.isoformat()}",
        heading="SỔ THEO DÕI HỒ SƠ",
        form_no="07",
        subtitle=(period or vn_long_date(day).capitalize()) + (f" - Quyển số {book}" if book else ""),
        orientation="landscape",
    )
    rows = register_rows(ordered)
    pdf.grid(HEADER, rows or [[""] * len(HEADER)], WIDTHS, size=9)
    total = sum(s.fees_quoted for s in ordered)
    pdf.rich(
        ("Tổng số hồ sơ: ", ""),
        (str(len(ordered)), "B"),
        ("    Tổng phí, lệ phí: ", ""),
        (vnd(total), "B"),
        size=11,
    )
    pdf.signatures([("NGƯỜI LẬP SỔ", ""), ("TRƯỞNG ĐIỂM PHỤC VỤ", "")], gap=18)
    return pdf.bytes()
