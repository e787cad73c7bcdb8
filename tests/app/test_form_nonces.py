"""Studio forms that create something create it once: a double click, a refresh that re-posts, two at once."""

import re

import pytest
from sqlalchemy import func, select

from campaign import nonces
from campaign.api.models import ApiKey
from campaign.audit.services import Actor
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.moderation.models import RejectionReason
from campaign.webhooks import services as webhooks
from campaign.webhooks.models import WebhookEndpoint
from tests import factories
from tests.conftest import NONCE_RE, Studio, csrf_from
from tests.races import race

FORMS = {  # form page, where it posts, what it sends, what it creates
    "webhook": (
        "/studio/webhooks/",
        "/studio/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "events": ["entry.approved"]},
        WebhookEndpoint,
    ),
    "gallery": (
        "/studio/galleries/new",
        "/studio/galleries/new",
        {"name": "Top", "campaign": "", "product": "", "min_rating": "1", "layout": "grid"},
        Gallery,
    ),
    "reason": (
        "/studio/moderation/reasons",
        "/studio/moderation/reasons",
        {"label_ja": "暗い", "label_en": "Too dark", "position": "9", "active": "y"},
        RejectionReason,
    ),
    "api_key": ("/studio/api-keys", "/studio/api-keys", {"name": "CRM"}, ApiKey),
}


@pytest.fixture
def owner(app, client):
    org = factories.org()
    factories.member(org, "owner@example.com")
    studio = Studio(client)
    studio.login("owner@example.com", factories.PASSWORD)
    return org, studio


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("form", FORMS)
def test_the_same_form_sent_twice_creates_once(owner, form):
    _org, studio = owner
    page_url, post_url, data, model = FORMS[form]
    page = studio.client.get(page_url).text
    sent = {**data, "csrf_token": csrf_from(page), "form_nonce": NONCE_RE.search(page).group(1)}
    before = count(model)
    first = studio.client.post(post_url, data=sent)
    assert first.status_code in (302, 303), first.text
    again = studio.client.post(post_url, data=sent, follow_redirects=True)  # double click, or refresh
    assert again.status_code == 200
    assert "This form was already sent: nothing was created twice." in again.text
    assert count(model) == before + 1


@pytest.mark.parametrize("form", FORMS)
def test_a_form_without_its_token_is_refused_and_creates_nothing(owner, form):
    _org, studio = owner
    page_url, post_url, data, model = FORMS[form]
    before = count(model)
    page = studio.client.get(page_url).text
    response = studio.client.post(post_url, data={**data, "csrf_token": csrf_from(page)})
    assert response.status_code == 400 and "open the page again" in response.text
    assert count(model) == before


def test_a_refused_form_keeps_its_token_for_the_corrected_send(owner):
    _org, studio = owner
    page = studio.client.get("/studio/webhooks/").text
    sent = {
        "csrf_token": csrf_from(page),
        "form_nonce": NONCE_RE.search(page).group(1),
        "events": ["entry.approved"],
    }
    studio.client.post("/studio/webhooks/", data={**sent, "url": "ftp://nope"})
    assert count(WebhookEndpoint) == 0
    studio.client.post("/studio/webhooks/", data={**sent, "url": "http://127.0.0.1:9/hook"})
    assert count(WebhookEndpoint) == 1


def test_the_api_key_page_shows_a_new_key_once_and_a_refresh_creates_none(owner):
    _org, studio = owner
    created = studio.post("/studio/api-keys", {"name": "CRM"}, form_page="/studio/api-keys")
    assert created.status_code == 303  # POST, then redirect: a refresh reloads the GET
    shown = studio.client.get(created.headers["Location"]).text
    key = re.search(r'<code id="new-key">([^<]+)</code>', shown).group(1)
    refreshed = studio.client.get("/studio/api-keys").text
    assert key not in refreshed and 'id="new-key"' not in refreshed
    assert count(ApiKey) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_sends_of_one_form_at_once_create_one_webhook(owner, app):
    org, _studio = owner
    nonce = "double-click-nonce-0001"

    def send(ready):
        ready()
        now = utcnow()
        nonces.consume(nonce, "webhook", now=now)
        webhooks.create_endpoint(
            org.id,
            "http://127.0.0.1:9/hook",
            ["entry.approved"],
            actor=Actor.system(),
            now=now,
            allow_private=True,
        )

    outcomes = race(app, send, send)
    assert sorted(outcomes) == ["already_sent", "done"], outcomes
    assert count(WebhookEndpoint) == 1


def test_used_tokens_are_purged_after_thirty_days_by_the_tick(app):
    """The table grew by a row for every studio form ever sent."""
    from datetime import timedelta

    from campaign import schedule

    with app.app_context():
        now = utcnow()
        db.session.add_all(
            [
                nonces.FormNonce(nonce="a" * 20, form="gallery", used_at=now - timedelta(days=31)),
                nonces.FormNonce(nonce="b" * 20, form="gallery", used_at=now - timedelta(days=1)),
            ]
        )
        db.session.commit()
        duty = tuple(d for d in schedule.registered() if d.name == "form-nonces-purge")
        assert schedule.tick(now=now, duties=duty)["form-nonces-purge"] == "1 deleted"
        assert [n.nonce for n in db.session.scalars(select(nonces.FormNonce))] == ["b" * 20]
