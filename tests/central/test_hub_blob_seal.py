"""The hub's files sealed at rest: AES-256-GCM in chunks under a key kept outside the data folder.

The sealed format round-trips at chunk edges and refuses any change; the key is made owner-only beside
(not in) the data folder, and a malformed one stops the hub with a clear message; a hub started with
another key serves no file and says why, and serves again with its own; an older hub's clear files are
sealed in place (at start, and by `python -m central blobs seal` killed -9 at several moments) with
nothing lost; an agency's upload never lies in clear in the hub's temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from central.blob_key import default_key_file, load_or_create
from central.blobs import CHUNK, BlobUnavailable, HubBlobs, Spool
from tests.central.hostile_kit import make_victim
from tests.sync.hubkit import ROOT, Hub, env, run_py

SIZES = [0, 1, 4095, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7]


def store(tmp_path: Path) -> HubBlobs:
    return HubBlobs(tmp_path / "blobs", secrets.token_bytes(32))


def test_sealed_files_round_trip_at_chunk_edges_and_hold_no_clear_byte(tmp_path: Path):
    blobs = store(tmp_path)
    for size in SIZES:
        data = secrets.token_bytes(size)
        sha = blobs.put_bytes(data)
        assert blobs.is_sealed(sha) and blobs.size(sha) == size
        assert blobs.read_bytes(sha) == data and blobs.verify(sha)
        raw = blobs.path(sha).read_bytes()
        if size >= 64:
            assert data[size // 2 : size // 2 + 32] not in raw
        assert stat.S_IMODE(blobs.path(sha).stat().st_mode) == 0o600
    assert not list(blobs.root.rglob(".*.tmp"))


@pytest.mark.parametrize("change", ["flip_first", "flip_last", "cut_tail", "drop_last_chunk", "rename"])
def test_a_changed_sealed_file_does_not_open(tmp_path: Path, change: str):
    blobs = store(tmp_path)
    data = secrets.token_bytes(2 * CHUNK + 100)
    sha = blobs.put_bytes(data)
    path = blobs.path(sha)
    raw = bytearray(path.read_bytes())
    if change == "flip_first":
        raw[40] ^= 1
    elif change == "flip_last":
        raw[-3] ^= 1
    elif change == "cut_tail":
        del raw[-16:]
    elif change == "drop_last_chunk":
        del raw[12 + 2 * (CHUNK + 16) :]  # two whole chunks, the last one gone
    if change == "rename":  # the sealed bytes of one file under the name of another
        other = blobs.put_bytes(b"another file")
        blobs.path(other).write_bytes(bytes(raw))
        sha = other
    else:
        path.write_bytes(bytes(raw))
    assert not blobs.verify(sha)
    if change in ("flip_first", "rename"):
        with pytest.raises(BlobUnavailable):  # refused before a byte is sent
            blobs.stream(sha)


def test_an_agency_upload_is_spooled_sealed_and_stored_under_its_hash(tmp_path: Path):
    blobs = store(tmp_path)
    data = b"KET QUA: Pham Thi Kieu Trang 001303004512 " * 50_000  # ~2 MiB, three chunks
    spool = Spool(tmp_path / "tmp")
    for i in range(0, len(data), 65536):
        spool.write(data[i : i + 65536])
    spool.finish()
    assert b"001303004512" not in spool.path.read_bytes()
    sha, size = blobs.adopt_spool(spool)
    spool.discard()
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert blobs.read_bytes(sha) == data
    assert not any(b"001303004512" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def central(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return run_py("-m", "central", *args, check=check)


def test_the_key_is_made_beside_the_data_folder_owner_only_and_a_bad_key_stops_the_hub(tmp_path: Path):
    data = tmp_path / "hub"
    done = central("blobs", "check", "--data", str(data))
    assert done.returncode == 0, done.stderr
    key = tmp_path / "hub-keys" / "blob.key"
    assert default_key_file(data) == key and not list(data.rglob("*.key"))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    first = key.read_text()
    assert central("blobs", "check", "--data", str(data)).returncode == 0 and key.read_text() == first

    short = tmp_path / "short.key"
    short.write_text("ab" * 31 + "\n")
    bad = central("serve", "--port", "1", "--data", str(data), "--blob-key", str(short))
    assert bad.returncode != 0 and "not a key (want 64 hex digits" in bad.stderr
    assert short.read_text() == "ab" * 31 + "\n"  # never replaced
    folder = tmp_path / "a-folder.key"
    folder.mkdir()
    bad = central("serve", "--port", "1", "--data", str(data), "--blob-key", str(folder))
    assert bad.returncode != 0 and "cannot be read (IsADirectoryError)" in bad.stderr


def content(hub: Hub, auth: tuple[str, str], sha: str) -> requests.Response:
    return requests.get(f"{hub.url}/api/v1/files/{sha}/content", auth=auth, timeout=10)


def desk_bytes(home: Path, sha: str) -> bytes:
    from app.storage import BlobStore

    return BlobStore(home / "blobs").read_bytes(sha)


@pytest.mark.parametrize("store", ["postgresql", "sqlite"])
def test_a_hub_started_with_another_key_serves_no_file_and_says_why(
    tmp_path: Path, store: str, request: pytest.FixtureRequest
):
    """On PostgreSQL the hub keeps running and serves no file; on SQLite its hub.db is sealed under a
    key derived from the same key file, so the hub does not start at all (tests/central/test_hub_db_seal.py)."""
    db_url = request.getfixturevalue("postgres").new_database() if store == "postgresql" else None
    hub = Hub(data=tmp_path / "hub", db_url=db_url)
    hub.data.mkdir()
    hub.start()
    try:
        victim = make_victim(hub, tmp_path)
        sha = victim.shas[0]
        answer = content(hub, victim.desk.auth, sha)
        assert answer.status_code == 200 and answer.content == desk_bytes(victim.desk.home, sha)
        assert hub.blob_ok(sha)
    finally:
        hub.stop()
    sealed = hub.data.joinpath("blobs", sha[:2], sha[2:4], sha).read_bytes()
    other = tmp_path / "elsewhere" / "blob.key"
    wrong = Hub(data=hub.data, db_url=db_url, extra_env={"MOTCUA_HUB_BLOB_KEY_FILE": str(other)})
    if store == "sqlite":
        db_before = (hub.data / "hub.db").read_bytes()
        with pytest.raises(RuntimeError, match="hub exited with 1"):
            wrong.start()
        log = (hub.data.parent / f"hub-{wrong.port}.log").read_text()
        assert f"does not open with the key in {other}" in log and "Traceback" not in log
        assert (hub.data / "hub.db").read_bytes() == db_before
    else:
        wrong.start()
        try:
            assert content(wrong, victim.desk.auth, sha).status_code == 503
            assert requests.get(wrong.url + "/api/v1/health", timeout=5).status_code == 200  # alive
        finally:
            wrong.stop()
        log = (hub.data.parent / f"hub-{wrong.port}.log").read_text()
        assert "hub blob key does not match the key the files in" in log
        assert f"file {sha[:12]}: not served, the hub runs with another blob key" in log
    assert hub.data.joinpath("blobs", sha[:2], sha[2:4], sha).read_bytes() == sealed  # untouched
    again = Hub(data=hub.data, db_url=db_url).start()
    try:
        assert content(again, victim.desk.auth, sha).content == desk_bytes(victim.desk.home, sha)
    finally:
        again.stop()


def unseal_in_place(data: Path) -> list[str]:
    """Turn the hub's blobs back into clear files, as a hub before sealing kept them."""
    blobs = HubBlobs(data / "blobs", load_or_create(default_key_file(data)))
    shas = sorted(blobs.iter_shas())
    for sha in shas:
        blobs.path(sha).write_bytes(blobs.read_bytes(sha))
    return shas


