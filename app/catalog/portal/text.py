"""Text as the portal's scrapers leave it: NFD or NFC, table cells run together, placeholders for
"nothing", page furniture after the last field. Pure functions."""

from __future__ import annotations

import re
import unicodedata

NO_INFO = ("Không có thông tin", "Không có", "Không")
# what the portal's page prints after the result table (the agency picker and the "Nộp hồ sơ" button)
_PAGE_TAIL = re.compile(r"(Từ khóa|Chọn cơ quan thực hiện|Tìm kiếm nhiều nhất|Cơ quan chủ quản:).*$", re.S)
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def clean(value: object, limit: int = 20_000) -> str:
    """NFC, no control characters, runs of spaces made one, trimmed; a non-string becomes ''."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value[:limit])
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def is_empty(text: str) -> bool:
    """'' or one of the portal's ways of saying there is nothing."""
    return not text or text.strip(" .:-") in NO_INFO


def field(raw: dict[str, object], key: str, limit: int = 20_000) -> str:
    """A cleaned field of a raw record; '' when absent, not text, or a "no information" placeholder."""
    text = clean(raw.get(key), limit)
    return "" if is_empty(text) else text


def cut_page_tail(text: str) -> str:
    """Drop the page furniture a scraper kept after the last field."""
    return _PAGE_TAIL.sub("", text).strip()


def one_line(text: str, limit: int = 400) -> str:
    """Whitespace collapsed to single spaces, cut at `limit` on a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"
