"""Redis unreachable must not lock staff out (issue 14): login throttling falls back to this process's
memory, and still throttles."""

import socket

import pytest

from tests import factories
from tests.conftest import Studio


def closed_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def app_config(app_config):
    url = f"redis://127.0.0.1:{closed_loopback_port()}/0"
    return {**app_config, "REDIS_URL": url, "RATELIMIT_STORAGE_URI": url, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_staff_log_in_while_redis_is_down_and_are_still_throttled(client, studio, app):
    factories.member(factories.org(), "m@example.com")
    assert [studio.login("m@example.com", "wrong password!").status_code for _ in range(2)] == [401, 401]
    response = studio.login("m@example.com", factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/studio/"
    assert client.get("/studio/").status_code == 200
    # the fallback counts in memory: a fourth attempt within the minute is refused
    assert Studio(app.test_client()).login("m@example.com", factories.PASSWORD).status_code == 429
