"""The test suite's app server (tests/fixtures/live_server.py) closes a body a browser cut off."""

import gc
import socket
import struct
import warnings

from flask import Flask

from tests.fixtures.live_server import LiveServer


def test_a_static_file_cut_off_by_a_reset_connection_is_closed():
    """A navigation that resets a favicon's connection left werkzeug's server holding the file open (it
    closes a body only after reading the socket, which raises on a reset): a ResourceWarning failed a browser
    test at random, in whichever test the garbage collector ran."""
    app = Flask(__name__, static_folder="../../campaign/static")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with LiveServer(app) as server:
            for _ in range(60):
                client = socket.create_connection(("127.0.0.1", server.port))
                client.sendall(b"GET /static/css/site.css HTTP/1.1\r\nHost: test\r\n\r\n")
                assert client.recv(64).startswith(b"HTTP/1.1 200")
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset
                client.close()
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
