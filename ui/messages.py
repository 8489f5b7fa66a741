"""Every failure the clerk can meet, turned into one Vietnamese sentence (the log gets the English)."""

from __future__ import annotations

import errno
import logging

from app.domain.errors import AppError, DiskFullError, ValidationError

logger = logging.getLogger(__name__)

GENERIC = (
    "Đã xảy ra lỗi không mong muốn. Dữ liệu đã nhập vẫn còn nguyên; hãy thử lại hoặc báo bộ phận kỹ thuật."
)
DISK_FULL = DiskFullError.default_user_message
NO_PERMISSION = "Không có quyền ghi vào thư mục dữ liệu. Hãy báo bộ phận kỹ thuật."
FILE_MISSING = "Không tìm thấy tệp đã chọn. Hãy chọn lại tệp."

# The hub's refusal codes (HubRefusedError.hub_code) that need their own sentence.
HUB_REFUSALS = {
    "dossier_code_taken": (
        "Mã hồ sơ này đã được một hồ sơ khác dùng trên Trung tâm. Hồ sơ được giữ trên máy và đánh dấu; "
        "hãy báo bộ phận kỹ thuật kiểm tra số bàn và mã cơ quan của máy."
    ),
    "dossier_code_foreign": (
        "Mã hồ sơ không thuộc mã cơ quan hoặc số bàn mà Trung tâm cấp cho máy này. Hồ sơ được giữ trên máy "
        "và đánh dấu; hãy báo bộ phận kỹ thuật đăng ký lại máy."
    ),
}


def user_message(exc: BaseException) -> str:
    """The Vietnamese sentence for the clerk; logs the English detail (never personal data)."""
    hub_code = getattr(exc, "hub_code", "")
    if isinstance(exc, AppError) and hub_code in HUB_REFUSALS:
        return HUB_REFUSALS[hub_code]
    if isinstance(exc, ValidationError) and exc.problems:
        text = " ".join(dict.fromkeys(p for p in exc.problems if p))
        return text or exc.user_message
    if isinstance(exc, AppError):
        return exc.user_message
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return NO_PERMISSION
        if exc.errno == errno.ENOENT:
            return FILE_MISSING
    logger.error("unexpected error shown to the clerk: %s: %s", type(exc).__name__, exc)
    return GENERIC
