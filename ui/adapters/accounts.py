"""Reads and writes of the Tài khoản screen (app.services.clerks; admin only, checked in the service)."""

from __future__ import annotations

from typing import TypedDict

from app.services import clerks
from app.services.permissions import ROLE_VI
from ui.context import DeskContext


class AccountRow(TypedDict):
    id: str
    username: str
    full_name: str
    role: str
    role_label: str
    is_active: bool


def accounts(ctx: DeskContext) -> list[AccountRow]:
    return [
        {
            "id": c.id,
            "username": c.username,
            "full_name": c.full_name,
            "role": c.role,
            "role_label": ROLE_VI.get(c.role, c.role),
            "is_active": c.is_active,
        }
        for c in clerks.list_clerks(ctx.db)
    ]


def add(ctx: DeskContext, username: str, full_name: str, role: str, password: str) -> None:
    clerks.add_clerk(ctx.db, username, full_name, role, password, actor=ctx.clerk_id)


def set_active(ctx: DeskContext, clerk_id: str, active: bool) -> None:
    clerks.set_active(ctx.db, clerk_id, active, actor=ctx.clerk_id)


def reset_password(ctx: DeskContext, clerk_id: str, password: str) -> None:
    clerks.change_password(ctx.db, clerk_id, password, actor=ctx.clerk_id)


def set_role(ctx: DeskContext, clerk_id: str, role: str) -> None:
    clerks.set_role(ctx.db, clerk_id, role, actor=ctx.clerk_id)
