"""Versioned templates of the printed forms, which the centre publishes (like the digitization profile).

A template holds only what the centre may change without a release: the wording of a form's fixed
texts (its title, headings, signature captions, notes), the order of its optional blocks, and a
footer that is the same at every point. It is versioned: the form number, the template's version
(`2026.1`) and the day it takes effect. The shipped wording is the default; the printed form carries
the version in force ("Mẫu 01 · phiên bản 2026.1").

Every rule is checked before anything is used, at the hub (`python -m central forms publish F`
refuses a bad file) and on the desk (a bad publication is skipped, the desk keeps what it had): no
unknown key, no overlong text, nothing that looks like a placeholder or an English word.

A published template is installed as `$MOTCUA_HOME/forms/NN.json` (`forms/HD.json` for the guidance
sheet, which the circular does not number; sync.publications);
`installed_template(home, "01")` reads it, or gives the shipped one.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.errors import ValidationError
from app.domain.vocabulary import vn_today

logger = logging.getLogger(__name__)

FORMS_DIR = "forms"
SHIPPED_VERSION = "2025.1"  # the wording of Thông tư 03/2025/TT-VPCP, as the desk ships it
SHIPPED_EFFECTIVE = "2025-09-15"
VERSION_RE = re.compile(r"^20\d{2}\.\d{1,3}$")
TOP_KEYS = frozenset({"form", "version", "effective_date", "texts", "blocks", "footer"})
MAX_TEXT = 300
MAX_TITLE = 120
MAX_FOOTER = 150  # one line at the foot of the page

GUIDANCE = "HD"  # the guidance sheet (phiếu hướng dẫn): no number in the circular, templated all the same
# the opening lines of forms 02-04 (app.forms.slips), each form's own copy of them
_INTRO: dict[str, str] = {
    "unit_label": "Bộ phận tiếp nhận và trả kết quả",
    "code_label": "Mã hồ sơ",
    "received_label": "ngày tiếp nhận",
    "to_label": "Kính gửi",
    "address_label": "Địa chỉ",
    "phone_label": "Số điện thoại",
    "procedure_label": "Thủ tục",
}
# form -> the fixed texts the centre may reword, with the shipped wording (a label is stored without
# its colon, the renderer adds it)
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "01": {
        "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "documents_heading": "1. Thành phần hồ sơ nộp gồm:",
        "bring_back": "Ông/Bà (tổ chức) vui lòng mang theo Giấy tiếp nhận này khi đến nhận kết quả.",
        "sign_applicant": "NGƯỜI NỘP HỒ SƠ",
        "sign_clerk": "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "lien_1": "Lưu tại Bộ phận tiếp nhận và trả kết quả",
        "lien_2": "Giao cho người nộp hồ sơ",
    },
    "02": {
        "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        **_INTRO,
        "request": "Sau khi kiểm tra, hồ sơ của Ông/Bà cần bổ sung, hoàn thiện các nội dung sau:",
        "col_no": "TT",
        "col_item": "Giấy tờ cần bổ sung",
        "col_kind": "Hình thức",
        "col_count": "SL",
        "col_note": "Ghi chú",
        "reason_label": "Lý do",
        "contact": "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với",
        "contact_after": "để được hướng dẫn.",
        "sign_applicant": "NGƯỜI NỘP HỒ SƠ",
        "sign_clerk": "NGƯỜI HƯỚNG DẪN",
    },
    "03": {
        "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        **_INTRO,
        "refusal": "Sau khi nghiên cứu, đối chiếu với quy định hiện hành, Bộ phận tiếp nhận và trả kết quả "
        "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "closing": "Xin thông báo để Ông/Bà được biết và thực hiện.",
        "sign_applicant": "NGƯỜI NỘP HỒ SƠ",
        "sign_clerk": "NGƯỜI TIẾP NHẬN HỒ SƠ",
    },
    "04": {
        "title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        **_INTRO,
        "received_on": "Bộ phận tiếp nhận và trả kết quả đã tiếp nhận hồ sơ của Ông/Bà vào",
        "due_on": "hẹn trả kết quả",
        "late": "Tuy nhiên đến nay chưa trả kết quả đúng hẹn. Lý do:",
        "apology": "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Chúng tôi thành thật xin lỗi Ông/Bà và "
        "xin hẹn lại thời gian trả kết quả:",
        "new_due_label": "Ngày hẹn mới",
        "closing": "Rất mong nhận được sự thông cảm của Ông/Bà.",
        "sign_head": "THỦ TRƯỞNG ĐƠN VỊ",
    },
    "05": {
        "title": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "to_label": "Kính gửi",
        "address_label": "Địa chỉ",
        "received_on": "Vào",
        "received_by": "Bộ phận tiếp nhận và trả kết quả",
        "code_label": "đã tiếp nhận hồ sơ mã số",
        "procedure_label": "đề nghị giải quyết thủ tục",
        "stop": "Cơ quan có thẩm quyền thông báo dừng giải quyết hồ sơ nêu trên với lý do như sau:",
        "closing": "Xin thông báo để Ông/Bà (tổ chức) được biết.",
        "sign_head": "THỦ TRƯỞNG ĐƠN VỊ",
    },
    "06": {
        "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "code_label": "Mã hồ sơ",
        "applicant_label": "Kèm theo hồ sơ của",
        "procedure_label": "Thủ tục",
        "due_label": "Ngày hẹn trả kết quả",
        "col_units": "Tên cơ quan, bộ phận giao - nhận",
        "col_time": "Thời gian giao, nhận",
        "col_giver": "Người giao",
        "col_taker": "Người nhận",
        "outcome_label": "Kết quả giải quyết hồ sơ:",
        "outcome_early": "Trước hạn",
        "outcome_on_time": "Đúng hạn",
        "outcome_late": "Quá hạn",
        "notes": "Ghi chú: mỗi lần giao, nhận hồ sơ hai bên ký và ghi rõ thời gian; "
        "hồ sơ quá hạn kèm Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.",
    },
    "07": {
        "title": "SỔ THEO DÕI HỒ SƠ",
        "book_label": "Quyển số",
        "col_no": "TT",
        "col_register_no": "Số thứ tự",
        "col_code": "Mã hồ sơ",
        "col_procedure": "Thủ tục",
        "col_applicant": "Người nộp",
        "col_received": "Nhận lúc",
        "col_due": "Hẹn trả",
        "col_returned": "Trả kết quả",
        "col_fees": "Phí, lệ phí",
        "col_status": "Tình trạng",
        "col_signed": "Ký nhận",
        "total_label": "Tổng số hồ sơ",
        "total_fees_label": "Tổng phí, lệ phí",
        "sign_keeper": "NGƯỜI LẬP SỔ",
        "sign_head": "TRƯỞNG ĐIỂM PHỤC VỤ",
    },
    GUIDANCE: {
        "title": "PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ",
        "procedure_label": "Thủ tục",
        "address_label": "Địa chỉ",
        "hours_label": "Giờ làm việc",
        "hotline_label": "Đường dây nóng",
        "field_label": "Lĩnh vực",
        "level_label": "Cấp thực hiện",
        "agency_label": "Cơ quan giải quyết",
        "steps_heading": "1. Trình tự thực hiện",
        "terms_heading": "2. Thời hạn giải quyết và phí, lệ phí theo hình thức nộp",
        "exemptions_heading": "Miễn, giảm phí, lệ phí",
        "components_heading": "3. Thành phần hồ sơ (số lượng: 01 bộ)",
        "conditions_heading": "Yêu cầu, điều kiện",
        "result_heading": "4. Kết quả và nơi nhận kết quả",
        "result_where": "hoặc qua dịch vụ bưu chính công ích theo yêu cầu.",
        "legal_heading": "5. Căn cứ pháp lý",
    },
}
# form -> its optional blocks, in the shipped order (a template may reorder them, not drop or add any)
DEFAULT_BLOCKS: dict[str, tuple[str, ...]] = {"01": ("payment", "register", "bring_back")}
TITLE_KEYS = frozenset({"title"})
MAX_LABEL = 60  # a field's label, a column heading, a signature caption


def _limit(key: str) -> int:
    if key in TITLE_KEYS:
        return MAX_TITLE
    if key.endswith("_label") or key.startswith(("col_", "sign_", "outcome_")):
        return MAX_LABEL
    return MAX_TEXT


# what must never be published to a citizen's form: placeholders, template syntax, English words
_PLACEHOLDER_RE = re.compile(r"[{}<>\[\]_#|\\]|\$\w|%[sd(]|\.\.\.\.|…{2,}")
_ENGLISH_RE = re.compile(
    r"\b(todo|tbd|fixme|xxx|placeholder|lorem|ipsum|sample|test|unconfirmed|none|null|n/a|the|and|"
    r"of|for|please|receipt|form|date|name|signature|here|text|label|note|version)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FormTemplate:
    """The centre's wording of one form: `texts` by key, `blocks` in print order, `footer`."""

    form: str
    version: str = SHIPPED_VERSION
    effective_date: str = SHIPPED_EFFECTIVE
    texts: Mapping[str, str] = field(default_factory=dict)
    blocks: tuple[str, ...] = ()
    footer: str = ""

    def text(self, key: str) -> str:
        return self.texts.get(key) or DEFAULT_TEXTS[self.form][key]

    @property
    def order(self) -> tuple[str, ...]:
        return self.blocks or DEFAULT_BLOCKS.get(self.form, ())

    @property
    def version_line(self) -> str:
        """The small line every printed copy carries: which template it was printed with."""
        if self.form == GUIDANCE:
            return f"Phiếu hướng dẫn · phiên bản {self.version}"
        return f"Mẫu {self.form} · phiên bản {self.version}"

    @property
    def is_shipped(self) -> bool:
        """Nothing published: the desk's own wording (form 07 and the guidance sheet then print as
        they always did, without a version line)."""
        return self == shipped_template(self.form)


