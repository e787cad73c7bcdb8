"""The campaign page's QR code (for print) and the studio's draft preview of the page."""

import io

import segno
from flask import Blueprint, Response, g, url_for

from campaign.brandpage import page
from campaign.campaigns.addresses import public_campaign
from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries.forms import EntryForm
from campaign.entries.public_views import campaign_page_response
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("brandpage", __name__)
bp.add_app_template_global(page.src, "brand_src")
bp.add_app_template_global(page.srcset, "brand_srcset")


def qr_svg(url: str) -> bytes:
    """An SVG QR code of `url`: error correction M (survives a smudge in print), 4-module quiet zone."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(
        buffer, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return (
        buffer.getvalue()
    )  # a standalone document (with its namespace): an <img> and a print shop can use it


@bp.get("/c/<slug>/qr.svg")
def qr_code(slug: str):
    campaign = public_campaign(slug, now=utcnow())
    url = url_for("submissions.campaign_page", slug=campaign.slug, _external=True)
    response = Response(qr_svg(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Disposition"] = f'inline; filename="{campaign.slug}-qr.svg"'
    return response


@bp.get("/studio/campaigns/<campaign_id>/preview")
@studio_route()
def preview(campaign_id: str):
    """The campaign page as customers will see it, for members only: bannered, never indexed or cached."""
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    response = campaign_page_response(campaign, EntryForm(), preview=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response
