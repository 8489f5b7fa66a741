"""Checks of the core a machine needs (Tesseract, fonts, database, blob store), for `motcua self-test`.

Each check is a plain function returning a `CheckResult`; it never raises. `ui/cli/selftest.py`
adds the checks that need Qt or the scanner layer and prints the table.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import bundle
from app.config import blobs_dir, data_home, db_path
from app.keys import StoreKeys, StoreLockedError
from app.storage import BlobStore, open_db
from app.storage.cipher import cipher_version, connect_sealed, is_plaintext, sqlcipher
from app.storage.db import connect_store

logger = logging.getLogger(__name__)

REQUIRED_LANGS = ("vie", "eng", "osd")
VIETNAMESE_PROBE = "ẠẢẤẦẨẪẬắằẳẵặđĐưƯơƠệỆộỘữỮỹỸ"
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def guarded(name: str, fn: Callable[[], str]) -> CheckResult:
    """Run one check: its return value is the detail; any exception is a failure with its message."""
    try:
        return CheckResult(name, True, fn())
    except Exception as exc:  # a self-test reports every failure, whatever its kind
        logger.warning("self-test %s failed: %s: %s", name, type(exc).__name__, exc)
        return CheckResult(name, False, f"{type(exc).__name__}: {exc}")


def check_tesseract() -> str:
    setup = bundle.configure_tesseract()
    if setup is None:
        raise RuntimeError("no tesseract executable (bundled or on PATH)")
    out = subprocess.run(
        [setup.cmd, "--list-langs"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    langs = {line.strip() for line in out.splitlines()[1:] if line.strip()}
    missing = [lang for lang in REQUIRED_LANGS if lang not in langs]
    if missing:
        raise RuntimeError(f"missing language data: {', '.join(missing)}")
    version = subprocess.run(
        [setup.cmd, "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split("\n", 1)[0]
    where = "bundled" if setup.bundled else "system"
    return f"{version.strip()} ({where}: {setup.cmd}); langs {'+'.join(REQUIRED_LANGS)}"


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def check_ocr() -> str:
    import pytesseract
    from PIL import Image

    bundle.configure_tesseract()
    samples = bundle.resources_dir() / "samples"
    expected = (samples / "ocr_sample.txt").read_text(encoding="utf-8").strip()
    with Image.open(samples / "ocr_sample.png") as img:
        text = pytesseract.image_to_string(img, lang="vie", timeout=120)
    if _normalise(expected) not in _normalise(text):
        raise RuntimeError(f"sample page OCR did not find the expected phrase (got {len(text)} chars)")
    return f"sample page read in Vietnamese: «{expected}»"


def font_files() -> list[Path]:
    """The bundled TTFs (resources/fonts), else the system's Noto/DejaVu ones."""
    bundled = sorted((bundle.resources_dir() / "fonts").glob("*.[tT][tT][fF]"))
    if bundled:
        return bundled
    return sorted(p for d in SYSTEM_FONT_DIRS if d.is_dir() for p in d.glob("*.ttf"))


def check_fonts() -> str:
    from fontTools.ttLib import TTFont

    files = font_files()
    if not files:
        raise RuntimeError("no TTF fonts in resources/fonts nor in the system font folders")
    need = {ord(c) for c in VIETNAMESE_PROBE}
    good = []
    for path in files:
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap() or {}
        if need <= cmap.keys():
            good.append(path.name)
    if not good:
        raise RuntimeError(f"none of {len(files)} fonts has every Vietnamese glyph")
    return f"{len(good)}/{len(files)} fonts with Vietnamese glyphs in {files[0].parent} (e.g. {good[0]})"


def check_database() -> str:
    """A scratch database exercises WAL, FTS5 and a transaction; the real desk.db gets integrity_check."""
    with tempfile.TemporaryDirectory(prefix="motcua-selftest-") as tmp:
        scratch_keys = StoreKeys(secrets.token_bytes(32))
        con = connect_sealed(Path(tmp) / "t.db", scratch_keys.db_key, 10)
        try:
            mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            with con:
                con.execute(
                    "CREATE VIRTUAL TABLE t USING fts5(name, tokenize='unicode61 remove_diacritics 2')"
                )
                con.execute("INSERT INTO t VALUES ('Đăng ký khai sinh')")
            hits = con.execute("SELECT count(*) FROM t WHERE t MATCH 'khai sinh'").fetchone()[0]
        finally:
            con.close()
        if mode != "wal" or hits != 1:
            raise RuntimeError(f"scratch database misbehaves (journal {mode}, fts hits {hits})")
        if is_plaintext(Path(tmp) / "t.db"):
            raise RuntimeError("scratch database was written in clear: SQLCipher is not in use")
        db = open_db(Path(tmp) / "desk.db", keys=scratch_keys)  # the store's migrations, sealed
        try:
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            db.close()
        db = open_db(Path(tmp) / "desk.db", keys=scratch_keys)  # and it opens again with its key
        db.close()
    detail = f"SQLCipher {cipher_version()} on SQLite {sqlcipher.sqlite_version} (WAL, FTS5); schema {version} migrates sealed"
    real = db_path()
    if real.exists():
        try:
            con = connect_store(real)  # not mode=ro: a WAL file may need its -shm made
        except StoreLockedError:
            return detail + f"; {real} is sealed (unlock to check it)"
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        if result != "ok":
            raise RuntimeError(f"{real}: integrity_check says {result}")
        detail += f"; {real} integrity ok"
    else:
        detail += f"; no desk.db yet in {data_home()}"
    return detail


def check_blobs() -> str:
    """Write, read back and verify a file in a scratch blob store, and that the real one is writable."""
    data = os.urandom(64 * 1024)
    digest = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory(prefix="motcua-selftest-") as tmp:
        store = BlobStore(Path(tmp), StoreKeys(secrets.token_bytes(32)))
        ref = store.put_bytes(data)
        if ref.sha256 != digest or store.read_bytes(ref.sha256) != data:
            raise RuntimeError("blob read back differs")
        if data[:4096] in store.path(ref.sha256).read_bytes():
            raise RuntimeError("blob was written in clear")
    real = blobs_dir()
    real.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=real, prefix=".selftest-"):
        pass
    return f"64 KiB sealed (AES-256-GCM), read back and verified by SHA-256; {real} writable"


def check_catalog_data() -> str:
    folder = bundle.resources_dir() / "catalog"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise RuntimeError(f"no catalog data in {folder}")
    return f"{len(files)} file(s) in {folder}"


CORE_CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("tesseract", check_tesseract),
    ("ocr", check_ocr),
    ("fonts", check_fonts),
    ("database", check_database),
    ("blob store", check_blobs),
    ("catalog data", check_catalog_data),
]


def run_core_checks() -> list[CheckResult]:
    return [guarded(name, fn) for name, fn in CORE_CHECKS]
