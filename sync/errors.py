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


class HubReplyError(OfflineError):
    """Whatever answered at the hub's address gave no valid hub reply (wrong shape, too big, too
    deep, too slow, not in the hub's error shape): nothing is changed on its word; try later."""

    code = "hub_reply"
    default_user_message = (
        "Máy chủ tại địa chỉ Trung tâm trả lời không đúng (có thể do mạng hoặc thiết bị trung gian). "
        "Dữ liệu vẫn được giữ trên máy và sẽ gửi lại sau."
    )


class HubRedirectError(SyncError):
    """The hub's address answers with a redirect: a configuration error; nothing is sent there."""

    code = "hub_redirect"
    default_user_message = (
        "Địa chỉ máy chủ Trung tâm đang chuyển hướng sang một địa chỉ khác. "
        "Chưa gửi dữ liệu nào sang đó. Hãy nhờ bộ phận kỹ thuật sửa địa chỉ Trung tâm trong Cài đặt."
    )

    def __init__(self, log_message: str, target: str) -> None:
        shown = target[:200] or "(không rõ)"
        super().__init__(
            log_message,
            "Địa chỉ máy chủ Trung tâm đang chuyển hướng sang " + shown + ". Chưa gửi dữ liệu nào "
            "sang đó. Hãy nhờ bộ phận kỹ thuật sửa địa chỉ Trung tâm trong Cài đặt "
            "(ví dụ dùng đúng địa chỉ https://).",
        )
        self.target = target


class NoProgressError(OfflineError):
    """A loop made no progress (a batch acknowledged by nothing, a cursor that does not advance)."""

    code = "no_progress"
    default_user_message = (
        "Máy chủ Trung tâm không xác nhận dữ liệu đã gửi. Dữ liệu vẫn được giữ trên máy; "
        "hệ thống sẽ thử lại sau."
    )


class FileMismatchError(OfflineError):
    """A downloaded file is not the one announced (other SHA-256, or longer than its size)."""

    code = "file_mismatch"
    default_user_message = (
        "Một tệp tải về từ Trung tâm bị sai lệch nên chưa được nhận; hệ thống sẽ tải lại sau. "
        "Nếu lỗi lặp lại, hãy báo bộ phận kỹ thuật."
    )


class DeadlineError(OfflineError):
    """A request or the whole pass ran past its deadline (a reply trickling in, a stalled link)."""

    code = "deadline"
    default_user_message = (
        "Máy chủ Trung tâm trả lời quá chậm nên lần đồng bộ này đã dừng. Hệ thống sẽ tự thử lại sau."
    )


class UnexpectedSyncError(SyncError):
    """Anything not foreseen during a pass: recorded, the pass ends, the loop goes on."""

    code = "sync_unexpected"
    default_user_message = (
        "Đồng bộ gặp lỗi không mong muốn; dữ liệu trên máy vẫn nguyên vẹn và hệ thống sẽ thử lại sau."
    )


class InsecureHubError(AuthError):
    """The hub address is plain http:// to another machine (credentials and personal data in clear)."""

    code = "hub_insecure"
    default_user_message = (
        "Địa chỉ máy chủ Trung tâm phải bắt đầu bằng https://. Kết nối http:// không được mã hóa; "
        "hãy báo bộ phận kỹ thuật."
    )
