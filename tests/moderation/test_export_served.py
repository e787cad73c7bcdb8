"""The moderation export over real HTTP: the CSV is streamed after the view returns, when the request's
database session is gone (the test client's pushed app context hid it: a walk-through's find, a download
that broke for every role with DetachedInstanceError)."""

import csv
import io
import urllib.request
from http.cookiejar import CookieJar

import pytest

from campaign.moderation import export
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import csrf_from
from tests.fixtures.live_server import LiveServer
from tests.moderation.test_queue import add_entries


@pytest.mark.parametrize("role", [Role.EDITOR, Role.OWNER])
def test_the_export_downloads_whole_from_a_served_app(team, app, role):
    made = add_entries(team.campaign, 3)
    with LiveServer(app) as server:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        login = browser.open(f"{server.url}/login").read().decode()
        fields = {"email": f"{role.value}@example.com", "password": factories.PASSWORD}
        fields["csrf_token"] = csrf_from(login)
        browser.open(f"{server.url}/login", data=urllib.parse.urlencode(fields).encode()).read()
        queue = browser.open(f"{server.url}/studio/moderation/campaigns/{team.campaign.public_id}").read()
        token = csrf_from(queue.decode())
        url = f"{server.url}/studio/moderation/campaigns/{team.campaign.public_id}/entries.csv?state=received"
        with browser.open(url, data=urllib.parse.urlencode({"csrf_token": token}).encode()) as answer:
            text = answer.read().decode()
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(entry.public_id for entry in made)
    assert len(rows[0]) == len(export.COLUMNS) + (role is Role.OWNER)  # the email column: owners only
