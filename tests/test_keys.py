"""The store key and its wraps: clerk passwords, the recovery key, the OS keyring, the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from app import keys
from app.services import clerks
from app.storage import open_db
from app.storage.cipher import is_plaintext

ROOT = Path(__file__).resolve().parents[1]


def _sealed_home(home: Path) -> str:
    """A desk with one clerk (password mat-khau-1), sealed; returns its recovery key."""
    with open_db(home / "desk.db") as db:
        clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
        text = keys.seal(home, db.keys)
    keys.forget(home)
    return text


def _app(home: Path, *args: str, env: dict[str, str] | None = None, stdin: str = ""):
    full = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    full.update({"PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(home), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=full,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_sealed_store_opens_with_a_clerk_password_or_the_recovery_key_and_nothing_else(tmp_path):
    text = _sealed_home(tmp_path)
    assert "local" not in keys.load_file(tmp_path)
    with pytest.raises(keys.StoreLockedError):
        open_db(tmp_path / "desk.db")
    by_password = keys.unlock_with_password(tmp_path, "lan", "mat-khau-1")
    keys.forget(tmp_path)
    assert keys.unlock_with_recovery(tmp_path, text.lower().replace("-", " ")) == by_password
    with open_db(tmp_path / "desk.db") as db:
        assert clerks.get_clerk(db, "lan").role == "admin"


def test_a_wrong_password_or_key_says_so_in_vietnamese_and_touches_nothing(tmp_path):
    _sealed_home(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(keys.WrongSecretError) as wrong:
        keys.unlock_with_password(tmp_path, "lan", "mat-khau-2")
    assert "không đúng" in wrong.value.user_message
    with pytest.raises(keys.WrongSecretError):
        keys.unlock_with_password(tmp_path, "nobody", "mat-khau-1")
    with pytest.raises(keys.WrongSecretError):
        keys.unlock_with_recovery(tmp_path, keys.recovery_text(keys.StoreKeys(os.urandom(32))))
    with pytest.raises(keys.WrongSecretError):
        open_db(tmp_path / "desk.db", keys=keys.StoreKeys(os.urandom(32)))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert keys.remembered(tmp_path) is None


def test_a_password_change_rewraps_the_same_key_and_the_old_password_stops_working(tmp_path):
    text = _sealed_home(tmp_path)
    db_before = (tmp_path / "desk.db").read_bytes()[:4096]
    with open_db(tmp_path / "desk.db", keys=keys.parse_recovery(text)) as db:
        clerks.change_password(db, clerks.get_clerk(db, "lan").id, "mat-khau-moi", actor="cli")
    keys.forget(tmp_path)
    with pytest.raises(keys.WrongSecretError):
        keys.unlock_with_password(tmp_path, "lan", "mat-khau-1")
    assert keys.unlock_with_password(tmp_path, "lan", "mat-khau-moi") == keys.parse_recovery(text)
    assert (tmp_path / "desk.db").read_bytes()[:4096] == db_before  # the first page was not re-keyed


def test_a_deactivated_clerk_no_longer_opens_the_store(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        admin = clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
        mai = clerks.add_clerk(db, "mai", "Trần Thị Mai", "clerk", "mat-khau-2", actor=admin.id)
        clerks.set_active(db, mai.id, False, actor=admin.id)
        keys.seal(tmp_path, db.keys)
    keys.forget(tmp_path)
    assert keys.clerk_wraps(tmp_path) == ["lan"]
    with pytest.raises(keys.WrongSecretError):
        keys.unlock_with_password(tmp_path, "mai", "mat-khau-2")


def test_command_line_of_a_sealed_desk_reads_the_key_from_the_environment_or_refuses(tmp_path):
    text = _sealed_home(tmp_path)
    locked = _app(tmp_path, "dossiers", "--json")
    assert locked.returncode == 2 and "Kho dữ liệu đang khóa" in locked.stderr
    (tmp_path.parent / "rk.txt").write_text(text + "\n")
    (tmp_path.parent / "pw.txt").write_text("mat-khau-1\n")
    by_file = _app(tmp_path, "check", env={"MOTCUA_RECOVERY_KEY_FILE": str(tmp_path.parent / "rk.txt")})
    assert by_file.returncode == 0, by_file.stdout + by_file.stderr
    by_clerk = _app(
        tmp_path,
        "audit",
        "verify",
        env={"MOTCUA_CLERK": "lan", "MOTCUA_PASSWORD_FILE": str(tmp_path.parent / "pw.txt")},
    )
    assert by_clerk.returncode == 0 and "intact" in by_clerk.stdout
    wrong = _app(tmp_path, "check", env={"MOTCUA_CLERK": "lan", "MOTCUA_PASSWORD": "sai-mat-khau"})
    assert wrong.returncode == 2 and "không đúng" in wrong.stderr


def test_key_recover_rebuilds_a_lost_key_file_and_resets_a_password(tmp_path):
    text = _sealed_home(tmp_path)
    (tmp_path / "keys.json").unlink()
    with pytest.raises(keys.StoreLockedError):
        open_db(tmp_path / "desk.db")
    wrong = _app(
        tmp_path,
        "key",
        "recover",
        env={"MOTCUA_RECOVERY_KEY": keys.recovery_text(keys.StoreKeys(os.urandom(32)))},
    )
    assert wrong.returncode == 2 and not (tmp_path / "keys.json").exists()
    done = _app(
        tmp_path,
        "key",
        "recover",
        "--clerk",
        "lan",
        "--password-stdin",
        env={"MOTCUA_RECOVERY_KEY": text},
        stdin="mat-khau-9\n",
    )
    assert done.returncode == 0, done.stderr
    assert keys.unlock_with_password(tmp_path, "lan", "mat-khau-9") == keys.parse_recovery(text)


def test_key_seal_prints_the_recovery_key_once_and_erases_the_local_copy(tmp_path):
    assert _app(tmp_path, "demo", "--dossiers", "1").returncode == 0
    assert keys.is_demo(tmp_path) and not keys.is_sealed(tmp_path)
    sealed = _app(tmp_path, "key", "seal")
    assert sealed.returncode == 0
    code = next(line.strip() for line in sealed.stdout.splitlines() if line.count("-") > 8)
    assert keys.is_sealed(tmp_path) and code not in (tmp_path / "keys.json").read_text()
    assert _app(tmp_path, "check").returncode == 2
    assert _app(tmp_path, "check", env={"MOTCUA_RECOVERY_KEY": code}).returncode == 0


class MemoryKeyring(KeyringBackend):
    """Stands in for Windows Credential Manager, which does not exist on this machine."""

    # Defining a KeyringBackend subclass registers it: with a positive priority, merely importing this
    # module made it the process's keyring, and every later enrollment in the run kept its device
    # secret in this dict instead of the owner-only file that `python -m sync` child processes read.
    # Below the fail backend's 0 it is never chosen on its own; the test sets it explicitly.
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


def test_unattended_mode_keeps_the_key_in_the_os_keyring(tmp_path):
    ring, previous = MemoryKeyring(), keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        text = _sealed_home(tmp_path)
        keys.enable_keyring(tmp_path, keys.parse_recovery(text))
        keys.forget(tmp_path)
        open_db(tmp_path / "desk.db").close()  # no prompt: the keyring had it
        keys.disable_keyring(tmp_path, keys.parse_recovery(text))
        keys.forget(tmp_path)
        assert not ring.items
        with pytest.raises(keys.StoreLockedError):
            open_db(tmp_path / "desk.db")
    finally:
        keyring.set_keyring(previous)


def test_a_new_store_is_sealed_on_disk_from_the_first_write(tmp_path):
    with open_db(tmp_path / "desk.db") as db:
        clerks.add_clerk(db, "lan", "Nguyễn Thị Lan", "admin", "mat-khau-1", actor="cli")
    assert not is_plaintext(tmp_path / "desk.db")
    assert oct((tmp_path / "desk.db").stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "keys.json").stat().st_mode & 0o777) == "0o600"
    assert oct(tmp_path.stat().st_mode & 0o777) == "0o700"


def test_sync_command_on_a_sealed_desk_needs_the_key_and_says_so(tmp_path):
    text = _sealed_home(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update({"PYTHONPATH": str(ROOT), "MOTCUA_HOME": str(tmp_path)})
    run = [sys.executable, "-m", "sync", "status", "--json"]
    locked = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert locked.returncode == 2 and "Kho dữ liệu đang khóa" in locked.stderr
    env["MOTCUA_RECOVERY_KEY"] = text
    opened = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert opened.returncode == 0 and '"enrolled": false' in opened.stdout


def test_every_file_of_a_desk_is_owner_only(tmp_path):
    home = tmp_path / "home"
    assert _app(home, "demo", "--dossiers", "2", "--pages", "1").returncode == 0
    assert _app(home, "backup", "--out", str(home / "b.tar")).returncode == 0
    loose = [
        f"{p.relative_to(home)} {oct(p.stat().st_mode & 0o777)}"
        for p in [home, *home.rglob("*")]
        if p.stat().st_mode & 0o077
    ]
    assert loose == []


def test_app_demo_codes_its_dossiers_on_the_demo_agency_code_and_leaves_the_settings_alone(tmp_path):
    """A demo home never makes codes on the default agency code, and no hub accepts the demo one."""
    import json

    assert _app(tmp_path, "demo", "--dossiers", "2", "--pages", "0").returncode == 0
    listed = _app(tmp_path, "dossiers", "--json")
    codes = [d["code"] for d in json.loads(listed.stdout)]
    assert len(codes) == 2 and all(c.startswith("DEM.00.00.H26-") for c in codes), codes
    assert not (tmp_path / "config.toml").exists() or "DEMO" not in (tmp_path / "config.toml").read_text()
