"""A tus upload in progress is sealed at rest on the hub (README "The hub's blob key").

A real hub process on 127.0.0.1 (SQLite: its hub.db is sealed too, so every byte of its data folder can
be searched). A desk's scan, a PNG with a known text marker and incompressible pixels, is sent halfway
through a PATCH whose connection is then cut; every file under the hub's data folder and its log are
searched for the marker and for slices of the bytes the hub recorded: 0 hits. The upload resumes from
the hub's offset and completes; the hub's blob opens and hashes to the file's SHA-256.
A hub killed with SIGKILL in the middle of a PATCH, its last record torn, reports the end of the last
whole record as the offset (past the one it had saved: whole records are kept), refuses the stale
offset, and the upload resumes from there to a checked blob. An older hub's upload kept in clear is
removed when the hub starts.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import socket
import time
from collections.abc import Callable
from pathlib import Path

import requests
from PIL import Image, PngImagePlugin

from app.domain.ids import new_id
from app.storage.blobs import BlobStore, record_blob
from app.storage.db import open_db
from app.storage.events import append_event
from tests.central.hostile_kit import Desk, basic_header, new_desk, push_events_only, tus_metadata
from tests.sync.hubkit import Hub, next_code, received_payload
from tests.test_sealed_bytes import search

MARKER = "GIAY-KHAI-SINH Nguyễn Thị Tuyết 001199012345 0912345678".encode()
RECORD_HEAD = 12 + 4  # nonce, plaintext length (central/tus_sealed.py)
TAG = 16


def scan_png(pixels: int = 700) -> bytes:
    """A PNG of noise (it does not compress: its bytes on the wire are its pixels) with a text chunk."""
    rng = random.Random(11)
    image = Image.frombytes("RGB", (pixels, pixels), rng.randbytes(pixels * pixels * 3))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Comment", MARKER.decode())
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, compress_level=0)
    return out.getvalue()


def desk_with_scan(hub: Hub, tmp: Path, data: bytes) -> tuple[Desk, str]:
    """A desk whose received dossier names `data` as a page, its event at the hub, its file not."""
    desk = new_desk(hub, tmp / "desk", "PT", 1)
    db = open_db(desk.home / "desk.db")
    with db.transaction():
        ref = BlobStore(desk.home / "blobs").put_bytes(data)
        record_blob(db, ref, "image/png")
        page = {"sha256": ref.sha256, "size": ref.size, "mime": "image/png", "width": 100, "height": 100}
        page |= {"dpi": 300, "ocr_confidence": 90, "rotation": 0, "skew": 0, "is_blank": False}
        payload = received_payload(next_code("PT", 1), "PT", 1, [{**page, "is_color": True}])
        append_event(db, new_id(), "received", payload, "clerk1")
    db.close()
    push_events_only(desk)
    return desk, ref.sha256


def create_upload(hub: Hub, desk: Desk, sha: str, size: int) -> str:
    meta = tus_metadata({"sha256": sha, "device": desk.device_id, "filename": sha, "filetype": "image/png"})
    answer = requests.post(
        f"{hub.url}/api/v1/tus/",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": meta},
        auth=desk.auth,
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.headers["Location"].rsplit("/", 1)[1]


def head_offset(hub: Hub, desk: Desk, uid: str) -> int:
    answer = requests.head(
        f"{hub.url}/api/v1/tus/{uid}", headers={"Tus-Resumable": "1.0.0"}, auth=desk.auth, timeout=10
    )
    assert answer.status_code == 200, answer.status_code
    return int(answer.headers["Upload-Offset"])


def patch(hub: Hub, desk: Desk, uid: str, offset: int, body: bytes) -> requests.Response:
    headers = {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
    }
    return requests.patch(
        f"{hub.url}/api/v1/tus/{uid}", data=body, headers=headers, auth=desk.auth, timeout=30
    )


def cut_patch(hub: Hub, desk: Desk, uid: str, offset: int, declared: bytes, sent: int) -> socket.socket:
    """A PATCH declaring all of `declared` whose first `sent` bytes only are sent; the socket is
    returned open (the caller cuts it)."""
    sock = socket.create_connection(("127.0.0.1", hub.port), timeout=20)
    sock.sendall(
        (
            f"PATCH /api/v1/tus/{uid} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: {basic_header(desk.device_id, desk.secret)}\r\n"
            f"Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {len(declared)}\r\n\r\n"
        ).encode()
    )
    for start in range(0, sent, 65536):
        sock.sendall(declared[start : min(sent, start + 65536)])
    return sock


def records(path: Path) -> list[tuple[int, int]]:
    """(file position, plaintext length) of each whole record of a sealed upload's data file."""
    data = path.read_bytes()
    assert data[:4] == b"MCT1", data[:4]
    out, pos = [], 4
    while pos + RECORD_HEAD <= len(data):
        length = int.from_bytes(data[pos + 12 : pos + 16], "big")
        if pos + RECORD_HEAD + length + TAG > len(data):
            break
        out.append((pos, length))
        pos += RECORD_HEAD + length + TAG
    return out


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(what)


