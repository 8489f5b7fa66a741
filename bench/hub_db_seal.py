"""The SQLite hub's database sealed (SQLCipher 4) against the same hub in clear, measured in alternation.

python bench/hub_db_seal.py [--rounds 3] [--batches 40] [--batch 25]

Each round builds two fresh hub databases, one plain and one sealed, in alternation, and through the
hub's own ingest path in-process (authenticate, validate, store, refold; no HTTP) pushes the same
number of `received` events; then reads every event back and runs 200 dossier lookups by code.
Prints events/s and the read times for both, and the sealed/plain ratios (median over the rounds).

python bench/hub_db_seal.py --uploads --before REV [--upload-mb 20] [--chunk 262144] [--rounds 3]

Uploads instead: two real hub processes on 127.0.0.1 (SQLite), one of this tree and one of the tree at
git revision REV (exported with `git archive`; say, the last commit before uploads in progress were
sealed), each sent fresh files of --upload-mb MB by the desk's own tus client (`HubTransport.upload`,
--chunk bytes per PATCH), in alternation. The time runs from the upload's creation to the answer of
its last PATCH (the hash check and the sealing into the blob store included). Prints MB/s for both and
this/before (median over the rounds).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "sync"))

from sqlalchemy import text  # noqa: E402

from central import ingest as hub_ingest  # noqa: E402
from central.auth import authenticate_device  # noqa: E402
from central.core.db import Database, migrate  # noqa: E402
from central.crud import create_enroll_code, redeem_enroll_code  # noqa: E402
from sync.protocol import PushRequest  # noqa: E402


def one(sealed: bool, batches: int, size: int) -> dict[str, float]:
    from ingest import Desk  # bench/sync/ingest.py

    tmp = Path(tempfile.mkdtemp(prefix="hubseal-"))
    database = Database(f"sqlite:///{tmp / 'hub.db'}", db_key=secrets.token_bytes(32) if sealed else None)
    migrate(database.engine)
    with database.session() as s:
        code = create_enroll_code(s, "PX", 1, 1, "BX.00.H26")
    with database.session() as s:
        redeemed = redeem_enroll_code(s, code, "bench")
    assert redeemed is not None
    device, secret, _ = redeemed
    header = "Basic " + base64.b64encode(f"{device.id}:{secret}".encode()).decode()
    desk = Desk("PX", 1, "BX.00.H26")
    bodies = [
        json.dumps({"events": [e.model_dump() for e in desk.batch(device.id, size)]}).encode()
        for _ in range(batches)
    ]
    t0 = time.perf_counter()
    for raw in bodies:
        who = authenticate_device(database, header)
        body = PushRequest.model_validate_json(raw)
        with database.session() as s:
            assert len(hub_ingest.push(s, who, body.events).stored) == size
    push_s = time.perf_counter() - t0
    database.engine.dispose()  # reads from a cold pool, as after a restart
    t0 = time.perf_counter()
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM events")).all()
        codes = [r[0] for r in conn.execute(text("SELECT code FROM dossiers")).all()]
    scan_s = time.perf_counter() - t0
    assert len(rows) == batches * size
    t0 = time.perf_counter()
    with database.engine.connect() as conn:
        for c in codes[:: max(1, len(codes) // 200)][:200]:
            conn.execute(text("SELECT state_json FROM dossiers WHERE code = :c"), {"c": c}).one()
    lookup_s = time.perf_counter() - t0
    database.engine.dispose()
    return {"events_per_s": batches * size / push_s, "scan_ms": scan_s * 1000, "lookups_ms": lookup_s * 1000}


class UploadHub:
    """A hub process of `tree` with one enrolled desk, ready to be sent files."""

    def __init__(self, tree: Path, label: str) -> None:
        import requests

        from sync.transport import Credentials, HubTransport
        from tests.sync.hubkit import Hub, free_port

        self.tree, self.label = tree, label
        self.hub = Hub(data=Path(tempfile.mkdtemp(prefix=f"upload-{label}-")) / "hub", port=free_port())
        self.hub.data.mkdir()
        env = {**os.environ, "PYTHONPATH": str(tree)}
        enroll = ["enroll-code", "--point", "PU", "--desk", "1", "--agency-code", "BU.00.H26"]
        code = subprocess.run(
            [sys.executable, "-m", "central", *enroll, *self.hub.store_args()],
            cwd=tree, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        log = open(self.hub.data.parent / "hub.log", "ab")  # noqa: SIM115
        self.hub.proc = subprocess.Popen(
            [sys.executable, "-m", "central", "serve", "--port", str(self.hub.port), *self.hub.store_args()],
            cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(600):
            try:
                if requests.get(self.hub.url + "/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        answer = requests.post(f"{self.hub.url}/api/v1/enroll", json={"code": code}, timeout=10).json()
        self.transport = HubTransport(self.hub.url, Credentials(answer["device_id"], answer["secret"]))
        self.device, self.sent = answer["device_id"], 0

    def upload_s(self, data: bytes, chunk: int) -> float:
        """Name the file in a `received` event, then send it; the seconds the upload took."""
        from app.domain.hlc import HybridClock
        from app.domain.ids import new_id
        from sync.protocol import WireEvent
        from tests.sync.hubkit import received_payload

        sha = hashlib.sha256(data).hexdigest()
        page = {"sha256": sha, "size": len(data), "mime": "image/png", "width": 100, "height": 100}
        page |= {"dpi": 300, "ocr_confidence": 90, "rotation": 0, "skew": 0}
        page |= {"is_blank": False, "is_color": False}
        self.sent += 1
        code = f"BU.00.H26-261201-{1000 + self.sent:04d}"
        event = WireEvent(
            id=new_id(), dossier_id=new_id(), type="received", at=str(HybridClock().tick()), actor="clerk",
            device=self.device, payload=received_payload(code, "PU", 1, [page]),
        )  # fmt: skip
        assert len(self.transport.push([event]).stored) == 1
        t0 = time.perf_counter()
        self.transport.upload(data, sha, None, lambda url: None, chunk, lambda d, t: None, lambda: False)
        elapsed = time.perf_counter() - t0
        status = self.transport.file_status(sha)
        assert status is not None and status.complete, f"{self.label}: {sha[:12]} not at the hub"
        return elapsed

    def stop(self) -> None:
        self.transport.close()
        self.hub.stop()


def uploads(args: argparse.Namespace) -> None:
    before = Path(tempfile.mkdtemp(prefix="upload-before-"))
    archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
    hubs = {"before": UploadHub(before, "before"), "this": UploadHub(ROOT, "this")}
    size = int(args.upload_mb * 1_000_000)
    times: dict[str, list[float]] = {"before": [], "this": []}
    try:
        for r in range(args.rounds):
            for label in ("before", "this") if r % 2 == 0 else ("this", "before"):
                times[label].append(hubs[label].upload_s(secrets.token_bytes(size), args.chunk))
    finally:
        for h in hubs.values():
            h.stop()
    rate = {k: args.upload_mb / statistics.median(v) for k, v in times.items()}
    spread = {k: f"{args.upload_mb / max(v):.1f}-{args.upload_mb / min(v):.1f}" for k, v in times.items()}
    pairs = [b / t for b, t in zip(times["before"], times["this"], strict=True)]  # rounds side by side
    print(f"upload of {args.upload_mb:g} MB in PATCHes of {args.chunk} bytes, median of {args.rounds}:")
    print(f"  before ({args.before}, in clear)  {rate['before']:7.1f} MB/s  (rounds {spread['before']})")
    print(f"  this tree (sealed)  {rate['this']:7.1f} MB/s  (rounds {spread['this']})")
    print(f"  this/before {rate['this'] / rate['before']:.2f}; median of the rounds' ratios "
          f"{statistics.median(pairs):.2f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--uploads", action="store_true", help="tus uploads, this tree against --before")
    ap.add_argument("--before", default="", help="git revision of the tree to compare uploads with")
    ap.add_argument("--upload-mb", type=float, default=20.0)
    ap.add_argument("--chunk", type=int, default=256 * 1024, help="bytes per PATCH (the desk's)")
    args = ap.parse_args()
    if args.uploads:
        if not args.before:
            ap.error("--uploads needs --before REV")
        uploads(args)
        return
    runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for r in range(args.rounds):
        for sealed in (r % 2 == 1, r % 2 == 0):  # alternate which goes first
            runs[sealed].append(one(sealed, args.batches, args.batch))
    for metric in ("events_per_s", "scan_ms", "lookups_ms"):
        plain = statistics.median(x[metric] for x in runs[False])
        sealed_v = statistics.median(x[metric] for x in runs[True])
        print(
            f"{metric:14} plain {plain:10.1f}  sealed {sealed_v:10.1f}  sealed/plain {sealed_v / plain:.2f}"
        )


if __name__ == "__main__":
    main()
