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


def cold_open(folder: Path, sealed: bool, runs: int = 5) -> tuple[float, float]:
    """A new process: import, open (unlock, migrations check), dashboard and first list page.
    Returns (median wall seconds of the whole process, median seconds inside it)."""
    path = folder / ("sealed" if sealed else "plain") / "desk.db"
    code = COLD.format(root=str(ROOT), sealed=sealed, path=str(path), bench=str(ROOT / "bench"))
    walls, insides = [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - t)
        insides.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(walls), statistics.median(insides)


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


def run(args: Any, folder: Path, populate: Any, bench_search: Any, bench_receive: Any, p95: Any) -> int:
    results: dict[str, dict[str, float]] = {}
    for sealed in (False, True):
        name = "sealed" if sealed else "plaintext"
        rng = random.Random(2026)
        db, blobs = open_pair(folder, sealed)
        t = time.perf_counter()
        sample = populate(db, args.dossiers, rng)
        populate_s = time.perf_counter() - t
        db.conn.execute("ANALYZE")
        every = [v for values in bench_search(db, sample, rng, args.rounds).values() for v in values]
        per_s, ms, _kb = bench_receive(db, blobs, args.receive, args.pages, rng)
        db.close()
        wall, inside = cold_open(folder, sealed)
        results[name] = {
            "populate s": populate_s,
            "search p95 ms": p95(every),
            "search median ms": statistics.median(every),
            "receive dossiers/s": per_s,
            "receive ms/txn": ms,
            "cold open s (process)": wall,
            "cold open s (in process)": inside,
        }
        print(f"  {name}: done", file=sys.stderr)
    print(f"\nSealed vs plaintext, {args.dossiers:,} dossiers, {args.pages} pages per received dossier")
    print(f"{'figure':28} {'plaintext':>10} {'sealed':>10} {'ratio':>7}")
    for figure in results["plaintext"]:
        a, b = results["plaintext"][figure], results["sealed"][figure]
        ratio = (a / b if "dossiers/s" in figure else b / a) if a and b else float("nan")
        print(f"{figure:28} {a:10.2f} {b:10.2f} {ratio:7.2f}")
    print("(ratio: how many times slower sealed is; goal <= 1.3, cold start <= 1.5 s)")
    print(
        f"\nLogin: unwrapping the store key with a clerk's password (argon2id {keys.ARGON2}): "
        f"{login_cost(folder) * 1000:.0f} ms median"
    )
    return 0
