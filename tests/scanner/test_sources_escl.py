"""eSCL: capability documents of real scanner makes, and scan jobs against a server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from scanner.errors import DeviceBusyError, FeederEmptyError
from scanner.sources.base import ScanSettings, never_cancelled, no_progress
from scanner.sources.escl import EsclSource
from scanner.sources.escl_caps import parse_capabilities
from tests.conftest import ROOT
from tests.scanner import escl_caps_samples as samples
from tests.scanner.escl_server import EsclServer, ScannerState


def test_hp_discrete_resolutions_platen_and_simplex_adf():
    caps = parse_capabilities(samples.HP.encode())
    assert caps.make_and_model == "HP LaserJet MFP M428fdw"
    assert caps.sources["platen"].resolutions == [75, 100, 200, 300, 600]
    assert caps.sources["platen"].color_modes == ["color", "gray", "bw"]
    assert caps.sources["platen"].formats == ["application/pdf", "image/jpeg"]
    assert caps.sources["platen"].max_width_mm == pytest.approx(215.9)
    assert caps.sources["adf"].duplex is False


def test_canon_resolution_range_with_other_prefix():
    caps = parse_capabilities(samples.CANON.encode())
    assert set(caps.sources) == {"platen"}
    assert caps.sources["platen"].resolutions == [75, 100, 150, 200, 300, 400, 600]
    assert caps.sources["platen"].color_modes == ["color", "gray"]


def test_brother_shared_profiles_and_duplex_block():
    caps = parse_capabilities(samples.BROTHER.encode())
    assert caps.sources["platen"].resolutions == [100, 150, 200, 300]
    assert caps.sources["adf"].duplex is True
    assert "image/jpeg" in caps.sources["adf"].formats


def test_kyocera_x_only_resolutions_and_duplex_option():
    caps = parse_capabilities(samples.KYOCERA.encode())
    assert set(caps.sources) == {"adf"}
    assert caps.sources["adf"].resolutions == [200, 300]
    assert caps.sources["adf"].duplex is True
    assert caps.sources["adf"].formats == ["application/pdf"]


def test_epson_deep_modes_map_to_color_and_gray():
    caps = parse_capabilities(samples.EPSON.encode())
    assert caps.sources["platen"].color_modes == ["color", "gray"]
    assert caps.sources["platen"].resolutions == [100, 300, 1200]


def test_platen_job_returns_jpeg_pages_until_404_and_deletes_the_job():
    with EsclServer(ScannerState(pages=1)) as server:
        pages = list(EsclSource(server.url).scan(ScanSettings(dpi=300), no_progress, never_cancelled))
    assert len(pages) == 1 and pages[0].dpi == 300 and pages[0].image.ndim == 3
    assert "<pwg:InputSource>Platen</pwg:InputSource>" in server.state.posted[0]
    assert "<scan:ColorMode>RGB24</scan:ColorMode>" in server.state.posted[0]
    assert server.state.deleted


def test_adf_job_rides_out_503_busy_on_post_and_next_document():
    state = ScannerState(pages=3, busy_posts=2, busy_docs=2)
    with EsclServer(state) as server:
        source = EsclSource(server.url, retry_base=0.01)
        pages = list(
            source.scan(ScanSettings(dpi=200, mode="gray", source="adf"), no_progress, never_cancelled)
        )
    assert len(pages) == 3
    assert "<pwg:InputSource>Feeder</pwg:InputSource>" in state.posted[0]


def test_pdf_documents_are_split_into_pages():
    with EsclServer(ScannerState(pages=4, mime="application/pdf")) as server:
        pages = list(
            EsclSource(server.url).scan(ScanSettings(dpi=100, source="adf"), no_progress, never_cancelled)
        )
    assert len(pages) == 4


def test_scanner_busy_for_too_long_gives_a_busy_error():
    with EsclServer(ScannerState(busy_posts=100)) as server:
        source = EsclSource(server.url, retry_base=0.01, max_wait=0.1)
        with pytest.raises(DeviceBusyError) as info:
            list(source.scan(ScanSettings(), no_progress, never_cancelled))
    assert "bận" in info.value.user_message


def test_empty_feeder_is_reported_before_posting_a_job():
    state = ScannerState(adf_state="ScannerAdfEmpty")
    with EsclServer(state) as server, pytest.raises(FeederEmptyError):
        list(EsclSource(server.url).scan(ScanSettings(source="adf"), no_progress, never_cancelled))
    assert state.posted == []


def test_cli_caps_prints_sources_as_json():
    with EsclServer(ScannerState(capabilities=samples.BROTHER)) as server:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-m", "scanner", "caps", "--escl", server.url, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    caps = json.loads(out)
    assert caps["make_and_model"].startswith("Brother")
    assert caps["sources"]["adf"]["duplex"] is True
    assert caps["sources"]["platen"]["resolutions"] == [100, 150, 200, 300]
