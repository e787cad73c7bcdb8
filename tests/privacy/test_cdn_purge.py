"""After a takedown, rejection or erasure, a configured CDN is told to forget each removed public object:
an HTTP POST to the purge URL, retried, audited."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.audit.models import AuditEvent
from campaign.config import ConfigError
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.conftest import csrf_from
from tests.moderation.conftest import step


class PurgeEndpoint(BaseHTTPRequestHandler):
    """Records each POST's path; refuses the first one with 503 (a CDN hiccup the retry must survive)."""

    seen: list[str] = []
    refused = False

    def do_POST(self):
        cls = type(self)
        if not cls.refused:
            cls.refused = True
            self.send_response(503)
        else:
            cls.seen.append(self.path)
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn_server():
    PurgeEndpoint.seen, PurgeEndpoint.refused = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def app_config(app_config, cdn_server):
    return {**app_config, "CDN_PURGE": f"http://127.0.0.1:{cdn_server.server_port}/purge?key={{key}}"}


def test_a_takedown_purges_every_removed_object_from_the_cdn_with_a_retry(team, client):
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    db.session.refresh(entry)
    keys = sorted({d.public_key for d in entry.derivatives})  # sizes of a small photo may share bytes
    assert PurgeEndpoint.seen == []
    assert step(editor, entry, "withdraw", note="legal asked").status_code == 303
    assert sorted(path.removeprefix("/purge?key=") for path in PurgeEndpoint.seen) == keys
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cdn.purge"))
    assert event.org_id == team.org.id
    assert event.after == {"keys": len(keys), "attempts": len(keys) + 1, "failed": []}


def test_the_customers_erasure_purges_too(team, client):
    entry, status_url = team.entry(client)
    step(team.studio(Role.EDITOR), entry, "approve")
    db.session.refresh(entry)
    keys = sorted({d.public_key for d in entry.derivatives})  # sizes of a small photo may share bytes
    page = client.get(status_url + "/erase")
    assert client.post(status_url + "/erase", data={"csrf_token": csrf_from(page.text)}).status_code == 303
    assert sorted(path.removeprefix("/purge?key=") for path in PurgeEndpoint.seen) == keys


@pytest.mark.parametrize(
    "value", ["cloudfront:e123-lower", "cloudfront:", "ftp://cdn.example/{key}", "https://cdn.example/purge"]
)
def test_a_purge_setting_this_version_cannot_use_is_refused_at_startup(app_config, value):
    with pytest.raises(ConfigError, match="KUCHIKOMI_CDN_PURGE"):
        create_app({**app_config, "CDN_PURGE": value})