def test_an_older_hubs_clear_files_are_sealed_at_start_and_still_served(tmp_path: Path):
    hub = Hub(data=tmp_path / "hub")
    hub.data.mkdir()
    hub.start()
    victim = make_victim(hub, tmp_path)
    hub.stop()
    shas = unseal_in_place(hub.data)
    blobs = HubBlobs(hub.data / "blobs", load_or_create(default_key_file(hub.data)))
    assert shas and not any(blobs.is_sealed(s) for s in shas)
    hub.start()
    try:
        assert all(blobs.is_sealed(s) and hub.blob_ok(s) for s in shas)
        for sha in victim.shas:
            assert content(hub, victim.desk.auth, sha).content == desk_bytes(victim.desk.home, sha)
    finally:
        hub.stop()


def sealed_count(blobs: HubBlobs, shas: list[str]) -> int:
    n = 0
    for sha in shas:
        with contextlib.suppress(OSError):
            n += blobs.is_sealed(sha)
    return n


def test_sealing_in_place_killed_9_at_several_moments_loses_nothing(tmp_path: Path):
    data = tmp_path / "hub"
    key = load_or_create(default_key_file(data))
    blobs = HubBlobs(data / "blobs", key)
    clear: dict[str, bytes] = {}
    for i in range(600):  # an older hub's files: in clear under their SHA-256
        body = hashlib.sha256(f"page {i}".encode()).digest() * 1024 * (1 + i % 3)
        sha = hashlib.sha256(body).hexdigest()
        blobs.path(sha).parent.mkdir(parents=True, exist_ok=True)
        blobs.path(sha).write_bytes(body)
        clear[sha] = body
    shas = sorted(clear)
    targets = [0.1, 0.3, 0.5, 0.7, 0.9]
    kills_mid_way = 0
    for target in targets:
        before = sealed_count(blobs, shas)
        proc = subprocess.Popen(
            [sys.executable, "-m", "central", "blobs", "seal", "--data", str(data)],
            cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        goal = before + max(1, int((len(shas) - before) * target))
        deadline = time.monotonic() + 120
        while proc.poll() is None and sealed_count(blobs, shas) < goal and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.kill()  # SIGKILL
        proc.wait(10)
        after = sealed_count(blobs, shas)
        kills_mid_way += proc.returncode == -9 and before < after < len(shas)
        for sha in shas:  # after every kill: each file whole, sealed or still in clear
            assert blobs.read_bytes(sha) == clear[sha], sha
        for tmp in blobs.root.glob("??/??/.*.tmp"):  # a killed write leaves only ciphertext
            raw = tmp.read_bytes()
            assert not any(body[:64] in raw for body in clear.values())
    print(f"kill -9 landed mid-way {kills_mid_way} times of {len(targets)}")
    assert kills_mid_way >= 3, f"only {kills_mid_way} kills landed mid-way"
    done = central("blobs", "seal", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert (
        central("blobs", "check", "--data", str(data)).stdout.strip() == f"sealed={len(shas)} clear=0 bad=0"
    )
    assert all(blobs.read_bytes(s) == clear[s] and blobs.is_sealed(s) for s in shas)
    on_disk = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert not any(body[:64] in on_disk for body in list(clear.values())[:50])


SPY = Path(__file__).parent / "tmp_spy"
OPERATOR_PASSWORD = "mat-khau-thu-nghiem"


def console_session(hub: Hub) -> requests.Session:
    done = subprocess.run(
        [sys.executable, "-m", "central", "operator", "add", "--role", "admin", "quantri", *hub.store_args()],
        cwd=ROOT, env={**env(), "MOTCUA_OPERATOR_PASSWORD": OPERATOR_PASSWORD}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    web = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', web.get(f"{hub.url}/dang-nhap", timeout=10).text)
    assert csrf
    form = {"username": "quantri", "password": OPERATOR_PASSWORD, "csrf": csrf.group(1)}
    assert "dang-nhap" not in web.post(f"{hub.url}/dang-nhap", data=form, timeout=10).url
    return web


def test_a_result_posted_from_the_console_never_lies_in_a_temporary_file(tmp_path: Path):
    """3 MiB posted on the decision form: starlette would roll it over to a temporary file, and the
    decision code wrote it to a temporary folder; the hub's every open in its TMPDIR is recorded."""
    spy_log, hub_tmp = tmp_path / "spy.log", tmp_path / "hub-tmp"
    hub_tmp.mkdir()
    spy_env = {"TMPDIR": str(hub_tmp), "MOTCUA_TEST_TMP_SPY": str(spy_log)}
    hub = Hub(data=tmp_path / "hub", extra_env={**spy_env, "PYTHONPATH": f"{SPY}{os.pathsep}{ROOT}"})
    hub.data.mkdir()
    hub.start()
    try:
        victim = make_victim(hub, tmp_path)
        hub.agency_post(victim.code, "accepted")
        web = console_session(hub)
        page = web.get(f"{hub.url}/ho-so/{victim.dossier_id}", timeout=10).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        result = b"%PDF-1.4 GIAY TRA KET QUA Pham Thi Kieu Trang 001303004512\n" * 52_000  # ~3 MiB
        opened_before = spy_log.read_text() if spy_log.exists() else ""
        answer = web.post(
            f"{hub.url}/co-quan/{victim.dossier_id}/quyet-dinh",
            data={"action": "result_ready", "note": "", "new_due_date": "", "csrf": csrf.group(1)},
            files={"result": ("ket-qua.pdf", result, "application/pdf")},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 303 and "da-luu=1" in answer.headers["location"], answer.status_code
        opened = (spy_log.read_text() if spy_log.exists() else "")[len(opened_before) :]
        sha = hashlib.sha256(result).hexdigest()
        shown = web.get(f"{hub.url}/ho-so/{victim.dossier_id}/tep/{sha}", timeout=10)
        assert shown.status_code == 200 and shown.content == result  # opened in memory for the view
        assert hub.blob_ok(sha)
    finally:
        hub.stop()
    assert opened == "", f"the hub wrote to its temporary folder while storing the result:\n{opened}"
    needle = result[1_500_000:1_500_064]
    assert not [
        p for p in [*hub.data.rglob("*"), *hub_tmp.rglob("*")] if p.is_file() and needle in p.read_bytes()
    ]
