"""Fetching URLs safely: http(s) only, bounded time and size, no requests to private networks.

Server-side request forgery is the risk: a feed or a user can name ``http://169.254.169.254/``
or a host whose DNS answer points inside the network. So the host is resolved here, every
address is checked, and the connection goes to the checked address (the Host header and TLS
SNI keep the name), which a second, different DNS answer cannot change. Redirects are followed
by hand and every hop is checked again.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

import httpx

from veille.config import Settings, default_settings
from veille.errors import FetchRefused, InputError

MAX_REDIRECTS = 5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchedResponse:
    """A fetched body with what is needed to read it."""

    url: str  # final URL, after redirects
    status: int
    content_type: str  # media type only, lower case ("text/html"); "" when absent
    charset: str | None
    content: bytes  # empty for 304 Not Modified
    etag: str | None = None
    last_modified: str | None = None


# Ranges Python 3.11's ``is_global`` counts as global that the IANA special-purpose registries say
# are not: deprecated site-local (RFC 3879, still routed inside some networks), local-use NAT64
# (RFC 8215), documentation (RFC 9637), SRv6 SIDs (RFC 9602); IETF protocol assignments and the
# deprecated 6to4 relay anycast on IPv4.
_NON_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(n) for n in ("fec0::/10", "64:ff9b:1::/48", "3fff::/20", "5f00::/16")
)
_NON_PUBLIC_V4 = tuple(ipaddress.IPv4Network(n) for n in ("192.0.0.0/24", "192.88.99.0/24"))
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 reached


def is_public_address(address: IPAddress) -> bool:
    """True for addresses on the public internet; False for private, loopback, link-local and the rest."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1, 2002:a00:1:: (6to4) and 64:ff9b::a00:1 (NAT64) carry an IPv4 address
        # that is what really gets reached.
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is None and address in _NAT64:
            mapped = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if mapped is not None:
            return is_public_address(mapped)
        if address.is_site_local or any(address in net for net in _NON_PUBLIC_V6):
            return False
    elif any(address in net for net in _NON_PUBLIC_V4):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        # IPv6 sockaddrs may carry a zone ("fe80::1%eth0"); the zone is not part of the address.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise InputError(f"cannot resolve host {host!r}")
    return addresses


def checked_addresses(url: httpx.URL, *, allow_private: bool) -> list[IPAddress]:
    """Addresses to connect to for ``url`` (IPv4 first), after refusing bad schemes and private targets."""
    if url.scheme not in _DEFAULT_PORTS:
        raise FetchRefused(f"refused {url}: only http and https URLs are fetched")
    if not url.host:
        raise FetchRefused(f"refused {url}: no host")
    port = url.port or _DEFAULT_PORTS[url.scheme]
    addresses = resolve_host(url.host, port)
    if not allow_private:
        # All answers must be public: a round-robin answer mixing in 10.0.0.1 is an attack, not luck.
        bad = [a for a in addresses if not is_public_address(a)]
        if bad:
            raise FetchRefused(
                f"refused {url}: {url.host} resolves to non-public address {bad[0]} (allow private networks to fetch it)"
            )
    # Many hosts publish AAAA records that machines without IPv6 routes cannot reach.
    return sorted(addresses, key=lambda a: a.version)


def _pinned_request(
    client: httpx.Client,
    url: httpx.URL,
    address: IPAddress,
    user_agent: str,
    extra: Mapping[str, str] | None = None,
    method: str = "GET",
    json: Any = None,
) -> httpx.Request:
    """A request for ``url`` that connects to ``address`` but still names the host (Host, SNI, cert check)."""
    ip_host = str(address)
    target = url.copy_with(host=ip_host)
    name = f"[{url.host}]" if ":" in url.host else url.host  # IPv6 literals keep their brackets
    host_header = name if url.port is None else f"{name}:{url.port}"
    return client.build_request(
        method,
        target,
        headers={"Host": host_header, "User-Agent": user_agent, "Accept": "*/*", **(extra or {})},
        extensions={"sni_hostname": url.host},
        json=json,
    )


