"""Read the QR code of a CCCD / căn cước card and check it against the ID-number rules.

Layout (DOMAIN.md): `CCCD12|CMND9|Họ tên|ddMMyyyy|Giới tính|Nơi thường trú|ddMMyyyy`, UTF-8; any field
may be empty, some cards carry more fields, some readers strip diacritics ("Nu" for "Nữ").
We return warnings, never guesses: the clerk corrects what is doubtful.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import cv2
import numpy as np
import zxingcpp

from scanner.errors import QrNotFoundError
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

KNOWN_LENGTHS = (7, 11)  # chip CCCD (2021) and căn cước (2024)
CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


@dataclass
class IdCardData:
    valid: bool
    id_number: str | None
    old_id_number: str | None
    full_name: str | None
    birth_date: str | None
    gender: str | None
    address: str | None
    issue_date: str | None
    fields: list[str]
    warnings: list[str] = field(default_factory=list)
    # the 2024 căn cước card: old and cancelled ID numbers, kept as secondary identifiers
    other_numbers: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if unicodedata.category(c) != "Mn").strip().lower()


def parse_gender(text: str) -> str | None:
    folded = _fold(text)
    return {"nam": "male", "nu": "female", "male": "male", "female": "female"}.get(folded)


def parse_date(text: str) -> date | None:
    digits = text.strip()
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def _check_number(number: str, birth: date | None, gender: str | None, warnings: list[str]) -> bool:
    if not (len(number) == 12 and number.isdigit()):
        warnings.append("Số định danh không đúng 12 chữ số.")
        return False
    ok = True
    code = int(number[3])
    century = CENTURY[code]
    if gender is not None and (code % 2 == 1) != (gender == "female"):
        warnings.append("Giới tính không khớp với chữ số thứ 4 của số định danh.")
        ok = False
    if birth is not None and century + int(number[4:6]) != birth.year:
        warnings.append("Năm sinh không khớp với số định danh.")
        ok = False
    return ok


def parse_qr_payload(payload: str) -> IdCardData:
    """Parse the `|`-separated payload; every doubt becomes a warning in Vietnamese."""
    fields = [f.strip() for f in payload.strip().split("|")]
    warnings: list[str] = []
    if len(fields) < 7:
        warnings.append(f"Mã QR chỉ có {len(fields)} trường (cần ít nhất 7): kiểm tra lại toàn bộ thông tin.")
    if len(fields) > 7 and len(fields) not in KNOWN_LENGTHS:
        warnings.append(f"Mã QR có {len(fields)} trường; chỉ đọc 7 trường đầu, hãy kiểm tra lại.")
    # 2024 card (TT 16/2024/TT-BCA): more fields, among them old and cancelled numbers (order not
    # published): every 9- or 12-digit extra field is kept as a secondary identifier, never as the number
    others = [f for f in fields[7:] if re.fullmatch(r"\d{9}|\d{12}", f)]
    get = lambda i: fields[i] if i < len(fields) and fields[i] else None  # noqa: E731
    number, old, name = get(0), get(1), get(2)
    birth = parse_date(get(3) or "")
    if get(3) and birth is None:
        warnings.append("Ngày sinh trong mã QR không hợp lệ.")
    gender = parse_gender(get(4) or "")
    if get(4) and gender is None:
        warnings.append("Giới tính trong mã QR không đọc được.")
    issued = parse_date(get(6) or "")
    if get(6) and issued is None:
        warnings.append("Ngày cấp trong mã QR không hợp lệ.")
    if old is not None and not (len(old) == 9 and old.isdigit()):
        warnings.append("Số CMND cũ không đúng 9 chữ số.")
    if name is not None and "\ufffd" in name:
        warnings.append("Họ tên trong mã QR có ký tự lỗi (�): hãy nhập lại họ tên theo thẻ.")
    if name is not None and name == _fold(name).upper() and any(c.isalpha() for c in name):
        warnings.append("Họ tên không có dấu (máy đọc đã bỏ dấu): hãy nhập lại họ tên có dấu.")
    valid = number is not None and _check_number(number, birth, gender, warnings)
    for label, value in (("Họ tên", name), ("Ngày sinh", birth), ("Giới tính", gender)):
        if value is None:
            warnings.append(f"Thiếu {label} trong mã QR.")
            valid = False
    return IdCardData(
        valid=valid and len(fields) >= 7,
        id_number=number,
        old_id_number=old,
        full_name=name,
        birth_date=birth.isoformat() if birth else None,
        gender=gender,
        address=get(5),
        issue_date=issued.isoformat() if issued else None,
        fields=fields,
        warnings=warnings,
        other_numbers=others,
    )


def _decode_zxing(image: Image) -> list[str]:
    qr: Any = zxingcpp.BarcodeFormat.QRCode  # the stubs want a flag set; one flag is accepted
    results = zxingcpp.read_barcodes(image, formats=qr, try_rotate=True)
    return [r.text for r in results if r.valid and r.text]


def _decode_opencv(image: Image) -> list[str]:
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    detector = cv2.QRCodeDetectorAruco()
    ok, texts, _points, _ = detector.detectAndDecodeMulti(gray)
    return [t for t in texts if t] if ok else []


def find_qr_texts(image: Image) -> list[str]:
    """Every QR payload found, trying zxing-cpp, then OpenCV's Aruco detector, then a larger copy."""
    for attempt in (image, None):
        if attempt is None:
            if max(image.shape[:2]) > 2500:
                break
            attempt = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        for decoder in (_decode_zxing, _decode_opencv):
            try:
                texts = decoder(np.ascontiguousarray(attempt))
            except cv2.error as exc:
                logger.debug("OpenCV QR decoder failed: %s", exc)
                texts = []
            if texts:
                return texts
    return []


def read_idcard(image: Image) -> IdCardData:
    """Decode the card's QR code and parse it; QrNotFoundError when no readable code is found."""
    texts = find_qr_texts(image)
    if not texts:
        raise QrNotFoundError("no readable QR code in the image")
    best = max(texts, key=lambda t: t.count("|"))
    data = parse_qr_payload(best)
    logger.info("ID card QR read: %d fields, %d warnings", len(data.fields), len(data.warnings))
    return data
