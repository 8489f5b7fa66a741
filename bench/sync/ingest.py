"""Hub ingest on PostgreSQL: N concurrent desks pushing batches of events. Prints events/s and latency.

python bench/sync/ingest.py [--desks 100] [--batches 10] [--batch 10] [--workers 2] [--rates 500,1000]
                            [--reference DIR] [--profile] [--fsync]

First a closed loop (every desk pushes back to back: the saturation throughput; its latency is
queueing). Then, with --rates, an open loop per rate R events/s: each desk sends a batch at Poisson
arrivals (mean interval desks*batch/R) for --duration seconds. Latency is measured from the
scheduled send time, so a late load generator or a queueing hub both count (no coordinated
omission). The load generator runs on the same cores as the hub and PostgreSQL.

--reference DIR runs the same load first against a hub started from another checkout (say, the
previous release), so both sets of figures come from one run on the same machine. The events are
the same for both: valid dossier codes of each desk's point and range. --profile then profiles one
push path in-process (pyinstrument) and prints where the time goes.

The throwaway PostgreSQL cluster runs with fsync=off unless --fsync is given; either way the hub's
sessions keep synchronous_commit on (the server's default: a push is acknowledged once committed).
With fsync=off a commit does not wait for the WAL to reach the disk, so --fsync is the figure a
production server (fsync on) would give on this machine's disk.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from app.domain.hlc import HybridClock  # noqa: E402
from app.domain.ids import new_id  # noqa: E402
from sync.errors import OfflineError  # noqa: E402
from sync.protocol import PushResponse, WireEvent  # noqa: E402
from sync.transport import Credentials, HubTransport  # noqa: E402
from tests.sync.hubkit import Hub, Postgres, received_payload  # noqa: E402

CODES_SCRIPT = """
import inspect, json, sys
from central.core.db import Database, migrate
from central.crud import create_enroll_code
db = Database(sys.argv[1]); migrate(db.engine)
takes_agency = "agency_code" in inspect.signature(create_enroll_code).parameters
with db.session() as s:
    print(json.dumps([
        create_enroll_code(s, p, d, 1, a) if takes_agency else create_enroll_code(s, p, d, 1)
        for p, d, a in json.loads(sys.argv[2])
    ]))
