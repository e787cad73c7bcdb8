"""Account events go to the audit trail of every organisation the account belongs to (the trail is kept per
organisation), as events about that member."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor, record
from campaign.auth.models import User
from campaign.extensions import db
from campaign.orgs.models import Membership, Organisation
from campaign.orgs.services import scoped


def record_member(actor: Actor, action: str, membership: Membership, *, now: datetime, **details) -> None:
    record(
        actor,
        action,
        org_id=membership.org_id,
        object_type="member",
        object_id=membership.public_id,
        now=now,
        **details,
    )


def record_account(actor: Actor, action: str, user: User, *, now: datetime) -> None:
    """Never with the password or the link's token: the trail says only that it happened."""
    for membership in user.memberships:
        record_member(actor, action, membership, now=now)


ACTIONS = {
    "member.password_reset_asked": _l("Asked for a password reset link"),
    "member.password_reset": _l("Set a new password with a reset link"),
    "member.password_change": _l("Changed their password"),
    "member.language": _l("Changed their language"),
    "member.role": _l("Role changed"),
    "member.remove": _l("Removed from the organisation"),
    "member.join": _l("Joined the organisation"),
    "invitation.create": _l("Invitation sent"),
    "invitation.resend": _l("Invitation sent again"),
    "invitation.revoke": _l("Invitation cancelled"),
    "invitation.accept": _l("Invitation accepted"),
}


def recent(org: Organisation, *, limit: int = 20) -> list[AuditEvent]:
    """The organisation's latest account events, for its members page (newest first)."""
    return list(
        db.session.scalars(
            scoped(AuditEvent, org)
            .where(AuditEvent.action.in_(ACTIONS))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
