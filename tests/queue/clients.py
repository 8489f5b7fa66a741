"""A kiosk and a desk of the queue as separate processes (for tests/queue/test_queue_service.py).

python -m tests.queue.clients kiosk URL PLAN.json DONE_FILE      prints one JSON line per ticket taken
python -m tests.queue.clients desk URL DESK FIELD[,FIELD...] KIOSK_DONE_FILE
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.domain.errors import StateError
from sync.queue_client import QueueClient, QueueUnavailable

T = TypeVar("T")
MAX_OUTAGE_S = 60.0


def retry(op: Callable[[], T]) -> T:
    """Run `op` again while the service is down (a bounded wait), as a kiosk or desk would."""
    deadline = time.monotonic() + MAX_OUTAGE_S
    while True:
        try:
            return op()
        except QueueUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def kiosk(url: str, plan_file: str, done_file: str) -> None:
    client = QueueClient(url)
    for step in json.loads(Path(plan_file).read_text()):
        try:
            if step["kind"] == "booked":
                ticket = retry(lambda s=step: client.check_in(s["code"]))
            else:
                ticket = retry(lambda s=step: client.issue(s["field"], s["kind"] == "priority"))
        except StateError:  # a check-in whose reply was lost in a restart: the ticket exists already
            print(
                json.dumps({"kind": step["kind"], "code": step.get("code"), "lost_reply": True}), flush=True
            )
            continue
        print(json.dumps({"kind": step["kind"], "id": ticket["id"], "number": ticket["number"]}), flush=True)
        time.sleep(0.01)
    Path(done_file).write_text("done")


def desk(url: str, desk_no: int, fields: list[str], kiosk_done: str) -> None:
    client, rng = QueueClient(url), random.Random(desk_no)
    served = 0
    while True:
        ticket: dict[str, Any] | None = retry(lambda: client.call_next(desk_no, fields))
        if ticket is None:
            if Path(kiosk_done).exists() and not any(retry(client.hall)["waiting"].get(f, 0) for f in fields):
                break
            time.sleep(0.03)
            continue
        time.sleep(rng.uniform(0.04, 0.08))  # serving the citizen
        outcome = "guidance" if ticket["id"] % 5 == 0 else "dossier"
        code = f"000.00.00.H26-DESK{desk_no}-{ticket['id']}" if outcome == "dossier" else ""
        with contextlib.suppress(StateError):  # finished before a restart whose reply was lost
            retry(lambda t=ticket, o=outcome, c=code: client.finish(t["id"], desk_no, o, c))
        served += 1
    print(json.dumps({"desk": desk_no, "served": served}), flush=True)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.ERROR)  # the outage is expected: no warning per retry
    role, url = sys.argv[1], sys.argv[2]
    if role == "kiosk":
        kiosk(url, sys.argv[3], sys.argv[4])
    else:
        desk(url, int(sys.argv[3]), sys.argv[4].split(","), sys.argv[5])
