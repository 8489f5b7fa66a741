"""Which files of a dossier the console serves: a page, the page as scanned, the PDF, a result."""

from __future__ import annotations

from central.console.pages import _file_meta

PAGE, ORIGINAL, PDF = "a" * 64, "b" * 64, "c" * 64
STATE = {
    "documents": [
        {
            "name": "Tờ khai",
            "pdf": {"sha256": PDF, "size": 9},
            "pages": [
                {"sha256": PAGE, "mime": "image/png", "original": {"sha256": ORIGINAL, "mime": "image/jpeg"}}
            ],
        }
    ]
}


def test_the_page_as_scanned_is_served_beside_the_cleaned_page_and_nothing_else_is():
    assert _file_meta(STATE, PAGE) == ("image/png", "Tờ khai")
    assert _file_meta(STATE, ORIGINAL) == ("image/jpeg", "Tờ khai (ảnh gốc)")
    assert _file_meta(STATE, PDF) == ("application/pdf", "Tờ khai.pdf")
    assert _file_meta(STATE, "d" * 64) is None
