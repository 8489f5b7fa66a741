"""Catalog search on 5,000 procedures: prints p50/p95 per typical query (goal p95 <= 20 ms).

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

from app.catalog import CatalogFile, Procedure, ensure_loaded, import_catalog, read_catalog, search
from app.catalog.io import SHIPPED_CATALOG
from app.catalog.schema import connect

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
    template = read_catalog(SHIPPED_CATALOG).procedures
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "desk.db")
        ensure_loaded(conn)
        t0 = time.perf_counter()
        import_catalog(conn, generate(args.procedures))
        print(f"import {args.procedures} procedures: {time.perf_counter() - t0:.2f} s")
        total = conn.execute("SELECT count(*) FROM catalog_procedure").fetchone()[0]
        print(f"catalog size: {total} procedures; {args.repeat} runs per query, limit 20")
        print(f"{'query':28} {'hits':>5} {'p50 ms':>8} {'p95 ms':>8}")
        every: list[float] = []
        for query in QUERIES:
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                hits = search(conn, query, limit=20)
                times.append((time.perf_counter() - t) * 1000)
            every += times
            q = statistics.quantiles(times, n=20)
            print(f"{query:28} {len(hits):>5} {statistics.median(times):>8.2f} {q[18]:>8.2f}")
        q = statistics.quantiles(every, n=20)
        print(f"{'ALL':28} {'':>5} {statistics.median(every):>8.2f} {q[18]:>8.2f}   (goal p95 <= 20 ms)")
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
