"""Studio pages of instant-win fulfilment: the winners, shipping, and their CSV."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.audit.services import Actor
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.csv_export import csv_response
from campaign.draws import labels, winners
from campaign.errors import NotFound
from campaign.extensions import db
from campaign.i18n import zone_name
from campaign.instant import fulfilment
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("instant", __name__, url_prefix="/studio")


@bp.get("/campaigns/<campaign_id>/instant-winners")
@studio_route()
def winners_page(campaign_id: str):
    """Fulfilment of instant wins: everyone sees the list, owners and approvers the addresses and shipping."""
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    may_ship = orgs.can(g.membership, "draw")
    now = utcnow()
    rows = [
        (
            win,
            fulfilment.state(win, now),
            winners.address_of(win, current_app.secret_key) if may_ship else None,
        )
        for win in fulfilment.wins(campaign)
    ]
    return render_template("instant/winners.html", campaign=campaign, rows=rows, may_ship=may_ship)


@bp.post("/campaigns/<campaign_id>/instant-winners/<entry_id>/shipped")
@studio_route("draw")
def mark_shipped(campaign_id: str, entry_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    result = fulfilment.win_of(campaign, entry_id)
    if result is None:
        raise NotFound()
    fulfilment.mark_shipped(result, actor=Actor.member(current_user, request.remote_addr or ""), now=utcnow())
    db.session.commit()
    flash(_("Marked as shipped."))
    return redirect(url_for("instant.winners_page", campaign_id=campaign_id), code=303)


@bp.get("/campaigns/<campaign_id>/instant-winners.csv")
@studio_route("draw")
def winners_csv(campaign_id: str):
    """Instant-win winners with their postal address once given (owners and approvers only)."""
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    header = labels.shipping_header(
        # two states, two names (both read 「ステータス」: a check's find)
        _("Prize"),
        _("Entry ID"),
        _("Nickname"),
        _("Entry status"),
        _("Prize state"),
        _("Shipped at (%(zone)s)", zone=zone_name(campaign.organisation.timezone)),
    )
    rows = fulfilment.winners_rows(campaign, _secret(), now=utcnow())
    return csv_response(f"instant-winners-{campaign.slug}.csv", header, rows)


def _secret() -> str:
    return current_app.secret_key


@bp.app_context_processor
def _queue_helpers() -> dict:
    """The moderation queue marks the entries that won an instant prize (one query per page): approving one
    mails its winner (a walk-through could not tell which entry that was)."""

    def instant_winners(entries) -> set[int]:
        return fulfilment.held_wins([e.id for e in entries if e.campaign.instant_win])

    return {"instant_winners": instant_winners}
