"""Unlocking: the keys already unlocked, a local key, the OS keyring, the environment, a password or
the recovery key. A wrong secret raises WrongSecretError and writes nothing."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from app.keys.core import (
    _UNLOCKED,
    ENV_CLERK,
    ENV_PASSWORD,
    ENV_PASSWORD_FILE,
    ENV_RECOVERY,
    ENV_RECOVERY_FILE,
    KEY_FILE,
    KEYRING_SERVICE,
    StoreKeys,
    StoreLockedError,
    WrongSecretError,
    _checked,
    _password_kek,
    _unwrap,
    create,
    load_file,
    parse_recovery,
    remember,
    remembered,
)

logger = logging.getLogger(__name__)


def unlock_unattended(home: Path) -> StoreKeys | None:
    """The keys without asking anyone: already unlocked, a local (demo/unsealed) key, the OS keyring,
    or the recovery key / a clerk's password named by the environment (see README). None if locked."""
    keys = remembered(home)
    if keys is not None:
        return keys
    data = load_file(home)
    if data is None:
        return None
    if "local" in data:
        return remember(home, _checked(data, StoreKeys(bytes.fromhex(str(data["local"])))))
    for wrap in data["wraps"]:
        if wrap.get("kind") == "keyring":
            found = _from_keyring(str(wrap.get("name", "")))
            if found is not None:
                return remember(home, _checked(data, found))
    return _from_environment(home)


def read_secret(value_var: str, file_var: str) -> str | None:
    if os.environ.get(value_var):
        return os.environ[value_var]
    name = os.environ.get(file_var)
    if name:
        try:
            return Path(name).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError) as exc:
            raise WrongSecretError(f"cannot read the secret file named by {file_var}") from exc
    return None


def _from_environment(home: Path) -> StoreKeys | None:
    recovery = read_secret(ENV_RECOVERY, ENV_RECOVERY_FILE)
    if recovery:
        return unlock_with_recovery(home, recovery)
    password = read_secret(ENV_PASSWORD, ENV_PASSWORD_FILE)
    if password and os.environ.get(ENV_CLERK):
        return unlock_with_password(home, os.environ[ENV_CLERK], password)
    return None


def unlock(home: Path) -> StoreKeys:
    keys = unlock_unattended(home)
    if keys is None:
        raise StoreLockedError(f"store at {Path(home).name} is sealed and no key was given")
    return keys


def unlock_with_password(home: Path, username: str, password: str) -> StoreKeys:
    """Unwrap the store key with a clerk's password (WrongSecretError if it does not open)."""
    data = load_file(home)
    if data is None:
        raise StoreLockedError(f"no {KEY_FILE}: nothing to unlock")
    username = username.strip().lower()
    for wrap in data["wraps"]:
        if wrap.get("kind") == "clerk" and wrap.get("username") == username:
            keys = _unwrap(_password_kek(password, wrap["kdf"]), wrap, "clerk:" + username)
            return remember(home, _checked(data, keys))
    raise WrongSecretError(f"no key wrap for this username on this desk ({len(username)} chars)")


def unlock_with_recovery(home: Path, text: str) -> StoreKeys:
    keys = parse_recovery(text)
    data = load_file(home)
    if data is not None:
        _checked(data, keys)
    return remember(home, keys)


def _from_keyring(name: str) -> StoreKeys | None:
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, name)
    except Exception as exc:  # no backend, locked keyring: simply not unattended
        logger.warning("OS keyring unavailable: %s", type(exc).__name__)
        return None
    return StoreKeys(bytes.fromhex(value)) if value else None


def for_home(home: Path, *, demo: bool = False) -> StoreKeys:
    """The keys of `home` without asking: unlocked ones, else a new key for a home that has none."""
    keys = unlock_unattended(home)
    if keys is not None:
        return keys
    if load_file(home) is None:
        try:
            return create(home, demo=demo)
        except FileExistsError:  # another process made it first: use theirs
            keys = unlock_unattended(home)
            if keys is not None:
                return keys
    raise StoreLockedError(f"store at {Path(home).name} is sealed and no key was given")


def unlocked_keys() -> list[StoreKeys]:
    """Every store key this process has unlocked (to open its sealed scratch files)."""
    return list(_UNLOCKED.values())
