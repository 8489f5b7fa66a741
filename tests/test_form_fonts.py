"""The forms' fonts are parsed once per process (app.forms.fonts), and each document still gets its
own font state: the same bytes as fpdf2's own `add_font`, and two forms built at once in two threads
each come out right. A receipt's QR code is encoded once for its two copies."""

from __future__ import annotations

import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fpdf import FPDF

from app.forms import fonts, render_receipt, render_refusal
from app.forms.base import _FONT_FILES, FONT, FONT_DIR, FormPDF, add_fonts, qr_png
from app.forms.samples import SETTINGS, sample_procedure, sample_state
from ui.session import warm_forms

WHEN = datetime(2026, 11, 18, 9, 5, tzinfo=UTC)


def drawn(register: Callable[[FPDF], None], lines: list[tuple[str, str]]) -> bytes:
    """A page with `lines` of (style, text) in fonts registered by `register`, at a fixed date."""
    pdf = FPDF()
    register(pdf)
    pdf.set_creation_date(WHEN)
    pdf.add_page()
    for style, text in lines:
        pdf.set_font(FONT, style, 12)
        pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def fpdf_own(pdf: FPDF) -> None:
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(FONT_DIR / name))


def text_of(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", out.decode()).split())


VIET = [("", "Cộng hòa xã hội chủ nghĩa Việt Nam"), ("B", "Độc lập - Tự do - Hạnh phúc"),
        ("I", "Hà Nội, ngày 18 tháng 11 năm 2026"), ("BI", "Nguyễn Thị Hương Giang ữ ỹ ẵ")]  # fmt: skip
LATIN = [("", "abc"), ("B", "ABC")]


def test_a_cached_font_gives_the_same_pdf_bytes_as_fpdf2s_add_font() -> None:
    for lines in (VIET, LATIN, [("", "a glyph the font lacks: \u4e2d")]):
        assert drawn(add_fonts, lines) == drawn(fpdf_own, lines)


def test_the_file_is_parsed_once_and_each_document_has_its_own_font_state() -> None:
    first, second = FormPDF(), FormPDF()
    path = FONT_DIR / _FONT_FILES["B"]
    assert fonts.parsed_font(path, "notoserifB", "B") is fonts.parsed_font(path, "notoserifB", "B")
    assert fonts.parsed_font(path, "notoserifB", "B") is not None  # Noto Serif takes the cached path
    for key in ("notoserif", "notoserifB", "notoserifI", "notoserifBI"):
        a, b = first.fonts[key], second.fonts[key]
        assert a is not b
        for own in ("ttfont", "desc", "cw", "cmap", "glyph_ids", "subset", "missing_glyphs"):
            assert getattr(a, own) is not getattr(b, own), own
        assert a.name == b.name and a.scale == b.scale and dict(a.cw) == dict(b.cw)


def test_documents_built_side_by_side_keep_their_own_subsets() -> None:
    """Two documents built interleaved, the first written (its fonts subset and closed) before the
    second: each is byte for byte the document fpdf2 builds alone, parsing the fonts itself."""
    alone_viet, alone_latin = drawn(fpdf_own, VIET), drawn(fpdf_own, LATIN)  # fpdf2 parsing each
    docs = []
    for _ in range(2):
        pdf = FPDF()
        add_fonts(pdf)
        pdf.set_creation_date(WHEN)
        pdf.add_page()
        docs.append(pdf)
    for i in range(max(len(VIET), len(LATIN))):  # a line to one, a line to the other
        for pdf, lines in zip(docs, (VIET, LATIN), strict=True):
            if i < len(lines):
                pdf.set_font(FONT, lines[i][0], 12)
                pdf.cell(0, 8, lines[i][1], new_x="LMARGIN", new_y="NEXT")
    assert bytes(docs[0].output()) == alone_viet
    assert bytes(docs[1].output()) == alone_latin


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads take turns every few bytecodes: the renders interleave
    yield
    sys.setswitchinterval(before)


def test_two_forms_rendered_at_once_in_two_threads_are_both_right(fast_switching: None) -> None:
    proc = sample_procedure()
    giang = sample_state()
    minh = replace(
        sample_state(seq=104),
        applicant={**giang.applicant, "full_name": "Lê Quang Minh", "gender": "male"},
        refusal={"reason": "Giấy tờ không đúng thẩm quyền tiếp nhận của điểm", "clerk": "Đỗ Thu Hà"},
    )
    jobs: dict[str, Callable[[], bytes]] = {
        "receipt": lambda: render_receipt(giang, SETTINGS, proc),
        "refusal": lambda: render_refusal(minh, SETTINGS, clerk_name="Đỗ Thu Hà", day=WHEN.date()),
    }
    expected = {name: text_of(job()) for name, job in jobs.items()}  # one at a time
    assert "Nguyễn Thị Hương Giang" in expected["receipt"] and "Lê Quang Minh" not in expected["receipt"]
    assert "Lê Quang Minh" in expected["refusal"] and "Hương Giang" not in expected["refusal"]
    for _ in range(3):
        assert {name: text_of(data) for name, data in at_once(jobs).items()} == expected


def at_once(jobs: dict[str, Callable[[], bytes]]) -> dict[str, bytes]:
    """Each job in its own thread, all started together; what each returned."""
    start = threading.Barrier(len(jobs))
    out: dict[str, bytes] = {}
    failed: list[BaseException] = []

    def run(name: str) -> None:
        start.wait()
        try:
            out[name] = jobs[name]()
        except BaseException as exc:  # the test reports it
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failed, failed
    return out


def test_the_desk_start_warm_up_leaves_every_style_parsed() -> None:
    fonts._parsed.clear()  # as in a desk just started
    warm_forms().join(60)  # ui.session starts it before the login
    for style, name in _FONT_FILES.items():
        key = ((FONT_DIR / name).resolve(), f"{FONT.lower()}{style}", style)
        assert fonts._parsed.get(key) is not None, style


def test_a_receipts_qr_code_is_encoded_once_for_both_copies() -> None:
    qr_png.cache_clear()
    data = render_receipt(sample_state(), SETTINGS, sample_procedure())
    assert qr_png.cache_info().misses == 1 and qr_png.cache_info().hits >= 1  # Liên 1, then Liên 2
    assert text_of(data).count("000.00.01.H26-261118-0103") >= 2