def shipped_template(form: str) -> FormTemplate:
    return FormTemplate(form=form)


def _bad(log: str, vi: str) -> ValidationError:
    return ValidationError(f"form template: {log}", f"Mẫu phiếu không hợp lệ: {vi}")


def check_wording(key: str, value: object, limit: int, origin: str) -> str:
    """A text as it may be printed to a citizen: Vietnamese, finished, within its length."""
    if not isinstance(value, str) or not value.strip():
        raise _bad(
            f"{origin}: {key} is empty or not text", f"nội dung “{key}” phải là một câu chữ, không để trống."
        )
    text = " ".join(value.split())
    if len(text) > limit:
        raise _bad(f"{origin}: {key} longer than {limit}", f"nội dung “{key}” dài quá {limit} ký tự.")
    if _PLACEHOLDER_RE.search(text):
        raise _bad(
            f"{origin}: {key} looks like a placeholder",
            f"nội dung “{key}” còn ký hiệu giữ chỗ hoặc ký tự mẫu; hãy viết câu hoàn chỉnh.",
        )
    if found := _ENGLISH_RE.search(text):
        raise _bad(
            f"{origin}: {key} has the English word {found.group(0)!r}",
            f"nội dung “{key}” có từ tiếng Anh “{found.group(0)}”; phiếu in cho công dân chỉ dùng tiếng Việt.",
        )
    return text


