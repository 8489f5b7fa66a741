"""`python -m central catalog import-portal | diff | publish`: the centre's catalog curation.

    import-portal FILE… --out DRAFT   read the national portal's records (as public scrapers write them)
                                      into a draft, with a report per record and the parse rates
    review DRAFT --with REVIEWS       apply a person's corrections (JSON {code: {field: value}, …})
    diff DRAFT [--against FILE]       what publishing the draft would change for the points
    publish FILE [--write OUT]        publish a reviewed draft (or a plain catalog file, as before) to
                                      every point; --write only writes the catalog file (e.g. to ship it)

The parsing lives in app.catalog.portal (pure: no desk store), the one desk package the hub may use
besides sync.protocol and app.domain (see .importlinter).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.catalog.io import parse_catalog
from app.catalog.model import Procedure
from app.catalog.portal.draft import (
    DRAFT_FORMAT,
    apply_reviews,
    build_draft,
    read_draft,
    write_draft,
)
from app.catalog.portal.stats import rate_table
from app.domain.errors import CatalogError
from central import catalog_publish, ingest
from central.core.db import Database

ACTIONS = ("import-portal", "review", "diff", "publish")
Opener = Callable[[], Database]


def register(catalog: Any, store_args: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add import-portal and diff to `python -m central catalog` (publish is registered by __main__)."""
    imp = catalog.add_parser("import-portal", help="read portal records into a draft with a report")
    imp.add_argument("files", type=Path, nargs="+")
    imp.add_argument("--out", type=Path, required=True, help="the draft to write")
    imp.add_argument("--retrieved", default="", help="YYYY-MM-DD the records were read from the portal")
    imp.add_argument("--quiet", action="store_true", help="only the summary, not one line per record")
    rev = catalog.add_parser(
        "review", help="apply a person's review file to a draft (marks records reviewed)"
    )
    rev.add_argument("draft", type=Path)
    rev.add_argument("--with", dest="reviews", type=Path, required=True, help="JSON {code: {fields…}}")
    d = catalog.add_parser("diff", help="what publishing a draft would change for the points")
    store_args(d)
    d.add_argument("draft", type=Path)
    d.add_argument("--against", type=Path, help="compare with this catalog file instead of the hub's")


def add_publish_options(publish: argparse.ArgumentParser) -> None:
    publish.add_argument("--write", type=Path, help="write the catalog file instead of publishing it")
    publish.add_argument(
        "--source", default="", help="the catalog's source line (default: the draft's files)"
    )
    publish.add_argument("--against", type=Path, help="version and merge against this catalog file")


def run(args: argparse.Namespace, open_db: Opener) -> int:
    try:
        if args.action == "import-portal":
            return _import(args)
        if args.action == "review":
            return _review(args)
        if args.action == "diff":
            return _diff(args, open_db)
        return _publish(args, open_db)
    except CatalogError as exc:
        print(f"error: {exc.log_message}", file=sys.stderr)
        return 2


def _import(args: argparse.Namespace) -> int:
    if args.retrieved:
        date.fromisoformat(args.retrieved)
    draft = build_draft(list(args.files), retrieved=args.retrieved, created=date.today().isoformat())
    write_draft(args.out, draft)
    reports = draft.reports()
    if not args.quiet:
        for report in reports:
            print(report.line())
    print("\n".join(rate_table(reports)))
    flagged = [r for r in reports if r.status == "needs_review"]
    print(f"bản nháp: {args.out} ({len(reports)} bản ghi, {len(flagged)} cần người xem)")
    return 0


def _review(args: argparse.Namespace) -> int:
    draft = read_draft(args.draft)
    changed = apply_reviews(draft, json.loads(args.reviews.read_text(encoding="utf-8")))
    write_draft(args.draft, draft)
    print(f"{len(changed)} bản ghi đã xem xét: {', '.join(changed)}")
    return 0


def _current(open_db: Opener, against: Path | None) -> list[Procedure]:
    if against is not None:
        return list(parse_catalog(against.read_text(encoding="utf-8"), str(against)).procedures)
    with open_db().session() as s:
        return catalog_publish.published(s).procedures


def _diff(args: argparse.Namespace, open_db: Opener) -> int:
    shown = catalog_publish.preview(read_draft(args.draft), _current(open_db, args.against))
    print("\n".join(shown.diff.lines()))
    for code, reason in shown.ready.held:
        print(f"! {code}: giữ lại, chưa công bố ({reason})")
    return 0


def _is_draft(path: Path) -> bool:
    try:
        return json.loads(path.read_bytes()).get("format") == DRAFT_FORMAT
    except (ValueError, AttributeError):
        return False


def _publish(args: argparse.Namespace, open_db: Opener) -> int:
    if not _is_draft(args.file):  # a plain catalog file: published as it is (the desks validate it)
        body: dict[str, Any] = json.loads(args.file.read_text(encoding="utf-8"))
        with open_db().session() as s:
            print(f"published catalog #{ingest.publish(s, 'catalog', body)}")
        return 0
    draft = read_draft(args.file)
    current = _current(open_db, args.against) if (args.write is None or args.against) else []
    text, ready = catalog_publish.catalog_text(draft, current, args.source)
    for code, reason in ready.held:
        print(f"! {code}: giữ lại, chưa công bố ({reason})")
    count = len(json.loads(text)["procedures"])
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}: {count} procedure(s), {len(ready.held)} held")
        return 0
    with open_db().session() as s:
        pub = ingest.publish(s, "catalog", json.loads(text))
    print(f"published catalog #{pub}: {count} procedure(s), {len(ready.held)} held")
    return 0
