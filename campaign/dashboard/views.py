"""The per-campaign dashboard page: the numbers as a table, and as a chart drawn by static JS."""

from flask import Blueprint, g, render_template

from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.dashboard import services
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("dashboard", __name__, url_prefix="/studio")


@bp.get("/campaigns/<campaign_id>/dashboard")
@studio_route()
def show_campaign(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    data = services.dashboard(campaign, g.org.timezone, now=utcnow())
    chart = {
        "labels": [day.isoformat() for day, _ in data.per_day],
        "counts": [count for _, count in data.per_day],
    }
    return render_template("dashboard/campaign.html", campaign=campaign, data=data, chart=chart)
