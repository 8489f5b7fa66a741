"""`python -m app clerk add USERNAME --name NAME [--role clerk|head|admin] | list | passwd USERNAME`.

The password is read from the terminal (twice), or from the first line of stdin with --password-stdin.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from app.cli.common import fail, open_store
from app.domain.errors import AppError, ValidationError
from app.services.clerks import ROLE_LABELS_VI, ROLES, add_clerk, change_password, get_clerk, list_clerks


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if first != getpass.getpass("Nhập lại mật khẩu: "):
        raise ValidationError("passwords differ", "Hai lần nhập mật khẩu không khớp.")
    return first


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app clerk", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", default="clerk", choices=ROLES)
    add.add_argument("--password-stdin", action="store_true")
    sub.add_parser("list")
    pw = sub.add_parser("passwd")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    try:
        db, _blobs, _settings = open_store()
        with db:
            if args.action == "add":
                clerk = add_clerk(
                    db, args.username, args.name, args.role, _password(args.password_stdin), actor="cli"
                )
                print(f"added {clerk.username} ({clerk.role}) id={clerk.id}")
            elif args.action == "passwd":
                clerk = get_clerk(db, args.username)
                change_password(db, clerk.id, _password(args.password_stdin), actor="cli")
                print(f"password changed for {clerk.username}")
            else:
                for c in list_clerks(db):
                    state = "" if c.is_active else " (đã khóa)"
                    print(f"{c.username:20} {ROLE_LABELS_VI[c.role]:18} {c.full_name}{state}")
    except AppError as exc:
        return fail(exc)
    return 0
