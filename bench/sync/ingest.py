"""Hub ingest on PostgreSQL: N concurrent desks pushing batches of events. Prints events/s and latency.

python bench/sync/ingest.py [--desks 100] [--batches 10] [--batch 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.hlc import HybridClock  # noqa: E402
from app.domain.ids import new_id  # noqa: E402
from central.core.db import Database, migrate  # noqa: E402
from central.crud import create_enroll_code  # noqa: E402
from sync.protocol import WireEvent  # noqa: E402
from sync.transport import HubTransport  # noqa: E402
from tests.sync.hubkit import Hub, Postgres, received_payload  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--desks", type=int, default=100)
    ap.add_argument("--points", type=int, default=25)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    pg = Postgres()
    tmp = Path(tempfile.mkdtemp(prefix="ingest-"))
    try:
        url = pg.new_database()
        db = Database(url)
        migrate(db.engine)
        codes = []
        with db.session() as s:
            for i in range(args.desks):
                codes.append(
                    (f"P{i % args.points:02d}", create_enroll_code(s, f"P{i % args.points:02d}", i + 1, 1))
                )
        db.engine.dispose()
        hub = Hub(data=tmp / "hub", db_url=url)
        hub.data.mkdir()
        hub.proc = None
        _start(hub, args.workers)
        transports = []
        for _, code in codes:
            answer = HubTransport(hub.url).enroll(code)
            from sync.transport import Credentials

            transports.append(HubTransport(hub.url, Credentials(answer.device_id, answer.secret)))
        latencies: list[float] = []
        lock = threading.Lock()

        def desk(i: int) -> None:
            point = codes[i][0]
            clock = HybridClock()
            for _ in range(args.batches):
                batch = [
                    WireEvent(
                        id=new_id(),
                        dossier_id=new_id(),
                        type="received",
                        at=str(clock.tick()),
                        actor="clerk",
                        device=f"dev{i}",
                        payload=received_payload(f"{point}-{new_id()[-12:]}", point, 1, []),
                    )
                    for _ in range(args.batch)
                ]
                t0 = time.perf_counter()
                answer = transports[i].push(batch)
                dt = time.perf_counter() - t0
                assert len(answer.stored) == len(batch)
                with lock:
                    latencies.append(dt)

        threads = [threading.Thread(target=desk, args=(i,)) for i in range(args.desks)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        total = args.desks * args.batches * args.batch
        q = statistics.quantiles(latencies, n=100)
        print("| desks | workers | events | seconds | events/s | batch p50 ms | batch p99 ms |")
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {args.desks} | {args.workers} | {total} | {elapsed:.1f} | {total / elapsed:.0f} | "
            f"{q[49] * 1000:.0f} | {q[98] * 1000:.0f} |"
        )
        stored = len(hub.events())
        print(f"hub stored {stored} events (expected {total})")
        hub.stop()
    finally:
        pg.stop()


def _start(hub: Hub, workers: int) -> None:
    import subprocess

    import requests

    from tests.sync.hubkit import env

    log = open(hub.data.parent / "hub.log", "ab")  # noqa: SIM115
    hub.proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central",
            "serve",
            "--port",
            str(hub.port),
            "--workers",
            str(workers),
            *hub.store_args(),
        ],
        cwd=ROOT,
        env=env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(600):
        try:
            if requests.get(hub.url + "/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("hub did not start")


if __name__ == "__main__":
    main()
