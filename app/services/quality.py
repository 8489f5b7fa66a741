"""Is a dossier's digitized copy good enough before the citizen leaves? Page grades and warnings.

Used by the desk while scanning (per-page badge) and before saving (warnings for the clerk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

GOOD_CONFIDENCE = 80.0  # mean Tesseract word confidence at which a page reads cleanly
FAIR_CONFIDENCE = 60.0  # below this the text is too unreliable to search: rescan
PAPER_NOTE_MAX = 200  # the reason a component was checked on paper only: one short sentence
PAPER_ONLY_LABEL = "Đã kiểm tra bản giấy, không số hóa"


def paper_note_problem(note: str) -> str | None:
    """Vietnamese problem with the reason for a paper-only component, or None when it is acceptable."""
    text = note.strip()
    if not text:
        return "Thành phần chỉ kiểm tra bản giấy cần ghi lý do ngắn (ví dụ: bản chính chỉ xuất trình)."
    if len(text) > PAPER_NOTE_MAX:
        return f"Lý do kiểm tra bản giấy quá dài (tối đa {PAPER_NOTE_MAX} ký tự)."
    return None


def page_quality(page: Mapping[str, Any]) -> tuple[str, str]:
    """("good" | "fair" | "bad", short Vietnamese badge) for one page dict of the event contract."""
    if page.get("is_blank"):
        return "bad", "Trang trắng"
    conf = page.get("ocr_confidence")
    if conf is None:
        return "bad", "Không đọc được"
    value = float(conf)
    grade = "good" if value >= GOOD_CONFIDENCE else "fair" if value >= FAIR_CONFIDENCE else "bad"
    return grade, f"OCR {value:.0f}%"


_DPI_FROM = {
    "file": "Ảnh {dpi} dpi",
    "page_size": "Ảnh khoảng {dpi} dpi (tệp không ghi độ phân giải, tính theo khổ A4)",
    "pdf": "Bản quét trong tệp PDF chỉ {dpi} dpi",
    "device": "Máy quét trả về {dpi} dpi",
}


def page_notes(page: Mapping[str, Any]) -> list[tuple[bool, str]]:
    """(is a warning, Vietnamese sentence) for each note the desk recorded on the page."""
    out: list[tuple[bool, str]] = []
    for note in page.get("notes") or []:
        kind = note.get("note")
        if kind == "low_dpi":
            said = _DPI_FROM.get(str(note.get("dpi_from")), _DPI_FROM["file"]).format(dpi=note.get("dpi"))
            out.append(
                (
                    True,
                    f"{said}, thấp hơn mức tối thiểu {note.get('min_dpi')} dpi của hồ sơ số hóa — nên quét lại.",
                )
            )
        elif kind == "kb_budget" and note.get("fits"):
            how = (
                f"ở {note.get('stored_dpi')} dpi"
                if note.get("stored_dpi") != note.get("dpi")
                else "nén Flate"
            )
            out.append(
                (
                    False,
                    f"Trang đen trắng {note.get('kb')} KB vượt mức {note.get('budget_kb')} KB/trang: "
                    f"bản PDF lưu trang {how}, còn {note.get('stored_kb')} KB.",
                )
            )
        elif kind == "kb_budget":
            out.append(
                (
                    True,
                    f"Trang đen trắng vẫn {note.get('stored_kb')} KB dù đã lưu ở {note.get('stored_dpi')} dpi, "
                    f"vượt mức {note.get('budget_kb')} KB/trang của hồ sơ số hóa — trang nhiều vết bẩn "
                    "hoặc hình: nên lau mặt kính và quét lại, hoặc quét thang xám.",
                )
            )
    return out


def document_warnings(components: Sequence[Mapping[str, Any]]) -> list[str]:
    """Warnings for the clerk: a mandatory component with no pages, a blank or unreadable page, a page
    below the profile's minimum dpi or over its KB budget (`page_notes`).

    Each component: {name, mandatory, pages: [page dicts], provided (optional bool),
    paper_only (optional bool), paper_note (optional str)}.
    """
    out: list[str] = []
    for comp in components:
        pages = list(comp.get("pages") or [])
        name = str(comp.get("name") or "")
        if comp.get("paper_only") and not pages:
            problem = paper_note_problem(str(comp.get("paper_note") or ""))
            if problem:
                out.append(f"{name}: {problem}")
        elif comp.get("mandatory") and not pages and not comp.get("provided"):
            out.append(
                f"Thiếu thành phần bắt buộc: {name}. Hãy quét hoặc nhập trang; nếu giấy tờ chỉ xuất trình "
                f"(bản chính xem rồi trả lại), đánh dấu “{PAPER_ONLY_LABEL.lower()}” và ghi lý do."
            )
        if comp.get("paper_only") and pages:
            out.append(f"{name}: đã có trang quét — bỏ dấu “chỉ kiểm tra bản giấy”.")
        for i, page in enumerate(pages, 1):
            grade, label = page_quality(page)
            if page.get("is_blank"):
                out.append(f"{name}, trang {i}: trang trắng — kiểm tra lại hoặc xóa.")
            elif grade == "bad":
                out.append(f"{name}, trang {i}: {label.lower()} — nên quét lại.")
            out.extend(f"{name}, trang {i}: {text}" for warn, text in page_notes(page) if warn)
    return out
