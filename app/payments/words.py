"""Amounts in Vietnamese words, as a biên lai writes them: 125000 -> "Một trăm hai mươi lăm nghìn đồng"."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")


def _tens(n: int) -> str:
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if ones == 0:
        return head
    if ones == 1 and tens > 1:
        return f"{head} mốt"
    if ones == 5:
        return f"{head} lăm"
    return f"{head} {DIGITS[ones]}"


def _hundreds(n: int, full: bool) -> str:
    """0..999; `full` when a higher group precedes it (then "không trăm", "linh" are spoken)."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _tens(rest)
    head = f"{DIGITS[hundreds]} trăm"
    if rest == 0:
        return head
    if rest < 10:
        return f"{head} linh {DIGITS[rest]}"
    return f"{head} {_tens(rest)}"


def number_words(n: int) -> str:
    """0 <= n < 10**12, in words (lower case)."""
    if not 0 <= n < 10**12:
        raise ValueError(f"amount out of range: {n}")
    if n == 0:
        return DIGITS[0]
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words.append(f"{_hundreds(g, full=bool(words))} {SCALES[i]}".strip())
    return " ".join(words)


def vnd_words(amount: int) -> str:
    """'Hai mươi nghìn đồng' (capitalised, for the "Số tiền bằng chữ" line)."""
    text = number_words(amount) + " đồng"
    return text[0].upper() + text[1:]
