"""Where the app's own outbound requests may go (webhook deliveries, the social API connectors): public
internet addresses only, never loopback, private, link-local or reserved ones (our own network), since the
addresses are typed in by organisations. Checked when an address is saved, again before each request (DNS
can change in between), and on the connected socket itself (DNS can change between our look-up and the
connection). `OUTBOUND_ALLOW_PRIVATE` lifts the rule for development and tests."""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.errors import DomainError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: the last 32 bits are an IPv4 address


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


def is_public(address: Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, shared (CGNAT), reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour  # ::ffff:127.0.0.1, 2002:7f00:1:: are 127.0.0.1
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def literal_is_public(host: str) -> bool:
    """For an address being saved without a DNS look-up: False for "localhost" and non-public IP literals
    (a name is checked when it is connected to)."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return False
    try:
        return is_public(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return True  # a name


def check(url: str, *, allow_private: bool) -> None:
    """Raises UnknownHost or UnsafeTarget unless every address the URL's host resolves to is public."""
    if allow_private:
        return
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname or "", port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as exc:
        raise UnknownHost() from exc
    if not found or not all(is_public(ipaddress.ip_address(info[4][0].split("%")[0])) for info in found):
        raise UnsafeTarget()


def _guarded(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    class Guarded(base):
        """Refuses to speak to a non-public peer, whatever the name resolved to a moment ago."""

        def connect(self) -> None:
            super().connect()
            peer = ipaddress.ip_address(self.sock.getpeername()[0].split("%")[0])
            if not is_public(peer):
                self.sock.close()
                raise UnsafeTarget()

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
