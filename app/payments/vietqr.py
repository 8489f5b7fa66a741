"""The VietQR code a citizen scans to pay a dossier's fees by bank transfer (pure, no I/O).

A NAPAS VietQR is an EMVCo merchant-presented QR payload: data objects `ID(2) LEN(2) VALUE`, the
payload format indicator first and the CRC object `63 04 XXXX` last (we write the rest in ascending ID order). The CRC is CRC-16/CCITT-FALSE
(polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR) over every byte of the payload
before it, including the CRC's own "6304" (EMVCo merchant-presented QR, data object 63), written as 4
upper-case hex digits.

Layout we write (NAPAS VietQR, domestic account transfer):
    00 "01"                      payload format indicator
    01 "12"                      point of initiation: dynamic (one amount for one dossier)
    38 merchant account info     00 GUID "A000000727" (NAPAS), 01 beneficiary organisation
                                 (00 acquirer BIN, 6 digits; 01 account number), 02 service "QRIBFTTA"
    53 "704"                     currency VND
    54 amount                    whole đồng
    58 "VN"                      country
    59 beneficiary name          optional, unaccented upper case (EMVCo: alphanumeric special)
    62 additional data           05 reference label and 08 purpose: the dossier code
    63 CRC
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.errors import ValidationError

NAPAS_GUID = "A000000727"
SERVICE_ACCOUNT = "QRIBFTTA"  # transfer to an account (QRIBFTTC would be to a card)
CURRENCY_VND = "704"
COUNTRY = "VN"
MAX_AMOUNT = 9_999_999_999_999  # tag 54 holds at most 13 characters
MAX_SUBFIELD = 25  # tag 62 sub-fields 05 and 08: ans, up to 25 characters

_BIN = re.compile(r"^[0-9]{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")
_REFERENCE = re.compile(r"^[0-9A-Za-z.\-]{1,25}$")
_ASCII_NAME = re.compile(r"^[A-Z0-9 .,\-]{1,25}$")


def tlv(tag: str, value: str) -> str:
    """One data object: two-digit id, two-digit length, value (ValueError past 99 characters)."""
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError(f"bad EMVCo tag {tag!r}")
    if not 0 < len(value) <= 99:
        raise ValueError(f"EMVCo value of tag {tag} must be 1..99 characters, got {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, MSB first, no final XOR (check "123456789" = 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def with_crc(body: str) -> str:
    """`body` + "6304" + its CRC."""
    head = body + "6304"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def parse_tlv(text: str) -> list[tuple[str, str]]:
    """Split a run of data objects into (id, value) pairs; ValueError if the lengths do not add up."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4 or not head.isdigit():
            raise ValueError(f"bad data object header at {pos}: {head!r}")
        size = int(head[2:])
        value = text[pos + 4 : pos + 4 + size]
        if len(value) != size:
            raise ValueError(f"data object {head[:2]} at {pos} runs past the end")
        out.append((head[:2], value))
        pos += 4 + size
    return out


def crc_ok(payload: str) -> bool:
    """The payload ends with a "6304XXXX" object whose value is the CRC of everything before it."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    return with_crc(payload[:-8]) == payload


@dataclass(frozen=True)
class TransferRequest:
    """What the citizen's bank app needs: the point's account, the amount and the dossier code."""

    bank_bin: str
    account: str
    amount: int
    reference: str
    beneficiary: str = ""


def reference_of(dossier_code: str) -> str:
    """The dossier code as a reference that fits 25 characters (dots dropped only when too long)."""
    code = dossier_code.strip()
    ref = code if len(code) <= MAX_SUBFIELD else code.replace(".", "")
    if not _REFERENCE.match(ref):
        raise ValidationError(
            f"dossier code of {len(code)} characters does not fit a VietQR reference",
            "Mã hồ sơ không dùng được làm nội dung chuyển khoản.",
        )
    return ref


def ascii_name(name: str) -> str:
    """'Điểm Phục vụ Hoàn Kiếm' -> 'DIEM PHUC VU HOAN KIEM' (bank apps show unaccented upper case)."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in plain if unicodedata.category(c) != "Mn").upper()
    return re.sub(r"[^A-Z0-9 .,\-]", "", re.sub(r"\s+", " ", folded)).strip()[:MAX_SUBFIELD].strip()


def validate(req: TransferRequest) -> list[str]:
    """Every problem with the request, in Vietnamese (empty: it can be encoded)."""
    problems = []
    if not _BIN.match(req.bank_bin):
        problems.append("Mã BIN ngân hàng phải gồm đúng 6 chữ số.")
    if not _ACCOUNT.match(req.account):
        problems.append("Số tài khoản nhận chỉ gồm chữ và số, tối đa 19 ký tự.")
    if isinstance(req.amount, bool) or not isinstance(req.amount, int) or not 0 < req.amount <= MAX_AMOUNT:
        problems.append("Số tiền chuyển khoản phải là số nguyên dương (đồng).")
    if not _REFERENCE.match(req.reference):
        problems.append(
            "Nội dung chuyển khoản (mã hồ sơ) chỉ gồm chữ, số, dấu chấm, gạch nối; tối đa 25 ký tự."
        )
    if req.beneficiary and not _ASCII_NAME.match(req.beneficiary):
        problems.append("Tên người thụ hưởng phải viết hoa không dấu, tối đa 25 ký tự.")
    return problems


def build_payload(req: TransferRequest) -> str:
    """The VietQR payload string for one transfer; ValidationError (Vietnamese) on bad input."""
    problems = validate(req)
    if problems:
        raise ValidationError(
            f"bad VietQR request: {len(problems)} problem(s)", problems[0], problems=problems
        )
    beneficiary_org = tlv("00", req.bank_bin) + tlv("01", req.account)
    account_info = tlv("00", NAPAS_GUID) + tlv("01", beneficiary_org) + tlv("02", SERVICE_ACCOUNT)
    body = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", account_info)
        + tlv("53", CURRENCY_VND)
        + tlv("54", str(req.amount))
        + tlv("58", COUNTRY)
        + (tlv("59", req.beneficiary) if req.beneficiary else "")
        + tlv("62", tlv("05", req.reference) + tlv("08", req.reference))
    )
    return with_crc(body)


def for_dossier(bank_bin: str, account: str, amount: int, dossier_code: str, beneficiary: str = "") -> str:
    """The payload for a dossier's fees: the code as reference, the beneficiary's name unaccented."""
    req = TransferRequest(bank_bin, account, amount, reference_of(dossier_code), ascii_name(beneficiary))
    return build_payload(req)


def for_point(extra: Mapping[str, object], point_name: str, amount: int, dossier_code: str) -> str:
    """The payload to the point's account as its settings give it (`bank_bin`, `bank_account`,
    `bank_beneficiary`, else the point's name); "" when the point has no account for transfers."""
    bank_bin, account = str(extra.get("bank_bin") or ""), str(extra.get("bank_account") or "")
    if not bank_bin or not account:
        return ""
    beneficiary = str(extra.get("bank_beneficiary") or point_name)
    return for_dossier(bank_bin, account, amount, dossier_code, beneficiary)
