"""Phản ánh, kiến nghị for the desk's dialog: a short read of the recent ones and the one write."""

from __future__ import annotations

from datetime import date, timedelta

from app.services import complaints
from app.services.complaints import Complaint
from ui.adapters.session import service_desk
from ui.context import DeskContext

RECENT_DAYS = 90


def recent(ctx: DeskContext, today: date) -> list[Complaint]:
    """The point's complaints received in the last 90 days, newest first, each as last recorded."""
    return list(reversed(complaints.received_between(ctx.db, today - timedelta(days=RECENT_DAYS), today)))


def today(ctx: DeskContext) -> date:
    """Today at the point (Vietnam time), as the service checks the dates."""
    return service_desk(ctx).local_now().date()


def save(ctx: DeskContext, complaint: Complaint) -> Complaint:
    return complaints.record(service_desk(ctx), complaint)
