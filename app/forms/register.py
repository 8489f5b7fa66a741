"""Mẫu 06: Sổ theo dõi hồ sơ, the register of one day (A4 landscape). Columns: UNCONFIRMED layout."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.catalog.fees import vnd
from app.config import Settings
from app.domain.state import STATUS_LABELS_VI, DossierState
from app.domain.vocabulary import vn_short
from app.forms.base import FormPDF, vn_long_date

HEADER = [
    "TT",
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
WIDTHS = (9, 46, 52, 36, 20, 20, 22, 20, 25, 17)


def _row(i: int, s: DossierState) -> list[str]:
    returned = vn_short((s.returned or {}).get("at")) if s.returned else ""
    return [
        str(i),
        s.code or "",
        str(s.procedure.get("name", "")),
        str(s.applicant.get("full_name", "")),
        vn_short(s.received_at),
        vn_short(s.due_date),
        returned,
        vnd(s.fees_quoted),
        STATUS_LABELS_VI.get(s.status, str(s.status)),
        "",
    ]


def render_register(states: Sequence[DossierState], settings: Settings, day: date, book: str = "") -> bytes:
    """The register page(s) of `day`: one row per dossier, in order of receipt."""
    ordered = sorted(states, key=lambda s: (s.received_at or "", s.code or ""))
    pdf = FormPDF.opened(
        settings,
        doc_title=f"Sổ theo dõi hồ sơ {day.isoformat()}",
        heading="SỔ THEO DÕI HỒ SƠ",
        subtitle=vn_long_date(day).capitalize() + (f" - Quyển số {book}" if book else ""),
        orientation="landscape",
    )
    rows = [_row(i, s) for i, s in enumerate(ordered, start=1)]
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
