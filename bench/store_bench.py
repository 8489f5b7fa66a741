"""Store benchmark: dossier search p95 on N dossiers (goal <= 50 ms) and receive throughput with 3 pages.

    python bench/store_bench.py [--dossiers 100000] [--receive 100] [--pages 3] [--dir DIR]
    python bench/store_bench.py --compare [--dossiers 100000]   # sealed vs plaintext, one run

The N dossiers are written straight into the event log + outbox + projection (the same code paths
as `receive`, minus validation) so that setting up 100,000 takes a minute, not an hour; the receive
figure then uses the real `intake.receive` service on the full database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.calendar import TZ
from app.codes import format_code
from app.config import Settings
from app.domain.events import Event, EventType
from app.domain.hlc import Hlc
from app.domain.ids import new_id
from app.services import intake, queries
from app.services.clerks import ensure_clerk
from app.services.context import Desk
from app.services.demo_data import make_applicant, make_page
from app.services.documents import index_texts
from app.storage import BlobStore, open_db
from app.storage.events import insert_event, refresh_projection

PROCS = [
    ("1.001193", "Đăng ký khai sinh"),
    ("2.000815", "Chứng thực bản sao"),
    ("1.004222", "Đăng ký thường trú"),
]
STATUSES = ["received"] * 3 + ["returned"] * 6 + ["refused"]


def populate(db, n: int, rng: random.Random) -> list[dict]:
    """Write n received dossiers (some returned) in batches; returns a sample of their search keys."""
    start, sample = date(2025, 1, 2), []
    wall = 1_700_000_000_000
    t0 = time.perf_counter()
    for batch in range(0, n, 2000):
        with db.transaction():
            for i in range(batch, min(n, batch + 2000)):
                day = start + timedelta(days=i // 300)
                appl = make_applicant(rng, day)
                code = format_code("000.00.00.H26", day, 1001 + (i % 300))
                proc = rng.choice(PROCS)
                did = new_id()
                payload = {
                    "code": code,
                    "point_code": "HK",
                    "desk": 1,
                    "procedure": {"code": proc[0], "version": 1, "name": proc[1], "field": "Hộ tịch"},
                    "applicant": appl,
                    "checklist": [],
                    "documents": [],
                    "fees": [],
                    "fees_total": 0,
                    "return_method": {"kind": "desk"},
                    "received_at": f"{day}T09:00:00+07:00",
                    "counted_from": str(day),
                    "due_date": str(day + timedelta(days=3)),
                    "due_time": "16:00",
                }
                wall += 1
                events = [Event(new_id(), did, EventType.RECEIVED, str(Hlc(wall, 0)), "c1", "d1", payload)]
                status = rng.choice(STATUSES)
                if status == "returned":  # a hand-back needs the result first (recorded at the point)
                    result = {"at": f"{day + timedelta(days=2)}T09:00:00+07:00", "kind": "paper"}
                    events.append(
                        Event(new_id(), did, EventType.RESULT_RECORDED, str(Hlc(wall, 1)), "c1", "d1", result)
                    )
                    events.append(
                        Event(
                            new_id(),
                            did,
                            EventType.RESULT_RETURNED,
                            str(Hlc(wall, 2)),
                            "c1",
                            "d1",
                            {"returned_at": f"{day + timedelta(days=2)}T10:00:00+07:00"},
                        )
                    )
                elif status == "refused":
                    events.append(
                        Event(
                            new_id(), did, EventType.REFUSED, str(Hlc(wall, 1)), "c1", "d1", {"reason": "x"}
                        )
                    )
                for e in events:
                    insert_event(db, e, "local")
                    db.conn.execute("INSERT INTO outbox (event_id, created_at) VALUES (?, '')", (e.id,))
                refresh_projection(db, did)
                if i % 3 == 0:
                    index_texts(
                        db, did, {new_id(): f"Giấy khai sinh {appl['full_name']} bệnh viện Bạch Mai số {i}"}
                    )
                if i % 997 == 0:
                    sample.append({"code": code, "name": appl["full_name"], "id": appl["id_number"]})
        print(
            f"  populated {min(n, batch + 2000):>7}/{n}  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr
        )
    return sample


def _fold(s: str) -> str:
    from app.domain.text import fold_text

    return fold_text(s)


def bench_search(db, sample: list[dict], rng: random.Random, rounds: int) -> dict[str, list[float]]:
    today = date(2025, 6, 1)
    kinds = {
        "code (full)": lambda s: s["code"],
        "code (last part)": lambda s: s["code"].rsplit("-", 2)[1] + " " + s["code"].rsplit("-", 1)[1],
        "ID number": lambda s: s["id"],
        "name with diacritics": lambda s: s["name"],
        "name folded, partial": lambda s: " ".join(w[:3] for w in _fold(s["name"]).split()[-2:]),
        "common family name": lambda s: "nguyen",
        "scanned text": lambda s: "bach mai " + _fold(s["name"]).split()[-1],
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    times["filter overdue, page 3"] = []
    for _ in range(rounds):
        s = rng.choice(sample)
        for kind, make in kinds.items():
            t = time.perf_counter()
            queries.list_dossiers(db, "all", make(s), today=today, limit=50)
            times[kind].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        queries.list_dossiers(db, "overdue", today=today, limit=50, offset=100)
        times["filter overdue, page 3"].append((time.perf_counter() - t) * 1000)
    return times


def bench_lists(db, rounds: int) -> dict[str, list[float]]:
    """The dashboard and the first page of every list filter (no search words)."""
    today = date(2025, 6, 1)
    times: dict[str, list[float]] = {"dashboard": []}
    times.update({f"filter {f}": [] for f in queries.FILTERS})
    for _ in range(rounds):
        t = time.perf_counter()
        queries.dashboard(db, today)
        times["dashboard"].append((time.perf_counter() - t) * 1000)
        for f in queries.FILTERS:
            t = time.perf_counter()
            queries.list_dossiers(db, f, today=today, limit=50)
            times[f"filter {f}"].append((time.perf_counter() - t) * 1000)
    return times


def print_table(title: str, times: dict[str, list[float]]) -> None:
    print(title)
    print(f"{'query':28} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    every = []
    for kind, values in times.items():
        every += values
        print(f"{kind:28} {statistics.median(values):10.1f} {p95(values):8.1f} {max(values):8.1f}")
    print(
        f"{'ALL':28} {statistics.median(every):10.1f} {p95(every):8.1f} {max(every):8.1f}   (goal p95 <= 50 ms)"
    )


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def bench_receive(db, blobs, count: int, pages: int, rng: random.Random) -> tuple[float, float, float]:
    clerk = ensure_clerk(db, "bench", "Bench")
    desk = Desk(
        db,
        blobs,
        Settings(agency_code="000.00.01.H26", desk=2),
        clerk.id,
        now=lambda: datetime(2026, 11, 20, 9, 0, tzinfo=TZ),
    )
    proc = intake.find_procedure(desk, "2.000815")
    comps = [c for c in proc.components if c.mandatory]
    images = [[make_page(rng, proc.name, f"{i}-{p}") for p in range(pages)] for i in range(count)]
    t_store = t_recv = 0.0
    for i in range(count):
        t = time.perf_counter()
        refs = [blobs.put_bytes(img) for img in images[i]]
        t_store += time.perf_counter() - t
        docs = [{"component": c.id, "name": c.name, "copy_kind": c.copy_kind, "pages": []} for c in comps]
        for n, r in enumerate(refs):
            docs[n % len(docs)]["pages"].append({"sha256": r.sha256, "size": r.size, "mime": "image/png"})
        req = {
            "procedure": proc.code,
            "applicant": make_applicant(rng, date(2026, 11, 20)),
            "documents": docs,
        }
        t = time.perf_counter()
        intake.receive(desk, req)
        t_recv += time.perf_counter() - t
    avg_kb = sum(len(x) for imgs in images for x in imgs) / (count * pages) / 1024
    return count / (t_store + t_recv), (t_recv / count) * 1000, avg_kb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--receive", type=int, default=100)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="search an already populated --dir")
    parser.add_argument("--no-receive", action="store_true", help="skip the receive throughput part")
    parser.add_argument(
        "--compare", action="store_true", help="sealed vs plaintext side by side (bench/seal_compare.py)"
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="store-bench-"))
    if args.compare:
        from bench.seal_compare import run

        return run(args, folder, populate, bench_search, bench_receive, p95)
    rng = random.Random(2026)
    db = open_db(folder / "desk.db")
    blobs = BlobStore(folder / "blobs")
    t = time.perf_counter()
    if args.reuse:
        rows = db.conn.execute(
            "SELECT code, applicant_name, id_number FROM dossiers WHERE rid % 997 = 0"
        ).fetchall()
        sample = [{"code": c, "name": n, "id": i} for c, n, i in rows]
        args.dossiers = db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    else:
        sample = populate(db, args.dossiers, rng)
        print(
            f"populate: {args.dossiers} dossiers in {time.perf_counter() - t:.0f} s; db {folder / 'desk.db'}"
        )
    db.conn.execute("ANALYZE")
    times = bench_search(db, sample, rng, args.rounds)
    print_table(
        f"\nDossier search on {args.dossiers:,} dossiers (limit 50 + capped total), {args.rounds} queries each",
        times,
    )
    print_table(
        f"\nDashboard and list filters on {args.dossiers:,} dossiers (page 1 + capped total), {args.rounds} rounds",
        bench_lists(db, args.rounds),
    )
    if args.no_receive:
        db.close()
        return 0
    per_s, ms, kb = bench_receive(db, blobs, args.receive, args.pages, rng)
    print(
        f"\nReceive with {args.pages} pages (~{kb:.0f} KB PNG each), {args.receive} dossiers into the full database:"
    )
    print(
        f"  {per_s:.1f} dossiers/s including storing pages; {ms:.1f} ms per receive transaction (synchronous=FULL)"
    )
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
