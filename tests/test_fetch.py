"""The URL fetcher: private targets refused (also after redirects), limits enforced. All on 127.0.0.1."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import httpx
import pytest

from local_http import LocalServer, Route, local_server
from veille.config import Settings, load_settings, with_values
from veille.errors import FetchRefused, InputError
from veille.ingest import fetch as fetch_module
from veille.ingest.fetch import fetch, is_public_address

PAGE = b"<html><body><p>Le maire a inaugure la nouvelle mediatheque samedi matin.</p></body></html>"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


@pytest.fixture
def settings() -> Settings:
    return with_values(load_settings(), ingest={"fetch_timeout": 2.0, "fetch_max_bytes": 10_000})


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata endpoint
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("fec0::1", False),  # deprecated site-local (RFC 3879): Python calls it global
        ("feff::1", False),  # the top of fec0::/10
        ("64:ff9b::7f00:1", False),  # NAT64 wrapping 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 wrapping 10.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 wrapping 93.184.216.34
        ("64:ff9b:1::1", False),  # local-use NAT64 (RFC 8215)
        ("::a00:1", False),  # IPv4-compatible (deprecated)
        ("2001:db8::1", False),  # documentation
        ("2001::1", False),  # Teredo
        ("198.18.0.1", False),  # benchmarking
        ("192.0.0.8", False),  # IETF protocol assignments
        ("192.88.99.1", False),  # deprecated 6to4 relay anycast
        ("3fff::1", False),  # documentation (RFC 9637)
    ],
)
def test_public_address_classification(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_loopback_refused_by_default(server: LocalServer, settings: Settings) -> None:
    server.routes["/page"] = Route(PAGE)
    with pytest.raises(FetchRefused, match="non-public address 127.0.0.1"):
        fetch(server.url("/page"), settings)
    assert server.requests == []  # refused before connecting


def test_loopback_allowed_with_allow_private(server: LocalServer, settings: Settings) -> None:
    server.routes["/page"] = Route(PAGE)
    response = fetch(server.url("/page"), settings, allow_private=True)
    assert response.content == PAGE
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"


def test_localhost_name_is_resolved_then_refused(server: LocalServer, settings: Settings) -> None:
    server.routes["/page"] = Route(PAGE)
    with pytest.raises(FetchRefused):
        fetch(server.url("/page", host="localhost"), settings)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/"])
def test_only_http_and_https(url: str, settings: Settings) -> None:
    with pytest.raises(FetchRefused, match="only http and https"):
        fetch(url, settings, allow_private=True)


def test_connects_to_the_checked_address_not_a_second_lookup(
    server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "news.invalid" exists in no DNS: the fetch can only work if the connection goes to the
    # address veille resolved and checked, with the name kept in the Host header.
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        lookups.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(fetch_module, "resolve_host", resolve)
    server.routes["/page"] = Route(PAGE)
    response = fetch(server.url("/page", host="news.invalid"), settings, allow_private=True)
    assert response.content == PAGE
    assert lookups == ["news.invalid"]
    assert server.requests[0][1]["Host"] == f"news.invalid:{server.port}"


def test_redirect_to_private_address_refused(
    server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is public so the first hop is allowed; the redirect points to
    # 127.0.0.2, which stays private and must be refused at the second hop.
    real = fetch_module.is_public_address
    monkeypatch.setattr(fetch_module, "is_public_address", lambda a: str(a) == "127.0.0.1" or real(a))
    server.routes["/start"] = Route(
        status=302, headers={"Location": f"http://127.0.0.2:{server.port}/inside"}
    )
    server.routes["/inside"] = Route(PAGE)
    with pytest.raises(FetchRefused, match="127.0.0.2"):
        fetch(server.url("/start"), settings)
    assert [path for path, _ in server.requests] == ["/start"]


def test_redirects_followed_and_rechecked(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=307, headers={"Location": server.url("/c")})
    server.routes["/c"] = Route(PAGE)
    response = fetch(server.url("/a"), settings, allow_private=True)
    assert response.content == PAGE
    assert response.url == server.url("/c")


def test_redirect_loop_stops(server: LocalServer, settings: Settings) -> None:
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchRefused, match="more than 5 redirects"):
        fetch(server.url("/loop"), settings, allow_private=True)
    assert len(server.requests) == 6


def test_body_over_limit_refused(server: LocalServer, settings: Settings) -> None:
    server.routes["/big"] = Route(b"x" * 50_000, content_type="text/plain")
    with pytest.raises(FetchRefused, match="fetch_max_bytes"):
        fetch(server.url("/big"), settings, allow_private=True)


def test_http_error_is_one_line(server: LocalServer, settings: Settings) -> None:
    with pytest.raises(InputError, match="HTTP 404") as caught:
        fetch(server.url("/missing"), settings, allow_private=True)
    assert "\n" not in str(caught.value)


def test_timeout_is_one_line(server: LocalServer, settings: Settings) -> None:
    slow = with_values(settings, ingest={"fetch_timeout": 0.3})
    server.routes["/slow"] = Route(PAGE, delay=1.5)
    with pytest.raises(InputError, match="timed out"):
        fetch(server.url("/slow"), slow, allow_private=True)


def test_unreachable_port_is_one_line(settings: Settings) -> None:
    with pytest.raises(InputError, match="could not fetch"):
        fetch("http://127.0.0.1:9/", settings, allow_private=True)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://[::1]:8080/x", "[::1]:8080"),
        ("https://news.example/x", "news.example"),
        ("http://a.example:81/", "a.example:81"),
    ],
)
def test_pinned_request_keeps_the_name(url: str, host: str) -> None:
    with httpx.Client() as client:
        request = fetch_module._pinned_request(
            client, httpx.URL(url), ipaddress.ip_address("192.0.2.7"), "ua"
        )
    assert request.headers["Host"] == host
    assert request.url.host == "192.0.2.7"
    assert request.extensions["sni_hostname"] == httpx.URL(url).host


def test_unreachable_address_falls_back_to_the_next(
    server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 127.0.0.2 has nothing listening on the port; 127.0.0.1 has the server. Both are checked.
    monkeypatch.setattr(
        fetch_module,
        "resolve_host",
        lambda host, port: [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")],
    )
    server.routes["/page"] = Route(PAGE)
    assert fetch(server.url("/page", host="two.invalid"), settings, allow_private=True).content == PAGE
