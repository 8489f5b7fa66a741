"""Console tables: branches, operators and their sessions, the view audit, the dashboard's projection.

All on the hub's `Base`; the schema is created by migration 0003_console.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models import Base

ROLES = ("admin", "director", "agency", "auditor")


class Branch(Base):
    __tablename__ = "console_branches"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class PointBranch(Base):
    __tablename__ = "console_point_branch"
    point_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("console_branches.code"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class AgencyRoute(Base):
    """Which procedures (and optionally which points: '*' for all) are routed to an agency."""

    __tablename__ = "console_agency_routes"
    agency: Mapped[str] = mapped_column(String(80), primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    point_code: Mapped[str] = mapped_column(String(40), primary_key=True, default="*")


class Operator(Base):
    __tablename__ = "console_operators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    branch_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(80), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[int] = mapped_column(BigInteger)


class OperatorSession(Base):
    """A login: the cookie carries the token, the table only its SHA-256."""

    __tablename__ = "console_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("console_operators.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)


class ViewAudit(Base):
    """Who saw (or changed) which dossier's personal data, and when."""

    __tablename__ = "console_view_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[int] = mapped_column(BigInteger)
    operator_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")


class DossierIndex(Base):
    """One row per dossier, kept in step with `dossiers` on every flush (central.console.index)."""

    __tablename__ = "console_dossier_index"
    dossier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_code: Mapped[str] = mapped_column(String(40))
    code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    status: Mapped[str] = mapped_column(String(40))
    is_open: Mapped[bool] = mapped_column(Boolean)
    procedure_code: Mapped[str] = mapped_column(String(80), default="")
    received_day: Mapped[str | None] = mapped_column(String(10), nullable=True)
    due_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    returned_day: Mapped[str | None] = mapped_column(String(10), nullable=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    rating: Mapped[str | None] = mapped_column(String(40), nullable=True)
    name_key: Mapped[str] = mapped_column(  # folded lower-case, no diacritics; byte order on PostgreSQL
        String(200).with_variant(String(200, collation="C"), "postgresql"), default=""
    )
    id_number: Mapped[str] = mapped_column(String(20), default="")
    secret_hash: Mapped[str] = mapped_column(String(64), default="")  # citizen page secret (SHA-256)
    files_pending: Mapped[int] = mapped_column(Integer, default=0)


class PointDay(Base):
    """Counters per point and day (Asia/Ho_Chi_Minh): the dashboard adds a few rows, never scans."""

    __tablename__ = "console_point_day"
    point_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    returned_on_time: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)


class DeviceSeen(Base):
    """When a desk last pulled, and its clock offset estimated from the newest event it pushed."""

    __tablename__ = "console_device_seen"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen: Mapped[int] = mapped_column(BigInteger)
    clock_offset_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


Index("ix_cdi_point_open_due", DossierIndex.point_code, DossierIndex.is_open, DossierIndex.due_date)
Index("ix_cdi_code", DossierIndex.code)
Index("ix_cdi_id_number", DossierIndex.id_number)
Index("ix_cdi_name_key", DossierIndex.name_key)
Index("ix_cdi_procedure", DossierIndex.procedure_code, DossierIndex.is_open)
# city-wide figures (no point filter): open dossiers by due date, waiting files, a day's counters
Index("ix_cdi_open_due_point", DossierIndex.is_open, DossierIndex.due_date, DossierIndex.point_code)
Index("ix_cdi_pending", DossierIndex.files_pending, DossierIndex.point_code)
Index("ix_cpd_day", PointDay.day, PointDay.point_code)


class RateCounter(Base):
    """Hits per key (a scope and a hashed client address) and fixed window, shared by every hub worker;
    rows past `expires_at` are pruned (central.console.ratelimit)."""

    __tablename__ = "console_rate_counters"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # seconds since the epoch
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch


Index("ix_crc_expires", RateCounter.expires_at)


class DeskReport(Base):
    """What a desk last said it still holds (events and files not pushed yet), and when it last pushed."""

    __tablename__ = "console_desk_reports"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_push: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # ms since the epoch
    outbox_events: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outbox_files: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reported_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # ms since the epoch


class DeviceDay(Base):
    """Events each device pushed per day (Asia/Ho_Chi_Minh), counted as their feed items are stored
    (central.console.index): the sync page reads one row per desk, never the feed."""

    __tablename__ = "console_device_day"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
