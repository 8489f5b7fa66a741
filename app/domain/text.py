"""Text folding for search: lower case, no diacritics, đ/Đ -> d. Pure."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)


def fold_text(text: str | None) -> str:
    """'Nguyễn Văn Đức' -> 'nguyen van duc' (NFD, drop combining marks, đ -> d, lower case)."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_words(text: str | None) -> list[str]:
    """The folded words of a query, for building an FTS5 prefix query."""
    return _WORD.findall(fold_text(text))


def nfc(text: str) -> str:
    """Unicode NFC, the form every Vietnamese string is stored in."""
    return unicodedata.normalize("NFC", text)
