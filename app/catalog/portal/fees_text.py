"""A fee cell of the portal's channel table and its description: amount, "free", words-only fees (set by
the provincial council), the page tiers of a per-page fee, and who is exempted or pays less."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.catalog.model import PageTier
from app.catalog.terms import Exemption

_NO_INFO = re.compile(r"^\s*Không có thông tin")
_FREE = re.compile(r"^\s*Miễn phí")
_LABEL = re.compile(r"^\s*((?:Lệ phí|Phí)[^:\d()]{0,80}?)\s*:\s*")
_AMOUNT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{3})+|\d{1,10})\s*(VNĐ|Việt Nam Đồng|Đồng|đồng|VND|USD|đ\b)")
_WORD_AMOUNT = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d{1,9})\s*(?:đồng|vnđ|VNĐ|Đồng)", re.I)
_COUNCIL = re.compile(r"(Hội đồng nhân dân|HĐND)[^.;]{0,60}(quyết định|quy định)", re.I)
_UNIT = re.compile(r"^\s*(?:đồng|vnđ)?\s*(/\s*[^\s();,.]+(?: [^\s();,.0-9]+)?)", re.I)
_TIER_FIRST = re.compile(r"(\d{1,3}(?:\.\d{3})+)\s*đồng\s*/\s*trang", re.I)
_TIER_NEXT = re.compile(
    r"từ trang thứ\s*(\d+)\s*trở (?:lên|đi)[^0-9]{0,20}(\d{1,3}(?:\.\d{3})+)\s*đồng", re.I
)
_CAP = re.compile(r"tối đa[^0-9]{0,30}(\d{1,3}(?:\.\d{3})+)\s*đồng\s*/\s*bản", re.I)
_REDUCED = re.compile(r"(?:giảm|bằng)\s*(\d{1,2})\s*%", re.I)
_UNTIL = re.compile(r"đến hết ngày\s*(\d{1,2})/(\d{1,2})/(\d{4})")
_WHO = (
    ("hộ cận nghèo", "Người thuộc hộ cận nghèo"),
    ("hộ nghèo", "Người thuộc hộ nghèo"),
    ("có công với cách mạng", "Người có công với cách mạng và thân nhân"),
    ("người có công", "Người có công với cách mạng và thân nhân"),
    ("khuyết tật", "Người khuyết tật"),
    ("người cao tuổi", "Người cao tuổi"),
    ("dân tộc thiểu số", "Người dân tộc thiểu số (theo quy định)"),
    ("đúng hạn", "Đăng ký đúng hạn"),
)


@dataclass
class FeeReading:
    stated: bool = False
    is_free: bool = False
    amount: int | None = None
    unit: str = ""
    label: str = ""
    description: str = ""  # the cell's "( … )" part
    words_only: bool = False  # the amount is set elsewhere (council) or stated only in words
    tiers: list[PageTier] = field(default_factory=list)
    cap_per_copy: int | None = None
    exemptions: list[Exemption] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a person must look
    warnings: list[str] = field(default_factory=list)


def _balanced(text: str) -> tuple[str, str]:
    """`"(a (b) c)rest"` → `("a (b) c", "rest")`; an unclosed parenthesis takes the rest."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return text[1:i], text[i + 1 :]
    return text[1:], ""


def _money(digits: str) -> int:
    return int(re.sub(r"[.,]", "", digits))


def read_fee(body: str) -> tuple[FeeReading, str]:
    """The fee cell at the start of `body` (after the time cell); returns it and the row's description."""
    fee = FeeReading()
    rest = body
    if _NO_INFO.match(rest):
        rest = _NO_INFO.sub("", rest, count=1)
    elif _FREE.match(rest):
        fee.stated, fee.is_free, rest = True, True, _FREE.sub("", rest, count=1)
    else:
        label = _LABEL.match(rest)
        if label:
            fee.label, rest = label.group(1).strip(), rest[label.end() :]
        m = _AMOUNT.match(rest)
        if m:
            fee.stated, rest = True, rest[m.end() :]
            if m.group(2) == "USD":
                fee.problems.append(f"phí tính bằng USD ({m.group(1)} USD), không phải VNĐ")
            else:
                fee.amount = _money(m.group(1))
        elif label:
            fee.stated = True
            fee.problems.append(f"không đọc được số tiền sau '{fee.label}'")
    if rest.lstrip().startswith("("):
        fee.description, rest = _balanced(rest.lstrip())
        fee.description = fee.description.strip()
    _read_words(fee, fee.description + " " + rest)
    return fee, rest


def _read_words(fee: FeeReading, words: str) -> None:
    unit = _UNIT.match(fee.description)
    if unit:
        fee.unit = re.sub(r"\s+", "", unit.group(1))
    if _COUNCIL.search(words) and (fee.is_free or fee.amount is None):
        if fee.is_free:
            fee.warnings.append("Cổng ghi 'Miễn phí' nhưng mô tả nói mức thu do HĐND cấp tỉnh quy định")
        fee.is_free, fee.words_only, fee.stated = False, True, True
    if fee.amount is not None:
        stated = {_money(n) for n in _WORD_AMOUNT.findall(fee.description)}
        if stated and fee.amount not in stated and fee.amount * 1000 in stated:
            fee.problems.append(f"số tiền {fee.amount} đồng khác mô tả ({fee.amount * 1000:,} đồng)")
    _read_tiers(fee, words)
    fee.exemptions = exemptions_in(words)


def _read_tiers(fee: FeeReading, words: str) -> None:
    if fee.unit != "/trang" or fee.amount is None:
        return
    nxt = _TIER_NEXT.search(words)
    fee.tiers = [PageTier(from_page=1, amount=fee.amount)]
    if nxt:
        fee.tiers.append(PageTier(from_page=int(nxt.group(1)), amount=_money(nxt.group(2))))
    cap = _CAP.search(words)
    fee.cap_per_copy = _money(cap.group(1)) if cap else None


def exemptions_in(words: str) -> list[Exemption]:
    """Exemptions and reductions stated in a fee's words (who, and the proof when the text names it)."""
    found: dict[str, Exemption] = {}
    for sentence in re.split(r"(?<=\.)\s+|\n", words):
        low = sentence.lower()
        if "miễn" not in low and "giảm" not in low:
            continue
        proof = sentence.strip()[:600] if ("xuất trình" in low or "chứng minh" in low) else ""
        for key, who in _WHO:
            if key in low and who not in found and not (key == "hộ nghèo" and "cận nghèo" in low):
                found[who] = Exemption(who=who, proof=proof, basis=sentence.strip()[:600])
        if "thuộc diện được miễn" in low and not found:
            found["diện miễn"] = Exemption(who="Người thuộc diện được miễn theo quy định", proof=proof,
                                           basis=sentence.strip()[:600])  # fmt: skip
        reduced = _REDUCED.search(sentence)
        off = int(reduced.group(1)) if reduced else 0
        if reduced and "trực tuyến" in low and 1 <= off <= 99:
            until = _UNTIL.search(sentence)
            when = f"{until.group(3)}-{int(until.group(2)):02d}-{int(until.group(1)):02d}" if until else ""
            off = 100 - off if reduced.group(0).lower().startswith("bằng") else off  # "bằng 70%": pays 70%
            found[f"giảm {off}"] = Exemption(
                who="Nộp hồ sơ trực tuyến", kind="reduced", percent=off,
                channel="truc_tuyen", until=when, basis=sentence.strip()[:600],
            )  # fmt: skip
    return list(found.values())
