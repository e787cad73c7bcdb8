"""Public review pages (labelled as campaign posts) and the organisation's product reviews feed."""

from flask import Blueprint, Response, abort, render_template
from sqlalchemy import select

from campaign.api.documents import CAMPAIGN_LABEL, review_item
from campaign.extensions import db
from campaign.orgs.models import Organisation
from campaign.reviews import services
from campaign.reviews.feed import build_feed
from campaign.reviews.models import Review, ReviewStatus
from campaign.reviews.public import is_publishable
from campaign.storage.base import SNAPSHOT_CACHE_CONTROL

bp = Blueprint("review_pages", __name__)


@bp.get("/r/<public_id>")
def show_review(public_id: str):
    review = db.session.scalar(select(Review).where(Review.public_id == public_id))
    if (
        review is None
        or review.status is not ReviewStatus.PUBLISHED
        or not is_publishable(review.entry, "review")
    ):
        abort(404)
    response = Response(
        render_template("reviews/show.html", review=review, item=review_item(review), label=CAMPAIGN_LABEL)
    )
    response.headers["Cache-Control"] = SNAPSHOT_CACHE_CONTROL  # a takedown is gone from the next view
    return response


@bp.get("/feeds/<org_id>/product-reviews.xml")
def show_feed(org_id: str):
    org = db.session.scalar(select(Organisation).where(Organisation.public_id == org_id))
    if org is None:
        abort(404)
    body = build_feed(org, services.published_reviews(org_id=org.id))
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
