"""The SANE source against SANE's real `test` backend (SANE_CONFIG_DIR=resources/sane)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.errors import CancelledError
from scanner.sources.base import ScanSettings, ScanSource, never_cancelled, no_progress
from scanner.sources.sane import SaneSource, list_sane_devices


def test_lists_the_test_devices_with_prefixed_ids():
    ids = [d.id for d in list_sane_devices()]
    assert "sane:test:0" in ids


def test_source_implements_the_scan_source_protocol():
    assert isinstance(SaneSource("sane:test:0"), ScanSource)


def test_capabilities_report_modes_resolutions_and_both_trays():
    caps = SaneSource("sane:test:0").capabilities()
    assert set(caps.sources) == {"platen", "adf"}
    assert caps.sources["platen"].color_modes == ["color", "gray", "bw"]
    assert 300 in caps.sources["platen"].resolutions
    assert caps.sources["platen"].max_width_mm == 200.0


@pytest.mark.parametrize(("mode", "ndim"), [("color", 3), ("gray", 2), ("bw", 2)])
def test_flatbed_scan_delivers_one_page_in_the_mode_asked(mode, ndim):
    source = SaneSource("sane:test:0", {"test_picture": "Color pattern"})
    pages = list(source.scan(ScanSettings(dpi=75, mode=mode), no_progress, never_cancelled))
    assert len(pages) == 1
    page = pages[0]
    assert page.image.ndim == ndim and page.dpi == 75 and page.mode == mode
    assert page.source == "sane:test:0"
    if mode == "bw":
        assert set(page.image.ravel().tolist()) <= {0, 255}


def test_adf_scan_reads_until_the_feeder_is_empty():
    source = SaneSource("sane:test:1", {"test_picture": "Grid"})
    seen = []
    pages = list(
        source.scan(
            ScanSettings(dpi=50, mode="gray", source="adf"), lambda d, t: seen.append(d), never_cancelled
        )
    )
    assert len(pages) == 10  # the test backend's feeder holds 10 sheets
    assert seen[-1] == 10
    assert [p.index for p in pages] == list(range(10))


def test_adf_scan_stops_when_cancelled():
    source = SaneSource("sane:test:0")
    calls = {"n": 0}

    def cancel_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(CancelledError):
        list(source.scan(ScanSettings(dpi=50, mode="gray", source="adf"), no_progress, cancel_after_two))


_AFTER_A_SCAN_WRITE_TO_A_CLOSED_SOCKET = """
import socket, sys
from scanner.sources.base import ScanSettings, never_cancelled, no_progress
from scanner.sources.sane import SaneSource
pages = list(SaneSource("sane:test:0").scan(ScanSettings(dpi=50, mode="gray"), no_progress, never_cancelled))
assert len(pages) == 1
mine, theirs = socket.socketpair()
theirs.close()
try:
    for _ in range(3):
        mine.sendall(b"x" * 65536)
except BrokenPipeError:
    print("BrokenPipeError")
    sys.exit(0)
sys.exit(3)
"""


def test_after_a_scan_a_hung_up_socket_raises_broken_pipe_instead_of_killing_the_process():
    """libsane leaves SIGPIPE at its default action (kill). A desk that scanned a page and then wrote
    to a socket the hub had closed died on the spot, with nothing in its log. The scan runs in a
    child process here so that, were SIGPIPE left fatal, only the child dies (returncode -13)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _AFTER_A_SCAN_WRITE_TO_A_CLOSED_SOCKET],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != -signal.SIGPIPE, "a write to a closed socket after a scan killed the process"
    assert (done.returncode, done.stdout.strip()) == (0, "BrokenPipeError"), done.stderr[-500:]
