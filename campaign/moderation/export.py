"""A campaign's entries as CSV rows, filtered as on the moderation page; the email column only for members
whose role handles personal data by email (owners: the "privacy" capability)."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign.audit.services import Actor, record
from campaign.campaigns.models import Campaign
from campaign.entries import labels
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.i18n import zone_name
from campaign.moderation import queue
from campaign.orgs.models import Membership, Organisation
from campaign.orgs.services import can

COLUMNS = (
    ("entry_id", _l("Entry ID")),
    ("received_at", _l("Received at")),  # in the organisation's time zone, named in the header
    ("status", _l("Status")),
    ("product", _l("Product")),
    ("rating", _l("Rating")),
    ("nickname", _l("Nickname")),
    ("caption", _l("Public caption")),
    ("language", _l("Language")),
    ("post_url", _l("Post URL")),
    ("consent", _l("Consent")),
    ("duplicate", _l("Possible duplicate")),
    ("rejection_reason", _l("Reason shown to the customer")),
    ("team_note", _l("Team note")),
)
EMAIL = ("email", _l("Email"))


def shows_email(membership: Membership) -> bool:
    """Whether this member sees entrants' email addresses (the CSV export's column, the entry's page)."""
    return can(membership, "privacy")


def header(with_email: bool, zone: ZoneInfo) -> list[str]:
    """The column names; the time's says its zone: 「受付日時（日本時間）」, "Received at (Japan Time)"."""
    names = [str(label) for _, label in COLUMNS + ((EMAIL,) if with_email else ())]
    names[1] = _("%(time)s (%(zone)s)", time=names[1], zone=zone_name(zone))
    return names


def _row(entry: Entry, with_email: bool, zone: ZoneInfo) -> list[object]:
    row = [
        entry.public_id,
        # the studio's time, with its offset: a person reads it, a spreadsheet or a script parses it
        entry.created_at.astimezone(zone).isoformat(timespec="seconds"),
        labels.entry_state_label(entry),
        entry.product.name if entry.product else "",
        entry.rating,
        entry.nickname,
        entry.public_caption,
        labels.language_label(entry.locale),
        entry.post_url,
        labels.scopes_label(entry.consent.scopes) if entry.consent else "",
        labels.duplicate_label(entry.duplicate_kind),
        entry.rejection_text,
        entry.team_note,
    ]
    return row + [entry.email] if with_email else row


def rows(
    org: Organisation, flt: queue.QueueFilter, *, with_email: bool, zone: ZoneInfo
) -> Iterator[list[object]]:
    """The rows, read as the download streams: after the view returned, when the request's session is
    gone. The organisation and the filter's campaign and product, loaded there, are taken into the
    session the stream uses (a walk-through's find: DetachedInstanceError cut every served download)."""
    org = db.session.merge(org)
    loaded = {name: getattr(flt, name) for name in ("campaign", "product")}
    flt = replace(flt, **{name: db.session.merge(row) for name, row in loaded.items() if row is not None})
    for entry in queue.entries_in_order(org, flt):
        yield _row(entry, with_email, zone)


def record_export(
    campaign: Campaign, flt: queue.QueueFilter, *, with_email: bool, actor: Actor, now: datetime
) -> None:
    """Who took which entries out of the studio, and whether with email addresses: every filter the rows
    were chosen by (`queue.QueueFilter`'s fields), None for one not set."""
    record(
        actor, "entries.exported", org_id=campaign.org_id, campaign_id=campaign.id, object_type="campaign",
        object_id=campaign.public_id, now=now,
        after={
            "states": [str(state) for state in flt.states],
            "product": flt.product.public_id if flt.product else None,
            "rating": flt.rating,
            "from": flt.date_from.isoformat() if flt.date_from else None,
            "to": flt.date_to.isoformat() if flt.date_to else None,
            "duplicates_only": flt.duplicates_only,
            "source": flt.source,
            "rights": flt.rights or None,
            "left_out": flt.left_out or None,
            "with_email": with_email,
        },
    )  # fmt: skip
