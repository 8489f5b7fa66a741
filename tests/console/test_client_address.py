"""Which address a request is limited by: the peer, or what a trusted proxy's X-Forwarded-For names."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from central.console.ratelimit import client_address, limit_key, parse_networks

TRUSTED = parse_networks("10.0.0.0/8, 127.0.0.1/32, fd00::/8")


def request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", f.encode()) for f in forwarded]
    return Request(
        {"type": "http", "client": (peer, 40000), "headers": headers, "method": "GET", "path": "/"}
    )


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("198.51.100.7", ["203.0.113.1"], "198.51.100.7"),  # not a proxy: its header is ignored
        ("127.0.0.1", [], "127.0.0.1"),  # a trusted proxy that names no one
        ("127.0.0.1", ["203.0.113.1"], "203.0.113.1"),
        ("127.0.0.1", ["6.6.6.6, 203.0.113.1"], "203.0.113.1"),  # the client's own claim is left of it
        ("127.0.0.1", ["203.0.113.1, 10.1.2.3"], "203.0.113.1"),  # two trusted hops
        ("127.0.0.1", ["6.6.6.6", "203.0.113.1"], "203.0.113.1"),  # two header lines, read as one list
        ("127.0.0.1", ["nonsense, 10.1.2.3"], "10.1.2.3"),  # unreadable: the last good hop
        ("fd00::1", ["2001:db8::5"], "2001:db8::5"),
    ],
)
def test_the_client_is_the_first_address_from_the_right_that_is_not_a_trusted_proxy(
    peer: str, forwarded: list[str], client: str
):
    assert client_address(request(peer, *forwarded), TRUSTED) == client


def test_no_proxy_is_trusted_by_default():
    assert client_address(request("127.0.0.1", "203.0.113.1"), parse_networks("")) == "127.0.0.1"


def test_an_ipv6_host_is_counted_per_slash_64_and_a_mapped_ipv4_as_itself():
    assert limit_key("citizen", "2001:db8:1:2::1") == limit_key("citizen", "2001:db8:1:2:ffff::9")
    assert limit_key("citizen", "2001:db8:1:2::1") != limit_key("citizen", "2001:db8:1:3::1")
    assert limit_key("citizen", "::ffff:203.0.113.1") == limit_key("citizen", "203.0.113.1")
    assert limit_key("citizen", "203.0.113.1") != limit_key("login", "203.0.113.1")


def test_a_trusted_proxy_that_is_not_a_cidr_is_refused():
    with pytest.raises(ValueError, match=r"not a CIDR: 'proxy\.lan'"):
        parse_networks("10.0.0.0/8,proxy.lan")
