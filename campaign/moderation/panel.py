"""What the studio entry page needs for moderation: the allowed steps, reasons, forms, the audit trail."""

from dataclasses import dataclass

from campaign.audit.queries import events_for_objects
from campaign.clock import utcnow
from campaign.entries.models import Entry
from campaign.moderation import reasons, services
from campaign.moderation.forms import RedactForm, StepForm
from campaign.orgs.models import Membership, Organisation
from campaign.orgs.services import can


@dataclass(frozen=True)
class Refused:
    """A step sent back for what it lacks (a note, a reason): shown at its field, with what was typed."""

    action: str
    field: str
    message: str
    note: str = ""


def entry_panel(entry: Entry, membership: Membership, org: Organisation, *, redact_form=None) -> dict:
    """`redact_form`: a refused redaction, shown as typed; else the form holding the public caption."""
    from campaign.reviews.services import review_of
    from campaign.sources.holds import hold_due

    moves = services.allowed_moves(entry, membership)
    if redact_form is None:
        redact_form = RedactForm(formdata=None)
        redact_form.redacted_caption.data = entry.public_caption
    review = review_of(entry)  # read once: the trail and "shown in" both name it
    return {
        "moves": [move.action for move in moves],
        "reasons": reasons.reasons_of(org, active_only=True) if moves else [],
        "step_form": StepForm(),
        "redact_form": redact_form,
        "can_redact": can(membership, "moderate"),
        # who may draw may judge a duplicate mark wrong, before the draw (`duplicates.clear_mark`); the others
        # are told whom to ask (an editor sent here by the draw screen found no button and no word)
        "duplicate_mark": _duplicate_mark(entry, membership),
        "audit_events": trail(entry, review, org) if can(membership, "view_audit") else None,
        "hold_due": hold_due(entry),  # a collected post whose connection was refused: hidden from when
        **shown_in(entry, review),
    }


def _duplicate_mark(entry: Entry, membership: Membership) -> str | None:
    """ "clear" (this member may clear the entry's duplicate mark now), "ask" (an owner or approver may), or
    None (no mark, or the draw is made)."""
    from campaign.draws.services import draw_of

    if entry.duplicate_kind == "" or draw_of(entry.campaign) is not None:
        return None
    return "clear" if can(membership, "draw") else "ask"


def trail(entry: Entry, review, org: Organisation) -> list:
    """The entry's audit events and its review's (published, withdrawn), newest first: what became of the
    photo, in one place."""
    objects = [("entry", entry.public_id)]
    if review is not None:
        objects.append(("review", review.public_id))
    return events_for_objects(org, objects)


def shown_in(entry: Entry, review) -> dict:
    """Where the public sees the photo now: its published review (`review`, the entry's, or None), the
    campaign page's strip of photos (a walk-through's find: an approved photo the page showed was said to be
    shown "Nowhere") and the galleries listing it."""
    from campaign.brandpage.page import STRIP
    from campaign.galleries.services import newest_shown
    from campaign.galleries.snapshots import listing
    from campaign.reviews.models import ReviewStatus

    approved = entry.status.value == "approved"
    campaign = entry.campaign
    return {
        "shown_review": review if review is not None and review.status is ReviewStatus.PUBLISHED else None,
        "shown_on_campaign_page": approved
        and campaign.page_online(utcnow())
        and entry in newest_shown(campaign, STRIP),
        "shown_galleries": listing(entry) if approved else [],
    }
