"""Console page times on PostgreSQL with generated data: dashboard, search, detail, the sync page
(/dong-bo), the catalog drafts list and a draft's diff (/danh-muc), the citizen page.

python bench/console_bench.py [--dossiers 1000000] [--points 126] [--repeat 40] [--concurrency 50]
python bench/console_bench.py --only citizen --dossiers 5000 [--rounds 3] [--before COMMIT] [--flood]

Data: PostgreSQL started here; the hub schema by its migrations; then, in SQL (generate_series),
`--points` points in 12 branches with 2 desks each, and `--dossiers` dossiers spread evenly over the
points: a `received` event each, the hub's projection row (state_json), the console's index row and
the day counters aggregated from the index; each point's feed (one item per event, written by its
2 desks in turn; the newest 5% of the events stored today, counted per desk as the hub does), each
desk's last pull and outbox report; one catalog draft (the test portal records) in the drafts
folder beside a published catalog. 90% returned (received over the last 400 days), the rest
open and received in the last 10 days. The index rows are generated, not folded one by one (that
would take hours); a sample of them is checked against `central.console.index.row_for` of the same
state, so they are the rows the hub itself would write.

Times are per request on 127.0.0.1 against a real `python -m central serve` process (server time plus
loopback), measured after 3 warm-up requests. The citizen page runs `--concurrency` clients at once,
all from 127.0.0.1 (one address, one rate-limit key), against a limit high enough never to refuse.
`--only citizen` skips the other pages and times the citizen page on two hubs in turn, `--rounds`
times: the rate limiter writing every hit (MOTCUA_HUB_CITIZEN_FLUSH_HITS=1, what it did before local
tallies) and by default (a twentieth of the limit, at most 32 hits per write), and with `--before`
also the hub of an earlier commit (its tree from `git archive`); the citizen page reads one dossier by
its code, so a few thousand dossiers time it as well as a million. `--flood` keeps the default limit
(20 per 40 s, where the default K is 1 too): all but the first 20 requests of the address are refused
(429), answered by the branch without the database; the cost of a flood.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.console import auth  # noqa: E402
from central.console.index import row_for  # noqa: E402
from central.console.models import DossierIndex  # noqa: E402
from central.core.db import Database, migrate  # noqa: E402
from tests.sync import hubkit  # noqa: E402
from tests.sync.hubkit import Hub, Postgres, run_py  # noqa: E402

NAMES = [
    ("Nguyễn Văn An", "nguyen van an"),
    ("Trần Thị Bình", "tran thi binh"),
    ("Lê Hoàng Cường", "le hoang cuong"),
    ("Phạm Thu Dung", "pham thu dung"),
    ("Hoàng Minh Đức", "hoang minh duc"),
    ("Vũ Ngọc Hà", "vu ngoc ha"),
    ("Đặng Quốc Hùng", "dang quoc hung"),
    ("Bùi Thị Lan", "bui thi lan"),
]
PASSWORD = "bench-password-123"


def generate(db: Database, n: int, points: int) -> None:
    names = ",".join(f"'{a}'" for a, _ in NAMES)
    keys = ",".join(f"'{b}'" for _, b in NAMES)
    gen = f"""
    WITH g AS (
      SELECT i, 'P' || lpad((i % {points})::text, 3, '0') AS p,
             (i % 100) AS k,
             (ARRAY[{names}])[1 + i % {len(NAMES)}] || ' ' || i AS full_name,
             (ARRAY[{keys}])[1 + i % {len(NAMES)}] || ' ' || i AS name_key
      FROM generate_series(1, {n}) AS i
    ), d AS (
      SELECT g.*, CASE WHEN k < 90 THEN current_date - (i % 400) ELSE current_date - (i % 10) END AS rday,
             CASE WHEN k < 90 THEN 'returned' WHEN k < 95 THEN 'processing' WHEN k < 98 THEN 'received'
                  WHEN k < 99 THEN 'result_ready' ELSE 'refused' END AS status
      FROM g
    )
    """
    with db.engine.begin() as c:
        c.execute(
            text(
                f"INSERT INTO points SELECT 'P' || lpad(i::text, 3, '0'), 1 FROM generate_series(0, {points - 1}) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO console_branches SELECT 'CN' || i, 'Chi nhánh ' || i FROM generate_series(1, 12) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO console_point_branch SELECT code, 'CN' || (1 + (right(code, 3))::int % 12), "
                "'Điểm Phục vụ ' || code FROM points"
            )
        )
        c.execute(
            text(
                "INSERT INTO devices SELECT code || '-d' || k, code, k, 'x', '', 0, NULL "
                "FROM points, generate_series(1, 2) k"
            )
        )
        c.execute(
            text(
                gen
                + """
        INSERT INTO dossiers (id, point_code, code, state, flags, state_json, updated_at)
        SELECT 'd' || lpad(i::text, 9, '0'), p, p || '-01-' || i, status, 0,
          json_build_object('id', 'd' || lpad(i::text, 9, '0'), 'status', status, 'code', p || '-01-' || i,
            'point_code', p, 'procedure', json_build_object('code', '1.001193', 'name', 'Đăng ký khai sinh'),
            'applicant', json_build_object('full_name', full_name, 'id_number', lpad(i::text, 12, '0'),
                                           'phone', '09' || lpad(i::text, 8, '0'), 'address', 'Hà Nội'),
            'documents', '[]'::json, 'result_files', '[]'::json,
            'received_at', to_char(rday, 'YYYY-MM-DD') || 'T09:00:00+07:00',
            'due_date', to_char(rday + 5, 'YYYY-MM-DD'), 'due_time', '16:00',
            'return_method', json_build_object('kind', 'desk'),
            'returned', CASE WHEN status = 'returned'
                        THEN json_build_object('at', to_char(rday + 4 + (i % 3), 'YYYY-MM-DD') || 'T10:00:00+07:00')
                        END,
            'rating', CASE WHEN status = 'returned' AND i % 3 = 0 THEN
                        (ARRAY['rat_hai_long', 'hai_long', 'khong_hai_long'])[1 + i % 4 % 3] END)::text, 0
        FROM d
        """
            )
        )
        c.execute(
            text(
                "INSERT INTO events SELECT 'e' || substr(id, 2), id, 'received', "
                "lpad((extract(epoch from now()) * 1000)::bigint::text, 15, '0') || '-000000', 'clerk', 'desk', "
                f"'{{}}', CASE WHEN substr(id, 2)::int > {n * 95 // 100} "
                "THEN (extract(epoch from now()) * 1000)::bigint ELSE 0 END FROM dossiers"
            )
        )
        c.execute(  # each point's feed in arrival order; its desks wrote in turn
            text(
                "INSERT INTO feed (point_code, seq, kind, event_id, publication_id, device) "
                "SELECT d.point_code, row_number() OVER (PARTITION BY d.point_code ORDER BY e.id), 'event', "
                "e.id, NULL, d.point_code || '-d' || (1 + substr(e.id, 2)::int % 2) "
                "FROM events e JOIN dossiers d ON d.id = e.dossier_id"
            )
        )
        c.execute(
            text(
                "UPDATE points p SET next_seq = f.n + 1 FROM "
                "(SELECT point_code, max(seq) AS n FROM feed GROUP BY point_code) f WHERE f.point_code = p.code"
            )
        )
        c.execute(  # what central.console.index.count_pushed keeps as the hub stores them
            text(
                "INSERT INTO console_device_day SELECT f.device, "
                "to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), count(*) "
                "FROM feed f JOIN events e ON e.id = f.event_id WHERE e.stored_at > 0 GROUP BY f.device"
            )
        )
        now_ms = "(extract(epoch from now()) * 1000)::bigint"
        c.execute(text(f"INSERT INTO console_device_seen SELECT id, {now_ms} - desk * 60000, 0 FROM devices"))
        c.execute(
            text(
                f"INSERT INTO console_desk_reports SELECT id, {now_ms} - desk * 30000, desk * 3, desk, {now_ms} "
                "FROM devices"
            )
        )
        c.execute(
            text(
                """
        INSERT INTO console_dossier_index
        SELECT id, point_code, code, state, state NOT IN ('returned', 'refused'), '1.001193',
          substr(state_json::json->>'received_at', 1, 10), state_json::json->>'due_date',
          substr(state_json::json->'returned'->>'at', 1, 10),
          CASE WHEN state_json::json->'returned' IS NULL THEN NULL
               ELSE substr(state_json::json->'returned'->>'at', 1, 10) <= state_json::json->>'due_date' END,
          state_json::json->>'rating', lower(state_json::json->'applicant'->>'full_name'),
          state_json::json->'applicant'->>'id_number', encode(sha256(('S' || id)::bytea), 'hex'), 0
        FROM dossiers
        """
            )
        )
        # name_key as generated above (the folded name), not lower() of the accented one
        c.execute(
            text(
                "UPDATE console_dossier_index x SET name_key = (ARRAY["
                + keys
                + "])[1 + (substr(x.dossier_id, 2))::int % "
                + str(len(NAMES))
                + "] || ' ' || (substr(x.dossier_id, 2))::int"
            )
        )
        c.execute(
            text(
                """
        INSERT INTO console_point_day
        SELECT point_code, day, sum(r), sum(ret), sum(ont), sum(rated), sum(sat) FROM (
          SELECT point_code, received_day AS day, 1 AS r, 0 AS ret, 0 AS ont, 0 AS rated, 0 AS sat
            FROM console_dossier_index
          UNION ALL
          SELECT point_code, returned_day, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END,
                 CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END,
                 CASE WHEN rating IN ('rat_hai_long', 'hai_long') THEN 1 ELSE 0 END
            FROM console_dossier_index WHERE returned_day IS NOT NULL
        ) t GROUP BY point_code, day
        """
            )
        )
    with db.engine.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def check_sample(db: Database) -> int:
    """Generated index rows equal what the hub's own indexer makes of the same state."""
    with db.session() as s:
        rows = s.execute(
            text("SELECT id, point_code, state_json FROM dossiers ORDER BY random() LIMIT 200")
        ).all()
        for dossier_id, point, state_json in rows:
            stored = s.get(DossierIndex, dossier_id)
            assert stored is not None
            want = row_for(dossier_id, point, json.loads(state_json), stored.secret_hash)
            got = {k: getattr(stored, k) for k in want}
            assert got == want, (dossier_id, got, want)
    return len(rows)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000 if len(samples) > 1 else samples[0] * 1000


