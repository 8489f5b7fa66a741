"""Read an ID card (CCCD) from its QR code, or a dossier code from the QR of a receipt (form 01)."""

from __future__ import annotations

import numpy as np

from scanner.errors import QrNotFoundError
from scanner.idcard import IdCardData, find_qr_texts, read_idcard
from ui.ops.base import IsCancelled, Progress
from ui.ops.scan_source import PageFrom, first_page


def run(where: PageFrom, progress: Progress, is_cancelled: IsCancelled) -> IdCardData:
    """The applicant read from the card's QR code (warnings in Vietnamese when a field is doubtful)."""
    return read_idcard(first_page(where, progress, is_cancelled))


def run_receipt(where: PageFrom, progress: Progress, is_cancelled: IsCancelled) -> str:
    """The dossier code printed as a QR on a receipt."""
    return receipt_code(first_page(where, progress, is_cancelled))


def receipt_code(image: np.ndarray) -> str:
    """The first QR text that is not an ID card's (a card's payload is `|`-separated)."""
    texts = [t.strip() for t in find_qr_texts(image) if "|" not in t]
    if not texts:
        raise QrNotFoundError(
            "no dossier QR code in the image",
            "Không đọc được mã QR trên giấy tiếp nhận. Hãy quét lại hoặc gõ mã hồ sơ.",
        )
    return texts[0]
