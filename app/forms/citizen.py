"""What may be printed to a citizen: catalog notes cleaned of the centre's internal markers.

The catalog marks a value the centre has not confirmed with the word UNCONFIRMED and sometimes an
instruction to staff ("kiểm tra nghị quyết hiện hành"). Neither belongs on a form: a segment that is
only a marker or a note to staff is left out; a marker in front of a real statement is dropped and the
statement kept ("UNCONFIRMED: Mức do HĐND ... quy định" prints "Mức do HĐND ... quy định").
`FormPDF` runs every string it draws through `strip_internal` as a last guard.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

# English words and placeholders that must never reach a printed form (matched as whole words).
INTERNAL_WORDS = ("UNCONFIRMED", "TODO", "TBD", "FIXME", "XXX", "PLACEHOLDER", "N/A", "None", "null")
_WORD_RE = re.compile(r"(?<![\w/])(" + "|".join(re.escape(w) for w in INTERNAL_WORDS) + r")(?![\w/])")
# Notes written for the centre's staff, not for the citizen.
_STAFF_NOTE_RE = re.compile(r"^(kiểm tra|cần trung tâm|chưa xác nhận|số hiệu hiện hành)|chưa xác nhận", re.I)
_MARKER_PREFIX_RE = re.compile(r"^\s*(" + "|".join(re.escape(w) for w in INTERNAL_WORDS) + r")\s*[:\-–]?\s*")


def has_internal_word(text: str) -> bool:
    """True when `text` carries a word from INTERNAL_WORDS (the forms test uses this too)."""
    return _WORD_RE.search(text) is not None


def _clean_segment(segment: str) -> str:
    seg = segment.strip()
    while _MARKER_PREFIX_RE.match(seg) and seg:
        seg = _MARKER_PREFIX_RE.sub("", seg, count=1).strip()
    if not seg or has_internal_word(seg) or _STAFF_NOTE_RE.search(seg):
        return ""
    return seg


def public_note(text: str | None) -> str:
    """A catalog note as it may be printed: internal markers and staff notes left out ('' if nothing remains)."""
    if not text:
        return ""
    # a parenthesised aside that is only a marker or a staff note goes as a whole
    body = re.sub(r"\s*\(([^()]*)\)", lambda m: f" ({c})" if (c := public_note(m.group(1))) else "", text)
    kept: list[str] = []
    for segment in body.split(";"):
        seg = _clean_segment(segment)
        if seg and seg not in kept:
            kept.append(seg)
    return "; ".join(kept)


def strip_internal(text: str) -> str:
    """Last guard for any string drawn on a form: an internal word is removed (and logged, without the text)."""
    if not has_internal_word(text):
        return text
    logger.warning("an internal word reached a printed form and was removed (%d chars)", len(text))
    cleaned = _WORD_RE.sub("", text)
    cleaned = re.sub(r"\(\s*[:;,]?\s*\)", "", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(" :;,")
