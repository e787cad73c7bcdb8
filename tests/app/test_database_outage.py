"""The database drops its connections for a moment while marketers and customers use the app: every request
answers the 503 page (or its JSON) in the reader's language, never a dropped connection. A fault probe found
the studio's answers broken: the 503 page's language was read from the user's row, from the dead database, and
Flask-SQLAlchemy's teardown rolled back a dead connection; both raised outside any handler."""

import contextlib
import uuid
from pathlib import Path

import pytest
from flask import request_finished
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import make_url

from campaign.auth.models import User
from campaign.extensions import db
from campaign.i18n import COOKIE
from tests import factories
from tests.conftest import csrf_from
from tests.fixtures.fault_proxy import FaultProxy
from tests.galleries.helpers import OWNER, make_brand

JA_503 = "数分後にもう一度お試しください"
EN_503 = "try again in a few minutes"


class Outage:
    """The test's database, made unreachable on demand: PostgreSQL behind a proxy that hangs up every open
    connection and each new one; SQLite's file replaced by a folder ("unable to open database file")."""

    def __init__(self, database_url: str):
        self.real_url = database_url
        self.proxy: FaultProxy | None = None
        if database_url.startswith("sqlite"):
            self.url = database_url
        else:
            real = make_url(database_url)
            self.proxy = FaultProxy(real.port or 5432)
            self.proxy._thread.start()
            self.url = real.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)

    def cut(self) -> None:
        db.session.rollback()  # the test's own reads give their connection back to the pool
        if self.proxy is not None:
            self.proxy.set_mode("refuse")
            return
        path = Path(make_url(self.url).database)
        path.rename(f"{path}.away")
        path.mkdir()
        db.engine.dispose()  # SQLite keeps an open file readable: only new connections see the fault

    def mend(self) -> None:
        if self.proxy is not None:
            self.proxy.set_mode("pass")
            return
        path = Path(make_url(self.url).database)
        if path.is_dir():
            path.rmdir()
            Path(f"{path}.away").rename(path)

    @contextlib.contextmanager
    def down(self):
        self.cut()
        try:
            yield
        finally:
            self.mend()

    @contextlib.contextmanager
    def down_at(self, sql: str):
        """Down from the first statement that contains `sql` on: in the middle of a request, which read
        the user and the membership before (PostgreSQL: the proxy hangs up the connection under it)."""
        assert self.proxy is not None, "SQLite keeps an open file readable"

        def cut_here(_conn, _cursor, statement, *_args):
            if sql in statement and self.proxy.mode == "pass":
                self.proxy.set_mode("refuse")

        db.session.rollback()  # the test's own reads give their connection back to the pool
        event.listen(db.engine, "before_cursor_execute", cut_here)
        try:
            yield
        finally:
            event.remove(db.engine, "before_cursor_execute", cut_here)
            self.mend()

    @contextlib.contextmanager
    def down_once_answered(self):
        """Down once a request's answer is made, before its teardown ends the session: the connection its
        transaction holds is hung up under it (PostgreSQL)."""
        assert self.proxy is not None, "SQLite keeps an open file readable"

        def cut_now(_app, **_extra):
            self.proxy.set_mode("refuse")

        db.session.rollback()  # the test's own reads give their connection back to the pool
        request_finished.connect(cut_now)
        try:
            yield
        finally:
            request_finished.disconnect(cut_now)
            self.mend()

    def close(self) -> None:
        self.mend()
        if self.proxy is not None:
            self.proxy.close()


@pytest.fixture
def outage(database_url):
    made = Outage(database_url)
    yield made
    made.close()


@pytest.fixture
def app_config(app_config, outage):
    return {**app_config, "SQLALCHEMY_DATABASE_URI": outage.url}


def assert_503(response, text: str) -> None:
    assert response.status_code == 503, response.text[-2000:]
    assert response.headers["Retry-After"] == "30"
    assert text in response.text