def timed(session: requests.Session, url: str, repeat: int) -> list[float]:
    for _ in range(3):
        session.get(url, timeout=60).raise_for_status()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        session.get(url, timeout=60).raise_for_status()
        out.append(time.perf_counter() - t0)
    return out


def login(hub: Hub, user: str) -> requests.Session:
    s = requests.Session()
    page = s.get(hub.url + "/", timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    s.post(hub.url + "/dang-nhap", data={"username": user, "password": PASSWORD, "csrf": csrf}, timeout=30)
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--points", type=int, default=126)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--only", choices=["citizen"], default=None)
    ap.add_argument("--rounds", type=int, default=3, help="with --only citizen: each hub this many times")
    ap.add_argument("--flood", action="store_true", help="with --only citizen: the default limit, mostly 429")
    ap.add_argument("--before", default="", help="with --only citizen: also time the hub of this git commit")
    args = ap.parse_args()
    pg = Postgres()
    try:
        url = pg.new_database()
        db = Database(url)
        migrate(db.engine)
        t0 = time.perf_counter()
        generate(db, args.dossiers, args.points)
        print(
            f"generated {args.dossiers:,} dossiers at {args.points} points in {time.perf_counter() - t0:.0f} s"
        )
        print(f"index rows checked against row_for(): {check_sample(db)}")
        with db.session() as s:
            auth.add_operator(s, "admin", PASSWORD, "admin")
            auth.add_operator(s, "director", PASSWORD, "director", branch="CN3")
        run_citizen(args, url) if args.only == "citizen" else run(args, url)
    finally:
        pg.stop()


