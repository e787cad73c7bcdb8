"""The members of an organisation: roles change, members leave, and an organisation always keeps an owner.

Every change re-reads the memberships under the organisation's row lock (campaign/locks.py), so two owners
demoting or removing each other at the same moment cannot both succeed and leave nobody in charge.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import ObjectDeletedError

from campaign.accounts.account_audit import record_member
from campaign.audit.services import Actor
from campaign.auth.models import User
from campaign.errors import DomainError, NotFound
from campaign.extensions import db
from campaign.locks import lock_row
from campaign.orgs.models import Membership, Organisation, Role

ROLE_ORDER = {Role.OWNER: 0, Role.EDITOR: 1, Role.APPROVER: 2, Role.VIEWER: 3}


class LastOwner(DomainError):
    status = 409
    code = "last_owner"
    message = _l("An organisation needs at least one owner. Make another member an owner first.")


def members_of(org: Organisation) -> list[Membership]:
    rows = db.session.scalars(
        select(Membership).join(Membership.user).where(Membership.org_id == org.id).order_by(User.email)
    )
    return sorted(rows, key=lambda m: ROLE_ORDER[m.role])


def get_member(org: Organisation, public_id: str) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.public_id == public_id)
    )
    if membership is None:
        raise NotFound()
    return membership


def _locked(membership: Membership) -> Membership:
    """The organisation's row locked, then the membership as committed (gone: NotFound)."""
    lock_row(membership.organisation)
    try:
        db.session.refresh(membership)
    except ObjectDeletedError:
        raise NotFound() from None
    return membership


def _owners(org_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(Membership.org_id == org_id, Membership.role == Role.OWNER)
    )


def change_role(membership: Membership, role: Role, *, actor: Actor, now: datetime) -> bool:
    """True when the role changed (choosing the same role changes and records nothing)."""
    membership = _locked(membership)
    before = membership.role
    if role is before:
        return False
    if before is Role.OWNER and _owners(membership.org_id) <= 1:
        raise LastOwner(field="role")
    membership.role = role
    db.session.flush()
    record_member(
        actor,
        "member.role",
        membership,
        now=now,
        before={"role": before.value, "email": membership.user.email},
        after={"role": role.value},
    )
    return True


def remove(membership: Membership, *, actor: Actor, now: datetime) -> None:
    membership = _locked(membership)
    if membership.role is Role.OWNER and _owners(membership.org_id) <= 1:
        raise LastOwner()
    record_member(
        actor,
        "member.remove",
        membership,
        now=now,
        before={"role": membership.role.value, "email": membership.user.email},
    )
    db.session.delete(membership)
    db.session.flush()
