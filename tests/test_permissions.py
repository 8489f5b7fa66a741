"""Roles in the services: every account receives and returns; refusal (03) is for clerk and head, the
apology (04) for the head; account management for admin; a deactivated account does nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.errors import PermissionDenied, ValidationError
from app.services import clerks, intake, returns
from app.services.context import Desk
from tests.store_helpers import make_desk, request


@pytest.fixture
def desks(tmp_path) -> dict[str, Desk]:
    base = make_desk(tmp_path)  # clerk 'lan', role clerk
    out = {"clerk": base}
    for role in ("head", "admin"):
        account = clerks.add_clerk(base.db, role + "1", f"Tài khoản {role}", role, "mat-khau-123", "system")
        out[role] = replace(base, clerk_id=account.id)
    return out


def test_every_role_receives_and_returns(desks):
    for desk in desks.values():
        state = intake.receive(desk, request(desk, "2.000815"))
        assert returns.return_result(desk, state.id, "Người nhận").status.value == "returned"


@pytest.mark.parametrize("role", ["clerk", "head"])
def test_clerk_and_head_may_refuse_and_the_head_apologises(desks, role):
    desk = desks[role]
    refused = intake.receive(desk, request(desk, "2.000815"))
    assert intake.refuse(desk, refused.id, "Không thuộc thẩm quyền").status.value == "refused"
    late = intake.receive(desk, request(desk, "1.004222"))
    head = desks["head"]  # form 04 is signed for the head of the unit (TT 03/2025)
    assert returns.issue_apology(head, late.id, "Chậm xác minh", "2026-12-04").due_date == "2026-12-04"


def test_admin_may_not_refuse_or_apologise_and_nothing_is_written(desks):
    admin = desks["admin"]
    state = intake.receive(admin, request(admin, "1.004222"))
    events = admin.db.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(PermissionDenied) as err:
        intake.refuse(admin, state.id, "lý do")
    assert "mẫu 03" in err.value.user_message and "quản trị" in err.value.user_message
    with pytest.raises(PermissionDenied):
        returns.issue_apology(admin, state.id, "lý do", "2026-12-04")
    assert admin.db.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_only_an_admin_manages_accounts(desks):
    db, head, admin = desks["clerk"].db, desks["head"].clerk_id, desks["admin"].clerk_id
    with pytest.raises(PermissionDenied) as err:
        clerks.add_clerk(db, "moi1", "Người mới", "clerk", "mat-khau-123", actor=head)
    assert "quản lý tài khoản" in err.value.user_message
    new = clerks.add_clerk(db, "moi1", "Người mới", "clerk", "mat-khau-123", actor=admin)
    with pytest.raises(PermissionDenied):
        clerks.change_password(db, new.id, "mat-khau-456", actor=head)
    clerks.change_password(db, new.id, "mat-khau-456", actor=new.id)  # one's own password
    clerks.change_password(db, new.id, "mat-khau-789", actor=admin)
    with pytest.raises(PermissionDenied):
        clerks.set_active(db, new.id, False, actor=head)
    with pytest.raises(ValidationError):
        clerks.set_active(db, admin, False, actor=admin)  # the last admin stays


def test_a_clerk_deactivated_while_working_is_stopped_at_the_next_action(desks):
    desk, admin = desks["clerk"], desks["admin"].clerk_id
    state = intake.receive(desk, request(desk, "1.004222"))
    clerks.set_active(desk.db, desk.clerk_id, False, actor=admin)
    with pytest.raises(PermissionDenied) as err:
        returns.record_fee(desk, state.id, 20000)
    assert "bị khóa" in err.value.user_message
    with pytest.raises(PermissionDenied):
        intake.receive(desk, request(desk, "2.000815"))
    assert desk.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1


def test_only_an_admin_changes_a_role_and_the_last_admin_stays(desks):
    db = desks["clerk"].db
    clerk_id, head, admin = desks["clerk"].clerk_id, desks["head"].clerk_id, desks["admin"].clerk_id
    with pytest.raises(PermissionDenied):
        clerks.set_role(db, clerk_id, "head", actor=head)
    clerks.set_role(db, clerk_id, "head", actor=admin)
    assert clerks.get_clerk(db, clerk_id).role == "head"
    with pytest.raises(ValidationError):
        clerks.set_role(db, admin, "clerk", actor=admin)
