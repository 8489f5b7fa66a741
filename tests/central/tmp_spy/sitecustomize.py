"""Put on PYTHONPATH of a process by a test: records, through Python's audit hooks (PEP 578), every
file the process opens or makes in its temporary folder (TMPDIR), and with MOTCUA_TEST_SPY_WRITES=1
every file it opens for writing anywhere. A spy: it changes nothing."""

from __future__ import annotations

import os
import sys

_LOG = os.environ.get("MOTCUA_TEST_TMP_SPY")
_TMP = os.environ.get("TMPDIR")
_WRITES = os.environ.get("MOTCUA_TEST_SPY_WRITES") == "1"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND

if _LOG and _TMP:
    _fd = os.open(_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def _hook(event: str, args: tuple[object, ...]) -> None:
        if event not in ("open", "tempfile.mkstemp", "tempfile.mkdtemp") or not args:
            return
        path = args[0]
        if not isinstance(path, str | bytes):
            return
        name = os.path.abspath(os.fsdecode(path))
        flags = args[2] if event == "open" and len(args) > 2 and isinstance(args[2], int) else 0
        mode = args[1] if event == "open" and len(args) > 1 and isinstance(args[1], str) else ""
        writes = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
        if name.startswith(_TMP):
            os.write(_fd, f"{event} {name}\n".encode())
        elif _WRITES and (writes or event != "open"):
            os.write(_fd, f"write {name}\n".encode())

    sys.addaudithook(_hook)
