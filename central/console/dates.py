"""Dates as the console's people write and read them: dd/mm/yyyy, checked, with a Vietnamese reason.

The one place the console's date format is defined: templates show dates through `vn_date`, forms
read them through `parse_vn_date`.
"""

from __future__ import annotations

import re
from datetime import date

VN_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"  # also the inputs' HTML pattern
VN_HINT = "ngày/tháng/năm, ví dụ 05/11/2026"
_VN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateInputError(ValueError):
    """A date a person typed that cannot be read; `message` is the Vietnamese sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_vn_date(text: str, label: str) -> date:
    """dd/mm/yyyy (d/m/yyyy too) as a date; YYYY-MM-DD is still read, for links made before.

    Raises DateInputError naming the field (`label`, e.g. "Từ ngày") and what is wrong."""
    value = text.strip()
    if _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise DateInputError(f"{label}: ngày {value[:10]} không có trên lịch.") from None
    match = _VN.fullmatch(value)
    if match is None:
        raise DateInputError(f"{label}: “{value[:20]}” không phải một ngày; hãy nhập {VN_HINT}.")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError(f"{label}: ngày {value} không có trên lịch.") from None


def vn_date(value: str | date | None) -> str:
    """YYYY-MM-DD (or a date) as dd/mm/yyyy; empty stays empty, anything else is shown as it is."""
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if _ISO.fullmatch(text[:10]) else text
