"""The desk's wiring to the core: open the store, seed demo data, log in, read the sync status.

Only calls into app/ and sync/; no decisions are made here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ui.context import DeskContext

logger = logging.getLogger(__name__)

SYNC_NOT_CONFIGURED = "Đồng bộ: chưa kết nối trung tâm"


def open_store(home: Path) -> Any:
    """The UI thread's connection to `$MOTCUA_HOME/desk.db`."""
    from app.config import db_path
    from app.storage import open_db  # type: ignore[attr-defined]

    return open_db(db_path(home))


def seed_demo(ctx: DeskContext) -> None:
    from app.services.demo import seed_demo as seed  # type: ignore[import-not-found]

    seed(ctx.db, ctx.home)


def demo_clerk(ctx: DeskContext) -> Any:
    from app.services import clerks  # type: ignore[attr-defined]

    return clerks.demo_clerk(ctx.db)


def authenticate(ctx: DeskContext, username: str, password: str) -> Any:
    from app.services import clerks  # type: ignore[attr-defined]

    return clerks.login(ctx.db, username, password)


def sync_status_text(ctx: DeskContext) -> str:
    """One line for the status bar; the placeholder until the desk is enrolled with a hub."""
    if not ctx.settings.hub_url:
        return SYNC_NOT_CONFIGURED
    try:
        from sync.engine import status  # type: ignore[attr-defined]

        st = status(ctx.db)
    except Exception as exc:
        logger.warning("sync status unavailable: %s", type(exc).__name__)
        return SYNC_NOT_CONFIGURED
    return f"Đồng bộ: {st.pending_events} sự kiện chờ gửi"
