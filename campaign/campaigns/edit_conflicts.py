"""Two members editing one campaign: the edit form carries a fingerprint of the saved settings from its
opening, and a save made after the campaign changed (another member's save, an early close) is refused
with who changed it, what and when, instead of undoing their change without a word (`update_campaign`)."""

import hashlib
import json
from dataclasses import asdict

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.audit.labels import action_label
from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.campaigns.services import FIELDS, snapshot
from campaign.campaigns.settings import InvalidCampaign
from campaign.extensions import db


class EditConflict(InvalidCampaign):
    """The campaign changed after this form was opened: saving it would undo that change without a word
    (a walk-through's find), so nothing is saved."""

    status = 409
    code = "edit_conflict"
    message = _l(
        "%(who)s changed this campaign at %(when)s (%(what)s), after you opened this page, so your changes "
        "were not saved. What you typed is still below: reload the page to see the campaign as it is now, "
        "then make your changes again."
    )


def fingerprint(campaign: Campaign) -> str:
    """A digest of the campaign's saved settings (`snapshot`): the edit form carries it from its opening."""
    saved = json.dumps(asdict(snapshot(campaign)), sort_keys=True, default=str)
    return hashlib.sha256(saved.encode()).hexdigest()


def conflict(campaign: Campaign) -> EditConflict:
    """EditConflict naming the latest change of the campaign's settings: who, what (a save, an early
    close...) and when, in the reader's time zone."""
    recent = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.campaign_id == campaign.id, AuditEvent.action.like("campaign.%"))
        .order_by(AuditEvent.id.desc())
        .limit(20)
    )
    settings = set(FIELDS) | {"products", "prizes", "hashtags", "consent_scopes"}
    last = next((event for event in recent if settings & set(event.after or {})), None)
    if last is None:  # changed by a path that records no change (it would be a bug): still refused
        return EditConflict(who=_l("Someone"), what="—", when="—")
    when = format_datetime(last.created_at, "short")
    return EditConflict(who=_member(last), what=action_label(last.action), when=when)


def _member(event: AuditEvent) -> str:
    """The member as colleagues know them: their name with their email address, else the address."""
    from campaign.auth.models import User
    from campaign.auth.services import known_as

    user = db.session.get(User, event.actor_user_id) if event.actor_user_id else None
    return known_as(event.actor_label, user) if user is not None else event.actor_label
