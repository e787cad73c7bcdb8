"""A review and a product gallery show the product the customer chose, not the campaign's first one."""

import re

import pytest
from sqlalchemy import select

from campaign.campaigns.settings import ProductData
from campaign.extensions import db
from campaign.reviews.models import Review
from tests.galleries.helpers import make_brand

PRODUCTS = [ProductData(name="Green tea", sku="TEA-1"), ProductData(name="Hojicha", sku="TEA-2")]


@pytest.fixture
def two_products(app, client):
    return make_brand(app, client, products=PRODUCTS)


def chosen_option(page: str, entry) -> str:
    """The value a browser sends for the entry's product select: the selected option, else the first."""
    select_html = re.search(rf'<select name="product" id="product-{entry.public_id}".*?</select>', page, re.S)
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select_html.group(0))
    return next((value for value, selected in options if selected), options[0][0])


def test_publish_as_review_offers_the_customers_product_first(two_products):
    brand = two_products
    green, hojicha = brand.campaign.products
    entry = brand.approved(product_id=hojicha.public_id)
    page = brand.studio.client.get("/studio/reviews/").text
    assert chosen_option(page, entry) == hojicha.public_id

    brand.publish_review(entry, chosen_option(page, entry))  # what the browser sends as it stands
    assert db.session.scalar(select(Review)).product == hojicha


def test_an_entry_without_a_product_must_be_given_one_when_the_campaign_has_several(two_products):
    """Entries sent before entries named a product: the form asks, and the service refuses to guess."""
    brand = two_products
    entry = brand.approved(product_id=brand.campaign.products[1].public_id)
    entry.product = None
    db.session.commit()
    page = brand.studio.client.get("/studio/reviews/").text
    assert chosen_option(page, entry) == ""
    refused = brand.studio.post(
        f"/studio/reviews/entries/{entry.public_id}/publish", {"product": ""}, form_page="/studio/reviews/"
    )
    assert refused.status_code == 409 and "Choose one of this campaign" in refused.text
    assert db.session.scalar(select(Review)) is None


def test_a_product_gallery_shows_the_entries_of_that_product(two_products, client):
    brand = two_products
    green, hojicha = brand.campaign.products
    of_green = brand.approved(product_id=green.public_id)
    of_hojicha = brand.approved(product_id=hojicha.public_id)
    moved = brand.approved(product_id=green.public_id)
    brand.publish_review(moved, hojicha.public_id)  # a marketer's review says which product it shows
    gallery = brand.gallery(product=hojicha.public_id)
    doc = client.get(f"/api/v1/galleries/{gallery.public_id}").json
    assert {item["id"] for item in doc["items"]} == {of_hojicha.public_id, moved.public_id}
    green_gallery = brand.gallery(name="Green", product=green.public_id)
    doc = client.get(f"/api/v1/galleries/{green_gallery.public_id}").json
    assert [item["id"] for item in doc["items"]] == [of_green.public_id]
