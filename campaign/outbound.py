"""Where the app's own outbound requests may go (webhook deliveries, the social API connectors): public
internet addresses only, never loopback, private, link-local or reserved ones (our own network), since the
addresses are typed in by organisations. Checked when an address is saved, and on every connection: the
host is resolved, every address it resolves to is checked, and the socket connects to a checked address,
before any byte (TCP handshake, TLS ClientHello) reaches it. `OUTBOUND_ALLOW_PRIVATE` lifts the rule for
development and tests."""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.errors import DomainError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 prefixes whose last 32 bits are an IPv4 address a packet may end up at: IPv4-compatible (::a.b.c.d,
# deprecated but still routed by some stacks), SIIT (::ffff:0:a.b.c.d) and NAT64's well-known prefix.
EMBEDS_IPV4_LAST = tuple(
    ipaddress.IPv6Network(prefix) for prefix in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
# Local-use NAT64 (RFC 8215): translated by an operator's own gateway, into any network it chooses.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


class UnsafeTarget(DomainError):
    code = "unsafe_address"
    field = "url"
    message = _l(
        "This address leads to a private or local network. Only public internet addresses are allowed."
    )


class UnknownHost(DomainError):
    code = "unknown_host"
    field = "url"
    message = _l("This host name could not be found. Check the address.")


def allow_private() -> bool:
    return bool(current_app.config.get("OUTBOUND_ALLOW_PRIVATE"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, which a translator or tunnel would deliver to."""
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if any(address in prefix for prefix in EMBEDS_IPV4_LAST):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [embedded for embedded in found if embedded is not None]


def is_public(address: Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, site-local, shared (CGNAT), reserved or
    multicast, and for IPv6 no embedded IPv4 address (mapped, compatible, SIIT, NAT64, 6to4, Teredo) that is
    not. `is_global` alone passes site-local fec0::/10 (deprecated, still routed inside some networks) and
    the reserved ::/8 outside the IPv4-carrying prefixes."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in LOCAL_NAT64 or address.is_site_local:
            return False
        embedded = embedded_ipv4(address)
        if embedded:
            return all(is_public(inner) for inner in embedded)
    return address.is_global and not address.is_multicast and not address.is_reserved


def numeric_addresses(host: str) -> list[Address] | None:
    """The addresses a numeric host stands for, in every form the C library accepts (`2130706433`,
    `0x7f000001`, `0177.0.0.1`, `127.1`, `::127.0.0.1`), without a DNS look-up; None for a name."""
    try:
        found = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None
    return [_address(info) for info in found]


def _address(info: tuple) -> Address:
    return ipaddress.ip_address(info[4][0].split("%")[0])


def literal_is_public(host: str) -> bool:
    """For an address being saved without a DNS look-up: False for "localhost" and non-public numeric
    hosts (a name is checked when it is connected to)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return False
    addresses = numeric_addresses(host)
    return addresses is None or all(is_public(address) for address in addresses)


def public_addresses(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, when all of them are public; else UnknownHost or UnsafeTarget."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise UnknownHost() from exc
    addresses = [_address(info) for info in found]
    if not addresses or not all(is_public(address) for address in addresses):
        raise UnsafeTarget()
    return addresses


def check(url: str, *, allow_private: bool) -> None:
    """Raises UnknownHost or UnsafeTarget unless every address the URL's host resolves to is public."""
    if allow_private:
        return
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnknownHost() from exc
    public_addresses(parts.hostname or "", port)


def connect_public(address: tuple[str, int], timeout, source_address) -> socket.socket:
    """`socket.create_connection`, to an address checked before the connection is opened (the name is
    resolved once, here, so DNS cannot change between the check and the connection)."""
    host, port = address
    error: OSError | None = None
    for checked in public_addresses(host, port):
        try:
            return socket.create_connection((str(checked), port), timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError(f"cannot connect to {host}")


def _guarded(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    class Guarded(base):
        """Connects only to checked public addresses; HTTPS still verifies the certificate for the name."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect_public

    return Guarded


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, our own network included: a 3xx is a failed delivery."""

    def redirect_request(self, *args, **kwargs):
        return None


_HTTPConnection = _guarded(http.client.HTTPConnection)
_HTTPSConnection = _guarded(http.client.HTTPSConnection)


class _GuardedHTTP(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _GuardedHTTPS(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req)  # the default context: certificates verified


def opener(*, allow_private: bool) -> urllib.request.OpenerDirector:
    """urlopen's opener for outbound requests: no redirects, and (unless allowed) no private peers."""
    handlers: list = [_NoRedirects()]
    if not allow_private:
        handlers += [_GuardedHTTP(), _GuardedHTTPS()]
    return urllib.request.build_opener(*handlers)
