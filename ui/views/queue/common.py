"""Shared by the queue screens: HTTP calls as jobs, the fields' labels, the chime."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from app.queue.rules import DEFAULT_FIELDS
from ui.workers.jobs import Job, JobRunner

FIELD_NAMES = {f.code: f.name for f in DEFAULT_FIELDS}


def in_job(runner: JobRunner, name: str, fn: Callable[[], Any], on_done: Callable[[Any], None],
           on_failed: Callable[[BaseException], None]) -> Job:  # fmt: skip
    """Run one queue call off the UI thread; the callbacks run on the UI thread."""

    def work(progress: Callable[[int, int], None], is_cancelled: Callable[[], bool]) -> Any:
        return fn()

    return runner.start(Job(name, work), on_done=on_done, on_failed=on_failed)


def write_chime(path: Path, rate: int = 22_050) -> Path:
    """A two-note "ding-dong" (E6 then C6, fading) as a 16-bit mono WAV."""
    frames = bytearray()
    for freq, seconds in ((1318.5, 0.35), (1046.5, 0.6)):
        n = int(rate * seconds)
        for i in range(n):
            fade = math.exp(-4.0 * i / n)
            frames += struct.pack("<h", int(12_000 * fade * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


def play_chime(path: Path) -> None:
    """Play the chime without blocking: winsound on Windows, paplay/aplay elsewhere, else the bell."""
    if sys.platform == "win32":
        import winsound

        winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)  # type: ignore[attr-defined]
        return
    player = shutil.which("paplay") or shutil.which("aplay")
    if player:
        subprocess.Popen([player, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        QApplication.beep()
