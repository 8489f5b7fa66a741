"""`motcua setup`: settings for a scripted install, enrollment that waits for the network."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.hubkit import Hub, run_py

ARGS = [
    "--point-code",
    "HN-CG",
    "--point-name",
    "Điểm phục vụ Cầu Giấy",
    "--agency-code",
    "000.00.17.H26",
    "--desk",
    "2",
    "--saturday-reception",
    "yes",
]


def config(home: Path) -> dict[str, object]:
    return tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))


@pytest.fixture
def stopped_hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(data=tmp_path / "hub")
    h.data.mkdir()
    yield h
    h.stop()


def test_setup_offline_keeps_the_code_and_enrolls_when_the_hub_is_back(
    tmp_path: Path, stopped_hub: Hub
) -> None:
    home = tmp_path / "desk"
    code = stopped_hub.enroll_code("HN-CG", 2)

    first = run_py("-m", "app", "setup", *ARGS, "--hub", stopped_hub.url, "--enroll-code", code, home=home)
    assert "sẽ đăng ký khi có mạng" in first.stdout
    saved = config(home)
    assert saved["point_code"] == "HN-CG" and saved["desk"] == 2 and saved["saturday_reception"] is True
    assert saved["pending_enrollment"] == {"hub_url": stopped_hub.url, "code": code}

    stopped_hub.start()
    second = run_py("-m", "app", "setup", "--retry-enrollment", home=home)
    assert "Đã đăng ký" in second.stdout
    saved = config(home)
    assert "pending_enrollment" not in saved
    assert saved["hub_url"] == stopped_hub.url
    assert (home / "hub.json").exists()


def test_setup_with_a_wrong_code_says_so_and_drops_it(tmp_path: Path, stopped_hub: Hub) -> None:
    stopped_hub.start()
    home = tmp_path / "desk"
    done = run_py(
        "-m",
        "app",
        "setup",
        *ARGS,
        "--hub",
        stopped_hub.url,
        "--enroll-code",
        "WRONG-CODE",
        home=home,
        check=False,
    )
    assert done.returncode == 3
    assert "từ chối mã đăng ký" in done.stdout
    assert "pending_enrollment" not in config(home)


def test_setup_scans_and_prints_a_test_page(tmp_path: Path) -> None:
    home, pdf = tmp_path / "desk", tmp_path / "test-page.pdf"
    done = run_py(
        "-m",
        "app",
        "setup",
        *ARGS,
        "--scanner",
        "sane:test:0",
        "--test-scan",
        "--test-print-pdf",
        str(pdf),
        home=home,
    )
    assert "quét thử được 1 trang" in done.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    assert config(home)["scanner_device"] == "sane:test:0"


def test_setup_refuses_a_desk_number_out_of_range(tmp_path: Path) -> None:
    done = run_py("-m", "app", "setup", *ARGS[:6], "--desk", "0", home=tmp_path / "desk", check=False)
    assert done.returncode == 1
    assert "Số bàn phải từ 1 đến 99" in done.stderr


def test_setup_refuses_a_plain_http_hub_on_another_machine_in_vietnamese(tmp_path: Path) -> None:
    done = run_py(
        "-m",
        "app",
        "setup",
        *ARGS,
        "--hub",
        "http://192.0.2.10:8765",  # TEST-NET-1: never reached, refused before any connection
        "--enroll-code",
        "ABCD-EFGH-JKLM",
        home=tmp_path / "desk",
        check=False,
    )
    assert done.returncode == 1
    assert "phải bắt đầu bằng https://" in done.stderr and "Mã đăng ký chưa bị dùng" in done.stderr
    assert not (tmp_path / "desk" / "hub.json").exists()
