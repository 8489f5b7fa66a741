"""Clerk accounts: argon2 hashes, offline login, roles, lockout after repeated failures.

Every login, failure, lockout and account change goes to the audit log by clerk id only. Each
active clerk's password also wraps the store key (`app.keys`, argon2id), so a sealed desk opens at
that clerk's login: an account change re-wraps (never re-keys) the store; a deactivated account
loses its wrap.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app import keys as key_store
from app.domain.errors import AuthError, NotFoundError, PermissionDenied, ValidationError
from app.domain.ids import new_id
from app.services.permissions import authorize_actor
from app.storage import Database
from app.storage.audit import append_audit

logger = logging.getLogger(__name__)

ROLES = ("clerk", "head", "admin")
ROLE_LABELS_VI = {"clerk": "Cán bộ tiếp nhận", "head": "Trưởng điểm", "admin": "Quản trị"}
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Clerk:
    id: str
    username: str
    full_name: str
    role: str
    is_active: bool

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise PermissionDenied(f"clerk {self.id} with role {self.role} needs one of {roles}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password too short", f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")


def _row_to_clerk(row: tuple[object, ...]) -> Clerk:
    return Clerk(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]))


def _wrap(db: Database, username: str, password: str) -> None:
    key_store.wrap_for_clerk(db.path.parent, db.keys, username, password)


def add_clerk(
    db: Database,
    username: str,
    full_name: str,
    role: str,
    password: str,
    actor: str = "system",
    *,
    wrap: bool = True,
) -> Clerk:
    """Create an account. `actor` is an admin's clerk id, or a process ('system', 'cli') with direct
    access to the store (the first account is made that way); any other clerk gets PermissionDenied."""
    username = username.strip().lower()
    if not re.fullmatch(r"[a-z0-9._-]{3,32}", username):
        raise ValidationError(
            "bad username", "Tên đăng nhập gồm 3-32 chữ cái không dấu, chữ số, dấu chấm, gạch."
        )
    if role not in ROLES:
        raise ValidationError(f"bad role {role!r}", "Vai trò phải là cán bộ, trưởng điểm hoặc quản trị.")
    if not full_name.strip():
        raise ValidationError("clerk without name", "Hãy nhập họ tên cán bộ.")
    _check_password(password)
    clerk = Clerk(new_id(), username, full_name.strip(), role, True)
    with db.transaction() as conn:
        authorize_actor(db, actor, "clerk.manage")
        if conn.execute("SELECT 1 FROM clerks WHERE username = ?", (username,)).fetchone():
            raise ValidationError("username taken", "Tên đăng nhập đã có người dùng.")
        conn.execute(
            "INSERT INTO clerks (id, username, full_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                clerk.id,
                username,
                clerk.full_name,
                role,
                _hasher.hash(password),
                datetime.now(UTC).isoformat(),
            ),
        )
        append_audit(db, actor, "clerk.add", clerk.id, {"role": role})
    if wrap:  # after the commit: a wrap for an account that was rolled back would be dead weight
        _wrap(db, username, password)
    logger.info("clerk %s added with role %s", clerk.id, role)
    return clerk


def list_clerks(db: Database) -> list[Clerk]:
    rows = db.conn.execute("SELECT id, username, full_name, role, is_active FROM clerks ORDER BY username")
    return [_row_to_clerk(r) for r in rows]


def get_clerk(db: Database, username_or_id: str) -> Clerk:
    row = db.conn.execute(
        "SELECT id, username, full_name, role, is_active FROM clerks WHERE username = ? OR id = ?",
        (username_or_id.strip().lower(), username_or_id),
    ).fetchone()
    if row is None:
        raise NotFoundError("clerk not found", "Không tìm thấy tài khoản cán bộ.")
    return _row_to_clerk(row)


def login(db: Database, username: str, password: str, now: datetime | None = None) -> Clerk:
    """Check a password offline. Five failures lock the account for 15 minutes."""
    now = now or datetime.now(UTC)
    failed: AuthError | None = None
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT id, username, full_name, role, is_active, password_hash, failed_attempts, locked_until"
            " FROM clerks WHERE username = ?",
            (username.strip().lower(),),
        ).fetchone()
        if row is None:
            append_audit(db, "unknown", "login.unknown_user")
            raise AuthError("login with unknown username")
        clerk, pw_hash, failures, locked_until = _row_to_clerk(row), row[5], int(row[6]), row[7]
        if not clerk.is_active:
            raise AuthError(f"login to inactive clerk {clerk.id}", "Tài khoản đã bị khóa bởi quản trị.")
        if locked_until and datetime.fromisoformat(locked_until) > now:
            append_audit(db, clerk.id, "login.locked")
            raise AuthError(
                f"clerk {clerk.id} is locked",
                f"Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau {LOCK_MINUTES} phút.",
            )
        try:
            _hasher.verify(pw_hash, password)
        except (VerificationError, InvalidHashError):
            failures += 1
            lock = (now + timedelta(minutes=LOCK_MINUTES)).isoformat() if failures >= MAX_FAILURES else None
            conn.execute(
                "UPDATE clerks SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                (0 if lock else failures, lock, clerk.id),
            )
            append_audit(
                db, clerk.id, "login.locked_out" if lock else "login.failed", clerk.id, {"failures": failures}
            )
            logger.warning("failed login for clerk %s (%d)", clerk.id, failures)
            failed = AuthError(f"wrong password for clerk {clerk.id}")
        else:
            if _hasher.check_needs_rehash(pw_hash):
                conn.execute(
                    "UPDATE clerks SET password_hash = ? WHERE id = ?", (_hasher.hash(password), clerk.id)
                )
            conn.execute(
                "UPDATE clerks SET failed_attempts = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
                (now.isoformat(), clerk.id),
            )
            append_audit(db, clerk.id, "login.ok", clerk.id)
    if failed:  # raised after the commit, so the failure count is kept
        raise failed
    if clerk.username not in key_store.clerk_wraps(db.path.parent):  # an account from before sealing
        _wrap(db, clerk.username, password)
    return clerk


def change_password(db: Database, clerk_id: str, new_password: str, actor: str) -> None:
    """Set a new password (the clerk themself, or an admin) and clear any lockout."""
    _check_password(new_password)
    with db.transaction() as conn:
        if actor != clerk_id:
            authorize_actor(db, actor, "clerk.manage")
        cur = conn.execute(
            "UPDATE clerks SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
            (_hasher.hash(new_password), clerk_id),
        )
        if cur.rowcount != 1:
            raise NotFoundError("clerk not found", "Không tìm thấy tài khoản cán bộ.")
        append_audit(db, actor, "clerk.passwd", clerk_id)
    _wrap(db, get_clerk(db, clerk_id).username, new_password)  # re-wraps the same key


def set_active(db: Database, clerk_id: str, active: bool, actor: str) -> None:
    """Deactivate (or reactivate) an account: admin only. A deactivated clerk can neither log in nor
    write anything; the last active admin cannot be deactivated."""
    with db.transaction() as conn:
        authorize_actor(db, actor, "clerk.manage")
        clerk = get_clerk(db, clerk_id)
        if not active and clerk.role == "admin" and clerk.is_active:
            admins = conn.execute("SELECT count(*) FROM clerks WHERE role = 'admin' AND is_active = 1")
            if admins.fetchone()[0] <= 1:
                raise ValidationError(
                    f"refusing to deactivate the last admin {clerk_id}",
                    "Không thể khóa tài khoản quản trị cuối cùng.",
                )
        conn.execute("UPDATE clerks SET is_active = ? WHERE id = ?", (int(active), clerk.id))
        append_audit(db, actor, "clerk.activate" if active else "clerk.deactivate", clerk.id)
    if not active:  # a deactivated clerk's password no longer opens the store
        key_store.drop_clerk(db.path.parent, db.keys, clerk.username)
    logger.info("clerk %s %s by %s", clerk_id, "activated" if active else "deactivated", actor)


def set_role(db: Database, clerk_id: str, role: str, actor: str) -> None:
    """Change an account's role: admin only; the last active admin keeps the admin role."""
    if role not in ROLES:
        raise ValidationError(
            f"unknown role {role!r}", "Vai trò phải là cán bộ tiếp nhận, trưởng điểm hoặc quản trị."
        )
    with db.transaction() as conn:
        authorize_actor(db, actor, "clerk.manage")
        clerk = get_clerk(db, clerk_id)
        if clerk.role == "admin" and role != "admin" and clerk.is_active:
            admins = conn.execute("SELECT count(*) FROM clerks WHERE role = 'admin' AND is_active = 1")
            if admins.fetchone()[0] <= 1:
                raise ValidationError(
                    f"refusing to demote the last admin {clerk_id}",
                    "Không thể đổi vai trò của quản trị cuối cùng.",
                )
        conn.execute("UPDATE clerks SET role = ? WHERE id = ?", (role, clerk.id))
        append_audit(db, actor, "clerk.role", clerk.id, {"role": role})
    logger.info("clerk %s given role %s by %s", clerk_id, role, actor)


def ensure_clerk(db: Database, username: str, full_name: str, role: str = "clerk") -> Clerk:
    """The named account, created with a random password if missing (demo and tests)."""
    try:
        return get_clerk(db, username)
    except NotFoundError:
        return add_clerk(db, username, full_name, role, new_id(), wrap=False)  # nobody knows it


def demo_clerk(db: Database) -> Clerk:
    """The account `python -m app --demo` and `app demo` act as (created on first use)."""
    return ensure_clerk(db, "demo", "Cán bộ tiếp nhận (demo)")
