"""An oversized upload is refused with 413 from its headers alone, before the body is read."""

import socket
import time

from tests import factories
from tests.entries.helpers import form_fields


def test_413_arrives_before_the_body_is_sent(live_server, client, app):
    factories.campaign(factories.org())
    fields = form_fields(client, "summer")
    cookie = client.get_cookie("session")
    declared = app.config["MAX_CONTENT_LENGTH"] + 50 * 1024 * 1024
    head = (
        "POST /c/summer/entries HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live_server.port}\r\n"
        f"Cookie: session={cookie.value}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {declared}\r\n"
        f"X-CSRFToken: {fields['csrf_token']}\r\n"
        "\r\n"
    )
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(head.encode())  # no body at all
        answer = sock.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5
