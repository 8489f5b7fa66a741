"""A component checked on paper only (shown and handed back, not scanned): accepted with a short reason."""

from __future__ import annotations

import json
import unicodedata

import pypdfium2 as pdfium
import pytest

from app.domain.errors import ValidationError
from app.forms import render_receipt
from app.services import intake
from app.services.quality import PAPER_NOTE_MAX, document_warnings
from tests.store_helpers import make_desk, request

REASON = "Bản chính chỉ xuất trình, đã đối chiếu và trả lại"


@pytest.fixture
def desk(tmp_path):
    d = make_desk(tmp_path)
    yield d
    d.db.close()


def _without_last(desk):
    req = request(desk, "1.004222")
    last = req["documents"].pop()
    return req, last["component"]


def _events(desk) -> int:
    return desk.db.conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_unmarked_missing_component_is_refused_and_the_message_names_the_way_out(desk):
    req, _ = _without_last(desk)
    with pytest.raises(ValidationError) as info:
        intake.receive(desk, req)
    assert "bản giấy" in info.value.user_message
    assert _events(desk) == 0


@pytest.mark.parametrize("note", ["", "   ", "x" * (PAPER_NOTE_MAX + 1)])
def test_paper_mark_needs_a_short_reason(desk, note):
    req, component = _without_last(desk)
    req["paper_checked"] = {component: note}
    with pytest.raises(ValidationError) as info:
        intake.receive(desk, req)
    assert "lý do" in info.value.user_message.lower()
    assert _events(desk) == 0


def test_paper_only_component_is_received_provided_not_digitized(desk):
    req, component = _without_last(desk)
    req["paper_checked"] = {component: f"  {REASON} "}
    state = intake.receive(desk, req)
    item = next(c for c in state.checklist if c["component"] == component)
    assert item["mandatory"] and item["provided"] and item["digitized"] is False
    assert item["paper_note"] == REASON
    assert all(c["digitized"] for c in state.checklist if c["component"] != component and c["mandatory"])
    assert component not in {d["component"] for d in state.documents}
    payload = json.loads(desk.db.conn.execute("SELECT payload FROM events").fetchone()[0])
    stored = next(c for c in payload["checklist"] if c["component"] == component)
    assert (stored["provided"], stored["digitized"], stored["paper_note"]) == (True, False, REASON)


def test_a_scanned_component_cannot_also_be_marked_paper_only(desk):
    req = request(desk, "1.004222")
    req["paper_checked"] = {req["documents"][0]["component"]: REASON}
    with pytest.raises(ValidationError, match="paper-only"):
        intake.receive(desk, req)
    assert _events(desk) == 0


def test_unknown_component_in_paper_marks_is_refused(desk):
    req = request(desk, "1.004222")
    req["paper_checked"] = {"no-such-component": REASON}
    with pytest.raises(ValidationError):
        intake.receive(desk, req)


def test_receipt_still_lists_the_paper_only_component(desk):
    req, component = _without_last(desk)
    req["paper_checked"] = {component: REASON}
    state = intake.receive(desk, req)
    name = next(c["name"] for c in state.checklist if c["component"] == component)
    data = render_receipt(state, desk.settings)
    text = " ".join(
        " ".join(
            unicodedata.normalize("NFC", p.get_textpage().get_text_range()) for p in pdfium.PdfDocument(data)
        ).split()
    )
    assert name.split()[0] in text and "xuất trình, không số hóa" in text


def test_warnings_explain_the_paper_mark():
    base = {"name": "Bản chính giấy tờ", "mandatory": True, "pages": []}
    (missing,) = document_warnings([base])
    assert "bản giấy" in missing and "lý do" in missing
    (no_reason,) = document_warnings([{**base, "paper_only": True, "paper_note": ""}])
    assert "lý do" in no_reason
    assert document_warnings([{**base, "paper_only": True, "paper_note": REASON}]) == []
