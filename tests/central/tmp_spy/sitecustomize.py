"""Put on PYTHONPATH of a hub process by a test: records every file the process opens or makes in its
temporary folder (TMPDIR), through Python's audit hooks (PEP 578). A spy: it changes nothing."""

from __future__ import annotations

import os
import sys

_LOG = os.environ.get("MOTCUA_TEST_TMP_SPY")
_TMP = os.environ.get("TMPDIR")

if _LOG and _TMP:
    _fd = os.open(_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def _hook(event: str, args: tuple[object, ...]) -> None:
        if event in ("open", "tempfile.mkstemp", "tempfile.mkdtemp") and args:
            path = args[0]
            if isinstance(path, str | bytes) and os.fsdecode(path).startswith(_TMP):
                os.write(_fd, f"{event} {os.fsdecode(path)}\n".encode())

    sys.addaudithook(_hook)
