"""Nothing unfinished reaches a citizen: the text of every printed form and guidance sheet (pdftotext)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.catalog.io import CATALOG_DIR, SHIPPED_CATALOG, read_catalog
from app.forms import (
    ReceiptExtras,
    render_apology,
    render_control_slip,
    render_guidance,
    render_receipt,
    render_refusal,
    render_register,
    render_supplement_request,
)
from app.forms.citizen import INTERNAL_WORDS, has_internal_word, public_note, strip_internal
from app.forms.samples import SETTINGS, sample_state
from app.forms.stop import render_stop_notice

PROCEDURES = read_catalog(SHIPPED_CATALOG).procedures
DAY = date(2026, 11, 18)
# Written as a regex of its own (not the module's) so the test does not trust the code it checks.
FORBIDDEN = re.compile(r"\b(UNCONFIRMED|TODO|TBD|FIXME|XXX|PLACEHOLDER|None|null|N/A)\b")


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return out.stdout


def forms_of(code: str, seq: int) -> dict[str, bytes]:
    proc = next(p for p in PROCEDURES if p.code == code)
    state = sample_state(code, seq)
    extras = ReceiptExtras("16:30", "Trần Văn Đức", "2026", "0103")
    return {
        f"guidance-{code}": render_guidance(proc, SETTINGS, DAY),
        f"01-{code}": render_receipt(state, SETTINGS, proc, extras),
        f"02-{code}": render_supplement_request(state, SETTINGS, clerk_name="Trần Văn Đức", day=DAY),
        f"03-{code}": render_refusal(state, SETTINGS, clerk_name="Trần Văn Đức", day=DAY),
        f"04-{code}": render_apology(state, SETTINGS, signer_name="Lê Thị Mai", day=DAY),
        f"05-{code}": render_stop_notice(
            replace(state, stopped={"reason": "Người nộp đề nghị dừng"}), SETTINGS
        ),
        f"06-{code}": render_control_slip(state, SETTINGS),
        f"07-{code}": render_register([state, replace(state, code=None)], SETTINGS, DAY, book="2026"),
    }


@pytest.mark.parametrize("code", [p.code for p in PROCEDURES])
def test_no_internal_word_on_any_printed_form_of_a_shipped_procedure(code: str, tmp_path: Path) -> None:
    seq = 100 + [p.code for p in PROCEDURES].index(code)
    for name, data in forms_of(code, seq).items():
        text = pdf_text(data, tmp_path, name)
        assert "Mẫu số" in text or "HƯỚNG DẪN" in text, name  # the text was really read
        found = FORBIDDEN.findall(text)
        assert not found, f"{name} prints {found}"


def test_the_catalog_really_carries_internal_words_so_the_check_means_something() -> None:
    notes = [r.note for p in PROCEDURES for r in p.fees] + [p.processing.note for p in PROCEDURES]
    assert sum(has_internal_word(n) for n in notes) >= 5


def test_public_note_keeps_the_statement_and_drops_the_marker_and_the_staff_note() -> None:
    raw = "UNCONFIRMED: Mức do HĐND Thành phố Hà Nội quy định; UNCONFIRMED: kiểm tra nghị quyết hiện hành"
    assert public_note(raw) == "Mức do HĐND Thành phố Hà Nội quy định"
    assert public_note("UNCONFIRMED") == ""
    assert public_note("UNCONFIRMED: thời hạn chưa xác nhận") == ""
    assert (
        public_note("Nghị định về hộ kinh doanh (UNCONFIRMED: số hiệu hiện hành)")
        == "Nghị định về hộ kinh doanh"
    )
    assert public_note("Miễn khi đăng ký đúng hạn") == "Miễn khi đăng ký đúng hạn"


def test_strip_internal_removes_every_listed_word() -> None:
    for word in INTERNAL_WORDS:
        assert not has_internal_word(strip_internal(f"3 ngày làm việc ({word})")), word
    assert strip_internal("3 ngày làm việc (UNCONFIRMED)") == "3 ngày làm việc"


REAL_PROCEDURES = read_catalog(CATALOG_DIR / "procedures.json").procedures  # the catalog the desk ships


@pytest.mark.parametrize("code", [p.code for p in REAL_PROCEDURES])
def test_no_internal_word_on_the_guidance_sheet_of_a_real_catalog_procedure(
    code: str, tmp_path: Path
) -> None:
    proc = next(p for p in REAL_PROCEDURES if p.code == code)
    text = pdf_text(render_guidance(proc, SETTINGS, DAY), tmp_path, f"guidance-{code}")
    assert "HƯỚNG DẪN" in text  # the text was really read
    found = FORBIDDEN.findall(text)
    assert not found, f"guidance-{code} prints {found}"


def test_the_real_catalog_carries_internal_words_too_so_its_check_means_something() -> None:
    texts = [p.note for p in REAL_PROCEDURES] + [p.processing.note for p in REAL_PROCEDURES]
    texts += [r.note for p in REAL_PROCEDURES for r in p.fees] + [
        c.note for p in REAL_PROCEDURES for c in p.components
    ]
    assert sum(has_internal_word(t) for t in texts if t) >= 1
