"""What reading a reply safely costs the desk: a changes page of N events parsed and validated
with the nesting check (sync.replies.wire_model) next to a plain json.loads + model_validate.

python bench/sync/replies.py [--events 500] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync.protocol import ChangesResponse
from sync.replies import wire_model
from tests.sync.hubkit import received_payload


def page(events: int) -> bytes:
    pages = [{"sha256": "ab" * 32, "size": 40_000, "mime": "image/png", "width": 1, "height": 1}] * 3
    changes = []
    for i in range(events):
        payload = received_payload(f"P01-01-{i:06d}", "P01", 1, pages)
        event = {
            "id": f"e{i}",
            "dossier_id": f"d{i}",
            "type": "received",
            "at": f"{1_800_000_000_000 + i:015d}-000000",
        }
        changes.append(
            {
                "seq": i + 1,
                "kind": "event",
                "event": {**event, "actor": "c", "device": "x", "payload": payload},
            }
        )
    return json.dumps({"changes": changes, "cursor": events, "has_more": False}).encode()


def timed(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    body = page(args.events)
    plain = timed(lambda: ChangesResponse.model_validate(json.loads(body)), args.repeat)
    safe = timed(lambda: wire_model(body, ChangesResponse, "changes"), args.repeat)
    print(f"changes page: {args.events} events, {len(body) / 1e6:.2f} MB, {args.repeat} runs")
    print(f"  json.loads + validate (reference): median {statistics.median(plain):7.1f} ms")
    print(f"  wire_model (depth check + same)  : median {statistics.median(safe):7.1f} ms")
    print(f"  overhead: {statistics.median(safe) / statistics.median(plain) - 1:+.0%}")


if __name__ == "__main__":
    main()
