"""`python -m app` / `motcua`: the desk, or one of the IT commands (`motcua <command> --help`)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

# command -> module with `main(argv: list[str]) -> int`; imported only when used, to start fast.
COMMANDS: dict[str, str] = {
    "self-test": "ui.cli.selftest",
    "due": "app.cli.due",
    "catalog": "app.cli.catalog",
    "demo": "app.cli.demo",
    "dossiers": "app.cli.dossiers",
    "check": "app.cli.check",
    "audit": "app.cli.audit",
    "clerk": "app.cli.clerk",
    "key": "app.cli.key",
    "setup": "ui.cli.setup",
    "backup": "app.cli.backup",
    "restore": "app.cli.restore",
    "diagnostics": "app.cli.diagnostics",
    "gc": "app.cli.gc",
    "forms": "app.cli.forms",
    "cash": "app.cli.cash",
    "report": "app.cli.report",
    "queue": "sync.queue_service",  # the point's LAN queue service (HTTP lives outside app/)
    "queue-screen": "ui.cli.queue_screens",  # its kiosk and hall display
}

# The desk window is composed by ui/ on top of app/. The entry point loads it by name so that app/
# itself never depends on ui/ (the layer contract in .importlinter); nothing else in app/ does this.
DESK_MODULE = "ui.main"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[args[0]])
        return int(module.main(args[1:]) or 0)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        print("Commands: " + ", ".join(sorted(COMMANDS)))
        print("Desk: python -m app [--demo] [--smoke] [--screenshot FILE] [--screenshots DIR]")
        return 0
    desk = importlib.import_module(DESK_MODULE)
    return int(desk.main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
