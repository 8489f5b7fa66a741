"""Secrets of devices and enrollment codes: random, shown once, stored only as a SHA-256 hash.

A device secret has 256 random bits, so a fast hash is enough (no dictionary to attack) and keeps
every request cheap; an enrollment code has ~60 bits, is single-use and expires.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_enroll_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_secret(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