"""


@dataclass
class Desk:
    point: str
    number: int
    agency_code: str
    clock: HybridClock = field(default_factory=HybridClock)
    issued: int = 0

    def code(self) -> str:
        n, self.issued = self.issued, self.issued + 1
        return f"{self.agency_code}-{261201 + n // 999}-{self.number * 1000 + 1 + n % 999:04d}"

    def batch(self, device: str, size: int) -> list[WireEvent]:
        return [
            WireEvent(
                id=new_id(),
                dossier_id=new_id(),
                type="received",
                at=str(self.clock.tick()),
                actor="clerk",
                device=device,
                payload=received_payload(self.code(), self.point, self.number, []),
            )
            for _ in range(size)
        ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--desks", type=int, default=100)
    ap.add_argument("--points", type=int, default=25)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rates", default="", help="comma-separated events/s for open-loop runs")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per open-loop rate")
    ap.add_argument("--reference", type=Path, help="another checkout to measure first, the same way")
    ap.add_argument("--profile", action="store_true", help="profile the push path in-process")
    ap.add_argument("--fsync", action="store_true", help="run PostgreSQL with fsync on (as in production)")
    args = ap.parse_args()
    pg = Postgres(fsync=args.fsync)
    try:
        trees = [("reference", args.reference.resolve())] if args.reference else []
        for label, tree in [*trees, ("this tree", ROOT)]:
            print(f"\n## {label}: {tree.name}\n")
            run_tree(pg, tree, args)
        if args.profile:
            profile(pg.new_database(), args.batch)
    finally:
        pg.stop()


def run_tree(pg: Postgres, tree: Path, args: argparse.Namespace) -> None:
    url = pg.new_database()
    print(f"PostgreSQL: {_settings(url)}\n")
    desks = [
        Desk(f"P{i % args.points:02d}", i // args.points + 1, f"B{i % args.points:03d}.00.H26")
        for i in range(args.desks)
    ]
    spec = json.dumps([(d.point, d.number, d.agency_code) for d in desks])
    made = subprocess.run(
        [sys.executable, "-c", CODES_SCRIPT, url, spec],
        cwd=tree,
        env=_env(tree),
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"enrollment codes in {tree}: {made.stderr[-2000:]}")
    codes = json.loads(made.stdout.strip().splitlines()[-1])
    hub = Hub(data=Path(tempfile.mkdtemp(prefix="ingest-")) / "hub", db_url=url)
    hub.data.mkdir()
    _start(hub, args.workers, tree)
    try:
        transports = []
        for code in codes:  # raw, so that an older hub's enrollment answer does as well
            answer = requests.post(f"{hub.url}/api/v1/enroll", json={"code": code}, timeout=10).json()
            transports.append(HubTransport(hub.url, Credentials(answer["device_id"], answer["secret"])))
        total = _closed_loop(transports, desks, args)
        rates = [float(r) for r in args.rates.split(",") if r]
        if rates:
            print(
                "\n| offered events/s | achieved events/s | batches | batch p50 ms | batch p99 ms | max ms |"
            )
            print("|---|---|---|---|---|---|")
        for rate in rates:
            total += _open_loop(transports, desks, rate, args.duration, args.batch)
        print(f"hub stored {len(hub.events())} events (expected {total}); {RETRIES[0]} pushes sent again")
        RETRIES[0] = 0
    finally:
        hub.stop()


def _closed_loop(transports: list[HubTransport], desks: list[Desk], args: argparse.Namespace) -> int:
    plans = [[d.batch(f"dev{i}", args.batch) for _ in range(args.batches)] for i, d in enumerate(desks)]
    latencies: list[float] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        for batch in plans[i]:
            t0 = time.perf_counter()
            answer = _push(transports[i], batch)
            dt = time.perf_counter() - t0
            assert len(answer.stored) == len(batch), answer
            with lock:
                latencies.append(dt)

    elapsed = _threads(run, len(desks))
    total = len(desks) * args.batches * args.batch
    q = statistics.quantiles(latencies, n=100)
    print("| desks | workers | events | seconds | events/s | batch p50 ms | batch p99 ms |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(desks)} | {args.workers} | {total} | {elapsed:.1f} | {total / elapsed:.0f} | "
        f"{q[49] * 1000:.0f} | {q[98] * 1000:.0f} |"
    )
    return total


def _open_loop(
    transports: list[HubTransport], desks: list[Desk], rate: float, duration: float, size: int
) -> int:
    """Every desk sends batches at Poisson arrivals; returns the events sent."""
    mean_gap = len(desks) * size / rate
    plans = []
    for i, d in enumerate(desks):  # built before the clock starts: the generator's CPU is the hub's too
        rng, t, at = random.Random(i), 0.0, []
        while (t := t + rng.expovariate(1 / mean_gap)) < duration:
            at.append(t)
        plans.append([(when, d.batch(f"dev{i}", size)) for when in at])
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def run(i: int) -> None:
        for when, batch in plans[i]:
            scheduled = start + when
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            answer = _push(transports[i], batch)
            dt = time.perf_counter() - scheduled
            assert len(answer.stored) == len(batch), answer
            with lock:
                latencies.append(dt)

    _threads(run, len(desks))
    elapsed = time.perf_counter() - start
    sent = sum(len(p) for p in plans) * size
    q = statistics.quantiles(latencies, n=100)
    print(
        f"| {rate:.0f} | {sent / elapsed:.0f} | {len(latencies)} | {q[49] * 1000:.0f} | "
        f"{q[98] * 1000:.0f} | {max(latencies) * 1000:.0f} |"
    )
    return sent


RETRIES = [0]


def _push(transport: HubTransport, batch: list[WireEvent]) -> PushResponse:
    """Push as a desk does: a connection reset (a keep-alive closed by the hub as we reused it) is
    sent again at once, and counted; the latency includes the retry."""
    for attempt in range(3):
        try:
            return transport.push(batch)
        except OfflineError:
            if attempt == 2:
                raise
            RETRIES[0] += 1
    raise AssertionError("unreachable")


def _threads(target: object, n: int) -> float:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]  # type: ignore[arg-type]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def profile(url: str, size: int, batches: int = 300) -> None:
    """One desk's pushes through the route's own steps in-process: authenticate, parse and validate the
    body, admission checks, storage, refold and the console's index (HTTP and uvicorn excluded)."""
    import base64

    from pyinstrument import Profiler

    from central import ingest
    from central.auth import authenticate_device
    from central.console import index
    from central.core.db import Database, migrate
    from central.crud import create_enroll_code, redeem_enroll_code
    from sync.protocol import PushRequest

    database = Database(url)
    migrate(database.engine)
    index.install()  # as `central serve` runs: the console's index is kept in the push's transaction
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
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for raw in bodies:
        who = authenticate_device(database, header)
        body = PushRequest.model_validate_json(raw)
        with database.session() as s:
            assert len(ingest.push(s, who, body.events).stored) == size
    profiler.stop()
    print(f"\n## profile: {batches} pushes of {size} events, in-process\n")
    print(profiler.output_text(unicode=False, color=False, show_all=False, time="percent_of_total"))


def _settings(url: str) -> str:
    """The server settings a commit's durability depends on, as a new session sees them."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = ("fsync", "synchronous_commit", "wal_sync_method")
            return ", ".join(f"{n}={conn.execute(text(f'SHOW {n}')).scalar()}" for n in names)
    finally:
        engine.dispose()


def _env(tree: Path) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(tree)}


def _start(hub: Hub, workers: int, tree: Path) -> None:
    log = open(hub.data.parent / "hub.log", "ab")  # noqa: SIM115
    cmd = [sys.executable, "-m", "central", "serve", "--port", str(hub.port), "--workers", str(workers)]
    hub.proc = subprocess.Popen(
        [*cmd, *hub.store_args()], cwd=tree, env=_env(tree), stdout=log, stderr=subprocess.STDOUT
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
