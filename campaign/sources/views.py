"""The campaign's Sources page: add a source, pause or resume it, and read each one's status."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.audit.services import Actor
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.connectors.services import accounts_of
from campaign.errors import DomainError, NotFound
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.sources import services
from campaign.sources.forms import SourceForm
from campaign.sources.models import SourceState

bp = Blueprint("sources", __name__, url_prefix="/studio/campaigns/<campaign_id>/sources")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


def _page(campaign: Campaign, form: SourceForm, status: int = 200):
    now = utcnow()
    sources = services.sources_of(campaign)
    accounts = accounts_of(g.org.id)
    body = render_template(
        "sources/index.html",
        campaign=campaign,
        sources=sources,
        form=form,
        connected={network: account is not None for network, account in accounts.items()},
        expired={network: a for network, a in accounts.items() if a is not None and a.needs_reconnection},
        approved=services.approved_posts(sources),
        budget_used=services.budget_used(g.org.id, now),
        budget=services.HASHTAG_BUDGET,
        kind_labels=services.KIND_LABELS,
        message=services.message,
        now=now,
    )
    return body, status, {"Cache-Control": "private, no-store"}


@bp.get("/")
@studio_route()
def index(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    return _page(campaign, SourceForm())


@bp.post("/")
@studio_route("edit_campaigns")
def add(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    form = SourceForm()
    if not form.validate_on_submit():
        return _page(campaign, form, 400)
    try:
        services.add_source(
            campaign,
            form.kind.data,
            query=form.query.data or "",
            include_top=bool(form.include_top.data),
            actor=_actor(),
            now=utcnow(),
        )
    except DomainError as exc:
        db.session.rollback()
        form.show_refusal(exc, form.kind)
        return _page(campaign, form, 400)
    db.session.commit()
    flash(_("Source added. The next poll collects its posts (within 5 minutes)."))
    return redirect(url_for("sources.index", campaign_id=campaign.public_id), code=303)


@bp.post("/<source_id>/<action>")
@studio_route("edit_campaigns")
def set_state(campaign_id: str, source_id: str, action: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    if action not in ("pause", "resume"):
        raise NotFound()
    source = services.source_of(campaign, source_id)
    state = SourceState.PAUSED if action == "pause" else SourceState.ACTIVE
    services.set_state(source, state, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Source paused.") if action == "pause" else _("Source resumed."))
    return redirect(url_for("sources.index", campaign_id=campaign.public_id), code=303)
