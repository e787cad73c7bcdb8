"""Studio pages for reviews: entries that may become reviews, publishing and withdrawing them."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.audit.services import Actor
from campaign.campaigns.models import Product
from campaign.clock import utcnow
from campaign.entries.models import Entry, EntryStatus
from campaign.errors import NotFound
from campaign.extensions import db
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route
from campaign.reviews import services
from campaign.reviews.models import Review, ReviewStatus
from campaign.reviews.public import is_publishable

bp = Blueprint("reviews", __name__, url_prefix="/studio/reviews")


def _actor() -> Actor:
    return Actor.member(current_user, request.remote_addr or "")


@bp.get("/")
@studio_route()
def index():
    reviews = db.session.scalars(
        orgs.scoped(Review, g.org)
        .order_by(Review.published_at.desc())
        .options(selectinload(Review.entry).selectinload(Entry.derivatives))
    ).all()
    reviewed = {review.entry_id for review in reviews if review.status is ReviewStatus.PUBLISHED}
    candidates = [
        entry
        for entry in db.session.scalars(
            orgs.scoped(Entry, g.org)
            .where(Entry.status == EntryStatus.APPROVED)
            .options(
                selectinload(Entry.consent),
                selectinload(Entry.campaign),
                selectinload(Entry.product),
                selectinload(Entry.derivatives),
            )
            .order_by(Entry.created_at.desc())
            .limit(200)
        )
        if entry.id not in reviewed and is_publishable(entry, "review")
    ]
    return render_template("reviews/index.html", reviews=reviews, candidates=candidates)


@bp.post("/entries/<entry_id>/publish")
@studio_route("publish_reviews")
def publish(entry_id: str):
    entry = orgs.get_scoped(Entry, g.org, entry_id)
    product = None
    if product_id := request.form.get("product"):
        product = db.session.scalar(select(Product).where(Product.public_id == product_id))
        if product is None or product.campaign_id != entry.campaign_id:
            raise NotFound()
    services.publish_review(entry, product, actor=_actor(), now=utcnow())
    db.session.commit()
    flash(_("Published as a review."))
    return redirect(url_for("reviews.index"))


@bp.post("/<review_id>/withdraw")
@studio_route("publish_reviews")
def withdraw(review_id: str):
    review = orgs.get_scoped(Review, g.org, review_id)
    services.withdraw_review(
        review, actor=_actor(), now=utcnow(), reason=request.form.get("reason", "")[:500]
    )
    db.session.commit()
    flash(_("Review withdrawn."))
    return redirect(url_for("reviews.index"))
