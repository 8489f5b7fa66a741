"""Tài khoản: the desk's clerk accounts (add, deactivate, reset a password, change the role); admin only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.services.permissions import ROLE_VI
from ui.adapters import accounts
from ui.adapters.accounts import AccountRow
from ui.context import DeskContext
from ui.views.base import ViewPage, section


class AccountsView(ViewPage):
    title = "Tài khoản cán bộ"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[AccountRow] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Tên đăng nhập", "Họ và tên", "Vai trò", "Trạng thái"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.root.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.role = QComboBox()
        for value, label in ROLE_VI.items():
            self.role.addItem(label, value)
        self.role_button = QPushButton("Đổi &vai trò")
        self.toggle_button = QPushButton("&Khóa / mở khóa")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("mật khẩu mới")
        self.reset_button = QPushButton("Đặt lại &mật khẩu")
        for w in (self.role, self.role_button, self.toggle_button, self.password, self.reset_button):
            row.addWidget(w)
        self.root.addLayout(row)
        self.root.addWidget(section("Thêm tài khoản"))
        form = QFormLayout()
        self.new_user, self.new_name, self.new_password = QLineEdit(), QLineEdit(), QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_role = QComboBox()
        for value, label in ROLE_VI.items():
            self.new_role.addItem(label, value)
        self.add_button = QPushButton("&Thêm tài khoản")
        for label, w in (
            ("Tên đăng nhập", self.new_user),
            ("Họ và tên", self.new_name),
            ("Vai trò", self.new_role),
            ("Mật khẩu", self.new_password),
            ("", self.add_button),
        ):
            form.addRow(label, w)
        self.root.addLayout(form)
        self.add_button.clicked.connect(self.add_account)
        self.role_button.clicked.connect(
            lambda: self._do(lambda c: accounts.set_role(self.ctx, c, self.role.currentData()))
        )
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)

    def refresh(self) -> None:
        self.rows = accounts.accounts(self.ctx)
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            cells = [
                a["username"],
                a["full_name"],
                a["role_label"],
                "Đang dùng" if a["is_active"] else "Đã khóa",
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> AccountRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _do(self, fn: object, done: str = "Đã lưu.") -> bool:
        account = self.selected()
        if account is None:
            self.show_error("Hãy chọn một tài khoản trong danh sách.")
            return False
        try:
            fn(account["id"])  # type: ignore[operator]
        except Exception as exc:
            self.show_error(exc)
            return False
        self.refresh()
        self.show_info(done)
        return True

    def toggle_active(self) -> bool:
        account = self.selected()
        active = not account["is_active"] if account else True
        return self._do(lambda c: accounts.set_active(self.ctx, c, active))

    def reset_password(self) -> bool:
        password = self.password.text()
        ok = self._do(lambda c: accounts.reset_password(self.ctx, c, password), "Đã đặt lại mật khẩu.")
        self.password.clear()
        return ok

    def add_account(self) -> bool:
        try:
            accounts.add(
                self.ctx,
                self.new_user.text().strip(),
                self.new_name.text().strip(),
                self.new_role.currentData(),
                self.new_password.text(),
            )
        except Exception as exc:
            self.show_error(exc)
            return False
        for edit in (self.new_user, self.new_name, self.new_password):
            edit.clear()
        self.refresh()
        self.show_info("Đã thêm tài khoản.")
        return True
