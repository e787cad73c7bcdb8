"""Studio pages for a campaign's entries."""

from flask import Blueprint, Response, g, redirect, render_template
from sqlalchemy.orm import selectinload

from campaign.campaigns.models import Campaign
from campaign.entries import services
from campaign.entries.models import Entry
from campaign.errors import NotFound
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.storage import get_storage

bp = Blueprint("entries", __name__, url_prefix="/studio")

ORIGINAL_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "heic": "image/heic"}


@bp.get("/campaigns/<campaign_id>/entries")
@studio_route()
def index(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    return render_template("entries/index.html", campaign=campaign, entries=services.entries_of(campaign))


def _entry(entry_id: str) -> Entry:
    entry = db.session.scalar(
        orgs.scoped(Entry, g.org)
        .where(Entry.public_id == entry_id)
        .options(selectinload(Entry.derivatives), selectinload(Entry.consent))
    )
    if entry is None:
        raise NotFound()
    return entry


@bp.get("/entries/<entry_id>")
@studio_route()
def show(entry_id: str):
    return entry_page(_entry(entry_id))


def entry_page(entry: Entry, *, refused=None, redact_form=None) -> str:
    """The entry's page; `refused`: a moderation step sent back with what it lacks (`panel.Refused`);
    `redact_form`: a redaction sent back, with what was typed and why."""
    from campaign.moderation.export import shows_email
    from campaign.moderation.panel import entry_panel  # issue 4: steps, redaction, audit trail

    return render_template(
        "entries/show.html",
        entry=entry,
        shows_email=shows_email(g.membership),  # as in the CSV export: owners only
        refused=refused,
        **entry_panel(entry, g.membership, g.org, redact_form=redact_form),
    )


@bp.get("/entries/<entry_id>/original")
@studio_route("view_originals")
def original(entry_id: str):
    """Members only: a short-lived presigned URL where the backend has one, else streamed here."""
    entry = _entry(entry_id)
    if not entry.has_original:  # erased (privacy): its key names no object
        raise NotFound()
    storage = get_storage()
    url = storage.private_url(entry.original_key, expires_in=300)
    if url:
        response = redirect(url)
    else:
        response = Response(
            storage.get(entry.original_key),
            mimetype=ORIGINAL_TYPES.get(entry.original_format, "application/octet-stream"),
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
