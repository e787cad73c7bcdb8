"""The studio pages of issue 6 render for the owner, and a viewer cannot change a gallery."""

from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio


def test_the_owner_sees_reviews_galleries_webhooks_and_keys(brand):
    brand.approved()
    gallery = brand.gallery()
    for url in (
        "/studio/reviews/",
        "/studio/galleries/",
        f"/studio/galleries/{gallery.public_id}",
        "/studio/webhooks/",
        "/studio/api-keys",
    ):
        page = brand.studio.client.get(url)
        assert page.status_code == 200, url
    embed = brand.studio.client.get(f"/studio/galleries/{gallery.public_id}").text
    assert "data-kuchikomi-gallery" in embed and f"/snapshots/g/{gallery.public_id}/gallery.json" in embed


def test_a_viewer_may_look_at_a_gallery_but_not_change_it(brand, app):
    gallery = brand.gallery()
    factories.member(brand.org, "viewer@example.com", Role.VIEWER)
    viewer = Studio(app.test_client())
    viewer.login("viewer@example.com", factories.PASSWORD)
    url = f"/studio/galleries/{gallery.public_id}"
    assert viewer.client.get(url).status_code == 200
    response = viewer.post(url, {"name": "Mine now", "min_rating": "1", "layout": "grid"}, form_page=url)
    assert response.status_code == 403
    db.session.refresh(gallery)
    assert gallery.name == "Summer wall"