def draft_and_catalog(hub: Hub) -> str:
    """The hand-written test catalog published, and a portal import in the hub's drafts folder."""
    fixtures = ROOT / "tests" / "fixtures"
    hub.cli("catalog", "publish", str(fixtures / "catalog" / "handwritten_2026-11-01.json"))
    folder = hub.data / "catalog-drafts"
    folder.mkdir(exist_ok=True)
    portal = [
        str(fixtures / "portal" / f"{c}.json") for c in ("1.001193", "1.004222", "1.004873", "3.000370")
    ]
    out = folder / "cong-dvc-bench.json"
    run_py("-m", "central", "catalog", "import-portal", *portal, "--out", str(out), "--quiet")
    return out.stem


def run(args: argparse.Namespace, url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hub = Hub(data=Path(tmp), db_url=url, extra_env={"MOTCUA_HUB_CITIZEN_BURST": "100000000"})
        hub.start()
        draft = draft_and_catalog(hub)
        try:
            n = args.dossiers
            admin, director = login(hub, "admin"), login(hub, "director")
            i = n // 2 + 7
            point = f"P{i % args.points:03d}"
            cases = [
                ("dashboard, city (admin, all points)", admin, "/"),
                ("dashboard, one branch (director)", director, "/"),
                ("search by code", admin, f"/ho-so?q={point}-01-{i}"),
                ("search by ID number", admin, f"/ho-so?q={i:012d}"),
                ("search by name prefix (50 of ~n/8)", admin, "/ho-so?q=Trần Thị Bình"),
                ("dossier detail", admin, f"/ho-so/d{i:09d}"),
                ("sync page, city (admin, all points)", admin, "/dong-bo"),
                ("sync page, one branch (director)", director, "/dong-bo"),
                ("catalog drafts list", admin, "/danh-muc"),
                ("catalog draft diff", admin, f"/danh-muc/{draft}"),
            ]
            print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8}   (goal p95 <= 300 ms)")
            for label, session, path in cases:
                samples = timed(session, hub.url + path, args.repeat)
                print(f"{label:44} {statistics.median(samples) * 1000:8.1f} {p95(samples):8.1f}")
            citizen(hub, n, args)
        finally:
            hub.stop()


