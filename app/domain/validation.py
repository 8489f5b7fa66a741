"""Applicant checks (pure): ID numbers, birth date, phone, e-mail. Each problem is a Vietnamese sentence.

`check_applicant(data)` returns the normalised values, the blocking problems and the warnings;
`validate_applicant(data)` raises `ValidationError` (with every problem) or returns the values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from app.domain.errors import ValidationError
from app.domain.text import nfc
from app.domain.vocabulary import vn_today

ID_KINDS = ("cccd", "cmnd", "passport")
GENDERS = ("male", "female")
_PASSPORT_VN = re.compile(r"^[A-Z]\d{7}$")
_PASSPORT_ANY = re.compile(r"^[A-Z0-9]{6,12}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


@cache
def province_codes() -> dict[str, str]:
    """CCCD province codes (data file shipped with the package)."""
    text = resources.files("app.domain").joinpath("cccd_provinces.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["codes"])


@dataclass
class ApplicantCheck:
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def check_cccd(number: str, birth_date: date | None, gender: str | None) -> list[str]:
    """Doubts about a 12-digit number `PPP G YY NNNNNN` against the birth date and gender.

    Since 1/7/2024 the law fixes only the length (TT 59/2021's province and century codes expired),
    so these are warnings for the clerk to look again, never a reason to refuse; the length is checked
    by `_id_number`."""
    if not re.fullmatch(r"\d{12}", number):
        return []
    problems = []
    if number[:3] not in province_codes():
        problems.append(f"Số CCCD có mã tỉnh {number[:3]} không tồn tại.")
    digit = int(number[3])
    century = 1900 + (digit // 2) * 100
    year = century + int(number[4:6])
    if birth_date and birth_date.year != year:
        problems.append(
            f"Số CCCD cho năm sinh {year} nhưng ngày sinh nhập vào là năm {birth_date.year}. Hãy kiểm tra lại."
        )
    card_gender = "female" if digit % 2 else "male"
    if gender in GENDERS and gender != card_gender:
        label = "nữ" if card_gender == "female" else "nam"
        problems.append(f"Số CCCD là của người giới tính {label}, không khớp giới tính đã nhập.")
    return problems


def normalise_phone(raw: str) -> str:
    """'+84 912 345 678' -> '0912345678'; raises ValidationError if it is not a Vietnamese number."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise ValidationError(
            "phone number has a wrong form",
            "Số điện thoại không hợp lệ (di động 10 số bắt đầu bằng 03, 05, 07, 08, 09; cố định 11 số bắt đầu bằng 02).",
        )
    return digits


def normalise_email(raw: str) -> str:
    email = raw.strip()
    if not _EMAIL.match(email):
        raise ValidationError("e-mail has a wrong form", "Địa chỉ thư điện tử không hợp lệ.")
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _birth_date(raw: Any, today: date, problems: list[str]) -> date | None:
    if not raw:
        problems.append("Chưa nhập ngày sinh.")
        return None
    try:
        born = date.fromisoformat(str(raw))
    except ValueError:
        problems.append("Ngày sinh không hợp lệ (định dạng năm-tháng-ngày).")
        return None
    if born > today:
        problems.append("Ngày sinh không được sau ngày hôm nay.")
    elif today.year - born.year > 130:
        problems.append("Ngày sinh quá xa, hãy kiểm tra lại.")
    return born


def _id_number(kind: str, raw: str, born: date | None, gender: str | None, check: ApplicantCheck) -> str:
    number = re.sub(r"\s", "", raw).upper()
    if kind == "cccd":
        if not re.fullmatch(r"\d{12}", number):
            check.problems.append("Số CCCD phải gồm đúng 12 chữ số.")
        check.warnings.extend(check_cccd(number, born, gender))
    elif kind == "cmnd":
        if not re.fullmatch(r"\d{9}", number):
            check.problems.append("Số CMND phải gồm đúng 9 chữ số.")
        else:
            check.warnings.append(
                "CMND 9 số đã hết giá trị từ 01/01/2025; đề nghị công dân dùng thẻ căn cước."
            )
    elif not _PASSPORT_ANY.match(number):
        check.problems.append("Số hộ chiếu phải gồm 6 đến 12 chữ cái hoặc chữ số.")
    elif not _PASSPORT_VN.match(number):
        check.warnings.append(
            "Số hộ chiếu không theo mẫu Việt Nam (1 chữ cái và 7 chữ số); hãy kiểm tra lại."
        )
    return number


