"""Team invitations: an owner invites an address with a role; the link works once, for seven days."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign.accounts import invitations
from campaign.accounts.models import Invitation
from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs.models import Membership, Role
from tests import factories
from tests.accounts.helpers import INVITE_RE, link_in, logged_in, post_form
from tests.conftest import Studio, csrf_from
from tests.races import race

NEW = "my own passphrase"


@pytest.fixture
def owner(app):
    org = factories.org("brand-a", "Brand A")
    factories.member(org, "owner@example.com", Role.OWNER)
    return logged_in(app, "owner@example.com", factories.PASSWORD)


def invite(owner: Studio, email: str, role: str = "approver", locale: str = "en"):
    return owner.post(
        "/studio/members/invite",
        {"email": email, "role": role, "locale": locale},
        form_page="/studio/members",
    )


def pending_section(owner: Studio) -> str:
    page = owner.client.get("/studio/members").text
    return page.split('id="pending"')[1].split('id="invite"')[0]


def role_of(email: str, org_slug: str = "brand-a") -> Role | None:
    return db.session.scalar(
        select(Membership.role)
        .join(Membership.user)
        .join(Membership.organisation)
        .where(User.email == email, Membership.organisation.has(slug=org_slug))
    )


def test_an_invitee_without_an_account_creates_one_and_joins_with_the_role(app, owner, smtp_server):
    response = invite(owner, "  New.Person@Example.com ")
    assert response.status_code == 303
    assert "new.person@example.com" in pending_section(owner)
    [mail] = smtp_server.to("new.person@example.com")
    assert mail["Subject"] == "You are invited to Brand A on Kuchikomi"
    text = mail.get_content()
    assert "as Approver" in text and factories.PASSWORD not in text
    path = link_in(mail, INVITE_RE)

    invitee = Studio(app.test_client())
    shown = invitee.client.get(path)
    assert shown.status_code == 200 and "Join Brand A" in shown.text and 'id="accept-new"' in shown.text
    joined = post_form(invitee.client, path, {"name": "New Person", "password": NEW, "confirm": NEW})
    assert joined.status_code == 303 and joined.headers["Location"].endswith("/studio/")
    assert invitee.client.get("/studio/").status_code == 200  # logged in
    assert role_of("new.person@example.com") is Role.APPROVER
    assert db.session.scalar(select(User.locale).where(User.email == "new.person@example.com")) == "en"
    assert logged_in(app, "new.person@example.com", NEW)
    again = Studio(app.test_client()).client.get(path)
    assert again.status_code == 400 and 'data-code="invitation_used"' in again.text
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["invitation.create", "invitation.accept", "member.join"]
    assert "new.person@example.com" not in pending_section(owner)


def test_an_existing_account_logs_in_first_then_joins(app, owner, smtp_server):
    factories.member(factories.org("brand-b", "Aardvark"), "known@example.com", Role.OWNER)  # listed first
    invite(owner, "known@example.com", role="editor")
    path = link_in(smtp_server.to("known@example.com")[0], INVITE_RE)
    visitor = Studio(app.test_client())
    shown = visitor.client.get(path)
    assert 'id="accept-login"' in shown.text and 'id="accept-new"' not in shown.text
    assert visitor.client.post(path, data={"csrf_token": ""}).status_code == 400  # no token, nothing taken
    logged = visitor.client.post(
        f"/login?next={path}",
        data={
            "email": "known@example.com",
            "password": factories.PASSWORD,
            "csrf_token": csrf_from(visitor.client.get("/login").text),
        },
    )
    assert logged.headers["Location"] == path
    joined = post_form(visitor.client, path, {})
    assert joined.status_code == 303
    assert (
        role_of("known@example.com") is Role.EDITOR and role_of("known@example.com", "brand-b") is Role.OWNER
    )
    assert "selected>Brand A</option>" in visitor.client.get("/studio/").text  # opens on the brand joined


def test_someone_logged_in_with_another_account_is_told_to_log_out(app, owner, smtp_server):
    factories.user("known@example.com")
    invite(owner, "known@example.com")
    path = link_in(smtp_server.to("known@example.com")[0], INVITE_RE)
    shown = owner.client.get(path)
    assert 'id="wrong-account"' in shown.text and "you are logged in as owner@example.com" in shown.text
    refused = post_form(owner.client, path, {})
    assert refused.status_code == 403 and 'data-code="invitation_other_account"' in refused.text
    assert role_of("known@example.com") is None
    assert db.session.scalar(select(Invitation.accepted_at)) is None


def test_someone_logged_in_cannot_create_the_invitees_account_instead(app, owner, smtp_server):
    invite(owner, "new@example.com")
    path = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    assert 'id="wrong-account"' in owner.client.get(path).text
    refused = post_form(owner.client, path, {"name": "N", "password": NEW, "confirm": NEW})
    assert refused.status_code == 403 and 'data-code="invitation_other_account"' in refused.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert owner.client.get("/studio/members").status_code == 200  # still logged in as themselves


def test_inviting_a_member_is_refused_clearly_and_sends_nothing(app, owner, smtp_server):
    response = invite(owner, "Owner@example.com")
    assert response.status_code == 400
    assert "owner@example.com is already a member of this organisation." in response.text
    assert smtp_server.messages == [] and db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_second_invitation_to_one_address_points_to_send_again(app, owner, smtp_server):
    invite(owner, "new@example.com")
    response = invite(owner, "new@example.com", role="viewer")
    assert response.status_code == 400 and "has already been invited" in response.text
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("email", "role", "locale", "message"),
    [
        ("not-an-address", "editor", "en", "Enter an email address such as name@example.com."),
        ("", "editor", "en", "Enter the email address to invite."),
        ("x@example.com", "emperor", "en", "Not a valid choice"),
        ("x@example.com", "editor", "fr", "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_by_its_field(app, owner, smtp_server, email, role, locale, message):
    response = invite(owner, email, role=role, locale=locale)
    assert response.status_code == 400 and message in response.text
    assert smtp_server.messages == [] and db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_sending_again_gives_a_new_link_and_the_old_one_stops(app, owner, smtp_server):
    invite(owner, "new@example.com")
    old = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    invitation = db.session.scalar(select(Invitation))
    assert (
        owner.post(
            f"/studio/invitations/{invitation.public_id}/resend", form_page="/studio/members"
        ).status_code
        == 303
    )
    new = link_in(smtp_server.to("new@example.com")[1], INVITE_RE)
    assert new != old
    visitor = Studio(app.test_client())
    assert 'data-code="invitation_link_invalid"' in visitor.client.get(old).text
    assert visitor.client.get(new).status_code == 200
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "invitation.resend")) == 1


def test_a_withdrawn_invitation_says_so_and_cannot_be_sent_again(app, owner, smtp_server):
    invite(owner, "new@example.com")
    path = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    invitation = db.session.scalar(select(Invitation))
    revoke = f"/studio/invitations/{invitation.public_id}/revoke"
    assert owner.post(revoke, form_page="/studio/members").status_code == 303
    page = Studio(app.test_client()).client.get(path)
    assert page.status_code == 400 and 'data-code="invitation_revoked"' in page.text
    again = owner.post(revoke, form_page="/studio/members")
    assert again.status_code == 400 and "already accepted or withdrawn" in again.text
    resend = owner.post(f"/studio/invitations/{invitation.public_id}/resend", form_page="/studio/members")
    assert resend.status_code == 400 and len(smtp_server.messages) == 1
    assert "new@example.com" not in pending_section(owner)


def test_an_expired_invitation_says_so(app, owner, smtp_server):
    invite(owner, "new@example.com")
    path = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    visitor = Studio(app.test_client())
    page = visitor.client.get(path)
    assert page.status_code == 400 and "invitations work for seven days" in page.text
    assert visitor.client.get("/invitations/" + "A" * 43).status_code == 400


def test_a_refused_password_leaves_the_invitation_usable(app, owner, smtp_server):
    invite(owner, "new@example.com")
    path = link_in(smtp_server.to("new@example.com")[0], INVITE_RE)
    visitor = Studio(app.test_client())
    short = post_form(visitor.client, path, {"name": "N", "password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    nameless = post_form(visitor.client, path, {"name": "", "password": NEW, "confirm": NEW})
    assert nameless.status_code == 400 and "Enter your name" in nameless.text
    assert db.session.scalar(select(Invitation.accepted_at)) is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_invitation_mail_speaks_the_chosen_language(app, owner, smtp_server):
    invite(owner, "new@example.com", role="viewer", locale="ja")
    [mail] = smtp_server.to("new@example.com")
    assert mail["Subject"] == "Kuchikomi で Brand A に招待されています"
    assert "閲覧者" in mail.get_content()


def test_other_brands_invitations_are_not_found(app, owner, smtp_server):
    other = factories.org("brand-b")
    factories.member(other, "b@example.com", Role.OWNER)
    b_owner = logged_in(app, "b@example.com", factories.PASSWORD)
    invite(b_owner, "new@example.com")
    theirs = db.session.scalar(select(Invitation.public_id))
    assert owner.post(f"/studio/invitations/{theirs}/revoke", form_page="/studio/members").status_code == 404
    assert db.session.scalar(select(Invitation.revoked_at)) is None


def test_two_acceptances_at_the_same_moment_make_one_account(app, owner, smtp_server):
    invite(owner, "new@example.com")
    token = link_in(smtp_server.to("new@example.com")[0], INVITE_RE).rsplit("/", 1)[1]

    def accept(password: str):
        def racer(ready):
            invitation = invitations.check_link(token, now=utcnow())
            ready()
            invitations.accept_new(invitation, name="N", password=password, now=utcnow())

        return racer

    outcomes = race(app, accept("first passphrase"), accept("second passphrase"))
    # the second is refused by whichever check meets the first's commit: the link taken, or (when it ran
    # late, under load) the account that now has the address; either way one account (a full run's flake)
    assert sorted(outcomes) in (["done", "invitation_used"], ["done", "email_taken"]), outcomes
    assert role_of("new@example.com") is Role.APPROVER
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "member.join")) == 1