def test_every_studio_and_customer_request_answers_the_503_page_while_the_database_is_down(
    app, client, outage
):
    brand = make_brand(app, client)
    entry = brand.entry()
    shown, campaign_page = f"/studio/entries/{entry.public_id}", f"/c/{brand.campaign.slug}"
    page = client.get(shown)
    assert page.status_code == 200
    approve = f"/studio/moderation/entries/{entry.public_id}/approve"
    form = {"csrf_token": csrf_from(page.text)}
    ja = {"Accept-Language": "ja"}
    with outage.down():
        assert_503(client.post(approve, data=form, headers=ja), JA_503)
        assert_503(client.get(shown, headers=ja), JA_503)
        assert_503(client.get(campaign_page, headers=ja), JA_503)
        asked = client.get(shown, headers={"Accept": "application/json"})
        assert asked.status_code == 503 and asked.json["error"] == "database_unavailable"
    assert client.get(shown).status_code == 200
    db.session.refresh(entry)
    assert entry.status.value == "received"  # not approved: nothing was half done


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_lost_in_the_middle_of_a_request_answers_the_503_page(app, client, outage):
    """As the probe cut it: after the user and the membership were read. A member who saved Japanese reads
    it in Japanese while their row is in memory; once a failed write expired it, in the browser's language."""
    brand = make_brand(app, client)
    owner = db.session.scalar(select(User).where(User.email == OWNER))
    owner.locale = "ja"
    db.session.commit()
    entry = brand.entry()
    shown = f"/studio/entries/{entry.public_id}"
    page = client.get(shown)
    form = {"csrf_token": csrf_from(page.text)}
    approve = f"/studio/moderation/entries/{entry.public_id}/approve"
    client.delete_cookie(COOKIE)  # the saved language decides, not the switcher's cookie
    english = {"Accept-Language": "en"}
    with outage.down_at("FROM entries"):
        assert_503(client.get(shown, headers=english), JA_503)
    with outage.down_at("UPDATE entries"):
        assert_503(client.post(approve, data=form, headers=english), EN_503)
    with outage.down_at("FROM entries"):
        asked = client.get(shown, headers={"Accept": "application/json"})
        assert asked.status_code == 503 and asked.json["error"] == "database_unavailable"
    assert client.get(shown).status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_lost_once_the_page_was_made_still_answers_it(app, client, outage):
    """The session's end rolled back the dead connection and raised after every handler (the customer page's
    dropped connection in the probe): its connections are discarded instead; the next request is served."""
    campaign_page = f"/c/{factories.campaign(factories.org()).slug}"
    with outage.down_once_answered():
        response = client.get(campaign_page)
    assert response.status_code == 200
    assert client.get(campaign_page).status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_campaign_page_made_before_the_connection_was_lost_is_answered_uncounted(app, client, outage):
    """The visit count (an after_request hook) read the campaign from the database after the page was made:
    its error turned the customer's page into an error page. A visit is not worth a page."""
    slug = f"spring-{uuid.uuid4().hex[:8]}"  # not in the visit counter's cache of campaigns
    factories.campaign(factories.org(), slug=slug)
    with outage.down_at("campaigns.org_id, organisations.timezone"):
        response = client.get(f"/c/{slug}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    assert response.status_code == 200 and "Summer photos" in response.text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_opening_a_postgresql_connection_gives_up_after_five_seconds(app, monkeypatch):
    """libpq waits for good by default: with the database host unreachable, requests (and the 503 page's
    look-up of the reader's language) hung for the TCP timeout. A URL's own connect_timeout wins."""
    from campaign.extensions import POSTGRES_CONNECT_TIMEOUT

    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    db.engine.dispose()  # a new connection, opened with the app's settings
    parameters = db.session.connection().connection.dbapi_connection.info.get_parameters()
    assert POSTGRES_CONNECT_TIMEOUT == 5 and parameters["connect_timeout"] == "5"
    db.session.rollback()
    own = create_engine(db.engine.url.update_query_dict({"connect_timeout": "2"}))
    with own.connect() as connection:
        assert connection.connection.dbapi_connection.info.get_parameters()["connect_timeout"] == "2"
    own.dispose()
