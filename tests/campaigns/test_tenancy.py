"""A member of one organisation never sees another's campaigns or entries: every such URL is a 404."""

from sqlalchemy import select

from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.entries.helpers import submit


def test_other_organisations_urls_are_not_found(client, studio, app):
    theirs = factories.org("brand-b")
    campaign = factories.campaign(theirs)
    assert submit(client).status_code == 303
    entry = db.session.scalar(select(Entry))
    mine = factories.org("brand-a")
    factories.member(mine, "a@example.com", Role.OWNER)
    studio.login("a@example.com", factories.PASSWORD)

    for url in (
        f"/studio/campaigns/{campaign.public_id}",
        f"/studio/campaigns/{campaign.public_id}/edit",
        f"/studio/campaigns/{campaign.public_id}/entries",
        f"/studio/entries/{entry.public_id}",
        f"/studio/entries/{entry.public_id}/original",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/studio/campaigns/{campaign.public_id}/launch",
        f"/studio/campaigns/{campaign.public_id}/archive",
    ):
        assert studio.post(url).status_code == 404, url
    assert "Summer photos" not in client.get("/studio/").text


def test_an_agency_member_switches_organisation(client, studio, app):
    brand_a, brand_b = factories.org("brand-a", "Brand A"), factories.org("brand-b", "Brand B")
    account = factories.member(brand_a, "agency@example.com", Role.EDITOR)
    from campaign.orgs import services

    services.add_member(brand_b, account, Role.VIEWER)
    db.session.commit()
    campaign_b = factories.campaign(brand_b, slug="b-campaign", title="B campaign")
    studio.login("agency@example.com", factories.PASSWORD)
    assert client.get(f"/studio/campaigns/{campaign_b.public_id}").status_code == 404
    assert studio.post("/studio/org", {"org": brand_b.public_id}).status_code == 302
    assert client.get(f"/studio/campaigns/{campaign_b.public_id}").status_code == 200
    assert "B campaign" in client.get("/studio/").text
    assert client.get("/studio/campaigns/new").status_code == 403  # a viewer in brand B


def test_originals_only_for_members(client, studio, app):
    organisation = factories.org()
    factories.campaign(organisation)
    submit(client)
    entry = db.session.scalar(select(Entry))
    url = f"/studio/entries/{entry.public_id}/original"
    assert client.get(url).status_code == 302  # to the login page
    factories.member(organisation, "viewer@example.com", Role.VIEWER)
    studio.login("viewer@example.com", factories.PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data[:2] == b"\xff\xd8"
