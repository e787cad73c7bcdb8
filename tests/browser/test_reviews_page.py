"""The reviews page in real Chromium: "Publish as review" sends the product the customer chose."""

from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.campaigns.services import ProductData
from campaign.extensions import db
from campaign.reviews.models import Review
from tests.browser.test_moderation_keys import log_in
from tests.galleries.helpers import OWNER, make_brand

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/output")


def test_publishing_from_the_reviews_page_keeps_the_customers_product(page, live_server, app, client):
    brand = make_brand(
        app, client, products=[ProductData(name="Green tea", sku="TEA-1"), ProductData(name="Hojicha")]
    )
    hojicha = brand.campaign.products[1]
    entry = brand.approved(product_id=hojicha.public_id, nickname="hana")
    log_in(page, live_server.url, OWNER)
    page.goto(f"{live_server.url}/studio/reviews/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"reviews-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.click(f"#product-{entry.public_id} + button")
    assert page.console_errors == []
    db.session.expire_all()
    assert db.session.scalar(select(Review)).product_id == hojicha.id
