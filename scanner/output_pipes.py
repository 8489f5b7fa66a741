"""Pipes a child process opens as if they were its output files, read to memory by one thread each.

POSIX: FIFOs in a private 0700 folder; the data passes through kernel pipe buffers only. Windows: named
pipes (`\\\\.\\pipe\\...`), which the C runtime's `fopen` opens like a file. Either way an output the
child never opened must not leave its reader waiting: `release()` opens the writing end itself once the
child is gone, so the reader sees an empty stream and ends.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

RELEASE_SECONDS = 5.0


class _Reader(threading.Thread):
    """One output: `data` is everything written to it once the thread has ended."""

    def __init__(self, name: str) -> None:
        super().__init__(daemon=True)
        self.target, self.data = name, b""

    def unblock(self) -> None:  # pragma: no cover - per platform
        raise NotImplementedError


class _FifoReader(_Reader):
    def run(self) -> None:
        try:
            with open(self.target, "rb") as fifo:  # blocks until a writer opens it
                self.data = fifo.read()
        except OSError as exc:
            logger.warning("OCR output pipe failed: %s", type(exc).__name__)

    def unblock(self) -> None:
        # ENXIO: the reader has not reached open() yet (the caller tries again), or has already gone
        with contextlib.suppress(OSError):
            os.close(os.open(self.target, os.O_WRONLY | os.O_NONBLOCK))


if sys.platform == "win32":  # pragma: no cover - exercised on the Windows desks only
    import _winapi

    class _NamedPipeReader(_Reader):
        def __init__(self, name: str) -> None:
            super().__init__(name)
            mode = _winapi.PIPE_TYPE_BYTE | _winapi.PIPE_READMODE_BYTE | _winapi.PIPE_WAIT
            self.handle = _winapi.CreateNamedPipe(
                name, _winapi.PIPE_ACCESS_INBOUND, mode, 1, 0, 1 << 16, _winapi.NMPWAIT_WAIT_FOREVER, 0
            )

        def run(self) -> None:
            chunks: list[bytes] = []
            try:
                try:
                    _winapi.ConnectNamedPipe(self.handle, False)
                except OSError as exc:
                    if exc.winerror != _winapi.ERROR_PIPE_CONNECTED:
                        raise
                while True:
                    try:
                        data, _err = _winapi.ReadFile(self.handle, 1 << 16, False)
                    except BrokenPipeError:  # the writer closed its end
                        break
                    chunks.append(data)
            except OSError as exc:
                logger.warning("OCR output pipe failed: %s", type(exc).__name__)
            finally:
                _winapi.CloseHandle(self.handle)
                self.data = b"".join(chunks)

        def unblock(self) -> None:
            access, exists = _winapi.GENERIC_WRITE, _winapi.OPEN_EXISTING
            with contextlib.suppress(OSError):
                _winapi.CloseHandle(_winapi.CreateFile(self.target, access, 0, 0, exists, 0, 0))


class OutputPipes:
    """The base name to give the child (it appends `.<ext>`), and one reader per extension."""

    def __init__(self, base: str, readers: dict[str, _Reader]) -> None:
        self.base, self.readers = base, readers

    def release(self) -> None:
        """Call once the child has exited: every reader ends, opened by the child or not."""
        deadline = time.monotonic() + RELEASE_SECONDS
        for reader in self.readers.values():
            while reader.is_alive() and time.monotonic() < deadline:
                reader.unblock()
                reader.join(0.02)
            if reader.is_alive():
                logger.warning("an OCR output pipe did not end within %.0fs", RELEASE_SECONDS)

    def collected(self) -> dict[str, bytes]:
        """What the child wrote to each output (empty bytes for one it never wrote)."""
        return {ext: reader.data for ext, reader in self.readers.items()}


@contextmanager
def open_output_pipes(extensions: Sequence[str]) -> Iterator[OutputPipes]:
    """Pipes named `<base>.<ext>` with their readers running; base is `stdout` when there are none."""
    if not extensions:
        yield OutputPipes("stdout", {})
        return
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows desks only
        base = rf"\\.\pipe\motcua-ocr-{secrets.token_hex(8)}"
        pipes = OutputPipes(base, {ext: _NamedPipeReader(f"{base}.{ext}") for ext in extensions})
        folder = None
    else:
        folder = Path(tempfile.mkdtemp(prefix="motcua-ocr-"))  # 0700
        base = str(folder / "out")
        for ext in extensions:
            os.mkfifo(f"{base}.{ext}", 0o600)
        pipes = OutputPipes(base, {ext: _FifoReader(f"{base}.{ext}") for ext in extensions})
    for reader in pipes.readers.values():
        reader.start()
    try:
        yield pipes
    finally:
        pipes.release()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
