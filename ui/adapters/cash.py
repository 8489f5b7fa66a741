"""The end-of-day cash reports a clerk may see (app.services.cash_report.cash_view), on the UI thread's
connection: a short read of this desk's biên lai and the reports other desks sent through the hub."""

from __future__ import annotations

from datetime import date

from app.services.cash_report import DeskDay, cash_view
from app.services.permissions import may
from ui.adapters.session import service_desk
from ui.context import DeskContext


def day_rows(ctx: DeskContext, day: date) -> list[DeskDay]:
    """Every desk's reports for a head of point; the logged-in clerk's own for anyone else."""
    return cash_view(service_desk(ctx), day)


def sees_every_desk(ctx: DeskContext) -> bool:
    return may(ctx.db, ctx.clerk_id, "cash.every_desk")