def run_citizen(args: argparse.Namespace, url: str) -> None:
    """The citizen page alone: each hub variant in turn, `--rounds` times, on the same database."""
    limit = {} if args.flood else {"MOTCUA_HUB_CITIZEN_BURST": "100000000"}
    variants: list[tuple[str, Path, dict[str, str]]] = [
        ("every hit written (K = 1)", ROOT, {**limit, "MOTCUA_HUB_CITIZEN_FLUSH_HITS": "1"}),
        ("local tallies (default K)", ROOT, limit),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if args.before:  # that commit's hub, from `git archive`, against the same data
            tree = Path(tmp) / "before"
            tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
            variants.insert(0, (f"hub of {args.before}", tree, limit))
        results: dict[str, list[float]] = {label: [] for label, _, _ in variants}
        for r in range(args.rounds):
            for n, (label, root, extra) in enumerate(variants):
                hubkit.ROOT = root  # the hub process runs from (and imports) that tree
                try:
                    hub = Hub(data=Path(tmp) / f"hub-{r}-{n}", db_url=url, extra_env=extra).start()
                finally:
                    hubkit.ROOT = ROOT
                try:
                    results[label] += citizen(hub, args.dossiers, args, label=f"round {r + 1}, {label}")
                finally:
                    hub.stop()
    print(f"{'all rounds':44} {'p50 ms':>8} {'p95 ms':>8}")
    for label, samples in results.items():
        print(
            f"{label:44} {statistics.median(samples) * 1000:8.1f} {p95(samples):8.1f}   ({len(samples)} requests)"
        )


def citizen(hub: Hub, n: int, args: argparse.Namespace, label: str = "") -> list[float]:
    def one(k: int) -> float:
        i = 1 + (k * 7919) % n
        code = f"P{i % args.points:03d}-01-{i}"
        t0 = time.perf_counter()
        r = requests.get(f"{hub.url}/tra-cuu", params={"ma": code, "k": f"Sd{i:09d}"}, timeout=60)
        assert r.status_code == 200 or (args.flood and r.status_code == 429), r.status_code
        return time.perf_counter() - t0

    total = args.concurrency * 10
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(one, range(args.concurrency)))  # warm-up
        t0 = time.perf_counter()
        samples = list(pool.map(one, range(total)))
        wall = time.perf_counter() - t0
    print(
        f"{label or 'citizen page, ' + str(args.concurrency) + ' concurrent':44} "
        f"{statistics.median(samples) * 1000:8.1f} {p95(samples):8.1f}   ({total / wall:.0f} req/s, {total} requests)"
    )
    return samples


if __name__ == "__main__":
    main()
