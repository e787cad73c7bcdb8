"""A brand whose owner republishes customers' photos, all through the real forms and moderation."""

import re
from dataclasses import dataclass

from sqlalchemy import select

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.galleries.models import Gallery
from tests import factories
from tests.conftest import Studio
from tests.entries.helpers import submit

OWNER = "owner@example.com"


@dataclass
class Brand:
    app: object
    org: object
    campaign: object
    studio: Studio
    customers: int = 0

    def entry(self, **overrides) -> Entry:
        """A customer's entry through the campaign form (processed inline); each from another customer."""
        self.customers += 1
        overrides.setdefault("email", f"customer{self.customers}@example.com")
        response = submit(self.app.test_client(), self.campaign.slug, **overrides)
        assert response.status_code == 303, response.text
        return db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()

    def moderate(self, entry: Entry, action: str, **data):
        response = self.studio.post(f"/studio/moderation/entries/{entry.public_id}/{action}", data)
        assert response.status_code in (302, 303), response.text
        db.session.refresh(entry)
        return response

    def approved(self, **overrides) -> Entry:
        entry = self.entry(**overrides)
        self.moderate(entry, "approve")
        assert entry.status.value == "approved"
        return entry

    def take_down(self, entry: Entry) -> None:
        self.moderate(entry, "withdraw", note="The customer asked us by phone")
        assert entry.status.value == "withdrawn"

    def gallery(self, **fields) -> Gallery:
        data = {
            "name": "Summer wall",
            "campaign": "",
            "product": "",
            "min_rating": "",  # no minimum: posts without a rating too
            "layout": "grid",
            "allowed_origins": "",
            "pinned": "",
        }
        data.update(fields)
        response = self.studio.post("/studio/galleries/new", data, form_page="/studio/galleries/new")
        assert response.status_code == 302, response.text
        public_id = re.search(r"/studio/galleries/([\w-]+)", response.headers["Location"]).group(1)
        return db.session.scalar(select(Gallery).where(Gallery.public_id == public_id))

    def publish_review(self, entry: Entry, product_id: str | None = None):
        return self.studio.post(
            f"/studio/reviews/entries/{entry.public_id}/publish",
            {"product": product_id or self.campaign.products[0].public_id},
            form_page="/studio/reviews/",
        )


def make_brand(app, client, **campaign_overrides) -> Brand:
    organisation = factories.org("brand-a", "Brand A")
    factories.member(organisation, OWNER)
    campaign = factories.campaign(organisation, **campaign_overrides)
    studio = Studio(client)
    assert studio.login(OWNER, factories.PASSWORD).status_code == 302
    return Brand(app, organisation, campaign, studio)
