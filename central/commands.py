"""The administrative commands behind `python -m central` (each one transaction)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from central import agency, crud, ingest
from central.blobs import HubBlobs
from central.core.config import HubSettings
from central.core.db import Database
from sync.protocol import AgencyPost


def run(args: argparse.Namespace, settings: HubSettings, database: Database) -> int:
    with database.session() as s:
        if args.command == "enroll-code":
            code = crud.create_enroll_code(s, args.point, args.desk, settings.enroll_code_hours)
            print(f"Mã đăng ký một lần cho điểm {args.point}, bàn {args.desk}:")
            print(code)
        elif args.command == "revoke-device":
            if not crud.revoke_device(s, args.device):
                print(f"no device {args.device}", file=sys.stderr)
                return 1
            print(f"revoked {args.device}")
        elif args.command == "dossiers":
            rows = [d.model_dump() for d in crud.summaries(s, point_code=args.point)]
            print(json.dumps(rows, ensure_ascii=False, indent=None if args.json else 2))
        elif args.command == "agency":
            return _post(args, s, HubBlobs(settings.blobs_dir))
        elif args.command in ("catalog", "calendar"):
            body: dict[str, Any] = json.loads(args.file.read_text(encoding="utf-8"))
            pub = ingest.publish(s, args.command, body)
            print(f"published {args.command} #{pub}")
    return 0


def _post(args: argparse.Namespace, s: Any, blobs: HubBlobs) -> int:
    payload: dict[str, Any] = {}
    if args.file:
        payload["files"] = [agency.store_result_file(s, blobs, f) for f in args.file]
    if args.new_due_date:
        payload["new_due_date"] = args.new_due_date
        payload.setdefault("reason", args.note or "")
    if args.event == "supplement_requested":
        payload.setdefault("reason", args.note or "")
    try:
        event = agency.post(
            s, AgencyPost(dossier_code=args.dossier, type=args.event, note=args.note, payload=payload)
        )
    except agency.AgencyInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(event.model_dump(), ensure_ascii=False))
    return 0
