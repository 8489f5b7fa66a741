"""One error tree for the whole core. `ui/messages.py` turns each into a Vietnamese sentence.

Every error carries a stable `code` (for the UI and tests), an English `log_message` for the log
(never personal data), and a Vietnamese `user_message` for the clerk.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every expected failure the clerk may see."""

    code = "app_error"
    default_user_message = "Đã xảy ra lỗi. Vui lòng thử lại hoặc liên hệ bộ phận kỹ thuật."

    def __init__(self, log_message: str, user_message: str | None = None, **details: object) -> None:
        super().__init__(log_message)
        self.log_message = log_message
        self.user_message = user_message or self.default_user_message
        self.details = details

    def __str__(self) -> str:
        return self.log_message


class ValidationError(AppError):
    """Input that breaks a rule (ID number, phone, missing field...)."""

    code = "validation"
    default_user_message = "Thông tin nhập vào chưa hợp lệ."

    def __init__(
        self, log_message: str, user_message: str | None = None, *, problems: list[str] | None = None
    ) -> None:
        super().__init__(log_message, user_message)
        self.problems = problems or ([user_message] if user_message else [])


class NotFoundError(AppError):
    code = "not_found"
    default_user_message = "Không tìm thấy dữ liệu yêu cầu."


class StateError(AppError):
    """An action that the dossier's current state does not allow."""

    code = "state"
    default_user_message = "Hồ sơ đang ở trạng thái không cho phép thao tác này."


class CatalogError(AppError):
    code = "catalog"
    default_user_message = "Danh mục thủ tục không hợp lệ."


class CalendarError(AppError):
    code = "calendar"
    default_user_message = "Lịch ngày làm việc không hợp lệ."


class StorageError(AppError):
    code = "storage"
    default_user_message = "Không ghi được dữ liệu. Dữ liệu đã lưu trước đó vẫn an toàn."


class DiskFullError(StorageError):
    code = "disk_full"
    default_user_message = (
        "Ổ đĩa đã đầy, không thể lưu. Dữ liệu đã lưu trước đó vẫn an toàn. "
        "Hãy giải phóng dung lượng hoặc báo bộ phận kỹ thuật."
    )


class IntegrityError(StorageError):
    code = "integrity"
    default_user_message = "Dữ liệu bị hỏng hoặc không khớp mã kiểm tra."


class CancelledError(AppError):
    """The clerk (or the desk closing) stopped the work: not a failure. The scanner's and the sync
    engine's cancellations are kinds of this one, so a job stops the same way whoever noticed."""

    code = "cancelled"
    default_user_message = "Đã hủy thao tác."


class AuthError(AppError):
    code = "auth"
    default_user_message = "Tên đăng nhập hoặc mật khẩu không đúng."


class PermissionDenied(AppError):
    code = "permission"
    default_user_message = "Tài khoản không có quyền thực hiện thao tác này."
