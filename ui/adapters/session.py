"""The desk's session with the store: open it, demo data, log a clerk in."""

from __future__ import annotations

from pathlib import Path

from app.config import config_path, save_settings
from app.domain.agency_codes import DEMO_AGENCY_CODE
from app.services import clerks
from app.services.clerks import Clerk
from app.services.context import Desk
from app.services.demo import seed_demo as seed
from app.storage import Database
from ui.context import DeskContext
from ui.ops.store import blob_store, open_store

DEMO_POINT = {
    "point_name": "Điểm Phục vụ hành chính công Hoàn Kiếm",
    "point_code": "HK",
    "agency_code": DEMO_AGENCY_CODE,  # a demo home's codes say so, and no hub accepts them
}


def open_ui_store(home: Path) -> Database:
    """The UI thread's connection to `$MOTCUA_HOME/desk.db` (catalog loaded)."""
    return open_store(home)


def service_desk(ctx: DeskContext) -> Desk:
    """The services context on the UI thread's connection, acting as the logged-in clerk."""
    return Desk(ctx.db, blob_store(ctx.home), ctx.settings, ctx.clerk_id)


def seed_demo(ctx: DeskContext, dossiers: int = 30) -> None:
    """Demo point settings (when none are saved) and demo dossiers (when the store is empty)."""
    if not config_path(ctx.home).exists():
        for key, value in DEMO_POINT.items():
            setattr(ctx.settings, key, value)
        save_settings(ctx.settings, ctx.home)
    if ctx.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0:
        seed(ctx.db, blob_store(ctx.home), ctx.settings, dossiers=dossiers, pages=1, seed=7)


def demo_clerk(db: Database) -> Clerk:
    return clerks.demo_clerk(db)


def authenticate(ctx: DeskContext, username: str, password: str) -> Clerk:
    return clerks.login(ctx.db, username, password)


def has_clerks(ctx: DeskContext) -> bool:
    return bool(clerks.list_clerks(ctx.db))
