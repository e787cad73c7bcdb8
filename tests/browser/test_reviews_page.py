"""The reviews page in real Chromium: each candidate shows its photo and caption before it is published, and
"Publish as review" sends the product the customer chose. Screenshots: /tmp/shots/studio/reviews-*.png"""

import pytest
from sqlalchemy import select

from campaign.campaigns.settings import ProductData
from campaign.extensions import db
from campaign.reviews.models import Review
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.galleries.helpers import OWNER, make_brand

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_publishing_from_the_reviews_page_shows_the_photo_and_keeps_the_product(
    page, live_server, app, client
):
    brand = make_brand(
        app, client, products=[ProductData(name="Green tea", sku="TEA-1"), ProductData(name="Hojicha")]
    )
    hojicha = brand.campaign.products[1]
    entry = brand.approved(
        product_id=hojicha.public_id,
        nickname="hana",
        caption="香ばしくて、夜でも飲みやすいほうじ茶です。",
        photo=factories.photo(800, 600, colour=(150, 90, 40)),
    )
    published = brand.approved(
        product_id=hojicha.public_id, nickname="sora", photo=factories.photo(600, 800, colour=(40, 120, 60))
    )
    assert brand.publish_review(published).status_code in (302, 303)
    log_in(page, live_server.url, OWNER)
    shoot(page, f"{live_server.url}/studio/reviews/", "reviews", owner="studio")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/studio/reviews/")
        assert page.evaluate(SIDEWAYS) == 0
    card = page.locator(f"#candidate-{entry.public_id}")
    assert "夜でも飲みやすい" in card.inner_text()
    card.locator("img").scroll_into_view_if_needed()
    page.wait_for_load_state("load")
    assert page.eval_on_selector_all(
        ".review-card img, .review-row img", "i => i.map(x => x.naturalWidth > 0)"
    ) == [
        True,
        True,
    ]
    with page.expect_navigation():
        page.click(f"#product-{entry.public_id} + button")
    assert page.console_errors == []
    db.session.expire_all()
    assert db.session.scalar(select(Review).where(Review.entry_id == entry.id)).product_id == hojicha.id


def test_a_photo_review_says_it_has_no_rating_on_its_page_and_in_the_studio(page, live_server, app, client):
    """A post collected from a network has no rating: its review page answered 500 and the studio showed five
    empty stars. Screenshots: /tmp/shots/studio/photo-review-*.png, /tmp/shots/public/photo-review-*.png"""
    from tests.rights.helpers import add_templates, collected, granted

    brand = make_brand(app, client)
    add_templates(brand)
    entry = collected(brand, approve=True, caption="新しいお茶 #summer_tea 夏にぴったり")
    granted(brand, entry)
    assert brand.publish_review(entry).status_code in (302, 303)
    review = db.session.scalar(select(Review).where(Review.entry_id == entry.id))
    shoot(page, f"{live_server.url}/r/{review.public_id}", "photo-review", owner="public")
    page.goto(f"{live_server.url}/r/{review.public_id}?lang=ja")
    assert "写真レビュー（評価なし）" in page.inner_text("article") and "☆" not in page.inner_text("article")
    log_in(page, live_server.url, OWNER)
    shoot(page, f"{live_server.url}/studio/reviews/", "photo-review", owner="studio")
    page.goto(f"{live_server.url}/studio/reviews/?lang=ja")
    row = page.locator(".review-row").first.inner_text()
    assert "評価なし" in row and "Google の商品レビューフィードには含まれません" in row
    assert page.console_errors == []