def post_json(
    url: str, payload: Any, *, timeout: float, allow_private: bool, user_agent: str | None = None
) -> int:
    """POST ``payload`` as JSON to ``url`` with fetch's address check; returns the HTTP status.

    The connection goes to the checked address (a second DNS answer cannot move it), and
    redirects are not followed (a public URL cannot bounce the POST inside the network).
    FetchRefused for a refused target, InputError (one line) for a network failure.
    """
    user_agent = user_agent or default_settings().ingest.user_agent
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InputError(f"invalid URL {url!r}: {exc}") from None
    addresses = checked_addresses(target, allow_private=allow_private)
    failure = "no address"
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for address in addresses:
            request = _pinned_request(client, target, address, user_agent, method="POST", json=payload)
            try:
                response = client.send(request, stream=True)  # the answer's body is not needed
            except httpx.ConnectError as exc:
                failure = f"{exc.__class__.__name__}: {exc}"
                continue
            except httpx.HTTPError as exc:
                raise InputError(f"could not post to {target}: {exc.__class__.__name__}: {exc}") from None
            response.close()
            return response.status_code
    raise InputError(f"could not post to {target}: {failure}")


def _send_to_first_reachable(
    client: httpx.Client,
    url: httpx.URL,
    addresses: list[IPAddress],
    user_agent: str,
    timeout: float,
    extra: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Send to each checked address in turn until one accepts the connection."""
    failure = "no address"
    for address in addresses:
        try:
            return client.send(_pinned_request(client, url, address, user_agent, extra), stream=True)
        except httpx.ConnectError as exc:
            failure = f"{exc.__class__.__name__}: {exc}"
        except httpx.TimeoutException:
            raise InputError(f"timed out after {timeout:g}s fetching {url}") from None
        except httpx.HTTPError as exc:
            raise InputError(f"could not fetch {url}: {exc.__class__.__name__}: {exc}") from None
    raise InputError(f"could not fetch {url}: {failure}")


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    message = Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) else None


def fetch(
    url: str, settings: Settings, *, allow_private: bool = False, headers: Mapping[str, str] | None = None
) -> FetchedResponse:
    """GET ``url`` and return its body; InputError/FetchRefused with one line on any failure.

    ``headers`` adds request headers (e.g. If-None-Match for feed polling); a 304 answer
    comes back with status 304 and no content.
    """
    timeout, max_bytes = settings.ingest.fetch_timeout, settings.ingest.fetch_max_bytes
    user_agent = settings.ingest.user_agent
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InputError(f"invalid URL {url!r}: {exc}") from None
    # trust_env=False: an HTTP(S)_PROXY from the environment would make the address check meaningless.
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            response = _send_to_first_reachable(
                client,
                current,
                checked_addresses(current, allow_private=allow_private),
                user_agent,
                timeout,
                headers,
            )
            try:
                if response.status_code in _REDIRECT_CODES and "location" in response.headers:
                    try:
                        current = current.join(response.headers["location"])
                    except httpx.InvalidURL as exc:
                        raise InputError(f"bad redirect from {current}: {exc}") from None
                    continue
                if response.status_code >= 400:
                    raise InputError(f"HTTP {response.status_code} fetching {current}")
                not_modified = response.status_code == 304
                content = b"" if not_modified else _read_limited(response, max_bytes, current, timeout)
                media_type, charset = _media_type(response.headers.get("content-type"))
                return FetchedResponse(
                    url=str(current),
                    status=response.status_code,
                    content_type=media_type,
                    charset=charset,
                    content=content,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
            finally:
                response.close()
    raise FetchRefused(f"refused {url}: more than {MAX_REDIRECTS} redirects")


def _read_limited(response: httpx.Response, max_bytes: int, url: httpx.URL, timeout: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(
            f"refused {url}: {int(declared):,} bytes is over ingest.fetch_max_bytes = {max_bytes:,}"
        )
    chunks: list[bytes] = []
    total = 0
    # httpx's timeout is per read; a server dripping one byte at a time needs an overall deadline too.
    deadline = time.monotonic() + timeout
    try:
        # iter_bytes decompresses: the limit applies to what we hold, so a gzip bomb stops early too.
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                raise FetchRefused(f"refused {url}: body is over ingest.fetch_max_bytes = {max_bytes:,}")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise InputError(f"timed out after {timeout:g}s reading {url}")
    except httpx.TimeoutException:
        raise InputError(f"timed out after {timeout:g}s reading {url}") from None
    except httpx.HTTPError as exc:
        raise InputError(f"could not read {url}: {exc.__class__.__name__}: {exc}") from None
    return b"".join(chunks)
