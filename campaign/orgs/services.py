"""Organisations and memberships: who may act for which brand, in which role."""

import re
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.auth.models import User
from campaign.errors import DomainError, NotFound
from campaign.extensions import db
from campaign.orgs.models import Membership, Organisation, Role

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

# What each role may do; views ask by capability, never by role name.
CAPABILITIES: dict[str, frozenset[Role]] = {
    "view": frozenset(Role),
    "edit_campaigns": frozenset({Role.OWNER, Role.EDITOR}),
    "view_originals": frozenset(Role),
    # moderation (issue 4): viewers read, they never move an entry; the audit holds IPs, so not for viewers
    "moderate": frozenset({Role.OWNER, Role.EDITOR, Role.APPROVER}),
    "approve": frozenset({Role.OWNER, Role.APPROVER}),
    "takedown": frozenset({Role.OWNER, Role.EDITOR, Role.APPROVER}),
    "manage_reasons": frozenset({Role.OWNER, Role.EDITOR}),
    "view_audit": frozenset({Role.OWNER, Role.EDITOR, Role.APPROVER}),
    # draws (issue 5): drawing, winners' checks, postal addresses and shipping
    "draw": frozenset({Role.OWNER, Role.APPROVER}),
    # reviews and galleries (issue 6): republishing approved photos; webhooks and API keys
    "publish_reviews": frozenset({Role.OWNER, Role.EDITOR, Role.APPROVER}),
    "edit_galleries": frozenset({Role.OWNER, Role.EDITOR}),
    "manage_integrations": frozenset({Role.OWNER}),
    # privacy (issue 14): retention days, disclosure and deletion requests by email address
    "privacy": frozenset({Role.OWNER}),
    # accounts (issue 13): inviting, changing roles, removing members
    "manage_members": frozenset({Role.OWNER}),
}


class InvalidOrganisation(DomainError):
    code = "invalid_organisation"


def create_organisation(name: str, slug: str, *, timezone: str = "Asia/Tokyo") -> Organisation:
    if not SLUG_RE.match(slug):
        raise InvalidOrganisation(_l("Use lowercase letters, digits and hyphens for the slug."), field="slug")
    if timezone not in available_timezones():
        raise InvalidOrganisation(_l("Unknown time zone."), field="timezone")
    if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise InvalidOrganisation(_l("This slug is already in use."), field="slug")
    org = Organisation(name=name, slug=slug, timezone=timezone)
    db.session.add(org)
    db.session.flush()
    return org


RETENTION_DAYS = (1, 3650)  # at least a day; at most ten years


def set_retention_days(org: Organisation, days: int, *, actor, now) -> bool:
    """How many days entrants' data outlives a finished campaign (privacy.retention); audited. False when
    it was that already: nothing changes, and the trail records no change (it read "45 → 45")."""
    from campaign.audit.services import record

    low, high = RETENTION_DAYS
    if not low <= days <= high:
        raise InvalidOrganisation(
            _l("Keep personal data between %(low)d and %(high)d days.", low=low, high=high),
            field="retention_days",
        )
    before = org.retention_days
    if days == before:
        return False
    org.retention_days = days
    db.session.flush()
    record(
        actor,
        "organisation.retention",
        org_id=org.id,
        object_type="organisation",
        object_id=org.public_id,
        now=now,
        before={"retention_days": before},
        after={"retention_days": days},
    )
    return True


def add_member(org: Organisation, user: User, role: Role) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(organisation=org, user=user, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.organisation)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def choose_membership(user: User, org_public_id: str | None) -> Membership | None:
    """The membership for the organisation the user picked, else their first one."""
    memberships = memberships_of(user)
    for membership in memberships:
        if membership.organisation.public_id == org_public_id:
            return membership
    return memberships[0] if memberships else None


def can(membership: Membership, capability: str) -> bool:
    return membership.role in CAPABILITIES[capability]


def members_who_can(org_id: int, capability: str, *, besides: str = "") -> list[User]:
    """The organisation's members whose role holds the capability, in the order they joined the app, but
    `besides` (an email address: the member who acted, say); for mails to those who may act."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.org_id == org_id,
                Membership.role.in_(CAPABILITIES[capability]),
                User.email != besides,
            )
            .order_by(User.id)
        )
    )


def scoped(model, org: Organisation):
    """The one way to query tenant data: a select already restricted to this organisation."""
    return select(model).where(model.org_id == org.id)


def get_scoped(model, org: Organisation, public_id: str):
    """A tenant object by public id, or NotFound (404) when it belongs to anyone else."""
    obj = db.session.scalar(scoped(model, org).where(model.public_id == public_id))
    if obj is None:
        raise NotFound()
    return obj
