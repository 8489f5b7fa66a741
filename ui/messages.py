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


def user_message(exc: BaseException) -> str:
    """The Vietnamese sentence for the clerk; logs the English detail (never personal data)."""
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
