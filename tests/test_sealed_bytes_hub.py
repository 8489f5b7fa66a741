"""No byte of a citizen's scan, name, ID number, phone or address in clear anywhere under the hub's
data folder (SQLite hub: hub.db is SQLCipher 4, README "The hub's database at rest").

The real flow of tests/test_sealed_bytes.py (file import -> clean -> Tesseract -> searchable PDF ->
receive, two applicants) syncs to a real hub process on 127.0.0.1; an agency uploads a result file
holding the applicant's name and ID number (the hub's temporary spool); the console shows the PDF
inline (decrypted in memory). Then every file under the hub's data folder (hub.db, -wal, -shm, blobs,
tus/, tmp/, the key fingerprint), the hub's log and its key folder are searched, the hub still running:
the scan, the cleaned page, the PDF, the OCR text, the agency's file, and the names, ID numbers, phones
and addresses: 0 hits anywhere, the database files included.
The same search over a copy of the hub's data folder with its blobs and its database opened (an
unsealed hub) finds the scan, page, PDF and the agency's file, and the names in the database: a search
that can fail.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import requests

from app.domain.text import fold_text
from central.blob_key import default_key_file, load_or_create
from central.blobs import HubBlobs
from central.core import sealed_db
from tests.central.hostile_kit import sync
from tests.sync.hubkit import ROOT, Hub, env
from tests.test_sealed_bytes import PEOPLE, needles, page_file, receive_through_the_desk, sealed_home, search

__all__ = ["sealed_home"]
DB_FILES = {"hub.db", "hub.db-wal", "hub.db-shm"}
PERSONAL = {"name", "id_number", "phone", "address"}
PASSWORD = "mat-khau-thu-nghiem"


def central(hub: Hub, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "central", *args, *hub.store_args()],
        cwd=ROOT, env={**env(), "MOTCUA_OPERATOR_PASSWORD": PASSWORD}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def hub_needles(files: dict[str, bytes]) -> dict[str, list[bytes]]:
    """The desk test's needles; of the page's OCR text, the words that are not also an applicant's
    field or a word of the procedure's name (those the hub's database holds as such fields)."""
    wanted = needles(files)
    catalog = json.loads((ROOT / "resources" / "catalog" / "procedures.json").read_text())
    title = next(p["name"] for p in catalog["procedures"] if p["code"] == "2.000815")
    known = set(fold_text(" ".join([title, *(v for p in PEOPLE for v in p.values())])).split())
    words = {w for w in files["ocr"].decode().split() if len(w) >= 4 and not w.isdigit()}
    words = {w for w in words if fold_text(w).strip(":.,") not in known}
    assert len(words) >= 3, words
    forms = {
        f
        for w in words
        for f in (unicodedata.normalize("NFC", w), unicodedata.normalize("NFD", w), fold_text(w))
    }
    wanted["page_text"] = [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le")]
    return wanted


def agency_upload(hub: Hub, data: bytes) -> str:
    token = central(hub, "agency", "add", "--name", "stp", "--point", "*").strip().splitlines()[-1]
    answer = requests.put(
        f"{hub.url}/api/v1/agency/files",
        params={"name": "ket-qua.pdf"},
        data=iter([data[i : i + 65536] for i in range(0, len(data), 65536)]),  # streamed, chunked
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["sha256"])


def console_file(hub: Hub, dossier_id: str, sha: str) -> requests.Response:
    """The file as the console's inline view serves it to a logged-in operator."""
    central(hub, "operator", "add", "--role", "admin", "quantri")
    web = requests.Session()
    form = web.get(f"{hub.url}/dang-nhap", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf, "no CSRF field on the login page"
    answer = web.post(
        f"{hub.url}/dang-nhap",
        data={"username": "quantri", "password": PASSWORD, "csrf": csrf.group(1)},
        timeout=10,
    )
    assert answer.status_code == 200 and "dang-nhap" not in answer.url, answer.status_code
    return web.get(f"{hub.url}/ho-so/{dossier_id}/tep/{sha}", timeout=10)


def unsealed_copy(hub: Hub, dst: Path) -> None:
    """The same hub as one that keeps its files and its database in clear (the control)."""
    shutil.copytree(hub.data, dst)
    blob_key = load_or_create(default_key_file(hub.data))
    blobs = HubBlobs(hub.data / "blobs", blob_key)
    for sha in blobs.iter_shas():
        (dst / "blobs" / sha[:2] / sha[2:4] / sha).write_bytes(blobs.read_bytes(sha))
    sealed = sealed_db.connect(dst / "hub.db", sealed_db.database_key(blob_key))
    sealed.execute("ATTACH DATABASE ? AS plain KEY ''", (str(dst / "hub.db.plain"),))
    sealed.execute("SELECT sqlcipher_export('plain')").fetchone()
    sealed.execute("DETACH DATABASE plain")
    sealed.close()
    for name in DB_FILES:
        (dst / name).unlink(missing_ok=True)
    (dst / "hub.db.plain").rename(dst / "hub.db")


def test_no_scan_byte_in_clear_at_the_hub_and_personal_fields_only_in_its_database(sealed_home, tmp_path):
    home = sealed_home
    hub = Hub(data=tmp_path / "hub")
    hub.data.mkdir()
    hub.extra_env = {"TMPDIR": str(hub.data / "tmp")}  # the hub's own temporary files: searched too
    hub.start()
    try:
        from tests.sync.hubkit import enroll_desk

        enroll_desk(hub, home, "HK", 1)
        scan = page_file(tmp_path)
        files: dict[str, bytes] = {}
        ids = []
        for person in PEOPLE:
            dossier_id, files = receive_through_the_desk(home, person, scan)
            ids.append(dossier_id)
        report = sync(home)
        assert report.outcome == "ok" and report.pushed >= 2 and report.files_uploaded >= 3, (
            report.log_message
        )
        wanted = hub_needles(files)
        result = (
            b"GIAY TRA KET QUA " + PEOPLE[0]["full_name"].encode() + b" " + PEOPLE[0]["id_number"].encode()
        )
        result = result * 40_000  # ~2.5 MiB: more than two sealing chunks, spooled in the hub's tmp/
        wanted["agency_file"] = [result[1_000_000:1_000_048]]
        agency_upload(hub, result)
        shown = console_file(hub, ids[-1], hashlib.sha256(files["pdf"]).hexdigest())
        assert shown.status_code == 200 and shown.content == files["pdf"]
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.headers["content-disposition"].startswith("inline")
        log = hub.data.parent / f"hub-{hub.port}.log"
        names = {p.name for p in hub.data.rglob("*") if p.is_file()}
        assert {"hub.db", "hub.db-wal", "blob-key.id"} <= names and log.is_file()

        hits = search(hub.data, wanted)  # the hub still running: its -wal and -shm are on disk
        for kind, extra in search(log.parent, wanted).items():  # its log, and its key folder
            hits.setdefault(kind, []).extend(e for e in extra if e.startswith(("hub-", "hub-keys")))
    finally:
        hub.stop()
    assert {k: v for k, v in hits.items() if v} == {}, f"citizen data in clear at the hub: {hits}"

    control = tmp_path / "control"
    unsealed_copy(hub, control)
    shown = search(control, wanted)
    assert {"page", "pdf", "original", "agency_file"} <= set(shown), shown
    for kind in PERSONAL:
        assert any(Path(f).name in DB_FILES for f in shown.get(kind, [])), (kind, shown)