def parse_template(text: str, origin: str = "template") -> FormTemplate:
    """A template from its JSON text; every rule checked before anything is used."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"{origin}: not JSON ({exc.msg})", "tệp không đúng định dạng JSON.") from exc
    if not isinstance(raw, dict):
        raise _bad(f"{origin}: not an object", "tệp không đúng định dạng.")
    if unknown := set(raw) - TOP_KEYS:
        raise _bad(
            f"{origin}: unknown keys {sorted(unknown)}",
            f"có mục không được hỗ trợ ({', '.join(sorted(unknown))}).",
        )
    form = raw.get("form")
    if form not in DEFAULT_TEXTS:
        known = ", ".join(sorted(DEFAULT_TEXTS))
        raise _bad(f"{origin}: form {form!r}", f"số mẫu phải là một trong: {known}.")
    version = raw.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise _bad(f"{origin}: version {version!r}", "phiên bản phải có dạng năm.số (ví dụ 2026.1).")
    effective = raw.get("effective_date")
    try:
        day = date.fromisoformat(str(effective))
    except ValueError as exc:
        raise _bad(
            f"{origin}: effective_date {effective!r}", "ngày áp dụng phải có dạng YYYY-MM-DD."
        ) from exc
    texts_raw = raw.get("texts", {})
    if not isinstance(texts_raw, dict):
        raise _bad(f"{origin}: texts not an object", "mục nội dung (texts) không đúng định dạng.")
    if unknown := set(texts_raw) - set(DEFAULT_TEXTS[form]):
        raise _bad(
            f"{origin}: unknown text keys {sorted(unknown)}",
            f"mẫu {form} không có nội dung {', '.join(sorted(unknown))}.",
        )
    texts = {k: check_wording(k, v, _limit(k), origin) for k, v in texts_raw.items()}
    blocks_raw = raw.get("blocks", [])
    shipped = DEFAULT_BLOCKS.get(form, ())
    if blocks_raw and (not isinstance(blocks_raw, list) or sorted(map(str, blocks_raw)) != sorted(shipped)):
        raise _bad(
            f"{origin}: blocks {blocks_raw!r} are not an order of {list(shipped)}",
            f"thứ tự các phần phải gồm đúng các phần {', '.join(shipped)}, mỗi phần một lần.",
        )
    footer = raw.get("footer", "")
    footer = check_wording("footer", footer, MAX_FOOTER, origin) if footer else ""
    return FormTemplate(form, version, day.isoformat(), texts, tuple(map(str, blocks_raw)), footer)


def template_json(text: str, name: str) -> str:
    """A template file as the wire carries it (JSON): a `.toml` file is read as TOML (the same keys,
    `[texts]` as a table), anything else is taken as JSON. Nothing is checked here: parse_template."""
    if not name.lower().endswith(".toml"):
        return text
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(f"{name}: not TOML ({exc})", "tệp không đúng định dạng TOML.") from exc
    return json.dumps(raw, ensure_ascii=False)


def template_path(home: Path, form: str) -> Path:
    return home / FORMS_DIR / f"{form}.json"


def installed_template(home: Path | None, form: str, today: date | None = None) -> FormTemplate:
    """The template the centre published for `form` once its day has come, else the shipped one
    (a broken file is not used)."""
    if home is None or form not in DEFAULT_TEXTS:
        return shipped_template(form)
    path = template_path(home, form)
    if not path.is_file():
        return shipped_template(form)
    try:
        template = parse_template(path.read_text(encoding="utf-8"), origin=path.name)
    except (OSError, ValidationError) as exc:
        logger.error("installed form template not used: %s", exc)
        return shipped_template(form)
    if date.fromisoformat(template.effective_date) > (today or vn_today()):
        return shipped_template(form)  # published ahead of its day
    return template


def to_document(template: FormTemplate) -> dict[str, Any]:
    return {
        "form": template.form,
        "version": template.version,
        "effective_date": template.effective_date,
        "texts": dict(template.texts),
        "blocks": list(template.blocks),
        "footer": template.footer,
    }
