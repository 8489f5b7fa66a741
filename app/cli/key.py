"""`python -m app key status | seal | recover [--clerk USERNAME] | keyring on|off`.

seal     erase the key kept beside the data and print the recovery key, once, for IT to keep safe
recover  open the store with the recovery key (asked for, or MOTCUA_RECOVERY_KEY[_FILE]); rebuilds a
         lost keys.json; with --clerk, sets that clerk's new password (read like `clerk passwd`)
keyring  unattended mode: keep the store key in the OS keyring (Windows Credential Manager), so the
         desk and `python -m sync run` open without a login; `off` removes it
"""

from __future__ import annotations

import argparse
import getpass

from app import keys as key_store
from app.cli.clerk import _password
from app.cli.common import fail, open_store, unlock
from app.config import data_home, db_path
from app.domain.errors import AppError
from app.logs import setup_logging
from app.services.clerks import change_password, get_clerk, list_clerks
from app.storage import open_db


def _status() -> int:
    home = data_home()
    data = key_store.load_file(home)
    if data is None:
        print("no store key yet (made at the first start)")
        return 0
    state = "DEMO (key beside the data)" if data.get("demo") else "UNSEALED (key beside the data)"
    if "local" not in data:
        state = "sealed"
    print(f"store: {state}")
    print(f"clerk wraps: {', '.join(key_store.clerk_wraps(home)) or '-'}")
    print(f"OS keyring: {'on' if any(w.get('kind') == 'keyring' for w in data['wraps']) else 'off'}")
    return 0


def _seal() -> int:
    db, _blobs, _settings = open_store()
    with db:
        active = [c.username for c in list_clerks(db) if c.is_active]
        text = key_store.seal(db.path.parent, db.keys)
    missing = sorted(set(active) - set(key_store.clerk_wraps(db.path.parent)))
    print(
        "Kho dữ liệu đã được niêm phong. KHÓA KHÔI PHỤC (chỉ hiện một lần, hãy in hoặc chép lại và cất giữ):"
    )
    print()
    print("    " + text)
    print()
    if missing:
        print(f"Chưa có khóa cho: {', '.join(missing)} — họ cần đăng nhập một lần hoặc đặt lại mật khẩu.")
    return 0


def _recover(clerk: str | None, from_stdin: bool) -> int:
    home = data_home()
    setup_logging(home)
    text = key_store.read_secret(key_store.ENV_RECOVERY, key_store.ENV_RECOVERY_FILE)
    keys = key_store.parse_recovery(text or getpass.getpass("Khóa khôi phục: "))
    if key_store.load_file(home) is None:
        open_db(db_path(home), keys=keys).close()  # WrongSecretError if it does not open: nothing written
        key_store.restore_file(home, keys)
    else:
        key_store.unlock_with_recovery(home, text or key_store.recovery_text(keys))
    with open_db(db_path(home), keys=keys) as db:
        if clerk:
            change_password(db, get_clerk(db, clerk).id, _password(from_stdin), actor="cli")
            print(f"Đã đặt lại mật khẩu cho {clerk}.")
    print("Khóa khôi phục đúng: kho dữ liệu mở được.")
    return 0


def _keyring(on: bool) -> int:
    home = data_home()
    setup_logging(home)
    keys = unlock(home)
    (key_store.enable_keyring if on else key_store.disable_keyring)(home, keys)
    print("Chế độ tự mở khóa (OS keyring): " + ("bật" if on else "tắt"))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app key", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("status")
    sub.add_parser("seal")
    rec = sub.add_parser("recover")
    rec.add_argument("--clerk")
    rec.add_argument("--password-stdin", action="store_true")
    ring = sub.add_parser("keyring")
    ring.add_argument("state", choices=["on", "off"])
    args = parser.parse_args(argv)
    try:
        if args.action == "status":
            return _status()
        if args.action == "seal":
            return _seal()
        if args.action == "recover":
            return _recover(args.clerk, args.password_stdin)
        return _keyring(args.state == "on")
    except AppError as exc:
        return fail(exc)
