"""The moderation queue's rights filter: entries by the state of their rights request."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from campaign.entries.models import Entry
from campaign.rights import proof as rules
from campaign.rights.models import RightsRequest, RightsState

UNCONFIRMED = "unconfirmed"  # granted by a click on the page only: not publishable (rights/proof.py)

FILTERS = (
    ("none", _l("Not requested")),
    (RightsState.TO_SEND.value, _l("To send")),
    (RightsState.REQUESTED.value, _l("Requested")),
    (RightsState.GRANTED.value, _l("Granted")),
    (UNCONFIRMED, _l("Said yes on the page, not confirmed")),
    (RightsState.DECLINED.value, _l("Declined")),
    (RightsState.EXPIRED.value, _l("Expired")),
    (RightsState.WITHDRAWN.value, _l("Withdrawn")),
)


def with_rights_state(query, value: str):
    """`query` (of entries) narrowed to one rights filter value (`rights_in`); an unknown value changes
    nothing. Uploads (consent on the form) are the source filter's "upload"."""
    asked = select(RightsRequest.id).where(RightsRequest.entry_id == Entry.id)
    if value == "none":
        return query.where(Entry.network != "", ~exists(asked))
    if value in set(RightsState) or value == UNCONFIRMED:
        return query.where(Entry.network != "", exists(asked.where(rights_in(value))))
    return query


def rights_in(value: str):
    """The requests one filter value names: "granted" is a grant the photo may be published under, a click
    on the rights page alone is "unconfirmed" (`rights.proof`)."""
    if value == RightsState.GRANTED.value:
        return rules.in_force_rows()
    if value == UNCONFIRMED:
        return rules.awaiting_confirmation_rows()
    return RightsRequest.state == RightsState(value)
