"""Synthetic CCCD card images with a real QR code (qrcode package), flat scans and phone photos."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw

from bench.ocr.corpus import font, jpeg_roundtrip

SAMPLE_PAYLOAD = (
    "001185012345|012345678|Nguyễn Thị Hương|15031985|Nữ|Số 12 phố Hàng Bạc, Hoàn Kiếm, Hà Nội|10052021"
)


def card_image(payload: str = SAMPLE_PAYLOAD, dpi: int = 300) -> np.ndarray:
    """A card-sized (85.6 × 54 mm) image with text and the QR in the top-right corner, RGB."""
    w, h = round(85.6 / 25.4 * dpi), round(54 / 25.4 * dpi)
    card = Image.new("RGB", (w, h), (236, 240, 232))
    draw = ImageDraw.Draw(card)
    draw.text((40, 40), "CĂN CƯỚC CÔNG DÂN", font=font(48, bold=True), fill=(160, 20, 20))
    draw.text((40, 300), "Họ và tên / Full name", font=font(30), fill="black")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    side = round(h * 0.42)
    code = code.resize((side, side), Image.NEAREST)
    card.paste(code, (w - side - 40, 40))
    return np.asarray(card)


def phone_photo(card: np.ndarray, angle: float = 12.0, seed: int = 3) -> np.ndarray:
    """The card on a table, photographed at an angle and rotated, with noise and JPEG."""
    rng = np.random.default_rng(seed)
    h, w = card.shape[:2]
    out_w, out_h = 1600, 1200
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = np.array([[250, 220], [1330, 300], [1290, 980], [300, 930]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    bg = np.full((out_h, out_w, 3), (70, 60, 50), np.uint8)
    warped = cv2.warpPerspective(card, matrix, (out_w, out_h))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (out_w, out_h))
    photo = np.where(mask[..., None] > 0, warped, bg)
    rot = cv2.getRotationMatrix2D((out_w / 2, out_h / 2), angle, 1.0)
    photo = cv2.warpAffine(photo, rot, (out_w, out_h), borderValue=(70, 60, 50))
    photo = np.clip(photo + rng.normal(0, 5, photo.shape), 0, 255).astype(np.uint8)
    return jpeg_roundtrip(photo, 80)
