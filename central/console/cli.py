"""`python -m central operator add|list`, `point set-branch`, `agency-route add`: console setup."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable

from sqlalchemy import select

from central.console import auth
from central.console.models import ROLES, AgencyRoute, Branch, Operator, PointBranch
from central.core.db import Database

COMMANDS = ("operator", "point", "agency-route")
PASSWORD_ENV = "MOTCUA_OPERATOR_PASSWORD"


def add_commands(
    sub: argparse._SubParsersAction, store_args: Callable[[argparse.ArgumentParser], None]
) -> None:
    op = sub.add_parser("operator", help="console accounts").add_subparsers(dest="action", required=True)
    add = op.add_parser("add", help=f"create an account (password from ${PASSWORD_ENV} or asked)")
    store_args(add)
    add.add_argument("--role", required=True, choices=ROLES)
    where = add.add_mutually_exclusive_group()
    where.add_argument("--branch", help="branch code (director)")
    where.add_argument("--agency", help="agency code (agency officer)")
    add.add_argument("user")
    store_args(op.add_parser("list", help="list accounts"))
    point = sub.add_parser("point", help="points").add_subparsers(dest="action", required=True)
    sb = point.add_parser("set-branch", help="put a point in a branch (created if new)")
    store_args(sb)
    sb.add_argument("--point", required=True)
    sb.add_argument("--branch", required=True)
    sb.add_argument(
        "--name", default="", help="the point's name, e.g. Điểm Phục vụ hành chính công Hoàn Kiếm"
    )
    sb.add_argument("--branch-name", default="")
    route = sub.add_parser("agency-route", help="route procedures to an agency").add_subparsers(
        dest="action", required=True
    )
    ra = route.add_parser("add", help="dossiers of this procedure (at this point, or all) go to the agency")
    store_args(ra)
    ra.add_argument("--agency", required=True)
    ra.add_argument("--procedure", required=True)
    ra.add_argument("--point", default="*")


def run(args: argparse.Namespace, database: Database) -> int:
    with database.session() as s:
        if args.command == "operator" and args.action == "add":
            password = os.environ.get(PASSWORD_ENV) or getpass.getpass("Mật khẩu: ")
            try:
                op = auth.add_operator(s, args.user, password, args.role, args.branch, args.agency)
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            print(f"operator {op.username} ({op.role}) created")
        elif args.command == "operator":
            for o in s.scalars(select(Operator).order_by(Operator.username)):
                print(
                    f"{o.username}\t{o.role}\t{o.branch_code or o.agency or ''}\t{'active' if o.is_active else 'off'}"
                )
        elif args.command == "point":
            branch = s.get(Branch, args.branch) or Branch(code=args.branch, name=args.branch_name)
            if args.branch_name:
                branch.name = args.branch_name
            s.add(branch)
            s.flush()
            row = s.get(PointBranch, args.point) or PointBranch(point_code=args.point)
            row.branch_code, row.name = args.branch, args.name or row.name or ""
            s.add(row)
            print(f"point {args.point} in branch {args.branch}")
        else:
            s.merge(AgencyRoute(agency=args.agency, procedure_code=args.procedure, point_code=args.point))
            print(f"procedure {args.procedure} at {args.point} routed to {args.agency}")
    return 0