def check_applicant(data: dict[str, Any], today: date | None = None) -> ApplicantCheck:
    """Check and normalise an applicant dict (see the `received` payload in BRIEF.md)."""
    today = today or vn_today()
    check = ApplicantCheck(values=dict(data))
    values = check.values
    name = " ".join(nfc(str(data.get("full_name") or "")).split())
    if "\ufffd" in name:  # a QR or a paste garbled the encoding: the clerk must retype the name
        check.warnings.append("Họ và tên có ký tự lỗi (�); hãy nhập lại họ tên theo giấy tờ.")
    if not name:
        check.problems.append("Chưa nhập họ và tên người nộp hồ sơ.")
    elif any(c.isdigit() for c in name):
        check.problems.append("Họ và tên không được chứa chữ số.")
    values["full_name"] = name
    gender = data.get("gender") or None
    if gender is not None and gender not in GENDERS:
        check.problems.append("Giới tính phải là nam hoặc nữ.")
        gender = None
    values["gender"] = gender
    born = _birth_date(data.get("birth_date"), today, check.problems)
    kind = str(data.get("id_kind") or "cccd")
    if kind not in ID_KINDS:
        check.problems.append("Loại giấy tờ phải là CCCD, CMND hoặc hộ chiếu.")
    elif not data.get("id_number"):
        check.problems.append("Chưa nhập số giấy tờ tùy thân.")
    else:
        values["id_number"] = _id_number(kind, str(data["id_number"]), born, gender, check)
    values["id_kind"] = kind
    values["address"] = " ".join(nfc(str(data.get("address") or "")).split())
    for key, normalise in (("phone", normalise_phone), ("email", normalise_email)):
        raw = str(data.get(key) or "").strip()
        values[key] = None
        if raw:
            try:
                values[key] = normalise(raw)
            except ValidationError as exc:
                check.problems.append(exc.user_message)
    if not values["phone"]:
        check.warnings.append("Chưa có số điện thoại liên hệ của người nộp.")
    _check_filer(data, values, check)
    return check


APPLICANT_KINDS = ("person", "organisation")
FILER_ROLES = ("owner", "submitter", "representative", "legal_representative")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$|^\d{13}$")  # mã số thuế / mã số doanh nghiệp
_TEXT_MAX = 400


def _short_text(value: Any) -> str:
    return " ".join(nfc(str(value or "")).split())[:_TEXT_MAX]


def _check_filer(data: dict[str, Any], values: dict[str, Any], check: ApplicantCheck) -> None:
    """An organisation (name, tax or enterprise code, legal representative), the filer's role, the owner."""
    kind = str(data.get("kind") or "person")
    if kind not in APPLICANT_KINDS:
        check.problems.append("Người nộp phải là cá nhân hoặc tổ chức.")
    values["kind"] = kind
    if data.get("role") and data["role"] not in FILER_ROLES:
        check.problems.append("Tư cách người nộp không hợp lệ.")
    for key in ("org_name", "legal_rep", "authorisation"):
        if key in data:
            values[key] = _short_text(data[key])
    if kind == "organisation":
        if not values.get("org_name"):
            check.problems.append("Chưa nhập tên tổ chức.")
        tax = re.sub(r"\s", "", str(data.get("tax_code") or ""))
        if tax and not _TAX_CODE.match(tax):
            check.problems.append("Mã số thuế/mã số doanh nghiệp phải gồm 10 hoặc 13 chữ số.")
        values["tax_code"] = tax or None
    if data.get("role") == "representative" and not values.get("authorisation"):
        check.warnings.append("Người được ủy quyền: hãy ghi số, ngày của giấy ủy quyền.")
    owner = data.get("owner")
    if owner is not None:
        if not isinstance(owner, dict):
            check.problems.append("Thông tin chủ hồ sơ không hợp lệ.")
        else:
            values["owner"] = {
                k: _short_text(owner.get(k)) for k in ("full_name", "address", "id_number") if owner.get(k)
            }


def validate_applicant(data: dict[str, Any], today: date | None = None) -> ApplicantCheck:
    """Like `check_applicant`, but raises ValidationError listing every problem."""
    check = check_applicant(data, today)
    if check.problems:
        raise ValidationError(
            f"applicant failed {len(check.problems)} check(s)",
            " ".join(check.problems),
            problems=check.problems,
        )
    return check
