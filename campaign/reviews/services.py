"""Publishing an approved entry as a product review, and withdrawing it from every surface."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign import events
from campaign.audit.services import Actor, record
from campaign.campaigns.models import Product
from campaign.entries.models import Entry
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.reviews.models import Review, ReviewStatus
from campaign.reviews.public import is_publishable


class CannotPublish(DomainError):
    status = 409
    code = "cannot_publish"
    message = _l("Only an approved entry whose customer agreed to reviews can be published as a review.")


def review_of(entry: Entry) -> Review | None:
    return db.session.scalar(select(Review).where(Review.entry_id == entry.id))


def publish_review(entry: Entry, product: Product | None, *, actor: Actor, now: datetime) -> Review:
    """Publishes (or republishes) the entry as a review of one of its campaign's products: the one given,
    else the one the customer chose, else the campaign's only product; never a guess among several."""
    if not is_publishable(entry, "review"):
        raise CannotPublish()
    products = entry.campaign.products
    product = product or entry.product or (products[0] if len(products) == 1 else None)
    if product is None or product.campaign_id != entry.campaign_id:
        raise CannotPublish(_l("Choose one of this campaign's products for the review."))
    review = review_of(entry)
    before = None
    if review is None:
        review = Review(entry=entry, org_id=entry.org_id, campaign_id=entry.campaign_id, product=product)
        db.session.add(review)
    elif review.status is ReviewStatus.PUBLISHED and review.product_id == product.id:
        return review
    else:
        before = {"status": review.status.value, "product": review.product.public_id}
    review.product = product
    review.published_at = now
    _publish(review, actor=actor, now=now, before=before)
    return review


def _publish(review: Review, *, actor: Actor, now: datetime, before: dict | None, reason: str = "") -> None:
    review.status, review.withdrawn_at, review.withdrawn_with_entry = ReviewStatus.PUBLISHED, None, False
    db.session.flush()
    record(
        actor,
        "review.published",
        org_id=review.org_id,
        campaign_id=review.campaign_id,
        object_type="review",
        object_id=review.public_id,
        now=now,
        before=before,
        after={"entry": review.entry.public_id, "product": review.product.public_id, "status": "published"},
        reason=reason,
    )
    events.review_published.send(review, actor=actor)


def withdraw_review(
    review: Review, *, actor: Actor, now: datetime, reason: str = "", with_entry: bool = False
) -> None:
    """Off every surface. `with_entry`: because its entry was taken down, so it returns with the entry."""
    if review.status is ReviewStatus.WITHDRAWN:
        return
    review.status, review.withdrawn_at = ReviewStatus.WITHDRAWN, now
    review.withdrawn_with_entry = with_entry
    db.session.flush()
    record(
        actor,
        "review.withdrawn",
        org_id=review.org_id,
        campaign_id=review.campaign_id,
        object_type="review",
        object_id=review.public_id,
        now=now,
        before={"status": "published"},
        after={"status": "withdrawn"},
        reason=reason,
    )
    events.review_withdrawn.send(review, actor=actor)


def restore_with_entry(entry: Entry, *, actor: Actor, now: datetime, released: bool = False) -> Review | None:
    """Approved again after a takedown, or `released` from a hold (`sources.holds`): the review the takedown
    or hold withdrew is published again (a review a marketer withdrew stays withdrawn). Public surfaces
    show it once the photo is made again."""
    review = review_of(entry)
    if review is None or review.status is not ReviewStatus.WITHDRAWN or not review.withdrawn_with_entry:
        return None
    if entry.consent is None or "review" not in (entry.consent.scopes or []):
        return None
    before = {"status": "withdrawn"}
    if released:
        _publish(review, actor=actor, now=now, before=before, reason="entry released")
    else:
        _publish(review, actor=actor, now=now, before=before, reason="entry approved again")
    return review


def published_reviews(*, org_id: int | None = None, product: Product | None = None) -> list[Review]:
    """Published reviews whose entry still qualifies (a withdrawn entry never shows, whatever happened)."""
    query = (
        select(Review)
        .where(Review.status == ReviewStatus.PUBLISHED)
        .options(
            selectinload(Review.entry).selectinload(Entry.derivatives),
            selectinload(Review.entry).selectinload(Entry.consent),
            selectinload(Review.product),
            selectinload(Review.campaign),
        )
        .order_by(Review.published_at.desc(), Review.id.desc())
    )
    if org_id is not None:
        query = query.where(Review.org_id == org_id)
    if product is not None:
        query = query.where(Review.product_id == product.id)
    return [review for review in db.session.scalars(query) if is_publishable(review.entry, "review")]
