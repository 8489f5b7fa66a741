"""Hub tables (SQLAlchemy 2). The schema itself is created by the Alembic migrations."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Point(Base):
    __tablename__ = "points"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)  # feed counter, locked FOR UPDATE
    agency_code: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_code: Mapped[str] = mapped_column(ForeignKey("points.code"))
    desk: Mapped[int] = mapped_column(Integer)
    secret_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class EnrollCode(Base):
    __tablename__ = "enroll_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_code: Mapped[str] = mapped_column(ForeignKey("points.code"))
    desk: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # stored once, whatever arrives
    dossier_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[str] = mapped_column(String(22))
    actor: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[int] = mapped_column(BigInteger)


class Dossier(Base):
    __tablename__ = "dossiers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    point_code: Mapped[str] = mapped_column(ForeignKey("points.code"), index=True)
    code: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(40))
    flags: Mapped[int] = mapped_column(Integer, default=0)
    state_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class DossierFile(Base):
    __tablename__ = "dossier_files"
    dossier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    size: Mapped[int] = mapped_column(BigInteger)


class Blob(Base):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[int] = mapped_column(BigInteger)


class FeedItem(Base):
    __tablename__ = "feed"
    point_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    publication_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    device: Mapped[str] = mapped_column(String(64), default="")  # who wrote it: not echoed back to them


class Publication(Base):
    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[int] = mapped_column(BigInteger)


Index("ix_enroll_device", EnrollCode.device_id)


class DossierCode(Base):
    """Every dossier code the hub has accepted, once: a second dossier can never take it."""

    __tablename__ = "dossier_codes"
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(64), unique=True)
    point_code: Mapped[str] = mapped_column(String(40))


class BlobGrant(Base):
    """A point may read a file: one of its devices uploaded it, or an agency attached it to its dossier."""

    __tablename__ = "blob_grants"
    point_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)


class Agency(Base):
    """An agency's credentials (a random token, stored hashed) and what it may act on."""

    __tablename__ = "agencies"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    points: Mapped[str] = mapped_column(Text, default="")  # comma-separated point codes; "" = none
    procedures: Mapped[str] = mapped_column(Text, default="*")  # comma-separated codes, or "*"
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AgencyFile(Base):
    """A result file an agency uploaded: it may attach only these."""

    __tablename__ = "agency_files"
    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuditHead(Base):
    """The last audit chain head a device pushed: a keyed hash and its seq, nothing of a citizen."""

    __tablename__ = "audit_heads"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))
    at: Mapped[int] = mapped_column(BigInteger)


class AuditFork(Base):
    """A head that did not extend the recorded one (a restored backup, a rewritten chain, a clone)."""

    __tablename__ = "audit_forks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    point_code: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "backwards" | "forked"
    recorded_seq: Mapped[int] = mapped_column(BigInteger)
    got_seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[int] = mapped_column(BigInteger)
    cleared_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
