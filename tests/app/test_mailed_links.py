"""Every link in a mail points at KUCHIKOMI_PUBLIC_BASE_URL, whatever Host header the request that sent it
carried: a security probe's find was a winner's withdrawal, sent with `Host: evil.example`, that mailed the
next alternate a genuine notice (its code checks out) whose claim link led to the stranger's site."""

import re
from datetime import timedelta

import pytest

from campaign.clock import utcnow
from campaign.draws.models import PickState
from campaign.entries import status_links
from campaign.extensions import db
from campaign.outbox import drain
from tests import factories
from tests.conftest import csrf_from
from tests.draws.test_winners import drawn
from tests.entries.helpers import submit

FORGED = {"Host": "evil.example"}
LINK = re.compile(r"https?://[^\s/]+/\S*")


@pytest.fixture
def public_base(app):
    app.config["PUBLIC_BASE_URL"] = "https://ugc.example.jp/"
    return "https://ugc.example.jp/"


def links_in(message) -> list[str]:
    return LINK.findall(message.get_content())


def test_the_confirmation_mail_of_an_entry_sent_with_a_forged_host_links_to_the_public_address(
    public_base, client, smtp_server
):
    factories.campaign(factories.org())
    assert submit(client, email="victim@example.com", headers=FORGED).status_code == 303
    drain(now=utcnow())
    [mail] = smtp_server.confirmations
    assert links_in(mail) and all(link.startswith(public_base) for link in links_in(mail)), links_in(mail)


def test_a_winners_withdrawal_with_a_forged_host_mails_the_alternate_genuine_links(
    public_base, client, studio, smtp_server
):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    alternate = next(p for p in draw.picks if p.role != "winner")
    status = f"/s/{status_links.status_token(client.application.secret_key, winner.entry.public_id)}"
    page = client.get(status, headers=FORGED)
    client.post(f"{status}/withdraw", data={"csrf_token": csrf_from(page.text)}, headers=FORGED)
    db.session.expire_all()
    assert alternate.state is PickState.NOTIFIED
    [mail] = smtp_server.to(alternate.entry.email)
    links = links_in(mail)
    assert any("/claim/" in link for link in links)
    assert any(f"/c/{campaign.slug}/check" in link for link in links)
    assert all(link.startswith(public_base) for link in links), links


def test_a_moderation_notice_sent_from_a_forged_host_links_to_the_public_address(
    public_base, app, client, smtp_server
):
    from campaign.moderation import notifications
    from tests.moderation.conftest import make_team

    team = make_team(app, notify_customers=True)
    entry, _ = team.entry(client, email="hana@example.com")
    with app.test_request_context("/", headers=FORGED):  # as if the member's request had carried it
        notifications.notify(entry, "approved")
        db.session.commit()
    drain(now=utcnow() + timedelta(hours=1))  # the row waits a grace for the request's own run first
    [mail] = smtp_server.to("hana@example.com")
    assert any("/s/" in link for link in links_in(mail))
    assert all(link.startswith(public_base) for link in links_in(mail)), links_in(mail)
