"""The desk's upkeep as the Cài đặt page and the status bar word it: the last backup, enrollment, and
the digitization profile the centre published."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.backup_schedule import last_status
from app.config import Settings
from app.digitization import DEFAULT_PROFILE, MODE_VI, PROFILE_FILE, installed_profile
from app.domain.vocabulary import vn_date, vn_datetime
from app.form_templates import DEFAULT_TEXTS, GUIDANCE, SHIPPED_EFFECTIVE, SHIPPED_VERSION, installed_template
from ui.ops.enroll import OUTCOME_VI, Outcome


def enroll_status_text(outcome: Outcome) -> str:
    """The status-bar line after an enrollment attempt ('' when there was nothing to redeem)."""
    return "" if outcome == "none" else OUTCOME_VI[outcome]


def backup_status_text(home: Path, settings: Settings) -> str:
    """Last backup time and result, in Vietnamese, for the Cài đặt page."""
    if not settings.backup_dir:
        return "Chưa chọn thư mục sao lưu: máy chưa được sao lưu tự động."
    status = last_status(home)
    if status is None:
        return "Chưa sao lưu lần nào."
    when = vn_datetime(datetime.fromisoformat(str(status["at"])))
    result = "thành công" if status.get("ok") else "không thành công"
    return f"Lần sao lưu gần nhất: {when} — {result}: {status.get('detail', '')}"


def digitization_profile_text(home: Path) -> str:
    """The profile pages are kept by, and whether the centre published it (Cài đặt, read-only)."""
    profile = installed_profile(home)
    size = f"tối thiểu {profile.min_dpi} dpi, khoảng {profile.kb_per_page} KB/trang"
    if not (home / PROFILE_FILE).is_file() or profile == DEFAULT_PROFILE:
        return (
            "Mặc định của máy (Trung tâm chưa ban hành):\nchữ đen trắng, giữ màu nơi có dấu, chữ ký màu;\n"
            f"{size}"
        )
    return f"{profile.name} (do Trung tâm ban hành): {MODE_VI[profile.mode]},\n{size}"


def form_templates_text(home: Path) -> str:
    """The version of the form templates in force, and which the centre published (Cài đặt)."""
    forms = sorted(DEFAULT_TEXTS)
    numbered = [f for f in forms if f != GUIDANCE]
    published = [t for t in (installed_template(home, f) for f in forms) if t.version != SHIPPED_VERSION]
    if not published:
        return (
            f"Mẫu {numbered[0]}–{numbered[-1]}, phiếu hướng dẫn: phiên bản {SHIPPED_VERSION}\n"
            f"(mặc định của máy, áp dụng từ {vn_date(SHIPPED_EFFECTIVE)})"
        )
    lines = [
        f"{'Phiếu hướng dẫn' if t.form == GUIDANCE else f'Mẫu {t.form}'}: phiên bản {t.version} "
        f"(Trung tâm ban hành, từ {vn_date(t.effective_date)})"
        for t in published
    ]
    if len(published) < len(forms):
        lines.append(f"Các mẫu khác: phiên bản {SHIPPED_VERSION} (mặc định của máy)")
    return "\n".join(lines)
