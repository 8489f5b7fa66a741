"""`thanh_phan_ho_so`: the portal's component tables flattened into one string.

Each table starts with its header row run together ("Tên giấy tờMẫu đơn, tờ khaiSố lượng") and is
preceded by its title: "* Giấy tờ phải nộp:", "* Giấy tờ phải xuất trình:", "* Lưu ý:", or a case
("Trường hợp …", "Đăng ký thường trú vào chỗ ở hợp pháp …"). Each row is the paper's name, the blank
form's file name if any, and its count ("1 bản chính", "2 bản sao"), all glued. A row counted 0 is a note,
or, ending with ":", the title of the case whose rows follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.catalog.portal.text import one_line

TABLE_HEADER = re.compile(r"Tên giấy tờ\s*Mẫu đơn,\s*tờ khai\s*Số lượng")
_COUNT = re.compile(
    r"(\d{1,2})\s*bản\s*(chính|sao|chụp)(?:\s*(?:,|;|và|\+)\s*(\d{1,2})\s*bản\s*(chính|sao|chụp))?"
)
_GENERIC = re.compile(r"^\W*((a|1)\W+)?(thành phần hồ sơ|giấy tờ phải nộp|hồ sơ gồm|hồ sơ bao gồm)\W*$", re.I)
_PRESENT = re.compile(r"xuất trình", re.I)
_NOTE_TITLE = re.compile(r"^\W*lưu ý\W*$", re.I)
_FILE = re.compile(r"(\.(docx|doc|pdf|xlsx|xls|rtf))\s*$", re.I)
_FORM_CODE = re.compile(
    r"\b(Mẫu|mẫu|Tờ khai|tờ khai)\s*(?:số\s*)?([A-ZĐ]{1,4}\s?\d{1,3}[a-z]?(?:/[A-ZĐ0-9-]+)?)\b"
)
_ONE_OF = re.compile(r"(một trong (?:các|những) (?:loại )?giấy tờ(?: sau(?: đây)?)?)\s*:?", re.I)
_BULLET = re.compile(r"(?:^|\s)[-+•]\s+|;\s*")
_CONDITIONAL = re.compile(r"^\W*(trường hợp|đối với trường hợp|nếu)\b|\(nếu có\)|\btrong trường hợp\b", re.I)


@dataclass
class Row:
    name: str
    note: str = ""
    originals: int = 0
    copies: int = 0
    kind: str = "original"  # original | certified | copy
    form: str = ""
    one_of: list[str] = field(default_factory=list)
    present_only: bool = False
    conditional: bool = False
    case: str = ""  # case title, "" = every case


@dataclass
class ComponentTable:
    rows: list[Row] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)  # in order of appearance
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _strip_bullet(text: str) -> str:
    return re.sub(r"^[\s*\-+•·]+|^[a-zđ0-9]{1,2}[.)]\s+", "", text.strip()).strip()


def _counts(m: re.Match[str]) -> tuple[int, int, str]:
    originals = copies = 0
    kinds = []
    for n, kind in ((m.group(1), m.group(2)), (m.group(3), m.group(4))):
        if n is None:
            continue
        if kind == "chính":
            originals += int(n)
        else:
            copies += int(n)
        kinds.append(kind)
    return originals, copies, ("original" if originals else "copy")


def _file_start(text: str, ext_at: int) -> int | None:
    """Where a blank form's file name glued after the paper's name begins (None: cannot tell)."""
    starts = [i + 1 for i in range(ext_at) if text[i] == ")"]
    starts += [i + 1 for i in range(1, ext_at - 1) if text[i] == "." and text[i + 1].isalnum()
               and not text[i - 1].isdigit()]  # fmt: skip
    starts += [i for i in range(1, ext_at) if text[i - 1].islower() and text[i].isupper()]
    good = [i for i in starts if ext_at - i >= 3]
    return max(good) if good else None


def _split_form(text: str) -> tuple[str, str]:
    """A row's text → (name, blank form): the form's file name glued at the end, or a code like CT01."""
    form = ""
    file = _FILE.search(text)
    if file:
        start = _file_start(text, file.start(2) - 1)
        if start is not None:
            form = text[start : file.start(2) - 1].strip()
            text = text[:start].rstrip()
    code = _FORM_CODE.search(text)
    if code:
        form = f"{code.group(1).capitalize()} {code.group(2).replace(' ', '')}"
    return text, form.strip(" .")


def _row(text: str, m: re.Match[str], present: bool, case: str) -> Row:
    originals, copies, kind = _counts(m)
    text, form = _split_form(text)
    body = _strip_bullet(text)
    one_of: list[str] = []
    alt = _ONE_OF.search(body)
    if alt:
        options = [one_line(_strip_bullet(o), 300) for o in _BULLET.split(body[alt.end() :])]
        one_of = [o for o in options if len(o) >= 3]
        body = body[: alt.end()].rstrip(" :") if len(one_of) >= 2 else body
        one_of = one_of if len(one_of) >= 2 else []
    if "chứng thực" in body.lower() and copies and not originals:
        kind = "certified"
    name, note = (body, "") if len(body) <= 300 else _name_and_note(body)
    return Row(name=name, note=note, originals=originals, copies=copies, kind=kind, form=form,
               one_of=one_of, present_only=present or body.lower().startswith("xuất trình"),
               conditional=bool(_CONDITIONAL.search(body)), case=case)  # fmt: skip


def _name_and_note(body: str) -> tuple[str, str]:
    """A long row: its first sentence names the paper and the rest is a note; with no sentence end in
    the first 300 characters, the name is cut on a word and the note goes on from the cut."""
    m = re.search(r"(?<=[.;:])\s", body[:300])
    if m and m.start() > 20:
        return body[: m.start()].strip(), body[m.end() :].strip()[:3000]
    cut = body[:299].rsplit(" ", 1)[0]
    return cut + "…", ("…" + body[len(cut) :].strip())[:3000]


def parse_components(text: str) -> ComponentTable:
    """Every component row, with its case, alternatives, present-only mark, counts and blank form."""
    table = ComponentTable()
    pieces = TABLE_HEADER.split(text)
    if len(pieces) == 1:
        table.warnings.append("thành phần hồ sơ không có bảng (thiếu dòng 'Tên giấy tờ…Số lượng')")
        return table
    title = pieces[0]
    for body in pieces[1:]:
        title = _table(table, _strip_bullet(title), body)
    if title.strip():
        table.notes.append(one_line(_strip_bullet(title), 1000))
    return table


def _table(table: ComponentTable, title: str, body: str) -> str:
    """Read one table's rows; returns the text after its last row (the next table's title)."""
    present = bool(_PRESENT.search(title))
    is_notes = bool(_NOTE_TITLE.match(title))
    case = "" if (not title or _GENERIC.match(title) or present or is_notes) else title.rstrip(" :")
    if case and case not in table.cases:
        table.cases.append(case)
    start = 0
    for m in _COUNT.finditer(body):
        row_text = body[start : m.start()].strip()
        start = m.end()
        if not row_text:
            table.warnings.append(f"một dòng chỉ có số lượng '{m.group(0)}'")
            continue
        if is_notes or (int(m.group(1)) == 0 and m.group(3) is None):
            clean = _strip_bullet(row_text)
            if clean.endswith(":") and _CONDITIONAL.search(clean) and not is_notes:
                case = one_line(clean.rstrip(" :"), 900)
                table.cases.append(case)
            else:
                table.notes.append(one_line(clean, 1000))
            continue
        table.rows.append(_row(row_text, m, present, case))
    return body[start:]
