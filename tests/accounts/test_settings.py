"""Account settings: a saved language that the studio follows, and a password change."""

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.accounts.helpers import logged_in

NEW = "another good passphrase"


@pytest.fixture
def member(app):
    return factories.member(factories.org("brand-a", "Brand A"), "m@example.com", Role.EDITOR)


def test_the_saved_language_wins_over_the_browsers_on_every_device(app, member):
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    page = studio.client.get("/studio/account")
    assert page.status_code == 200 and "Account settings" in page.text
    assert '<span class="org-name">Brand A</span>' in page.text  # the studio's navigation, as elsewhere
    saved = studio.post("/studio/account/language", {"locale": "ja"}, form_page="/studio/account")
    assert saved.status_code == 303 and "lang=ja" in saved.headers["Set-Cookie"]
    assert db.session.scalar(select(User.locale)) == "ja"
    assert db.session.scalar(select(AuditEvent.action)) == "member.language"
    studio.client.delete_cookie("lang")
    assert "アカウント設定" in studio.client.get("/studio/account").text  # Accept-Language is en
    elsewhere = logged_in(app, "m@example.com", factories.PASSWORD)  # another browser, no cookie yet
    assert "アカウント設定" in elsewhere.client.get("/studio/account").text
    switched = elsewhere.client.get("/studio/account?lang=en")
    assert "Account settings" in switched.text  # the switcher still works


def test_following_the_browser_again(app, member):
    member.locale = "ja"
    db.session.commit()
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    saved = studio.post("/studio/account/language", {"locale": ""}, form_page="/studio/account")
    assert saved.status_code == 303
    assert db.session.scalar(select(User.locale)) is None
    assert "Account settings" in studio.client.get("/studio/account").text


def test_a_language_not_offered_is_refused(app, member):
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    refused = studio.post("/studio/account/language", {"locale": "fr"}, form_page="/studio/account")
    assert refused.status_code == 400 and "Not a valid choice" in refused.text
    assert db.session.scalar(select(User.locale)) is None


def test_changing_the_password_keeps_this_browser_and_logs_out_the_others(app, member):
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    other = logged_in(app, "m@example.com", factories.PASSWORD)
    data = {"current": factories.PASSWORD, "password": NEW, "confirm": NEW}
    changed = studio.post("/studio/account/password", data, form_page="/studio/account")
    assert changed.status_code == 303
    assert studio.client.get("/studio/").status_code == 200
    assert other.client.get("/studio/").status_code == 302
    assert logged_in(app, "m@example.com", NEW)
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "member.password_change" and NEW not in str(event.after)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current": "wrong password!", "password": NEW, "confirm": NEW},
            "The current password is not correct.",
        ),
        ({"current": factories.PASSWORD, "password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"current": factories.PASSWORD, "password": NEW, "confirm": "other"}, "do not match"),
        ({"current": "", "password": NEW, "confirm": NEW}, "Enter your current password."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(app, member, data, message):
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    refused = studio.post("/studio/account/password", data, form_page="/studio/account")
    assert refused.status_code == 400 and message in refused.text
    assert studio.client.get("/studio/").status_code == 200
    assert logged_in(app, "m@example.com", factories.PASSWORD)
    assert db.session.scalar(select(AuditEvent)) is None


def test_settings_need_a_login(client, member):
    response = client.get("/studio/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_the_languages_this_install_offers_can_be_chosen(app, member):
    app.config["LANGUAGES"] = ("ja",)
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    assert 'value="en"' not in studio.client.get("/studio/account").text
    refused = studio.post("/studio/account/language", {"locale": "en"}, form_page="/studio/account")
    assert refused.status_code == 400
    assert db.session.scalar(select(User.locale)) is None


def test_the_language_saved_message_speaks_the_new_language(app, member):
    """Switching from English to Japanese says 言語を保存しました。, not the old language's words."""
    studio = logged_in(app, "m@example.com", factories.PASSWORD)
    saved = studio.post("/studio/account/language", {"locale": "ja"}, form_page="/studio/account")
    page = studio.client.get(saved.headers["Location"])
    assert "言語を保存しました。" in page.text and "Language saved." not in page.text
    back = studio.post("/studio/account/language", {"locale": "en"}, form_page="/studio/account")
    page = studio.client.get(back.headers["Location"])
    assert "Language saved." in page.text and "言語を保存しました。" not in page.text
