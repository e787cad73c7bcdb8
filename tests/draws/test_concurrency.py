"""Two draws of one campaign started at the same moment, over real HTTP on PostgreSQL: exactly one wins."""

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from campaign.draws.models import Draw, DrawPick
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import PRIZES, close, enter, launched_campaign, set_status, studio_setup


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, body, headers={"Accept": "application/json"})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_simultaneous_draws_give_exactly_one_result(client, live_server):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for n in range(6):
        set_status(enter(client, campaign, f"p{n}@example.com"), EntryStatus.APPROVED)
    close(campaign)
    path = f"/studio/campaigns/{campaign.public_id}/draw"

    browsers = []
    for _ in range(4):
        browser = Browser(live_server.url)
        login = browser.get("/login")
        status = browser.post(
            "/login",
            {"email": "drawer@example.com", "password": factories.PASSWORD, "csrf_token": csrf_from(login)},
        )
        assert status in (302, 303)
        browsers.append((browser, csrf_from(browser.get(path))))

    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def draw(browser, token):
        barrier.wait()
        statuses.append(browser.post(path, {"password": factories.PASSWORD, "csrf_token": token}))

    threads = [threading.Thread(target=draw, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [303, 409, 409, 409], statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Draw)) == 1
    assert db.session.scalar(select(func.count()).select_from(DrawPick)) == 6
