"""Desk UI benchmark: cold start to a usable main window, and filter / scroll latency at N dossiers.

    QT_QPA_PLATFORM=offscreen python bench/ui_bench.py [--dossiers 100000] [--dir DIR] [--reuse]

Goals: cold start <= 1.5 s; filter and scroll <= 50 ms at 100,000 dossiers. Figures are printed,
never asserted. The dossiers are written by bench/store_bench.populate (the store's own fast path).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def cold_start(home: Path, runs: int) -> list[float]:
    """Wall time of `python -m app --smoke` (interpreter start, imports, store, window shown, exit)."""
    env = dict(os.environ, MOTCUA_HOME=str(home), PYTHONPATH=str(ROOT))
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "app", "--smoke"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        out.append(time.perf_counter() - t)
    return out


def in_process_start(home: Path) -> float:
    """From the composition root's first line to the main window painted (imports already warm)."""
    from PySide6.QtWidgets import QApplication

    from ui.main import build_window, make_context
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    t = time.perf_counter()
    apply_theme(app)  # type: ignore[arg-type]
    ctx = make_context(home, demo=False)
    window = build_window(ctx)
    window.show()
    app.processEvents()
    took = time.perf_counter() - t
    window.views["receive"].confirm_discard = lambda: True  # type: ignore[attr-defined]
    window.close()
    window.deleteLater()
    app.processEvents()
    return took


def ms(values: list[float]) -> str:
    v = sorted(values)
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    return f"{statistics.median(v) * 1000:8.1f} {p95 * 1000:8.1f} {max(v) * 1000:8.1f}"


def list_latency(home: Path, rounds: int) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.main import make_context
    from ui.theme import apply_theme
    from ui.views.dossiers import FILTERS, DossiersView

    app = QApplication.instance() or QApplication([])
    apply_theme(app)  # type: ignore[arg-type]
    ctx = make_context(home, demo=False)
    view = DossiersView(ctx)
    view.resize(1200, 760)
    view.show()
    app.processEvents()
    names = [
        r[0] for r in ctx.db.conn.execute("SELECT applicant_name FROM dossiers ORDER BY random() LIMIT 40")
    ]
    codes = [r[0] for r in ctx.db.conn.execute("SELECT code FROM dossiers ORDER BY random() LIMIT 40")]
    print(
        f"\nHồ sơ list on {ctx.db.conn.execute('SELECT count(*) FROM dossiers').fetchone()[0]:,} dossiers "
        f"(first page of 200 rows, painted)"
    )
    print(f"{'action':34} {'median':>8} {'p95':>8} {'max':>8}  ms")
    for key, label in FILTERS:
        idx = view.filter.findData(key)
        times = []
        for _ in range(rounds):
            view.filter.setCurrentIndex(0 if idx else 1)
            t = time.perf_counter()
            view.filter.setCurrentIndex(idx)
            app.processEvents()
            times.append(time.perf_counter() - t)
        print(f"filter: {label:26} {ms(times)}")
    view.filter.setCurrentIndex(0)
    rng = random.Random(1)
    for kind, pool in (
        ("search: name", names),
        ("search: code", codes),
        ("search: name, no diacritics", names),
    ):
        times = []
        for _ in range(rounds):
            q = rng.choice(pool)
            if "no diacritics" in kind:
                from app.domain.text import fold_text

                q = fold_text(q)
            view.search.setText(q)
            t = time.perf_counter()
            view.apply_filter()
            app.processEvents()
            times.append(time.perf_counter() - t)
        print(f"{kind:34} {ms(times)}")
    view.search.setText("")
    view.apply_filter()
    bar = view.table.verticalScrollBar()
    steps, pages = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        app.processEvents()
        steps.append(time.perf_counter() - t)
    for _ in range(rounds):
        t = time.perf_counter()
        view.table.scrollToBottom()  # reaching the end asks the model for the next 200 rows
        app.processEvents()
        pages.append(time.perf_counter() - t)
    print(f"{'scroll: one screen':34} {ms(steps)}")
    print(f"{'scroll: to end (+200 rows)':34} {ms(pages)}   ({view.model.rowCount():,} rows loaded)")
    ctx.db.close()


def page_depth(home: Path, rounds: int, depths: tuple[int, ...] = (500, 50_000)) -> None:
    """Cost of fetching the page of 200 rows that starts at a given depth: keyset (what the Hồ sơ list
    does: seek after the last row's ordering key) against OFFSET (what it did before)."""
    from app.services.queries import list_dossiers
    from app.storage import open_db

    db = open_db(home / "desk.db")
    print("\nOne page of 200 rows at a depth (median p95 max, ms)")
    print(f"{'filter':16} {'depth':>7}  {'keyset':>26}  {'offset':>26}")
    for filt in ("all", "returned", "awaiting_result"):
        for depth in depths:
            anchor = list_dossiers(db, filt, limit=1, offset=depth - 1, with_total=False).items
            if not anchor:
                continue
            after = anchor[0]["cursor"]
            keyset, offset = [], []
            for _ in range(rounds):
                t = time.perf_counter()
                list_dossiers(db, filt, limit=200, after=after, with_total=False)
                keyset.append(time.perf_counter() - t)
                t = time.perf_counter()
                list_dossiers(db, filt, limit=200, offset=depth, with_total=False)
                offset.append(time.perf_counter() - t)
            print(f"{filt:16} {depth:>7,}  {ms(keyset)}  {ms(offset)}")
    db.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dossiers", type=int, default=100_000)
    p.add_argument("--dir", type=Path)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--starts", type=int, default=5)
    args = p.parse_args()
    home = args.dir or Path(tempfile.mkdtemp(prefix="ui-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["MOTCUA_HOME"] = str(home)
    if not args.reuse:
        from app.storage import open_db
        from bench.store_bench import populate

        db = open_db(home / "desk.db")
        t = time.perf_counter()
        populate(db, args.dossiers, random.Random(2026))
        db.conn.execute("ANALYZE")
        db.close()
        print(f"populate: {args.dossiers:,} dossiers in {time.perf_counter() - t:.0f} s ({home})")
    starts = cold_start(home, args.starts)
    print(f"\nCold start, `python -m app --smoke` wall time over {args.starts} runs (goal <= 1.5 s):")
    print(f"  median {statistics.median(starts):.2f} s, best {min(starts):.2f} s, worst {max(starts):.2f} s")
    print(f"  window built and painted in-process (imports warm): {in_process_start(home) * 1000:.0f} ms")
    list_latency(home, args.rounds)
    page_depth(home, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
