"""Team invitations: an owner invites an address with a role; the link works once, for seven days.

Accepting either creates the account (the invitee sets a password) or, for an address that already has
one, adds the membership to it once its owner has logged in. The link is taken by one conditional UPDATE.
"""

from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from campaign import mail
from campaign.accounts.account_audit import record_member
from campaign.accounts.models import Invitation
from campaign.accounts.tokens import digest, new_token
from campaign.audit.services import Actor, record
from campaign.auth import services as auth
from campaign.auth.models import User
from campaign.entries.rules import valid_email
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.models import Membership, Organisation, Role

LIFETIME = timedelta(days=7)
TOKEN_MAX = 100


class InvitationRefused(DomainError):
    code = "invitation_refused"


class InvalidInviteEmail(InvitationRefused):
    code = "invalid_email"
    message = _l("Enter an email address such as name@example.com.")


class AlreadyMember(InvitationRefused):
    code = "already_member"
    message = _l("%(email)s is already a member of this organisation. Change their role in the list instead.")


class AlreadyInvited(InvitationRefused):
    code = "already_invited"
    message = _l(
        "%(email)s has already been invited. If the email got lost, send it again from the pending "
        "invitations below."
    )


class NotPending(InvitationRefused):
    code = "invitation_not_pending"
    message = _l("This invitation was already accepted or withdrawn.")


class InvalidInvitationLink(DomainError):
    code = "invitation_link_invalid"
    message = _l(
        "This invitation link is not valid. Check that you opened the whole link from the email, or ask "
        "the person who invited you to send it again."
    )


class ExpiredInvitation(DomainError):
    code = "invitation_expired"
    message = _l(
        "This invitation has expired: invitations work for seven days. Ask the person who invited you to "
        "send it again."
    )


class RevokedInvitation(DomainError):
    code = "invitation_revoked"
    message = _l("This invitation was withdrawn. Ask the person who invited you if you should still join.")


class UsedInvitation(DomainError):
    code = "invitation_used"
    message = _l("This invitation has already been accepted.")


class WrongAccount(DomainError):
    status = 403
    code = "invitation_other_account"
    message = _l(
        "This invitation is for %(email)s, but you are logged in as %(current)s. Log out, then open the "
        "link again."
    )


def pending_for(org: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            orgs.scoped(Invitation, org)
            .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.sent_at.desc())
        )
    )


def get_invitation(org: Organisation, public_id: str) -> Invitation:
    return orgs.get_scoped(Invitation, org, public_id)


def invite(
    org: Organisation, email: str, role: Role, *, locale: str, actor: Actor, now: datetime
) -> Invitation:
    address = valid_email(email or "")
    if address is None or len(address) > 254:
        raise InvalidInviteEmail(field="email")
    address = auth.normalise_login_email(address)
    member = db.session.scalar(
        select(Membership.id).join(Membership.user).where(Membership.org_id == org.id, User.email == address)
    )
    if member is not None:
        raise AlreadyMember(field="email", email=address)
    if any(invitation.email == address for invitation in pending_for(org)):
        raise AlreadyInvited(field="email", email=address)
    invitation = Invitation(
        organisation=org,
        email=address,
        role=role,
        locale=locale,
        token_hash="",
        invited_by=actor.user,
        created_at=now,
        sent_at=now,
        expires_at=now + LIFETIME,
    )
    db.session.add(invitation)
    _send(invitation, now=now)
    db.session.flush()
    _record(actor, "invitation.create", invitation, now, after={"email": address, "role": role.value})
    return invitation


def resend(invitation: Invitation, *, actor: Actor, now: datetime) -> None:
    """A new link, valid seven days from now; the old one opens nothing any more."""
    if not invitation.pending:
        raise NotPending()
    _send(invitation, now=now)
    db.session.flush()
    _record(actor, "invitation.resend", invitation, now, after={"email": invitation.email})


def revoke(invitation: Invitation, *, actor: Actor, now: datetime) -> None:
    taken = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .where(Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise NotPending()
    db.session.refresh(invitation)
    _record(actor, "invitation.revoke", invitation, now, after={"email": invitation.email})


def _send(invitation: Invitation, *, now: datetime) -> None:
    token, invitation.token_hash = new_token()
    invitation.sent_at = now
    invitation.expires_at = now + LIFETIME
    base = mail.base_url()
    org = invitation.organisation
    inviter = invitation.invited_by
    with force_locale(invitation.locale):
        subject = _("You are invited to %(org)s on Kuchikomi", org=org.name)
        text = render_template(
            "auth/mail/invitation.txt",
            org=org,
            role=invitation.role,
            inviter=(inviter.name or inviter.email) if inviter else "",
            url=f"{base}/invitations/{token}",
            days=LIFETIME.days,
        )
    mail.send_after_commit(invitation.email, subject, text)


def _record(actor: Actor, action: str, invitation: Invitation, now: datetime, **details) -> None:
    record(
        actor,
        action,
        org_id=invitation.org_id,
        object_type="invitation",
        object_id=invitation.public_id,
        now=now,
        **details,
    )


def check_link(token: str, *, now: datetime) -> Invitation:
    invitation = None
    if 0 < len(token) <= TOKEN_MAX:
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(token)))
    if invitation is None:
        raise InvalidInvitationLink()
    check_link_state(invitation, now)
    return invitation


def account_for(invitation: Invitation) -> User | None:
    return db.session.scalar(select(User).where(User.email == invitation.email))


def _take(invitation: Invitation, now: datetime) -> None:
    """One conditional UPDATE: of two acceptances at the same moment, one gets the membership."""
    taken = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.refresh(invitation)
        check_link_state(invitation, now)
        raise UsedInvitation()


def check_link_state(invitation: Invitation, now: datetime) -> None:
    if invitation.revoked_at is not None:
        raise RevokedInvitation()
    if invitation.accepted_at is not None:
        raise UsedInvitation()
    if invitation.expires_at <= now:
        raise ExpiredInvitation()


def accept_as(invitation: Invitation, user: User, *, now: datetime, ip_address: str = "") -> Membership:
    """For an address that has an account: its owner, logged in, joins with the invited role."""
    if user.email != invitation.email:
        raise WrongAccount(email=invitation.email, current=user.email)
    org = invitation.organisation
    if any(m.org_id == org.id for m in user.memberships):
        raise AlreadyMember(email=user.email)
    _take(invitation, now)
    membership = orgs.add_member(org, user, invitation.role)
    _joined(invitation, membership, user, now, ip_address)
    return membership


def accept_new(
    invitation: Invitation, *, name: str, password: str, now: datetime, ip_address: str = ""
) -> User:
    """Creates the invitee's account with the password they chose, and its membership."""
    auth.check_password_rules(password)  # refused before the link is taken: it stays usable
    if account_for(invitation) is not None:
        raise auth.EmailTaken()
    _take(invitation, now)
    user = auth.create_user(invitation.email, password, name=name.strip()[:100])
    user.locale = invitation.locale
    membership = orgs.add_member(invitation.organisation, user, invitation.role)
    _joined(invitation, membership, user, now, ip_address)
    return user


def _joined(invitation: Invitation, membership: Membership, user: User, now: datetime, ip: str) -> None:
    actor = Actor.member(user, ip)
    _record(actor, "invitation.accept", invitation, now, after={"email": invitation.email})
    record_member(actor, "member.join", membership, now=now, after={"role": membership.role.value})
