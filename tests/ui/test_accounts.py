"""Tài khoản: an admin adds, deactivates, resets and changes the role of clerks; a clerk may not."""

from __future__ import annotations

from app.domain.errors import AuthError
from app.services import clerks
from ui.views.accounts import AccountsView


def select(view: AccountsView, username: str) -> None:
    view.refresh()
    view.table.selectRow(next(i for i, a in enumerate(view.rows) if a["username"] == username))


def test_admin_manages_accounts_from_the_screen(qtbot, desk):
    ctx, window = desk
    ctx.clerk = clerks.add_clerk(ctx.db, "quantri", "Quản trị viên", "admin", "mat-khau-admin-1")
    view = window.show_view("accounts")
    assert isinstance(view, AccountsView)
    view.new_user.setText("canbo2")
    view.new_name.setText("Đỗ Thu Trang")
    view.new_role.setCurrentIndex(view.new_role.findData("clerk"))
    view.new_password.setText("mat-khau-moi-1")
    assert view.add_account(), view.banner.text()
    assert clerks.login(ctx.db, "canbo2", "mat-khau-moi-1").role == "clerk"
    select(view, "canbo2")
    view.role.setCurrentIndex(view.role.findData("head"))
    view.role_button.click()
    assert clerks.get_clerk(ctx.db, "canbo2").role == "head"
    select(view, "canbo2")
    view.password.setText("mat-khau-khac-2")
    assert view.reset_password()
    assert clerks.login(ctx.db, "canbo2", "mat-khau-khac-2").id
    select(view, "canbo2")
    assert view.toggle_active()
    assert not clerks.get_clerk(ctx.db, "canbo2").is_active
    try:
        clerks.login(ctx.db, "canbo2", "mat-khau-khac-2")
        raise AssertionError("a deactivated account logged in")
    except AuthError:
        pass
    view.grab().save(str(ctx.home / "accounts.png"))


def test_a_plain_clerk_may_not_add_an_account(qtbot, desk):
    _ctx, window = desk  # the demo clerk, role clerk
    view = window.show_view("accounts")
    view.new_user.setText("canbo3")
    view.new_name.setText("Người Lạ")
    view.new_password.setText("mat-khau-moi-1")
    assert not view.add_account()
    assert "quản trị" in view.banner.text()
    assert all(a["username"] != "canbo3" for a in view.rows)
