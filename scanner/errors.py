"""Scanner errors: each carries a Vietnamese sentence for the clerk and an English log line."""

from __future__ import annotations

from app.domain.errors import AppError
from app.domain.errors import CancelledError as AnyCancelledError


class ScannerError(AppError):
    """Base of every expected scanning failure."""

    code = "scanner"
    default_user_message = "Không quét được tài liệu. Vui lòng thử lại hoặc liên hệ bộ phận kỹ thuật."


class DeviceNotFoundError(ScannerError):
    code = "scanner_not_found"
    default_user_message = "Không tìm thấy máy quét. Hãy kiểm tra máy quét đã bật và đã kết nối."


class DeviceBusyError(ScannerError):
    code = "scanner_busy"
    default_user_message = "Máy quét đang bận. Vui lòng chờ một lát rồi quét lại."


class DeviceIOError(ScannerError):
    code = "scanner_io"
    default_user_message = "Mất kết nối với máy quét trong khi quét. Hãy kiểm tra cáp hoặc mạng rồi quét lại."


class FeederEmptyError(ScannerError):
    code = "feeder_empty"
    default_user_message = "Khay nạp giấy (ADF) đang trống. Hãy đặt giấy vào khay rồi quét lại."


class UnsupportedSettingError(ScannerError):
    code = "scanner_setting"
    default_user_message = (
        "Máy quét không hỗ trợ thiết lập đã chọn (độ phân giải, chế độ màu hoặc khay giấy)."
    )


class CancelledError(ScannerError, AnyCancelledError):
    code = "cancelled"
    default_user_message = "Đã hủy thao tác."


class BadImageError(ScannerError):
    code = "bad_image"
    default_user_message = "Tệp ảnh bị hỏng hoặc không đúng định dạng, không đọc được."


class ImageTooLargeError(BadImageError):
    code = "image_too_large"
    default_user_message = (
        "Ảnh quá lớn (vượt giới hạn an toàn), không thể xử lý. Hãy quét lại ở độ phân giải thấp hơn."
    )


class EncryptedPdfError(BadImageError):
    code = "pdf_encrypted"
    default_user_message = "Tệp PDF được đặt mật khẩu. Hãy mở khóa tệp hoặc quét lại bản giấy."


class OcrError(ScannerError):
    code = "ocr"
    default_user_message = "Không nhận dạng được chữ trên trang này. Trang vẫn được lưu dưới dạng ảnh."


class OcrTimeoutError(OcrError):
    code = "ocr_timeout"
    default_user_message = (
        "Nhận dạng chữ quá lâu nên đã dừng. Trang vẫn được lưu dưới dạng ảnh; hãy quét lại rõ hơn."
    )


class QrNotFoundError(ScannerError):
    code = "qr_not_found"
    default_user_message = (
        "Không đọc được mã QR trên thẻ căn cước. Hãy đặt thẻ phẳng, đủ sáng, không lóa, rồi thử lại "
        "hoặc nhập tay."
    )
