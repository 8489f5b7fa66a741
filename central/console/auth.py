"""Operators: argon2id passwords, lockout, server-side sessions behind an HttpOnly cookie, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from central.console.models import ROLES, Operator, OperatorSession

logger = logging.getLogger(__name__)
HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile
MAX_FAILURES = 5
LOCK_MS = 15 * 60_000
SESSION_MS = 8 * 3_600_000
COOKIE = "motcua_console"
# a hash to verify against when the user does not exist, so both cases cost the same
_DUMMY = HASHER.hash("not a password")


class LoginError(Exception):
    """Wrong user or password, or the account is locked; `message` is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Actor:
    """The operator behind a request, as the routes see it."""

    id: int
    username: str
    role: str
    branch_code: str | None
    agency: str | None
    csrf: str

    @property
    def can_write(self) -> bool:
        return self.role != "auditor"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_operator(
    s: Session, username: str, password: str, role: str, branch: str | None = None, agency: str | None = None
) -> Operator:
    """Create an account; a director needs a branch, an agency officer an agency."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "director") != bool(branch) or (role == "agency") != bool(agency):
        raise ValueError("a director needs --branch, an agency officer --agency, and no one else either")
    if len(password) < 10:
        raise ValueError("password must have at least 10 characters")
    op = Operator(
        username=username.strip().lower(),
        password_hash=HASHER.hash(password),
        role=role,
        branch_code=branch,
        agency=agency,
        is_active=True,
        failed_logins=0,
        locked_until=0,
        created_at=now_ms(),
    )
    s.add(op)
    s.flush()
    logger.info("operator %d created with role %s", op.id, role)
    return op


def login(s: Session, username: str, password: str) -> str:
    """Check the password (argon2id) and open a session; returns the cookie token.

    Raises LoginError; the caller commits before raising it on (see `attempt`), so a failure counts."""
    op = s.scalar(select(Operator).where(Operator.username == username.strip().lower()).with_for_update())
    if op is None or not op.is_active:
        _verify(_DUMMY, password)
        raise LoginError("Tên đăng nhập hoặc mật khẩu không đúng.")
    if op.locked_until > now_ms():
        raise LoginError("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút.")
    if not _verify(op.password_hash, password):
        op.failed_logins += 1
        if op.failed_logins >= MAX_FAILURES:
            op.locked_until, op.failed_logins = now_ms() + LOCK_MS, 0
            logger.warning("operator %d locked after %d failed logins", op.id, MAX_FAILURES)
        raise LoginError("Tên đăng nhập hoặc mật khẩu không đúng.")
    op.failed_logins = 0
    if HASHER.check_needs_rehash(op.password_hash):
        op.password_hash = HASHER.hash(password)
    s.execute(  # this operator's expired sessions go at their next login
        delete(OperatorSession).where(
            OperatorSession.operator_id == op.id, OperatorSession.expires_at < now_ms()
        )
    )
    token = secrets.token_urlsafe(32)
    s.add(
        OperatorSession(
            token_hash=_digest(token),
            operator_id=op.id,
            csrf=secrets.token_urlsafe(32),
            created_at=now_ms(),
            expires_at=now_ms() + SESSION_MS,
        )
    )
    logger.info("operator %d logged in", op.id)
    return token


def attempt(s: Session, username: str, password: str) -> tuple[str, str]:
    """(token, "") after a good login, ("", message for the person) otherwise; failures stay counted."""
    try:
        return login(s, username, password), ""
    except LoginError as exc:
        return "", exc.message


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for(s: Session, token: str) -> Actor | None:
    """The operator of a live session, else None."""
    if not token or len(token) > 100:
        return None
    row = s.execute(
        select(OperatorSession, Operator)
        .join(Operator, Operator.id == OperatorSession.operator_id)
        .where(OperatorSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    sess, op = row
    if sess.expires_at < now_ms() or not op.is_active:
        return None
    return Actor(op.id, op.username, op.role, op.branch_code, op.agency, sess.csrf)


def logout(s: Session, token: str) -> None:
    s.execute(delete(OperatorSession).where(OperatorSession.token_hash == _digest(token)))


def csrf_ok(actor: Actor, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(actor.csrf, str(sent))
