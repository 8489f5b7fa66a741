"""Fees as collected and biên lai numbers on one desk: copies, counted pages, exemptions, methods, voids."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from app.domain.errors import PermissionDenied, StateError, ValidationError
from app.services import cashdesk as cd
from app.services.intake import receive
from app.services.receipts import ReceiptNo, add_range, void_receipt
from tests.cashdesk.helpers import FORM, SERIES, cash_desk
from tests.store_helpers import request


@contextmanager
def raises_vi(kind, words):
    """The error and its Vietnamese message for the clerk."""
    with pytest.raises(kind) as err:
        yield
    assert words in err.value.user_message


@pytest.fixture
def desk(tmp_path):
    d = cash_desk(tmp_path / "d1")
    yield d
    d.db.close()


def _receipts(desk):
    return desk.db.conn.execute("SELECT number, status, amount FROM receipts ORDER BY number").fetchall()


def test_copies_and_pages_of_the_counted_component_make_the_fee(desk):
    state = receive(desk, request(desk, "2.000815", pages=3))  # ban_chinh and ban_sao, 3 pages each
    q = cd.quote(desk, state.id, cd.FeeRequest(copies=2))
    assert q.pages == 3  # only the original to be certified counts, not the copy brought along
    assert q.total == (2000 + 2000 + 1000) * 2
    assert cd.quote(desk, state.id, cd.FeeRequest(copies=2, pages=250)).total == 400_000  # cap per copy


def test_exemption_needs_a_reason_and_proof_and_zeroes_the_lines(desk):
    state = receive(desk, request(desk, "2.000815", pages=1))
    with pytest.raises(ValidationError) as err:
        cd.quote(desk, state.id, cd.FeeRequest(exemption=cd.Exemption("hộ nghèo", "")))
    assert "giấy tờ chứng minh" in err.value.user_message
    ex = cd.Exemption("Hộ nghèo", "Giấy xác nhận hộ nghèo số 12/GXN")
    got = cd.collect(desk, state.id, cd.FeeRequest(exemption=ex), cd.Payment("cash"))
    assert got.amount == 0 and got.receipt is None and got.lines[0]["exempted_from"] == 2000
    assert _receipts(desk) == []


def test_cash_collection_draws_the_next_number_and_records_the_event(desk):
    state = receive(desk, request(desk, "1.004222"))
    got = cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"))
    assert got.receipt == ReceiptNo(FORM, SERIES, 1, "printed")
    assert got.state.fees_collected == 20_000
    second = receive(desk, request(desk, "1.004222"))
    online = cd.collect(
        desk, second.id, cd.FeeRequest(channel="truc_tuyen"), cd.Payment("epay", epay_ref="PAYGOV-123456")
    )
    assert online.amount == 10_000 and online.receipt is not None and online.receipt.number == 2
    assert _receipts(desk) == [(1, "issued", 20_000), (2, "issued", 10_000)]


def test_transfer_needs_the_clerks_confirmation_and_shows_a_vietqr(desk):
    state = receive(desk, request(desk, "1.004222"))
    with raises_vi(ValidationError, "xác nhận"):
        cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("transfer"))
    assert _receipts(desk) == []  # nothing written, no number burnt
    got = cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("transfer", transfer_confirmed=True))
    assert got.qr_payload.startswith("000201010212") and "5405200005802VN" in got.qr_payload
    assert state.code in got.qr_payload and got.receipt is not None and got.receipt.number == 1


def test_a_voided_number_is_never_reused(desk):
    state = receive(desk, request(desk, "1.004222"))
    first = cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"))
    assert first.receipt is not None
    with pytest.raises(ValidationError):
        void_receipt(desk, first.receipt, "sai")
    void_receipt(desk, first.receipt, "Ghi sai số tiền")
    with pytest.raises(StateError):
        void_receipt(desk, first.receipt, "Ghi sai số tiền lần hai")
    again = cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"))
    assert again.receipt is not None and again.receipt.number == 2
    assert again.state.fees_collected == 20_000  # the voided money was taken off
    assert _receipts(desk) == [(1, "voided", 20_000), (2, "issued", 20_000)]


def test_preprinted_numbers_are_recorded_inside_the_desks_range_once(desk):
    add_range(_head(desk), FORM, "BB/26P", 1, 50, 1, "preprinted")
    state = receive(desk, request(desk, "1.004222"))
    outside = cd.ReceiptChoice("preprinted", ReceiptNo(FORM, "BB/26P", 51))
    with raises_vi(ValidationError, "không thuộc dải"):
        cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"), outside)
    ok = cd.ReceiptChoice("preprinted", ReceiptNo(FORM, "BB/26P", 7))
    cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"), ok)
    with raises_vi(ValidationError, "đã được sử dụng"):
        cd.collect(desk, state.id, cd.FeeRequest(), cd.Payment("cash"), ok)
    void_receipt(desk, ReceiptNo(FORM, "BB/26P", 8, "preprinted"), "Tờ biên lai in hỏng")  # a spoiled blank
    with raises_vi(ValidationError, "đã bị hủy"):
        cd.collect(
            desk,
            state.id,
            cd.FeeRequest(),
            cd.Payment("cash"),
            cd.ReceiptChoice("preprinted", ReceiptNo(FORM, "BB/26P", 8)),
        )


def test_ranges_may_not_overlap_and_only_a_head_gives_them(desk):
    with pytest.raises(PermissionDenied):
        add_range(desk, FORM, SERIES, 500, 600, 2)
    with raises_vi(ValidationError, "trùng"):
        add_range(_head(desk), FORM, SERIES, 100, 150, 2)
    assert add_range(_head(desk), FORM, SERIES, 101, 200, 2).left == 100


def test_a_desk_that_used_its_range_says_so(tmp_path):
    desk = cash_desk(tmp_path / "d", size=1)
    a = receive(desk, request(desk, "1.004222"))
    cd.collect(desk, a.id, cd.FeeRequest(), cd.Payment("cash"))
    with raises_vi(StateError, "hết số biên lai"):
        cd.collect(desk, a.id, cd.FeeRequest(), cd.Payment("cash"))
    desk.db.close()


def _head(desk):
    from dataclasses import replace

    row = desk.db.conn.execute("SELECT id FROM clerks WHERE username = 'thuha'").fetchone()
    return replace(desk, clerk_id=row[0])


def test_the_receive_flow_can_quote_before_saving(desk):
    from app.services.intake import find_procedure

    proc = find_procedure(desk, "2.000815")
    docs = [{"component": "ban_chinh", "pages": [{}] * 250}, {"component": "ban_sao", "pages": [{}] * 250}]
    q = cd.quote_procedure(proc, docs, cd.FeeRequest(copies=2))
    assert (q.pages, q.total) == (250, 400_000)  # 250 pages x 2 copies, capped at 200.000đ a copy


def test_copies_per_component_price_each_paper_with_its_own_cap(desk):
    from app.services.intake import find_procedure

    proc = find_procedure(desk, "2.000815")
    docs = [{"component": "ban_chinh", "pages": [{}] * 250}, {"component": "ban_sao", "pages": [{}] * 3}]
    req = cd.FeeRequest(component_copies=(("ban_chinh", 2), ("ban_sao", 1)))
    q = cd.quote_procedure(proc, docs, req)
    assert q.total == 400_000 + (2000 + 2000 + 1000)  # 250 pages x 2 capped a copy; 3 pages x 1
    assert "x 2 bản" in q.lines[0]["basis"] and "x 1 bản" in q.lines[0]["basis"]
    assert cd.quote_procedure(proc, docs, cd.FeeRequest(component_copies=(("ban_chinh", 0),))).total == 0


def test_receive_with_its_fee_request_collects_the_quoted_amount_with_the_next_number(desk):
    from app.storage.events import load_events

    fee_request = cd.FeeRequest(component_copies=(("ban_chinh", 2),)).to_dict()
    asked = request(desk, "2.000815", pages=3, fee_request=fee_request)
    state, got = cd.receive_and_collect(desk, asked, cd.Payment("cash"))
    assert state.fees_quoted == state.fees_collected == (2000 + 2000 + 1000) * 2
    assert got is not None and got.receipt == ReceiptNo(FORM, SERIES, 1, "printed")
    received = next(e for e in load_events(desk.db, state.id) if e.type == "received")
    assert received.payload["fee_request"]["component_copies"] == [["ban_chinh", 2]]
    assert _receipts(desk) == [(1, "issued", 10_000)]


def test_a_desk_out_of_biên_lai_numbers_saves_neither_the_dossier_nor_the_fee(tmp_path):
    desk = cash_desk(tmp_path / "d", size=1)
    cd.receive_and_collect(desk, request(desk, "1.004222"), cd.Payment("cash"))
    with raises_vi(StateError, "hết số biên lai"):
        cd.receive_and_collect(desk, request(desk, "1.004222"), cd.Payment("cash"))
    assert desk.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
    desk.db.close()


def test_a_fee_left_due_at_receipt_is_collected_later_by_transfer(desk):
    state, got = cd.receive_and_collect(desk, request(desk, "1.004222"), None)
    assert got is None and state.fees_quoted == 20_000 and state.fees_collected == 0
    paid = cd.collect_due(desk, state.id, cd.Payment("transfer", transfer_confirmed=True))
    assert paid.amount == 20_000 and "5405200005802VN" in paid.qr_payload
    with raises_vi(ValidationError, "không còn khoản"):
        cd.collect_due(desk, state.id, cd.Payment("cash"))


def test_an_online_payment_at_intake_records_its_reference_and_a_preprinted_number(desk):
    add_range(_head(desk), FORM, "BB/26P", 1, 50, 1, "preprinted")
    choice = cd.ReceiptChoice("preprinted", ReceiptNo(FORM, "BB/26P", 9))
    state, got = cd.receive_and_collect(
        desk, request(desk, "1.004222"), cd.Payment("epay", epay_ref="PAYGOV-42"), choice
    )
    assert got is not None and got.receipt == ReceiptNo(FORM, "BB/26P", 9, "preprinted")
    fee = desk.db.conn.execute("SELECT method, amount FROM receipts WHERE series = 'BB/26P'").fetchone()
    assert tuple(fee) == ("epay", 20_000) and state.fees_collected == 20_000
    with raises_vi(ValidationError, "không hợp lệ"):
        cd.receive_and_collect(desk, request(desk, "1.004222"), cd.Payment("epay", epay_ref="x"))
    assert desk.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1  # the bad one not saved


def test_a_per_copy_fee_counts_the_copies_asked_not_the_largest_components(desk):
    from app.services.intake import find_procedure

    proc = find_procedure(desk, "2.000635")  # Cấp bản sao trích lục hộ tịch: 8.000đ a copy
    docs = [{"component": "to_khai", "pages": [{}] * 2}, {"component": "giay_to_tuy_than", "pages": [{}]}]
    parts = (("to_khai", 3), ("giay_to_tuy_than", 1))  # copies of papers: a per-page fee's count
    one = cd.quote_procedure(proc, docs, cd.FeeRequest(component_copies=parts))
    assert (one.total, one.copies) == (8_000, 1) and "1 bản x 8.000" in one.lines[0]["basis"]
    two = cd.quote_procedure(proc, docs, cd.FeeRequest(copies=2, component_copies=parts))
    assert two.total == 16_000
    fixed = find_procedure(desk, "1.004222")  # a fee per dossier: charged once whatever the copies
    ct01 = cd.quote_procedure(
        fixed, [{"component": "ct01", "pages": [{}]}], cd.FeeRequest(component_copies=(("ct01", 4),))
    )
    assert ct01.total == 20_000


def test_a_per_copy_fee_left_due_is_owed_for_the_copies_asked(desk):
    fee_request = cd.FeeRequest(copies=3, component_copies=(("to_khai", 2),)).to_dict()
    state, got = cd.receive_and_collect(desk, request(desk, "2.000635", fee_request=fee_request), None)
    assert got is None and state.fees_quoted == 24_000
    owed = cd.owed(desk, state)
    assert (owed.total, owed.copies) == (24_000, 3)
