"""Tesseract as a child process that never reads or writes a page or its text on disk.

The page goes in on stdin as a PackBits TIFF (Leptonica decodes TIFF and PNG from memory through its
own stream callbacks; PNM, BMP and the rest go through fmemopen, or a temporary file where the C
library has none, as on Windows). Tesseract's outputs (TSV, the text-only PDF page) come back through
pipes: POSIX FIFOs, or Windows named pipes. A FIFO's name lives in a private 0700 folder, but its data
only ever passes through kernel pipe buffers, never through a file system's blocks, whatever that
folder is mounted on. That is why this module does not look for a memory-backed folder instead: the
usual temporary folder is often on disk (an ext4 root, `%TEMP%` on Windows), `/dev/shm` exists on
Linux only, and a tmpfs page can still be swapped out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import cv2
import pytesseract

from scanner.errors import CancelledError, OcrError, OcrTimeoutError
from scanner.output_pipes import OutputPipes, open_output_pipes
from scanner.sources.base import Image

logger = logging.getLogger(__name__)

# The page crosses a pipe as a TIFF whose rows are PackBits runs: a white paper row is a few bytes
TIFF_PACKBITS = [cv2.IMWRITE_TIFF_COMPRESSION, 32773]


@dataclass(frozen=True)
class TesseractRun:
    """What one finished run gave: its standard output and each requested output, all in memory."""

    returncode: int
    stdout: bytes
    stderr: str
    outputs: dict[str, bytes]


def tesseract_env() -> dict[str, str]:
    """Tesseract's OpenMP threads fight each other on small machines: one thread per process."""
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def encode_page(gray: Image) -> bytes:
    """The page as a PackBits-compressed TIFF for Tesseract's stdin: the same pixels, in the form both
    sides handle fastest. Tesseract's reading of stdin costs in proportion to the bytes (an A4 page at
    200 dpi: 3.8 MB as PGM, 1.0-1.3 MB as PackBits TIFF; `tesseract stdin` took 0.1 s longer on the PGM
    than on the same file by name). PackBits takes 2-7 ms to encode where deflate (PNG) takes 20-50 ms.
    Leptonica reads a TIFF from memory through its own stream callbacks, where a PGM goes through
    fmemopen (a temporary file where the C library has none) and is parsed value by value. Measured:
    about 0.1 s less per page than PGM, with the same TSV (`python -m bench.tesseract_input`)."""
    ok, tiff = cv2.imencode(".tif", gray, TIFF_PACKBITS)
    if not ok:
        raise OcrError("could not encode the page for tesseract")
    return tiff.tobytes()


def _wait(
    proc: subprocess.Popen[bytes], timeout: float, is_cancelled: Callable[[], bool], exited: threading.Thread
) -> None:
    """Wait for the child; `exited` is the drain of its stderr, which ends when the child exits.

    Joining that thread instead of sleeping between polls returns as soon as the child is gone (a
    sleep of 20 ms cost 10 ms per run on average), and still looks at cancel and timeout every 20 ms.
    """
    end = time.monotonic() + timeout
    while proc.poll() is None:
        if is_cancelled():
            proc.kill()
            proc.wait()
            raise CancelledError("OCR cancelled by the user")
        if time.monotonic() > end:
            proc.kill()
            proc.wait()
            raise OcrTimeoutError(f"tesseract exceeded {timeout:.0f}s on a page")
        if exited.is_alive():
            exited.join(0.02)
        else:  # stderr closed: the child is exiting (or closed it early; then this still waits)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(0.02)


class _Drain(threading.Thread):
    """Reads one of the child's standard streams to its end, so a full pipe never stalls the child."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        super().__init__(daemon=True)
        self.stream, self.data = stream, b""

    def run(self) -> None:
        if self.stream is not None:
            self.data = self.stream.read()


def _feed(proc: subprocess.Popen[bytes], page: bytes) -> None:
    assert proc.stdin is not None
    if hasattr(signal, "pthread_sigmask"):
        # a child that dies before reading all of stdin must give EPIPE here, not SIGPIPE: some native
        # libraries loaded in the desk's processes reset SIGPIPE to its default (terminate the process).
        # Blocked in this thread only, the signal stays pending on it and ends with it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
    try:
        proc.stdin.write(page)
        proc.stdin.close()
    except (BrokenPipeError, OSError):  # the child died or was killed: _wait reports why
        pass


@contextmanager
def _started(cmd: list[str], page: bytes) -> Iterator[subprocess.Popen[bytes]]:
    pipe = subprocess.PIPE
    try:
        proc = subprocess.Popen(cmd, env=tesseract_env(), stdin=pipe, stdout=pipe, stderr=pipe)
    except OSError as exc:
        raise OcrError(f"tesseract could not start: {exc}") from exc
    feeder = threading.Thread(target=_feed, args=(proc, page), daemon=True)
    feeder.start()
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        feeder.join()


def run_tesseract(
    args: Sequence[str],
    page: bytes,
    outputs: Sequence[str] = (),
    *,
    timeout: float,
    is_cancelled: Callable[[], bool] = lambda: False,
) -> TesseractRun:
    """Run `tesseract stdin <base> *args` on `page`; each extension in `outputs` is read from a pipe.

    Without `outputs` the base is `stdout`. Raises OcrTimeoutError / CancelledError / OcrError (start).
    """
    with open_output_pipes(outputs) as pipes:
        cmd = [pytesseract.pytesseract.tesseract_cmd, "stdin", pipes.base, *args]
        with _started(cmd, page) as proc:
            out, err = _Drain(proc.stdout), _Drain(proc.stderr)
            out.start()
            err.start()
            try:
                _wait(proc, timeout, is_cancelled, err)
            finally:
                _finish(pipes, (out, err))
        return TesseractRun(proc.returncode, out.data, err.data.decode(errors="replace"), pipes.collected())


def _finish(pipes: OutputPipes, drains: tuple[_Drain, ...]) -> None:
    pipes.release()  # the child is gone: no reader may wait for a writer that never comes
    for drain in drains:
        drain.join()
