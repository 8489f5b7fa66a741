"""The rest of a dossier's life: hand-back only with a result, cancellation by the head's approval,
stop notice and apology signed by the head, hand-offs for form 06, postal return."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.domain.errors import PermissionDenied, StateError, ValidationError
from app.domain.events import Event, EventType
from app.domain.fold import fold
from app.domain.hlc import Hlc
from app.services import clerks, intake, lifecycle, returns
from app.services.context import Desk
from tests.store_helpers import NOW, make_desk, request


@pytest.fixture
def desks(tmp_path) -> dict[str, Desk]:
    base = make_desk(tmp_path)  # 'lan', a plain clerk
    head = clerks.add_clerk(base.db, "truong", "Lê Thị Mai", "head", "mat-khau-123", "system")
    return {"clerk": base, "head": replace(base, clerk_id=head.id)}


def events_of(desk: Desk) -> int:
    return int(desk.db.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_hand_back_before_a_result_is_refused_and_writes_nothing(desks):
    desk = desks["clerk"]
    state = intake.receive(desk, request(desk, "1.004222"))  # 7 working days, settled by the agency
    before = events_of(desk)
    with pytest.raises(StateError, match="result_returned"):
        returns.return_result(desk, state.id, "Nguyễn Văn Đức")
    assert events_of(desk) == before
    lifecycle.record_result(desk, state.id, kind="paper", note="Bản giấy từ Công an xã")
    assert returns.return_result(desk, state.id, "Nguyễn Văn Đức").status.value == "returned"


def test_a_procedure_settled_at_the_point_records_its_result_then_hands_it_back(desks):
    desk = desks["clerk"]
    state = intake.receive(desk, request(desk, "2.000815"))  # same day, at the point
    done = returns.return_result(desk, state.id, "Nguyễn Văn Đức")
    assert done.status.value == "returned" and done.result_recorded is not None and not done.flags


def test_the_fold_flags_a_hand_back_without_a_result():
    received = {"code": "C-1", "due_date": "2026-12-01"}
    mk = lambda i, t, p: Event(f"e{i}", "D1", t, str(Hlc(1_700_000_000_000 + i, 0)), "a", "d", p)  # noqa: E731
    state = fold([mk(0, "received", received), mk(1, "result_returned", {"returned_at": "2026-12-01"})])
    assert state.status.value == "received" and state.flags[0].event_type == "result_returned"


def test_cancellation_needs_the_heads_approval_a_reason_and_the_same_day(desks):
    clerk, head = desks["clerk"], desks["head"]
    state = intake.receive(clerk, request(clerk))
    before = events_of(clerk)
    with pytest.raises(PermissionDenied):
        lifecycle.cancel_entry(clerk, state.id, "Nhập nhầm thủ tục", approver_id=clerk.clerk_id)
    with pytest.raises(ValidationError):
        lifecycle.cancel_entry(clerk, state.id, "  ", approver_id=head.clerk_id)
    assert events_of(clerk) == before
    cancelled = lifecycle.cancel_entry(clerk, state.id, "Nhập nhầm thủ tục", approver_id=head.clerk_id)
    assert cancelled.status.value == "cancelled" and cancelled.cancelled["approved_by"] == head.clerk_id
    with pytest.raises(StateError):
        lifecycle.cancel_entry(clerk, state.id, "Lần nữa", approver_id=head.clerk_id)
    audit = clerk.db.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'event.cancelled'"
    ).fetchone()[0]
    assert audit == 1


def test_a_cancelled_code_is_never_reused(desks):
    clerk, head = desks["clerk"], desks["head"]
    first = intake.receive(clerk, request(clerk))
    lifecycle.cancel_entry(clerk, first.id, "Nhập nhầm", approver_id=head.clerk_id)
    second = intake.receive(clerk, request(clerk))
    assert second.code != first.code and second.code > first.code


def test_cancellation_is_refused_on_a_later_day(desks, tmp_path):
    clerk, head = desks["clerk"], desks["head"]
    state = intake.receive(clerk, request(clerk))
    tomorrow = replace(clerk, now=lambda: NOW + timedelta(days=1))
    with pytest.raises(StateError, match="another day"):
        lifecycle.cancel_entry(tomorrow, state.id, "Nhập nhầm", approver_id=head.clerk_id)


def test_apology_and_stop_notice_are_for_the_head_only(desks):
    clerk, head = desks["clerk"], desks["head"]
    late = intake.receive(clerk, request(clerk, "1.004222"))
    with pytest.raises(PermissionDenied, match="apology_issued"):
        returns.issue_apology(clerk, late.id, "Chậm xác minh", "2026-12-04")
    with pytest.raises(PermissionDenied, match="stopped"):
        lifecycle.stop_processing(clerk, late.id, "Người nộp đề nghị dừng")
    assert returns.issue_apology(head, late.id, "Chậm xác minh", "2026-12-04").due_date == "2026-12-04"
    stopped = lifecycle.stop_processing(head, late.id, "Người nộp đề nghị dừng", "Lê Thị Mai")
    assert stopped.status.value == "stopped" and stopped.stopped["reason"] == "Người nộp đề nghị dừng"


def test_a_clerks_extension_request_waits_for_the_head_and_leaves_the_due_date(desks):
    clerk, head = desks["clerk"], desks["head"]
    late = intake.receive(clerk, request(clerk, "1.004222"))
    asked = returns.request_extension(clerk, late.id, "Chậm xác minh", "2026-12-04")
    assert asked.due_date == late.due_date and not asked.apologies  # nothing signed, nothing moved
    assert asked.pending_extension == {"reason": "Chậm xác minh", "new_due_date": "2026-12-04"}
    before = events_of(clerk)
    with pytest.raises(StateError, match="already"):  # one request at a time
        returns.request_extension(clerk, late.id, "Lần nữa", "2026-12-07")
    with pytest.raises(PermissionDenied):  # the clerk cannot approve their own request
        returns.issue_apology(clerk, late.id, "Chậm xác minh", "2026-12-04")
    assert events_of(clerk) == before
    signed = returns.issue_apology(head, late.id, "Chậm xác minh", "2026-12-04", "Lê Thị Mai")
    assert signed.due_date == "2026-12-04" and signed.pending_extension is None
    assert signed.apologies == [
        {"reason": "Chậm xác minh", "new_due_date": "2026-12-04", "signer": "Lê Thị Mai"}
    ]


def audit_rows(desk: Desk, action: str) -> int:
    return int(
        desk.db.conn.execute("SELECT count(*) FROM audit_log WHERE action = ?", (action,)).fetchone()[0]
    )


def test_the_head_declines_a_pending_request_with_a_reason_and_the_clerk_may_ask_again(desks):
    clerk, head = desks["clerk"], desks["head"]
    late = intake.receive(clerk, request(clerk, "1.004222"))
    with pytest.raises(StateError, match="no extension request"):  # nothing to decline yet
        returns.decline_extension(head, late.id, "Không đủ căn cứ")
    returns.request_extension(clerk, late.id, "Chậm xác minh", "2026-12-04")
    before = events_of(clerk)
    with pytest.raises(PermissionDenied, match="extension_declined"):  # only the head decides
        returns.decline_extension(clerk, late.id, "Tự từ chối")
    with pytest.raises(ValidationError):  # a decision without its reason
        returns.decline_extension(head, late.id, "   ")
    assert events_of(clerk) == before
    declined = returns.decline_extension(head, late.id, "Chưa quá hạn, không cần gia hạn", "Lê Thị Mai")
    assert declined.pending_extension is None and declined.due_date == late.due_date
    assert not declined.apologies and declined.extension_outcomes == [
        {
            "outcome": "declined",
            "reason": "Chưa quá hạn, không cần gia hạn",
            "new_due_date": "2026-12-04",
            "signer": "Lê Thị Mai",
        }
    ]
    assert audit_rows(clerk, "event.extension_declined") == 1
    with pytest.raises(StateError):  # a second decision on the same request
        returns.decline_extension(head, late.id, "Lần nữa")
    again = returns.request_extension(clerk, late.id, "Cơ quan chuyên môn xin thêm thời gian", "2026-12-07")
    assert again.pending_extension == {
        "reason": "Cơ quan chuyên môn xin thêm thời gian",
        "new_due_date": "2026-12-07",
    }


def test_the_clerk_withdraws_a_pending_request_and_nothing_is_left_to_approve(desks):
    clerk, head = desks["clerk"], desks["head"]
    late = intake.receive(clerk, request(clerk, "1.004222"))
    with pytest.raises(StateError):
        returns.withdraw_extension(clerk, late.id, "Nhầm")
    returns.request_extension(clerk, late.id, "Chậm xác minh", "2026-12-04")
    withdrawn = returns.withdraw_extension(clerk, late.id, "Đã có kết quả đúng hẹn")
    assert withdrawn.pending_extension is None and withdrawn.due_date == late.due_date
    assert withdrawn.extension_outcomes[-1]["outcome"] == "withdrawn"
    assert audit_rows(clerk, "event.extension_withdrawn") == 1
    with pytest.raises(StateError):  # withdrawn once: nothing is pending any more
        returns.withdraw_extension(clerk, late.id)
    with pytest.raises(StateError):
        returns.decline_extension(head, late.id, "Không duyệt")
    admin = clerks.add_clerk(clerk.db, "quantri", "Quản trị", "admin", "mat-khau-123", "system")
    returns.request_extension(clerk, late.id, "Chậm", "2026-12-04")
    with pytest.raises(PermissionDenied):  # admin is a technical account
        returns.withdraw_extension(replace(clerk, clerk_id=admin.id), late.id)


def test_an_admin_account_may_not_ask_for_an_extension(desks):
    admin = clerks.add_clerk(desks["clerk"].db, "quantri", "Quản trị", "admin", "mat-khau-123", "system")
    late = intake.receive(desks["clerk"], request(desks["clerk"], "1.004222"))
    with pytest.raises(PermissionDenied):  # admin is a technical account
        returns.request_extension(replace(desks["clerk"], clerk_id=admin.id), late.id, "Chậm", "2026-12-04")


def test_hand_offs_are_kept_in_order_for_form_06(desks):
    clerk = desks["clerk"]
    state = intake.receive(clerk, request(clerk, "1.004222"))
    lifecycle.hand_off(
        clerk, state.id, "to_agency", "Nguyễn Thị Lan", "Phạm Văn Hùng", "Bộ phận một cửa", "Công an xã"
    )
    lifecycle.hand_off(
        clerk, state.id, "to_point", "Phạm Văn Hùng", "Nguyễn Thị Lan", "Công an xã", "Bộ phận một cửa"
    )
    state = lifecycle.record_result(clerk, state.id)
    assert [h["direction"] for h in state.handoffs] == ["to_agency", "to_point"]
    assert state.handoffs[0]["taker"] == "Phạm Văn Hùng" and state.status.value == "result_ready"
    with pytest.raises(ValidationError):
        lifecycle.hand_off(clerk, state.id, "sideways", "a", "b", "c", "d")


def test_postal_return_sent_delivered_or_back_to_the_point(desks):
    clerk = desks["clerk"]
    state = intake.receive(clerk, request(clerk))
    state = returns.return_result(
        clerk, state.id, "Bưu điện Hoàn Kiếm", by_post=True, tracking_no="EB123456789VN"
    )
    assert state.postal == {
        "tracking_no": "EB123456789VN",
        "status": "sent",
        "history": [{"status": "sent", "at": "2026-11-20T09:30:00+07:00"}],
    }
    state = lifecycle.update_postal(clerk, state.id, "returned_to_sender")
    assert state.status.value == "result_ready" and state.postal["status"] == "returned_to_sender"
    state = returns.return_result(
        clerk, state.id, "Nguyễn Văn Đức", by_post=True, tracking_no="EB987654321VN"
    )
    state = lifecycle.update_postal(clerk, state.id, "delivered")
    assert state.postal["status"] == "delivered" and state.postal["tracking_no"] == "EB987654321VN"
    with pytest.raises(ValidationError):
        lifecycle.update_postal(clerk, state.id, "lost")


def test_every_new_event_type_folds_and_is_a_point_event():
    from app.domain.events import POINT_EVENTS

    for t in (
        "cancelled",
        "stopped",
        "handed_off",
        "result_recorded",
        "postal_updated",
        "extension_requested",
        "extension_declined",
        "extension_withdrawn",
    ):
        assert EventType(t) in POINT_EVENTS


def test_a_same_day_dossier_waiting_for_a_supplement_has_no_result_to_hand_back(desks):
    desk = desks["clerk"]
    state = intake.receive(desk, request(desk, "2.000815"))
    intake.request_supplement(desk, state.id, [{"name": "Bản chính"}], "Thiếu bản chính")
    with pytest.raises(StateError):
        returns.return_result(desk, state.id, "Nguyễn Văn Đức")


def test_form_02_at_intake_receives_nothing_and_counts_the_guidance(desks, tmp_path):
    import subprocess
    from datetime import date as day_

    from app.services import guidance

    desk = desks["clerk"]
    items = [{"name": "Giấy tờ chứng minh chỗ ở hợp pháp", "copy_kind": "certified"}]
    given = guidance.supplement_at_intake(desk, "1.004222", "Nguyễn Văn Đức", items, "Thiếu giấy tờ chỗ ở")
    assert desk.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0  # nothing received
    assert desk.db.conn.execute("SELECT count(*) FROM code_sequences").fetchone()[0] == 0  # no code burnt
    assert guidance.guidance_count(desk, day_.today()) == 1
    path = tmp_path / "02.pdf"
    path.write_bytes(given.pdf)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Mẫu số 02" in text and "Giấy tờ chứng minh chỗ ở hợp pháp" in text and "Nguyễn Văn Đức" in text
    assert "Mã hồ sơ" not in text
    with pytest.raises(ValidationError):
        guidance.supplement_at_intake(desk, "1.004222", "X", [], "lý do")
