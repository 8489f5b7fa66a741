"""Catalog search (`app catalog search`) on the shipped real catalog and on 5,000 procedures made from its
records: prints p50/p95 per typical query, both sizes side by side (goal p95 <= 20 ms).

Run: python bench/catalog_bench.py [--procedures 5000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.catalog import CatalogFile, Procedure, import_catalog, read_catalog, search
from app.catalog.io import CATALOG_DIR
from app.catalog.schema import connect

REAL = CATALOG_DIR / "procedures.json"  # the shipped catalog of real portal records

VERBS = [
    "Đăng ký",
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Xác nhận",
    "Gia hạn",
    "Thu hồi",
    "Chứng thực",
    "Thẩm định",
]
OBJECTS = [
    "giấy phép xây dựng", "giấy chứng nhận quyền sử dụng đất", "hộ kinh doanh", "khai sinh", "kết hôn",
    "thường trú", "tạm trú", "giấy phép lái xe", "chứng chỉ hành nghề", "trợ cấp xã hội", "đất đai",
    "giấy phép kinh doanh rượu", "an toàn thực phẩm", "hợp tác xã", "di tích", "lễ hội", "bản sao",
    "người có công", "bảo hiểm y tế", "thủy lợi", "đê điều", "giấy phép môi trường", "nhà ở",
]  # fmt: skip
SUFFIX = [
    "cho cá nhân",
    "cho tổ chức",
    "đối với người nước ngoài",
    "tại cấp xã",
    "theo yêu cầu",
    "lần đầu",
    "",
]
FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Cư trú",
    "Đất đai",
    "Xây dựng",
    "Kinh doanh",
    "Y tế",
    "Văn hóa",
    "Lao động",
]
QUERIES = ["dang ky khai sinh", "khai sinh", "giấy phép xây dựng", "đất đai", "cap lai giay phep",
           "1.0011", "2.000815", "chung thuc ban sao", "thuong tru cho ca nhan", "h", "hộ kinh doanh lần đầu"]  # fmt: skip


def generate(n: int, seed: int = 7) -> CatalogFile:
    rng = random.Random(seed)
    template = read_catalog(REAL).procedures
    procs: list[Procedure] = []
    for i in range(n):
        base = template[i % len(template)]
        name = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(SUFFIX)}".strip()
        procs.append(
            base.model_copy(
                update={"code": f"{1 + i % 2}.{100000 + i:06d}", "name": name, "field": rng.choice(FIELDS)}
            )
        )
    return CatalogFile(source="bench", procedures=tuple(procs))


def _timings(conn, repeat: int) -> dict[str, tuple[int, list[float]]]:
    out = {}
    for query in QUERIES:
        times = []
        hits: list[object] = []
        for _ in range(repeat):
            t = time.perf_counter()
            hits = list(search(conn, query, limit=20))
            times.append((time.perf_counter() - t) * 1000)
        out[query] = (len(hits), times)
    return out


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = connect(Path(tmp) / "shipped.db")
        real = read_catalog(REAL)
        import_catalog(small, real)
        big = connect(Path(tmp) / "big.db")
        import_catalog(big, real)
        t0 = time.perf_counter()
        import_catalog(big, generate(args.procedures - len(real.procedures)))
        print(
            f"import {args.procedures - len(real.procedures)} generated procedures: {time.perf_counter() - t0:.2f} s"
        )
        sizes = [
            conn.execute("SELECT count(*) FROM catalog_procedure").fetchone()[0] for conn in (small, big)
        ]
        print(f"catalog sizes: shipped {sizes[0]}, large {sizes[1]}; {args.repeat} runs per query, limit 20")
        a, b = _timings(small, args.repeat), _timings(big, args.repeat)
        print(f"{'query':26} {'hits':>4} {'p50':>6} {'p95 ms':>7} | {'hits':>4} {'p50':>6} {'p95 ms':>7}")
        for query in QUERIES:
            (ha, ta), (hb, tb) = a[query], b[query]
            print(f"{query:26} {ha:>4} {statistics.median(ta):>6.2f} {_p95(ta):>7.2f} | "
                  f"{hb:>4} {statistics.median(tb):>6.2f} {_p95(tb):>7.2f}")  # fmt: skip
        all_a = [t for _, ts in a.values() for t in ts]
        all_b = [t for _, ts in b.values() for t in ts]
        print(f"{'ALL':26} {'':>4} {statistics.median(all_a):>6.2f} {_p95(all_a):>7.2f} | "
              f"{'':>4} {statistics.median(all_b):>6.2f} {_p95(all_b):>7.2f}   (goal p95 <= 20 ms)")  # fmt: skip
        small.close()
        big.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
