"""What can go wrong in a sync pass; the exception type decides what the engine does next.

- `OfflineError`: the hub cannot be reached (or is down): stop quietly, retry later with backoff.
- `AuthRevokedError` / `NotEnrolledError`: stop and tell the clerk; retrying cannot help.
- `ProtocolMismatchError`: the hub speaks another protocol version: stop and tell.
- `HubRefusedError`: the hub refused one request (4xx): the item is marked and the pass goes on.
"""

from __future__ import annotations

from app.domain.errors import AppError, AuthError
from app.domain.errors import CancelledError as AnyCancelledError


class SyncError(AppError):
    code = "sync"
    default_user_message = "Đồng bộ với Trung tâm chưa thành công; hệ thống sẽ tự thử lại."


class OfflineError(SyncError):
    code = "offline"
    default_user_message = (
        "Không kết nối được máy chủ Trung tâm. Dữ liệu vẫn được lưu trên máy và sẽ gửi khi có mạng."
    )


class HubServerError(OfflineError):
    code = "hub_unavailable"
    default_user_message = "Máy chủ Trung tâm đang tạm thời gặp sự cố. Hệ thống sẽ tự thử lại sau."


class AuthRevokedError(AuthError):
    code = "auth_revoked"
    default_user_message = (
        "Máy này không còn được phép đồng bộ với Trung tâm (đã bị thu hồi hoặc sai mã). "
        "Vui lòng liên hệ bộ phận kỹ thuật để đăng ký lại."
    )


class NotEnrolledError(AuthError):
    code = "not_enrolled"
    default_user_message = "Máy này chưa được đăng ký với Trung tâm. Vui lòng liên hệ bộ phận kỹ thuật."


class EnrollCodeError(AuthError):
    code = "enroll_code"
    default_user_message = "Mã đăng ký không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ Trung tâm."


class ProtocolMismatchError(SyncError):
    code = "protocol_version"
    default_user_message = "Phiên bản phần mềm không khớp với máy chủ Trung tâm. Vui lòng cập nhật phần mềm."


class HubRefusedError(SyncError):
    """The hub answered 4xx to one request; `status` and `hub_code` say why."""

    code = "hub_refused"
    default_user_message = "Máy chủ Trung tâm từ chối một mục dữ liệu; mục đó đã được đánh dấu để kiểm tra."

    def __init__(self, log_message: str, status: int, hub_code: str = "") -> None:
        super().__init__(log_message)
        self.status = status
        self.hub_code = hub_code


class CancelledError(SyncError, AnyCancelledError):
    code = "cancelled"
    default_user_message = "Đã dừng đồng bộ."


class InsecureHubError(AuthError):
    """The hub address is plain http:// to another machine (credentials and personal data in clear)."""

    code = "hub_insecure"
    default_user_message = (
        "Địa chỉ máy chủ Trung tâm phải bắt đầu bằng https://. Kết nối http:// không được mã hóa; "
        "hãy báo bộ phận kỹ thuật."
    )
