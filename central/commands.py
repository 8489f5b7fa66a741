"""The administrative commands behind `python -m central` (each one transaction)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.digitization import parse_profile
from app.domain.errors import ValidationError as ProfileError
from app.form_templates import parse_template, template_json
from central import agency, agency_accounts, audit_heads, crud, ingest
from central.blobs import HubBlobs, open_store
from central.core.config import HubSettings
from central.core.db import Database
from central.models import Dossier
from sync.protocol import PUBLICATION_KINDS, AgencyPost


def run(args: argparse.Namespace, settings: HubSettings, database: Database) -> int:
    try:
        with database.session() as s:
            return _run(args, settings, s)
    except (crud.PointSetupError, agency_accounts.AgencyAccountError, agency.AgencyInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ProfileError as exc:
        print(f"error: {exc.log_message}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: HubSettings, s: Session) -> int:
    if args.command == "enroll-code":
        code = crud.create_enroll_code(s, args.point, args.desk, settings.enroll_code_hours, args.agency_code)
        print(f"Mã đăng ký một lần cho điểm {args.point}, bàn {args.desk}:")
        print(code)
    elif args.command == "revoke-device":
        if not crud.revoke_device(s, args.device):
            print(f"no device {args.device}", file=sys.stderr)
            return 1
        print(f"revoked {args.device}")
    elif args.command == "audit-forks":
        return _audit_forks(args, s)
    elif args.command == "dossiers":
        rows = [d.model_dump() for d in crud.summaries(s, point_code=args.point)]
        print(json.dumps(rows, ensure_ascii=False, indent=None if args.json else 2))
    elif args.command == "agency":
        return _agency(args, s, open_store(settings.data_dir, settings.blobs_dir, settings.key_file))
    elif args.command in PUBLICATION_KINDS:
        text = args.file.read_text(encoding="utf-8")
        if args.command == "digitization":
            parse_profile(text, origin=args.file.name)  # a bad profile is refused here, not on every desk
        if args.command == "forms":
            text = template_json(text, args.file.name)  # a .toml file is published as its JSON
            parse_template(text, origin=args.file.name)  # so is a bad form template
        body: dict[str, Any] = json.loads(text)
        pub = ingest.publish(s, args.command, body)
        print(f"published {args.command} #{pub}")
    return 0


def _audit_forks(args: argparse.Namespace, s: Session) -> int:
    if args.clear:
        print(f"cleared {audit_heads.clear_forks(s, args.clear)} warning(s) of {args.clear}")
        return 0
    forks = audit_heads.list_forks(s, args.point, include_cleared=args.all)
    for fork in forks:
        when = datetime.fromtimestamp(fork.at / 1000, UTC).isoformat(timespec="seconds")
        cleared = " (cleared)" if fork.cleared_at else ""
        print(
            f"{when} point {fork.point_code} device {fork.device_id}: {fork.kind}, "
            f"hub had seq {fork.recorded_seq}, desk pushed seq {fork.got_seq}{cleared}"
        )
    if not forks:
        print("no audit chain warnings")
    return 0


def _agency(args: argparse.Namespace, s: Session, blobs: HubBlobs) -> int:
    if args.action == "add":
        token = agency_accounts.add(s, args.name, args.point, args.procedure)
        print(f"agency {args.name}: token (shown once, keep it secret):")
        print(token)
        return 0
    if args.action == "revoke":
        if not agency_accounts.revoke(s, args.name):
            print(f"no agency {args.name}", file=sys.stderr)
            return 1
        print(f"revoked agency {args.name}")
        return 0
    return _post(args, s, blobs)


def _post(args: argparse.Namespace, s: Session, blobs: HubBlobs) -> int:
    dossier = s.scalar(select(Dossier).where(or_(Dossier.id == args.dossier, Dossier.code == args.dossier)))
    if dossier is None:
        raise agency.AgencyInputError(f"no dossier {args.dossier}")
    payload: dict[str, Any] = {}
    if args.file:
        payload["files"] = [agency.store_result_file(s, blobs, f) for f in args.file]
    if args.new_due_date:
        payload["new_due_date"] = args.new_due_date
        payload.setdefault("reason", args.note or "")
    if args.event == "supplement_requested":
        payload.setdefault("reason", args.note or "")
    try:
        body = AgencyPost(dossier_id=dossier.id, type=args.event, note=args.note, payload=payload)
    except ValidationError as exc:
        raise agency.AgencyInputError(f"{exc.error_count()} invalid fields") from exc
    event = agency.post(s, body)
    print(json.dumps(event.model_dump(), ensure_ascii=False))
    return 0
