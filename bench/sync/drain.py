"""50 desks' queued dossiers with scans through one bandwidth-limited link (a proxy on loopback).

Prints: time until the first dossier is visible at the hub, time to drain every desk, and bytes on
the wire / payload bytes (payload = event JSON + file bytes), without cuts and with N cuts.

    python bench/sync/drain.py [--desks 50] [--kbit 2000] [--pages 2] [--page-kb 100] [--cuts 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from app.storage.db import open_db  # noqa: E402
from central.core.config import HubSettings  # noqa: E402
from central.core.db import migrate, open_database  # noqa: E402
from central.crud import create_enroll_code  # noqa: E402
from sync.engine import SyncConfig, run_once  # noqa: E402
from sync.enroll import enroll, load_identity  # noqa: E402
from tests.sync.hubkit import Hub, make_dossier, outbox_empty  # noqa: E402
from tests.sync.proxy import CutPlan, FaultProxy  # noqa: E402


def payload_bytes(home: Path) -> int:
    db = open_db(home / "desk.db")
    try:
        events = sum(len(r[0]) + 200 for r in db.conn.execute("SELECT payload FROM events"))
        files = db.conn.execute("SELECT coalesce(sum(size), 0) FROM blobs").fetchone()[0]
        return int(events + files)
    finally:
        db.close()


def run(args: argparse.Namespace, cuts: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="drain-"))
    hub = Hub(data=tmp / "hub")
    hub.data.mkdir()
    db = open_database(HubSettings(data_dir=hub.data))
    migrate(db.engine)
    with db.session() as s:
        codes = [create_enroll_code(s, f"P{i:02d}", 1, 1) for i in range(args.desks)]
    db.engine.dispose()
    hub.start()
    homes = []
    for i, code in enumerate(codes):
        home = tmp / f"desk{i}"
        enroll(home, hub.url, code)
        for d in range(args.dossiers):
            make_dossier(home, f"P{i:02d}", 1, pages=args.pages, page_size=args.page_kb * 1024, seed=d)
        homes.append(home)
    payload = sum(payload_bytes(h) for h in homes)
    proxy = FaultProxy(
        hub.port, CutPlan(cuts=cuts, low=1, high=args.page_kb * 1024 * 3), bytes_per_s=args.kbit * 1000 / 8
    )
    engine = hub.engine()
    first: list[float] = []
    done = threading.Event()

    def watch(t0: float) -> None:
        while not done.is_set():
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM dossiers")).scalar():
                    first.append(time.perf_counter() - t0)
                    return
            time.sleep(0.05)

    def desk(home: Path) -> None:
        _, creds = load_identity(home)
        config = SyncConfig(
            home=home, hub_url=proxy.url, credentials=creds, chunk_size=4 * 1024 * 1024, timeout=(10.0, 120.0)
        )
        for _ in range(200):
            report = run_once(config, lambda d, t: None, lambda: False)
            if report.outcome == "ok" and outbox_empty(home):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{home.name} did not drain")

    t0 = time.perf_counter()
    threading.Thread(target=watch, args=(t0,), daemon=True).start()
    threads = [threading.Thread(target=desk, args=(h,)) for h in homes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drain = time.perf_counter() - t0
    done.set()
    files_ok = all(d["files_complete"] for d in hub.dossiers())
    hub.stop()
    proxy.close()
    return {
        "cuts": proxy.plan.done,
        "first_s": first[0] if first else float("nan"),
        "drain_s": drain,
        "payload_mb": payload / 1e6,
        "wire_mb": proxy.wire_bytes / 1e6,
        "ratio": proxy.wire_bytes / payload,
        "files_ok": files_ok,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--desks", type=int, default=50)
    ap.add_argument("--dossiers", type=int, default=1)
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--page-kb", type=int, default=100)
    ap.add_argument("--kbit", type=float, default=2000)
    ap.add_argument("--cuts", type=int, default=20)
    args = ap.parse_args()
    rows = [run(args, 0), run(args, args.cuts)]
    print(
        f"{args.desks} desks x {args.dossiers} dossier(s) x {args.pages} pages x {args.page_kb} KB, "
        f"link {args.kbit:.0f} kbit/s"
    )
    print("| cuts | first dossier at hub (s) | drain (s) | payload MB | wire MB | wire/payload | files ok |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['cuts']} | {r['first_s']:.2f} | {r['drain_s']:.1f} | {r['payload_mb']:.2f} | "
            f"{r['wire_mb']:.2f} | {r['ratio']:.3f} | {r['files_ok']} |"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
