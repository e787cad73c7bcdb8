"""A post collected from a network carries no rating: published as a review it is a photo review. It shows
everywhere without stars, counts in no average, and stays out of the Google feed (whose schema requires a
rating from 1 to 5); a gallery shows it only without a minimum rating."""

from xml.etree import ElementTree as ET

from sqlalchemy import select

from campaign.extensions import db
from campaign.reviews.models import Review
from tests.rights.helpers import add_templates, collected, granted


def photo_review(brand) -> Review:
    add_templates(brand)
    entry = collected(brand, approve=True)
    granted(brand, entry)
    assert brand.publish_review(entry).status_code == 302
    return db.session.scalar(select(Review).where(Review.entry_id == entry.id))


def test_a_photo_review_is_shown_without_stars_and_counts_in_no_average(brand, client):
    brand.publish_review(brand.approved(rating="5", nickname="hana"))
    unrated = photo_review(brand)
    product = brand.campaign.products[0]

    page = client.get(f"/r/{unrated.public_id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Photo review (no rating)" in page.text and "☆" not in page.text

    root = ET.fromstring(client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml").data)  # noqa: S314
    overall = [int(node.text) for node in root.iterfind("reviews/review/ratings/overall")]
    assert overall == [5]  # the schema requires a rating from 1 to 5: the photo review is not in it
    assert [node.text for node in root.iterfind("reviews/review/review_id")] != [unrated.public_id]
    assert unrated.public_id not in client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml").text

    data = client.get(f"/api/v1/products/{product.public_id}/jsonld").json
    assert data["aggregateRating"]["ratingValue"] == 5
    assert (data["aggregateRating"]["ratingCount"], data["aggregateRating"]["reviewCount"]) == (1, 2)
    reviews = {review["@id"]: review for review in data["review"]}
    assert "reviewRating" not in reviews[unrated.public_id]
    assert all(r["reviewRating"]["ratingValue"] == 5 for k, r in reviews.items() if k != unrated.public_id)

    listed = client.get(f"/api/v1/products/{product.public_id}/reviews").json
    assert listed["rating"] == {"count": 1, "average": 5} and listed["total"] == 2
    assert {item["review_id"]: item["rating"] for item in listed["items"]}[unrated.public_id] is None

    studio = brand.studio.client.get("/studio/reviews/", headers={"Accept-Language": "en"}).text
    assert "No rating" in studio and "Not in the Google product reviews feed" in studio
    assert 'aria-label="0 of 5 stars"' not in studio


def test_photo_reviews_alone_give_no_aggregate_rating(brand, client):
    photo_review(brand)
    product = brand.campaign.products[0]
    data = client.get(f"/api/v1/products/{product.public_id}/jsonld").json
    assert "aggregateRating" not in data and len(data["review"]) == 1
    listed = client.get(f"/api/v1/products/{product.public_id}/reviews").json
    assert listed["rating"] == {"count": 0, "average": None} and listed["total"] == 1
    root = ET.fromstring(client.get(f"/feeds/{brand.org.public_id}/product-reviews.xml").data)  # noqa: S314
    assert root.find("reviews/review") is None


def test_the_campaign_page_and_the_entry_show_a_post_without_a_rating(brand, client):
    review = photo_review(brand)
    brand.gallery(min_rating="")  # the campaign page's strip shows what a gallery shows
    page = client.get(f"/c/{brand.campaign.slug}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.text.count("<figcaption>") == 1
    entry_page = brand.studio.client.get(f"/studio/entries/{review.entry.public_id}?lang=en")
    assert entry_page.status_code == 200 and "No rating" in entry_page.text
