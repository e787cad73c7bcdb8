"""Issue 11, security 3 and 4: "Test connection" must not scan our network, in any spelling of an address."""

import re
import socket
import threading

import pytest

from campaign import outbound
from tests.connectors.test_studio_page import X_TOKEN, connect, owner, press  # noqa: F401 (fixture)


def test_a_private_address_is_refused_before_any_packet_reaches_it():
    """The old guard looked at the peer after the TCP handshake (and, for https, the ClientHello)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        for scheme in ("http", "https"):
            with pytest.raises(outbound.UnsafeTarget):
                outbound.opener(allow_private=False).open(f"{scheme}://127.0.0.1:{port}/", timeout=5)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


class Answering:
    """A loopback port that answers a connection with fixed bytes: what a non-API service says."""

    def __init__(self, answer: bytes):
        self.answer = answer
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(self.answer)


@pytest.fixture
def services_on_loopback():
    found = {
        "closed port": None,
        "plain web server": Answering(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"),
        "TLS service": Answering(b"\x15\x03\x01\x00\x02\x02\x46"),  # a TLS alert
        "PostgreSQL": Answering(b"EFATAL: unsupported frontend protocol\x00"),
        "HTML page": Answering(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<html>"),
    }
    yield found
    for service in found.values():
        if service is not None:
            service.server.close()


def test_the_connection_test_says_the_same_whatever_answers(owner, services_on_loopback):  # noqa: F811
    """A port scanner reads the differences; the owner needs only "cannot reach it"."""
    texts = set()
    for service in services_on_loopback.values():
        url = service.url if service is not None else "http://127.0.0.1:1"
        assert connect(owner, "x", "900", X_TOKEN, url).status_code == 303
        page = press(owner, "x", "test").text
        # a failure is said as one (it was in the green of a success): a walk-through's find
        flash = re.search(r'<p class="flash flash-error" role="alert">([^<]*)</p>', page).group(1)
        texts.add(flash.replace(url, "URL"))
    assert texts == {"Cannot reach the API at URL. Check the address, or try again later."}
