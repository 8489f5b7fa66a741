"""Rate limits every hub process shares, keyed on the client address a trusted proxy names.

Real hub processes on one database, a real proxy process in front; clients bind distinct loopback
addresses (127.0.0.2, 127.0.0.3, ...) so the hub sees distinct peers.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.conftest import postgres  # noqa: F401
from tests.sync.hubkit import ROOT, Hub, env, free_port

BURST = 6
LIMITS = {
    "MOTCUA_HUB_CITIZEN_BURST": str(BURST),
    "MOTCUA_HUB_CITIZEN_RATE_PER_S": "0.005",  # a window of 1,200 s: nothing refills during a test
    "MOTCUA_HUB_LOGIN_FAILURES_PER_ADDRESS": "3",
}


def get(url: str, path: str, source: str = "127.0.0.1", headers: dict[str, str] | None = None) -> int:
    """GET from `source` (a loopback address the client binds), returning the status."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    conn.request("GET", path, headers=headers or {})
    status = conn.getresponse().status
    conn.close()
    return status


def citizen(url: str, source: str = "127.0.0.1", forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return get(url, "/tra-cuu?ma=KHONG-CO&k=SAI", source, headers)


def hubs(data: Path, n: int, db_url: str | None = None, **extra: str) -> list[Hub]:
    """`n` hub processes on the same database (SQLite in `data`, or `db_url`)."""
    data.mkdir()
    out = []
    for _ in range(n):
        out.append(Hub(data=data, db_url=db_url, extra_env={**LIMITS, **extra}).start())
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def two_hubs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Hub]]:
    """Two hub processes on one database, SQLite then PostgreSQL."""
    db_url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    started = hubs(tmp_path / "hub", 2, db_url)
    yield started
    for h in started:
        h.stop()


def test_two_hub_processes_on_one_database_share_the_citizen_limit(two_hubs: list[Hub]):
    a, b = two_hubs
    codes = [citizen(h.url) for _ in range(BURST) for h in (a, b)]  # alternate: a, b, a, b, ...
    assert codes[:BURST] == [404] * BURST, codes
    assert codes[BURST:] == [429] * BURST, codes  # both processes refuse once the shared count is used


def _login_failure(url: str) -> int:
    """One wrong password through the real login form (its pre-login CSRF cookie and token)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/dang-nhap")
    reply = conn.getresponse()
    page = reply.read().decode()
    cookie = (reply.getheader("set-cookie") or "").split(";")[0]
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, page
    body = f"username=khongai&password=sai-mat-khau&csrf={token.group(1)}"
    conn.request(
        "POST",
        "/dang-nhap",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    reply = conn.getresponse()
    text = reply.read().decode()
    if reply.status == 429:
        assert "Quá nhiều lần đăng nhập sai từ địa chỉ này" in text
    conn.close()
    return reply.status


def test_failed_logins_from_one_address_are_counted_across_processes(two_hubs: list[Hub]):
    a, b = two_hubs
    codes = [_login_failure(h.url) for h in (a, b, a, b, a)]
    assert codes == [401, 401, 401, 429, 429], codes


def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_bypass_the_limit(two_hubs: list[Hub]):
    """No proxy is trusted (the default): a fresh X-Forwarded-For on every request buys nothing."""
    a, _ = two_hubs
    codes = [citizen(a.url, forwarded=f"198.51.100.{i}") for i in range(BURST + 3)]
    assert codes[:BURST] == [404] * BURST and codes[BURST:] == [429] * 3, codes


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[str]:
    """Two hub processes trusting the proxy's address (127.0.0.1), a proxy balancing over both."""
    started = hubs(tmp_path / "hub", 2, MOTCUA_HUB_TRUSTED_PROXIES="127.0.0.1/32")
    port = free_port()
    proxy = subprocess.Popen(
        [sys.executable, "-m", "tests.console.forwarding_proxy", str(port), *(h.url for h in started)],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None and proxy.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        proxy.terminate()
        proxy.wait(10)
        for h in started:
            h.stop()


def test_through_a_real_proxy_the_client_is_limited_not_the_proxy(behind_proxy: str):
    first, second = "127.0.0.2", "127.0.0.3"
    codes = [citizen(behind_proxy, first) for _ in range(BURST + 2)]
    assert codes[:BURST] == [404] * BURST and codes[BURST:] == [429] * 2, codes
    # the same client naming someone else in its own header is still itself (the proxy appends it)
    assert citizen(behind_proxy, first, forwarded="203.0.113.7") == 429
    # another client behind the same proxy still has its whole allowance
    assert [citizen(behind_proxy, second) for _ in range(BURST)] == [404] * BURST


def test_a_trusted_proxy_that_is_not_a_cidr_stops_the_hub_at_start(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "central", "serve", "--data", str(tmp_path), "--trusted-proxy", "proxy.lan"],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "--trusted-proxy: not a CIDR: 'proxy.lan'" in done.stderr
