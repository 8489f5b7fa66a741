"""Point report benchmark: a day's, a month's and a quarter's report at N dossiers (goal: month p95 <= 500 ms).

    python bench/report_bench.py [--dossiers 100000] [--per-day 300] [--rounds 15] [--dir DIR]

The N dossiers (with a checklist, fees, returns, ratings, supplements, refusals) are written straight into
the event log + projection, as bench/store_bench.py does. Printed beside each figure, as a reference, is
the naive way: reading and parsing every dossier's full state of the period in Python.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.codes import format_code
from app.domain.events import Event, EventType
from app.domain.hlc import Hlc
from app.domain.ids import new_id
from app.reports import period
from app.reports.point import compute
from app.reports.xlsx import render_xlsx
from app.services.demo_data import make_applicant
from app.storage import open_db
from app.storage.events import insert_event, refresh_projection

PROCS = [("1.001193", "Đăng ký khai sinh", "Hộ tịch"), ("2.000815", "Chứng thực bản sao", "Chứng thực"),
         ("1.004222", "Đăng ký thường trú", "Cư trú"), ("1.001612", "Thành lập hộ kinh doanh", "Kinh doanh")]  # fmt: skip
START = date(2025, 1, 2)
CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
LEDGER = "0195f0c2-0000-7000-8000-00000000ed9e"  # the desk's ledger stream, where complaints are recorded


def _events(rng: random.Random, i: int, per_day: int, wall: int) -> list[Event]:
    day = START + timedelta(days=i // per_day)
    code, name, field = rng.choice(PROCS)
    did = new_id()
    checklist = [{"component": f"c{k}", "name": "Giấy tờ", "copy_kind": "original", "count": 1, "mandatory": True,
                  "provided": True, "digitized": rng.random() > 0.05} for k in range(3)]  # fmt: skip
    payload = {"code": format_code("000.00.00.H26", day, 1001 + i % per_day), "point_code": "HK", "desk": 1,
               "procedure": {"code": code, "version": 1, "name": name, "field": field},
               "applicant": make_applicant(rng, day), "checklist": checklist, "documents": [],
               "fees": [], "fees_total": 0, "return_method": {"kind": "post" if rng.random() < 0.1 else "desk"},
               "received_at": f"{day}T09:00:00+07:00", "counted_from": str(day),
               "due_date": str(day + timedelta(days=3)), "due_time": "16:00",
               "channel": rng.choices(CHANNELS, (8, 1, 1))[0]}  # fmt: skip
    out = [Event(new_id(), did, EventType.RECEIVED, str(Hlc(wall, 0)), "c1", "d1", payload)]
    roll = rng.random()
    if roll < 0.1:
        out.append(Event(new_id(), did, EventType.REFUSED, str(Hlc(wall, 1)), "c1", "d1", {"reason": "x"}))
    elif roll < 0.2:
        out.append(Event(new_id(), did, EventType.SUPPLEMENT_REQUESTED, str(Hlc(wall, 1)), "c1", "d1",
                         {"items": [{"name": "x"}], "reason": "thiếu"}))  # fmt: skip
    elif roll < 0.8:
        back = day + timedelta(days=rng.choice([1, 2, 3, 3, 5]))
        out.append(Event(new_id(), did, EventType.RESULT_RETURNED, str(Hlc(wall, 1)), "c1", "d1",
                         {"returned_at": f"{back}T10:00:00+07:00"}))  # fmt: skip
        out.append(Event(new_id(), did, EventType.RATED, str(Hlc(wall, 2)), "c1", "d1",
                         {"rating": rng.choice(["rat_hai_long", "hai_long", "hai_long", "khong_hai_long"])}))  # fmt: skip
    return out


def populate(db, n: int, per_day: int, rng: random.Random) -> None:
    wall, t0 = 1_700_000_000_000, time.perf_counter()
    for batch in range(0, n, 2000):
        with db.transaction():
            for i in range(batch, min(n, batch + 2000)):
                wall += 1
                events = _events(rng, i, per_day, wall)
                for e in events:
                    insert_event(db, e, "local")
                refresh_projection(db, events[0].dossier_id)
                if i % 100 == 0:  # a phản ánh, kiến nghị every 100 dossiers, half of them answered
                    day = str(START + timedelta(days=i // per_day))
                    c = {"id": new_id(), "received_on": day, "channel": "hop_thu", "subject": "Đề nghị thêm ghế chờ",
                         "dossier_code": "", "answered_on": day if i % 200 == 0 else "", "desk": 1}  # fmt: skip
                    insert_event(
                        db,
                        Event(
                            new_id(), LEDGER, EventType.COMPLAINT_RECORDED, str(Hlc(wall, 5)), "c1", "d1", c
                        ),
                        "local",
                    )
            refresh_projection(db, LEDGER)
        print(
            f"  populated {min(n, batch + 2000):>7}/{n}  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr
        )


def naive(db, p: period.Period) -> int:
    rows = db.conn.execute("SELECT state FROM dossiers WHERE received_date BETWEEN ? AND ?",
                           (p.start.isoformat(), p.end.isoformat())).fetchall()  # fmt: skip
    return sum(len(json.loads(r[0])["checklist"]) for r in rows)


def timed(fn, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=100_000)
    ap.add_argument("--per-day", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--dir", type=Path)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="motcua-report-bench-"))
    db = open_db(root / "desk.db")
    if db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] < args.dossiers:
        populate(db, args.dossiers, args.per_day, random.Random(5))
    total = db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    mid = START + timedelta(days=args.dossiers // args.per_day // 2)
    cases = [("day", period.day(mid.isoformat())), ("month", period.month(f"{mid:%Y-%m}")),
             ("quarter", period.quarter(f"{mid.year}-Q{(mid.month - 1) // 3 + 1}"))]  # fmt: skip
    print(f"point report at {total:,} dossiers ({args.per_day}/day), {args.rounds} rounds, times in ms")
    print(
        f"{'period':8} {'received':>9} {'compute p50':>12} {'p95':>7} {'+xlsx p95':>10} {'naive p50':>10} {'p95':>7}"
    )
    for name, p in cases:
        n = db.conn.execute("SELECT count(*) FROM dossiers WHERE received_date BETWEEN ? AND ?",
                            (p.start.isoformat(), p.end.isoformat())).fetchone()[0]  # fmt: skip
        c50, c95 = timed(lambda p=p: compute(db, p, "HK"), args.rounds)
        _x50, x95 = timed(lambda p=p: render_xlsx(compute(db, p, "HK")), args.rounds)
        n50, n95 = timed(lambda p=p: naive(db, p), args.rounds)
        print(f"{name:8} {n:>9,} {c50:>12.1f} {c95:>7.1f} {x95:>10.1f} {n50:>10.1f} {n95:>7.1f}")
    print("goal: month report p95 <= 500 ms")
    db.close()


if __name__ == "__main__":
    main()