def test_an_upload_cut_halfway_leaves_no_clear_byte_at_the_hub_and_resumes_to_a_checked_blob(
    sqlite_hub: Hub, tmp_path: Path
):
    hub = sqlite_hub
    data = scan_png()
    assert MARKER in data and len(data) > 1_400_000
    desk, sha = desk_with_scan(hub, tmp_path, data)
    uid = create_upload(hub, desk, sha, len(data))
    half = len(data) // 2
    cut_patch(hub, desk, uid, 0, data, half).close()  # the connection is cut halfway
    wait_for(lambda: head_offset(hub, desk, uid) > 0, "the hub never recorded the cut PATCH's bytes")
    offset = head_offset(hub, desk, uid)
    assert 256 * 1024 <= offset <= half, offset
    slices = [data[p : p + 48] for p in range(1000, offset - 48, offset // 7)]  # pixels, PNG head
    wanted = {"marker": [MARKER, MARKER[:24], MARKER[-24:]], "scan": slices}
    log = hub.data.parent / f"hub-{hub.port}.log"
    hits = search(hub.data, wanted)  # the hub still running
    for kind, files in search(log.parent, wanted).items():
        hits.setdefault(kind, []).extend(f for f in files if f.startswith("hub-"))
    assert {k: v for k, v in hits.items() if v} == {}, f"an upload in progress in clear at the hub: {hits}"
    assert len(slices) >= 6 and all(s in data[:offset] for s in slices)  # needles that can be found
    partial = hub.data / "tus" / uid
    assert partial.stat().st_size > offset  # the bytes are on the hub's disk: sealed, as records
    assert (partial.stat().st_mode & 0o777) == 0o600

    answer = patch(hub, desk, uid, offset, data[offset:])
    assert answer.status_code == 204, answer.text
    assert not partial.exists() and not (hub.data / "tus" / f"{uid}.info").exists()
    assert hub.blob_ok(sha) and hashlib.sha256(data).hexdigest() == sha
    assert search(hub.data, wanted) == {}  # the blob is sealed too


def test_a_record_torn_by_kill_9_is_cut_and_the_upload_resumes_after_the_last_whole_one(
    sqlite_hub: Hub, tmp_path: Path
):
    hub = sqlite_hub
    data = scan_png(1100)  # 3.6 MB: the cut PATCH below gets two whole records of 1 MiB to disk
    desk, sha = desk_with_scan(hub, tmp_path, data)
    uid = create_upload(hub, desk, sha, len(data))
    first = 300_000
    assert patch(hub, desk, uid, 0, data[:first]).status_code == 204
    assert head_offset(hub, desk, uid) == first
    partial, info = hub.data / "tus" / uid, hub.data / "tus" / f"{uid}.info"
    before = partial.stat().st_size

    sock = cut_patch(hub, desk, uid, first, data[first:], 2_600_000)
    wait_for(lambda: partial.stat().st_size > before + 2 * 2**20, "the second PATCH never reached the disk")
    hub.kill()  # SIGKILL in the middle of the PATCH: its offset was never saved
    sock.close()
    assert json.loads(info.read_text())["offset"] == first
    whole = records(partial)
    last_pos, last_len = whole[-1]
    assert len(whole) >= 3 and last_len > 64
    with open(partial, "r+b") as fh:  # and its last record torn, as a write cut by the crash leaves it
        fh.truncate(last_pos + RECORD_HEAD + last_len // 2)
    kept = sum(length for _, length in whole[:-1])
    assert kept > first

    hub.start()
    assert head_offset(hub, desk, uid) == kept  # the end of the last whole record
    assert partial.stat().st_size == last_pos  # the torn record is cut
    assert json.loads(info.read_text())["offset"] == kept
    assert patch(hub, desk, uid, first, data[first:]).status_code == 409  # the stale offset
    answer = patch(hub, desk, uid, kept, data[kept:])
    assert answer.status_code == 204, answer.text
    assert hub.blob_ok(sha) and not partial.exists()


def test_an_older_hubs_upload_in_clear_is_removed_at_start(tmp_path: Path):
    hub = Hub(data=tmp_path / "hub")
    (hub.data / "tus").mkdir(parents=True)
    clear, info = hub.data / "tus" / ("ab" * 16), hub.data / "tus" / f"{'ab' * 16}.info"
    clear.write_bytes(scan_png()[:400_000])  # what tuspyserver appended in clear before this change
    info.write_text(json.dumps({"offset": 400_000, "size": 1_500_000, "metadata": {"device": "d"}}))
    empty = hub.data / "tus" / ("cd" * 16)
    empty.touch()  # created, no byte yet: nothing in clear, kept
    hub.start()
    try:
        assert not clear.exists() and not info.exists() and empty.exists()
        assert search(hub.data, {"marker": [MARKER]}) == {}
    finally:
        hub.stop()


def test_a_sealed_record_changed_on_disk_fails_the_upload_with_422_and_stores_nothing(
    sqlite_hub: Hub, tmp_path: Path
):
    hub = sqlite_hub
    data = scan_png()
    desk, sha = desk_with_scan(hub, tmp_path, data)
    uid = create_upload(hub, desk, sha, len(data))
    assert patch(hub, desk, uid, 0, data[:500_000]).status_code == 204
    partial = hub.data / "tus" / uid
    pos, _ = records(partial)[0]
    with open(partial, "r+b") as fh:  # one byte of the first record's ciphertext
        fh.seek(pos + RECORD_HEAD + 100)
        byte = fh.read(1)
        fh.seek(pos + RECORD_HEAD + 100)
        fh.write(bytes([byte[0] ^ 1]))
    answer = patch(hub, desk, uid, 500_000, data[500_000:])
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "hash_mismatch", answer.text
    assert not partial.exists() and not (hub.data / "tus" / f"{uid}.info").exists()
    assert not hub.blob_ok(sha) and not list((hub.data / "blobs").rglob("*.tmp"))
