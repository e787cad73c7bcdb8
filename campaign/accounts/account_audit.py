"""Account events go to the audit trail of every organisation the account belongs to (the trail is kept per
organisation), as events about that member."""

from datetime import datetime

from campaign.audit.services import Actor, record
from campaign.auth.models import User
from campaign.orgs.models import Membership


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
