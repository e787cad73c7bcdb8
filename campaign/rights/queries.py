"""The moderation queue's rights filter: entries by the state of their rights request."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from campaign.entries.models import Entry
from campaign.rights.models import RightsRequest, RightsState

FILTERS = (
    ("none", _l("Not requested")),
    (RightsState.TO_SEND.value, _l("To send")),
    (RightsState.REQUESTED.value, _l("Requested")),
    (RightsState.GRANTED.value, _l("Granted")),
    (RightsState.DECLINED.value, _l("Declined")),
    (RightsState.EXPIRED.value, _l("Expired")),
    (RightsState.WITHDRAWN.value, _l("Withdrawn")),
)


def with_rights_state(query, value: str):
    """`query` (of entries) narrowed to one rights filter value; an unknown value changes nothing. Uploads
    (consent on the form) are the source filter's "upload"."""
    asked = select(RightsRequest.id).where(RightsRequest.entry_id == Entry.id)
    if value == "none":
        return query.where(Entry.network != "", ~exists(asked))
    if value in set(RightsState):
        return query.where(
            Entry.network != "", exists(asked.where(RightsRequest.state == RightsState(value)))
        )
    return query
