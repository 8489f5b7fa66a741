"""Folding Vietnamese text for search: NFC, lower case, no diacritics, đ/Đ → d."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z.]+")
_CODE = re.compile(r"^[0-9][0-9a-z.]*$")


def nfc(text: str) -> str:
    """The one normal form the catalog stores (NFC), so equal names compare equal."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """`"Đăng ký khai sinh"` → `"dang ky khai sinh"`; punctuation becomes space (dots kept for codes)."""
    # đ/Đ carry no combining mark, so NFD decomposition alone (and FTS5's remove_diacritics) misses them.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    words = _NON_WORD.sub(" ", bare).split()
    # A dot belongs to a code (1.001193); at a word's end it is just a full stop.
    return " ".join(w.strip(".") for w in words if w.strip("."))


def is_code_like(token: str) -> bool:
    """True for a token that looks like (the start of) a procedure code: 1.0011, 2.000815."""
    return bool(_CODE.match(token)) and any(ch.isdigit() for ch in token)
