"""The SQLite hub's database sealed (SQLCipher 4) against the same hub in clear, measured in alternation.

python bench/hub_db_seal.py [--rounds 3] [--batches 40] [--batch 25]

Each round builds two fresh hub databases, one plain and one sealed, in alternation, and through the
hub's own ingest path in-process (authenticate, validate, store, refold; no HTTP) pushes the same
number of `received` events; then reads every event back and runs 200 dossier lookups by code.
Prints events/s and the read times for both, and the sealed/plain ratios (median over the rounds).
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import statistics
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--batch", type=int, default=25)
    args = ap.parse_args()
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
