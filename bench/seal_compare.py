"""Sealed against plaintext, in one run: `python bench/store_bench.py --compare [--dossiers 100000]`.

The same populate, search, receive and cold-open code runs on two stores side by side: the desk's
sealed store (SQLCipher 4 + AES-256-GCM blobs), and a reference that is the same store without
encryption (plain `sqlite3` connection with the same pragmas and migrations, blobs written in clear).
Also times what a clerk's login costs to unwrap the store key (argon2id).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app import keys
from app.domain.text import fold_text
from app.storage import BlobStore, Database, migrations, open_db
from app.storage.db import BUSY_TIMEOUT_MS, CACHE_KIB

ROOT = Path(__file__).resolve().parent.parent


class PlainBlobStore(BlobStore):
    """The reference: the same store, files in clear."""

    def seal(self, sha256: str, data: bytes) -> bytes:
        return data


def open_plain(path: Path) -> Database:
    """The desk database as it was before sealing: stdlib sqlite3, same pragmas, same schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = {CACHE_KIB}")  # the same cache as the sealed store
    conn.create_function("motcua_fold", 1, fold_text, deterministic=True)
    migrations.migrate(conn)
    return Database(conn, path, keys.StoreKeys(os.urandom(32)))


def open_pair(folder: Path, sealed: bool) -> tuple[Database, BlobStore]:
    home = folder / ("sealed" if sealed else "plain")
    if sealed:
        db = open_db(home / "desk.db")
        return db, BlobStore(home / "blobs", db.keys)
    db = open_plain(home / "desk.db")
    return db, PlainBlobStore(home / "blobs", db.keys)


COLD = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
from datetime import date
from app.services import queries
sealed = {sealed!r}
if sealed:
    from app.storage import open_db
    db = open_db(Path({path!r}))
else:
    sys.path.insert(0, {bench!r})
    from seal_compare import open_plain
    db = open_plain(Path({path!r}))
queries.dashboard(db, date(2025, 6, 1))
queries.list_dossiers(db, "all", today=date(2025, 6, 1), limit=50)
print(time.perf_counter() - t0)
"""


def cold_open(folder: Path, sealed: bool) -> tuple[float, float]:
    """A new process: import, open (unlock, migrations check), dashboard and first list page.
    Returns (wall seconds of the whole process, seconds inside it)."""
    path = folder / ("sealed" if sealed else "plain") / "desk.db"
    code = COLD.format(root=str(ROOT), sealed=sealed, path=str(path), bench=str(ROOT / "bench"))
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return time.perf_counter() - t, float(out.stdout.strip().splitlines()[-1])


def login_cost(folder: Path, runs: int = 5) -> float:
    """Median seconds for one clerk login to unwrap the store key (argon2id, keys.ARGON2)."""
    home = folder / "login"
    with open_db(home / "desk.db") as db:
        keys.wrap_for_clerk(home, db.keys, "bench", "mat-khau-bench")
    times = []
    for _ in range(runs):
        keys.forget(home)
        t = time.perf_counter()
        keys.unlock_with_password(home, "bench", "mat-khau-bench")
        times.append(time.perf_counter() - t)
    return statistics.median(times)


NAMES = ("plaintext", "sealed")


def run(args: Any, folder: Path, populate: Any, bench_search: Any, bench_receive: Any, p95: Any) -> int:
    """Populate both stores, then measure them in alternation (one query, one receive, one cold start
    each in turn), so the load of a shared machine falls on both alike."""
    stores, samples, figures = {}, {}, {n: {} for n in NAMES}
    for name in NAMES:
        db, blobs = open_pair(folder, name == "sealed")
        t = time.perf_counter()
        samples[name] = populate(db, args.dossiers, random.Random(2026))
        figures[name]["populate s"] = time.perf_counter() - t
        db.conn.execute("ANALYZE")
        stores[name] = (db, blobs)
    search: dict[str, list[float]] = {n: [] for n in NAMES}
    receive: dict[str, list[float]] = {n: [] for n in NAMES}
    rngs = {n: random.Random(7) for n in NAMES}
    for _ in range(args.rounds):
        for name in NAMES:
            times = bench_search(stores[name][0], samples[name], rngs[name], 1)
            search[name] += [v for values in times.values() for v in values]
    for _ in range(args.receive):
        for name in NAMES:
            per_s, _ms, _kb = bench_receive(*stores[name], 1, args.pages, rngs[name])
            receive[name].append(1 / per_s)
    for name in NAMES:
        stores[name][0].close()
    cold: dict[str, list[tuple[float, float]]] = {n: [] for n in NAMES}
    for _ in range(7):
        for name in NAMES:
            cold[name].append(cold_open(folder, name == "sealed"))
    for name in NAMES:
        figures[name].update(
            {
                "search p95 ms": p95(search[name]),
                "search median ms": statistics.median(search[name]),
                "receive dossiers/s": len(receive[name]) / sum(receive[name]),
                "receive median s/dossier": statistics.median(receive[name]),
                "cold open s (process)": statistics.median(c[0] for c in cold[name]),
                "cold open s (in process)": statistics.median(c[1] for c in cold[name]),
            }
        )
    _print(args, figures)
    return 0


def _print(args: Any, figures: dict[str, dict[str, float]]) -> None:
    print(f"\nSealed vs plaintext, {args.dossiers:,} dossiers, {args.pages} pages per received dossier,")
    print(f"{args.rounds} search rounds (8 queries each) and {args.receive} receives per store, alternated")
    print(f"{'figure':28} {'plaintext':>10} {'sealed':>10} {'ratio':>7}")
    for figure in figures["plaintext"]:
        a, b = figures["plaintext"][figure], figures["sealed"][figure]
        ratio = (a / b if "dossiers/s" in figure else b / a) if a and b else float("nan")
        print(f"{figure:28} {a:10.3f} {b:10.3f} {ratio:7.2f}")
    print("(ratio: how many times slower sealed is; goal <= 1.3, cold start <= 1.5 s)")
    cost = login_cost(Path(tempfile.mkdtemp(prefix="login-bench-")))
    print(
        f"\nLogin: unwrapping the store key with a clerk's password (argon2id {keys.ARGON2}): {cost * 1000:.0f} ms median"
    )
