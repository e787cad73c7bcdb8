"""How often a person may play an instant win: once per entry they may send, withdrawn and erased entries
included.

A person's entry slots come back when they withdraw an entry (or have it erased), so they can send it again;
a losing play must not come back with it, or withdrawing and entering again would play until it won (a
walk-through took a prize that way, at odds of 1 in 2). Plays are counted by participant token, the keyed
digest of the address that a draw's verification needs and erasure keeps, so an erased entry's play still
counts without its address being kept.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.campaigns.models import Campaign
from campaign.draws import participants
from campaign.entries.models import Entry
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.instant.models import InstantWinPlay


class PlaysUsedUp(DomainError):
    status = 409
    code = "instant_plays_used"
    field = "email"
    message = _l(
        "You have already taken part in this instant win as many times as allowed (%(limit)s). Entries "
        "you withdrew or erased count too."
    )


def ensure_may_play(campaign: Campaign, email_normalised: str, *, secret: str) -> None:
    """PlaysUsedUp when this address has played as often as the campaign allows entries per person."""
    if not campaign.instant_win:
        return
    token = participants.token(participants.key_for(secret, campaign.public_id), email_normalised)
    played = db.session.scalar(
        select(func.count())
        .select_from(InstantWinPlay)
        .join(Entry, Entry.id == InstantWinPlay.entry_id)
        .where(InstantWinPlay.campaign_id == campaign.id, Entry.participant_token == token)
    )
    if played >= campaign.entries_per_person:
        raise PlaysUsedUp(limit=campaign.entries_per_person)
