"""The store key and its wraps (`$MOTCUA_HOME/keys.json`, mode 0600).

One random 256-bit store key seals the desk: desk.db (SQLCipher), blobs (AES-256-GCM), the audit
chain (HMAC) and backups each use a subkey derived from it (HKDF-SHA256). The key itself is never
on disk in a sealed home; keys.json holds it only wrapped (AES-256-GCM):
- by each clerk's password, through argon2id (so the store opens at a clerk's login);
- by the OS keyring (Windows Credential Manager...) when IT turns on unattended mode;
- `local`: in clear beside the data, for demo homes and for a home not yet sealed by IT.
The recovery key that `python -m app key seal` prints once *is* the store key (base32), so it opens
the store and every backup even when keys.json is lost (`python -m app key recover`).

Once unlocked, the keys stay in this process's memory (`remember`), so every connection the desk
opens afterwards (jobs, sync, backups) reuses them without asking again.
"""

from app.keys.core import (
    ARGON2,
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
    create,
    forget,
    is_demo,
    is_sealed,
    key_path,
    load_file,
    parse_recovery,
    recovery_text,
    remember,
    remembered,
    save_file,
)
from app.keys.unlock import (
    for_home,
    read_secret,
    unlock,
    unlock_unattended,
    unlock_with_password,
    unlock_with_recovery,
    unlocked_keys,
)
from app.keys.wraps import (
    clerk_wraps,
    disable_keyring,
    drop_clerk,
    enable_keyring,
    restore_file,
    seal,
    wrap_for_clerk,
)

__all__ = [
    "ARGON2",
    "ENV_CLERK",
    "ENV_PASSWORD",
    "ENV_PASSWORD_FILE",
    "ENV_RECOVERY",
    "ENV_RECOVERY_FILE",
    "KEYRING_SERVICE",
    "KEY_FILE",
    "StoreKeys",
    "StoreLockedError",
    "WrongSecretError",
    "clerk_wraps",
    "create",
    "disable_keyring",
    "drop_clerk",
    "enable_keyring",
    "for_home",
    "forget",
    "is_demo",
    "is_sealed",
    "key_path",
    "load_file",
    "parse_recovery",
    "read_secret",
    "recovery_text",
    "remember",
    "remembered",
    "restore_file",
    "save_file",
    "seal",
    "unlock",
    "unlock_unattended",
    "unlock_with_password",
    "unlock_with_recovery",
    "unlocked_keys",
    "wrap_for_clerk",
]
