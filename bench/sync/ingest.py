"""Hub ingest on PostgreSQL: N concurrent desks pushing batches of events. Prints events/s and latency.

python bench/sync/ingest.py [--desks 100] [--batches 10] [--batch 10] [--workers 2] [--rates 300,500,600]

First a closed loop (every desk pushes back to back: the saturation throughput; its latency is
queueing). Then, with --rates, an open loop per rate R events/s: each desk sends a batch at Poisson
arrivals (mean interval desks*batch/R) for --duration seconds. Latency is measured from the
scheduled send time, so a late load generator or a queueing hub both count (no coordinated
omission). The load generator runs on the same cores as the hub and PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
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
    ap.add_argument("--rates", default="", help="comma-separated events/s for open-loop runs")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per open-loop rate")
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
        rates = [float(r) for r in args.rates.split(",") if r]
        if rates:
            print(
                "\n| offered events/s | achieved events/s | batches | batch p50 ms | batch p99 ms | max ms |"
            )
            print("|---|---|---|---|---|---|")
        for rate in rates:
            sent = _open_loop(transports, codes, rate, args.duration, args.batch)
            total += sent[0]
        stored = len(hub.events())
        print(f"hub stored {stored} events (expected {total})")
        hub.stop()
    finally:
        pg.stop()


def _batch(point: str, device: str, clock: HybridClock, size: int) -> list[WireEvent]:
    return [
        WireEvent(
            id=new_id(),
            dossier_id=new_id(),
            type="received",
            at=str(clock.tick()),
            actor="clerk",
            device=device,
            payload=received_payload(f"{point}-{new_id()[-12:]}", point, 1, []),
        )
        for _ in range(size)
    ]


def _open_loop(
    transports: list[HubTransport], codes: list[tuple[str, str]], rate: float, duration: float, size: int
) -> tuple[int, float]:
    """Every desk sends batches at Poisson arrivals; returns (events sent, seconds)."""
    desks = len(transports)
    mean_gap = desks * size / rate
    plans = []
    for i in range(desks):  # batches built before the clock starts: the generator's CPU is the hub's too
        rng, t, at = random.Random(i), 0.0, []
        while (t := t + rng.expovariate(1 / mean_gap)) < duration:
            at.append(t)
        clock = HybridClock()
        plans.append([(when, _batch(codes[i][0], f"dev{i}", clock, size)) for when in at])
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def desk(i: int) -> None:
        for when, batch in plans[i]:
            scheduled = start + when
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            answer = transports[i].push(batch)
            dt = time.perf_counter() - scheduled
            assert len(answer.stored) == len(batch)
            with lock:
                latencies.append(dt)

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    sent = sum(len(p) for p in plans) * size
    q = statistics.quantiles(latencies, n=100)
    print(
        f"| {rate:.0f} | {sent / elapsed:.0f} | {len(latencies)} | {q[49] * 1000:.0f} | "
        f"{q[98] * 1000:.0f} | {max(latencies) * 1000:.0f} |"
    )
    return sent, elapsed


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
