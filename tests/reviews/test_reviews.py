"""Reviews: published only from approved, review-consented entries, labelled, withdrawn with the entry."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.extensions import db
from campaign.reviews.models import Review, ReviewStatus


def test_publishing_an_approved_entry_makes_a_labelled_review_and_an_audit_event(brand, client):
    entry = brand.approved(caption="Lovely tea", nickname="sakura")
    response = brand.publish_review(entry)
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert review.status is ReviewStatus.PUBLISHED and review.product.name == "Green tea"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.published"))
    assert audit.object_id == review.public_id and audit.actor_label == "owner@example.com"

    page = client.get(f"/r/{review.public_id}")
    assert page.status_code == 200
    assert "Posted as part of a campaign (incentivised)" in page.text
    assert "Lovely tea" in page.text and "sakura" in page.text
    assert "customer@example.com" not in page.text.lower()


def test_entries_without_approval_or_review_consent_cannot_become_reviews(brand):
    pending = brand.entry()
    assert brand.publish_review(pending).status_code == 409
    gallery_only = brand.approved(consent_scopes=["gallery"])
    assert brand.publish_review(gallery_only).status_code == 409
    assert db.session.scalar(select(Review)) is None


def test_taking_the_entry_down_withdraws_its_review(brand, client):
    entry = brand.approved()
    brand.publish_review(entry)
    review = db.session.scalar(select(Review))
    brand.take_down(entry)
    db.session.refresh(review)
    assert review.status is ReviewStatus.WITHDRAWN
    assert client.get(f"/r/{review.public_id}").status_code == 404
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["review.withdrawn", "entry.withdraw"] or "review.withdrawn" in actions


def test_the_redacted_caption_is_what_a_review_shows(brand, client):
    entry = brand.approved(caption="Call me at 090-1234")
    response = brand.studio.post(
        f"/studio/moderation/entries/{entry.public_id}/redact", {"redacted_caption": "Call me at ■■■■■■■■"}
    )
    assert response.status_code in (302, 303), response.text
    brand.publish_review(entry)
    review = db.session.scalar(select(Review))
    page = client.get(f"/r/{review.public_id}")
    assert "Call me at ■■■■■■■■" in page.text and "090-1234" not in page.text


def test_approving_again_after_a_takedown_brings_the_review_back_but_not_one_withdrawn_by_hand(brand, client):
    entry = brand.approved()
    brand.publish_review(entry)
    review = db.session.scalar(select(Review))
    brand.take_down(entry)
    assert brand.moderate(entry, "reapprove").status_code == 303
    db.session.refresh(review)
    assert review.status is ReviewStatus.PUBLISHED
    assert client.get(f"/r/{review.public_id}").status_code == 200  # the photo is made again inline

    brand.studio.post(f"/studio/reviews/{review.public_id}/withdraw", form_page="/studio/reviews/")
    brand.take_down(entry)
    brand.moderate(entry, "reapprove")
    db.session.refresh(review)
    assert review.status is ReviewStatus.WITHDRAWN  # the marketer's own decision stands


def test_the_entry_page_trail_shows_what_became_of_its_review(brand):
    """The entry's own trail says it was published as a review and withdrawn again (those events are about
    the review, so the entry page left them out: a check's find)."""
    entry = brand.approved(nickname="sakura")
    brand.publish_review(entry)
    review = db.session.scalar(select(Review))
    brand.studio.post(f"/studio/reviews/{review.public_id}/withdraw", form_page="/studio/reviews/")
    page = brand.studio.client.get(f"/studio/entries/{entry.public_id}").text
    trail = page[page.index('id="audit-heading"') :]
    assert trail.index('data-action="review.withdrawn"') < trail.index('data-action="review.published"')
    assert "Published as a review" in trail and "Review withdrawn" in trail
    assert trail.count('data-action="entry.approve"') == 1
