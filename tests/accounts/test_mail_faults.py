"""A mail server that is down loses no invitation and no reset link: the mail waits in the outbox and
leaves on a later attempt, with a link that still works."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign import outbox
from campaign.accounts.models import Invitation, PasswordReset
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.accounts.helpers import INVITE_RE, RESET_RE, ask_reset, link_in, logged_in, post_form
from tests.conftest import Studio

NEW = "a brand new passphrase"


@pytest.fixture
def owner(app):
    factories.member(factories.org("brand-a", "Brand A"), "owner@example.com", Role.OWNER)
    return logged_in(app, "owner@example.com", factories.PASSWORD)


def later():
    return utcnow() + timedelta(hours=2)  # past every back-off of the first failure, within the link's life


def test_an_invitation_sent_while_the_mail_server_is_down_leaves_later(app, owner, smtp_server):
    working = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    response = owner.post(
        "/studio/members/invite",
        {"email": "new@example.com", "role": "editor", "locale": "en"},
        form_page="/studio/members",
    )
    assert response.status_code == 303  # the owner is not shown an error: the invitation stands
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    [waiting] = db.session.scalars(select(outbox.OutboxJob)).all()
    assert "MailError" in waiting.last_error and smtp_server.messages == []
    app.config["MAIL_PORT"] = working
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = later() + timedelta(days=1)  # the clock moves; the link is still in its week
    db.session.commit()
    assert outbox.drain(now=later()) == (1, 0)
    path = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    joined = post_form(Studio(app.test_client()).client, path, {"name": "N", "password": NEW, "confirm": NEW})
    assert joined.status_code == 303


def test_a_reset_asked_while_the_mail_server_is_down_leaves_later(app, client, owner, smtp_server):
    working = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1
    assert ask_reset(client, "owner@example.com").status_code == 200  # the same neutral answer
    assert smtp_server.messages == []
    assert db.session.scalar(select(func.count()).select_from(outbox.OutboxJob)) == 1
    app.config["MAIL_PORT"] = working
    assert outbox.drain(now=later()) == (1, 0)
    path = link_in(smtp_server.to("owner@example.com")[0], RESET_RE)
    assert post_form(client, path, {"password": NEW, "confirm": NEW}).status_code == 303
    assert logged_in(app, "owner@example.com", NEW)
    # the failed attempt's link was committed before its mail failed; it was never sent, and it is spent now
    assert db.session.scalar(select(func.count()).where(PasswordReset.used_at.is_(None))) == 0
