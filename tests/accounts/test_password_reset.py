"""Password reset by email: a neutral answer, a link that works once for an hour, every session ended."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign.accounts import resets
from campaign.accounts.models import PasswordReset
from campaign.accounts.tokens import new_token
from campaign.audit.models import AuditEvent
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.outbox import OutboxJob
from tests import factories
from tests.accounts.helpers import RESET_RE, ask_reset, link_in, logged_in, post_form
from tests.conftest import Studio
from tests.races import race

NEW = "a brand new passphrase"


@pytest.fixture
def member(app):
    return factories.member(factories.org(), "m@example.com")


def test_a_forgotten_password_is_reset_by_the_emailed_link_once(app, client, member, smtp_server):
    login_page = client.get("/login")
    assert 'href="/password/forgot"' in login_page.text
    answer = ask_reset(client, "  M@Example.com ")
    assert answer.status_code == 200 and "If M@Example.com belongs to a Kuchikomi account" in answer.text
    [mail] = smtp_server.to("m@example.com")
    assert mail["Subject"] == "Reset your Kuchikomi password"
    assert factories.PASSWORD not in mail.get_content()
    path = link_in(mail, RESET_RE)
    assert client.get(path).status_code == 200
    done = post_form(client, path, {"password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.headers["Location"].endswith("/login")
    assert logged_in(app, "m@example.com", NEW)


def test_the_old_password_no_longer_opens_and_the_link_works_once(app, client, member, smtp_server):
    ask_reset(client, "m@example.com")
    path = link_in(smtp_server.to("m@example.com")[0], RESET_RE)
    post_form(client, path, {"password": NEW, "confirm": NEW})
    assert Studio(app.test_client()).login("m@example.com", factories.PASSWORD).status_code == 401
    again = client.get(path)
    assert again.status_code == 400
    assert 'data-code="reset_link_used"' in again.text and "already been used" in again.text
    assert 'href="/password/forgot"' in again.text  # a way to ask again
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["member.password_reset_asked", "member.password_reset"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, member, smtp_server):
    known = ask_reset(client, "m@example.com")
    unknown = ask_reset(client, "nobody@example.com")
    assert unknown.status_code == known.status_code == 200
    assert unknown.text.replace("nobody@example.com", "X") == known.text.replace("m@example.com", "X")
    assert [m["To"] for m in smtp_server.messages] == ["m@example.com"]
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxJob)) == 0  # both jobs ran and left


def test_a_reset_logs_out_every_session(app, client, member, smtp_server):
    elsewhere = logged_in(app, "m@example.com", factories.PASSWORD)
    assert elsewhere.client.get("/studio/").status_code == 200
    ask_reset(client, "m@example.com")
    post_form(
        client, link_in(smtp_server.to("m@example.com")[0], RESET_RE), {"password": NEW, "confirm": NEW}
    )
    assert elsewhere.client.get("/studio/").status_code == 302


def test_an_expired_link_says_so_and_offers_a_new_one(app, client, member, smtp_server):
    ask_reset(client, "m@example.com")
    path = link_in(smtp_server.to("m@example.com")[0], RESET_RE)
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 400 and 'data-code="reset_link_expired"' in page.text
    assert "links work for one hour" in page.text and 'href="/password/forgot"' in page.text
    refused = client.post(path, data={"password": NEW, "confirm": NEW})
    assert refused.status_code == 400
    assert logged_in(app, "m@example.com", factories.PASSWORD)


@pytest.mark.parametrize(
    "tamper", [lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"), lambda p: p + "x" * 200]
)
def test_a_tampered_link_is_not_valid(app, client, member, smtp_server, tamper):
    ask_reset(client, "m@example.com")
    path = tamper(link_in(smtp_server.to("m@example.com")[0], RESET_RE))
    page = client.get(path)
    assert page.status_code == 400 and 'data-code="reset_link_invalid"' in page.text
    assert "not valid" in page.text


def test_a_refused_password_leaves_the_link_usable(app, client, member, smtp_server):
    ask_reset(client, "m@example.com")
    path = link_in(smtp_server.to("m@example.com")[0], RESET_RE)
    short = post_form(client, path, {"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    different = post_form(client, path, {"password": NEW, "confirm": NEW + "!"})
    assert different.status_code == 400 and "do not match" in different.text
    empty = post_form(client, path, {"password": "", "confirm": ""})
    assert empty.status_code == 400 and "Enter a new password." in empty.text
    assert db.session.scalar(select(PasswordReset.used_at)) is None
    assert post_form(client, path, {"password": NEW, "confirm": NEW}).status_code == 303


def test_asking_without_an_address_says_what_to_enter(client, member, smtp_server):
    answer = ask_reset(client, "")
    assert answer.status_code == 400 and "Enter the email address you log in with." in answer.text
    assert smtp_server.messages == []


def test_asking_and_setting_are_rate_limited(app, client, member, smtp_server):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    codes = [ask_reset(client, "m@example.com").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    path = link_in(smtp_server.to("m@example.com")[0], RESET_RE)
    codes = [post_form(client, path, {"password": "x", "confirm": "x"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_the_mail_speaks_the_users_language(app, client, member, smtp_server):
    member.locale = "ja"
    db.session.commit()
    ask_reset(client, "m@example.com")  # the page itself is in English (Accept-Language: en)
    [mail] = smtp_server.to("m@example.com")
    assert mail["Subject"] == "Kuchikomi のパスワード再設定"
    assert "1時間以内" in mail.get_content()


def test_two_uses_of_one_link_at_the_same_moment_change_the_password_once(app, member):
    token, token_hash = new_token()
    db.session.add(
        PasswordReset(user=member, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=1))
    )
    db.session.commit()

    def use(password: str):
        def racer(ready):
            reset = resets.check_link(token, now=utcnow())  # both pages showed the form
            ready()
            resets.reset_password(reset, password, now=utcnow())

        return racer

    outcomes = race(app, use("first passphrase"), use("second passphrase"))
    assert sorted(outcomes) == ["done", "reset_link_used"], outcomes
    winner = "first passphrase" if outcomes[0] == "done" else "second passphrase"
    assert logged_in(app, "m@example.com", winner)
    events = select(func.count()).where(AuditEvent.action == "member.password_reset")
    assert db.session.scalar(events) == 1
