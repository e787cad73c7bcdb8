"""Saving the real campaign edit form keeps what hangs off products and prizes: reviews, winners, claims."""

import re

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Prize, Product
from campaign.draws.models import DrawPick, PickState
from campaign.extensions import db
from campaign.galleries.models import Gallery
from campaign.reviews.models import Review, ReviewStatus
from tests.campaigns.helpers import save_edit_form
from tests.conftest import csrf_from
from tests.draws.test_winners import ADDRESS, CLAIM_RE, CODE_RE, drawn
from tests.galleries.helpers import make_brand


def test_saving_unchanged_after_a_review_keeps_the_review_its_product_and_the_json_ld(app, client):
    brand = make_brand(app, client)
    brand.publish_review(brand.approved(caption="Lovely tea", nickname="hana"))
    gallery = brand.gallery(product=brand.campaign.products[0].public_id)
    product_id = brand.campaign.products[0].public_id
    review = db.session.scalar(select(Review))
    events_before = db.session.scalar(select(db.func.count(AuditEvent.id)))

    response = save_edit_form(brand.studio.client, brand.campaign)

    assert response.status_code == 302, response.text
    assert db.session.scalars(select(Product.public_id)).all() == [product_id]
    db.session.refresh(review)
    assert review.status is ReviewStatus.PUBLISHED and review.product.public_id == product_id
    assert db.session.get(Gallery, gallery.id).product.public_id == product_id
    jsonld = client.get(f"/api/v1/products/{product_id}/jsonld")
    assert jsonld.status_code == 200 and jsonld.json["review"][0]["author"]["name"] == "hana"
    assert client.get(f"/r/{review.public_id}").status_code == 200
    # nothing changed, so nothing to audit
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == events_before


def test_editing_a_reviewed_product_in_place_keeps_its_id_and_is_audited(app, client):
    brand = make_brand(app, client)
    brand.publish_review(brand.approved())
    product_id = brand.campaign.products[0].public_id

    response = save_edit_form(brand.studio.client, brand.campaign, **{"products-0-name": "Green tea 500ml"})

    assert response.status_code == 302, response.text
    assert db.session.scalars(select(Product.name)).all() == ["Green tea 500ml"]
    assert client.get(f"/api/v1/products/{product_id}/jsonld").json["name"] == "Green tea 500ml"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.update"))
    assert set(event.before) == set(event.after) == {"products"}
    assert event.before["products"][0]["name"] == "Green tea" and event.actor_label == "owner@example.com"
    assert event.after["products"][0] == {**event.before["products"][0], "name": "Green tea 500ml"}


def test_removing_a_reviewed_product_is_refused_and_nothing_changes(app, client):
    brand = make_brand(app, client)
    brand.publish_review(brand.approved())

    response = save_edit_form(
        brand.studio.client, brand.campaign, **{"products-0-name": "", "title": "A new title"}
    )

    assert response.status_code == 400
    assert "“Green tea” has entries, reviews or a gallery: it cannot be removed" in response.text
    assert db.session.scalar(select(Review)).status is ReviewStatus.PUBLISHED
    assert brand.campaign.title == "Summer photos"
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "campaign.update")) is None


def test_saving_unchanged_after_a_draw_and_a_claim_keeps_winners_address_claim_link_and_check_page(
    client, studio, smtp_server
):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    body = smtp_server.to(winner.entry.email)[0].get_content()
    claim_path, code = CLAIM_RE.search(body).group(1), CODE_RE.search(body).group(1)
    form = client.get(claim_path)
    assert client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(form.text)}).status_code == 303
    picks_before = db.session.execute(select(DrawPick.public_id, DrawPick.state)).all()
    sealed = db.session.get(DrawPick, winner.id).address_sealed

    response = save_edit_form(studio.client, campaign)

    assert response.status_code == 302, response.text
    assert db.session.execute(select(DrawPick.public_id, DrawPick.state)).all() == picks_before
    kept = db.session.get(DrawPick, winner.id)
    assert kept.state is PickState.CLAIMED and kept.address_sealed == sealed
    results = client.get(f"/draws/{draw.public_id}.json").json["results"]
    assert len(results) == len(picks_before)
    assert client.get(claim_path).status_code == 200
    check = client.get(f"/c/{campaign.slug}/check")
    genuine = client.post(
        f"/c/{campaign.slug}/check", data={"code": code, "csrf_token": csrf_from(check.text)}
    )
    assert "Genuine" in genuine.text


def test_after_a_draw_the_prizes_are_fixed(client, studio):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])

    removed = save_edit_form(studio.client, campaign, **{"prizes-0-name": ""})
    more = save_edit_form(studio.client, campaign, **{"prizes-0-quantity": "5"})

    for response in (removed, more):
        assert response.status_code == 400
        assert "part of the published draw certificate" in response.text
    assert db.session.scalars(select(Prize.quantity)).all() == [1]
    assert len(db.session.scalars(select(DrawPick)).all()) == 2


def test_a_forged_row_id_of_another_campaign_makes_a_new_row(app, client):
    brand = make_brand(app, client)
    from tests import factories

    other = factories.campaign(factories.org("brand-b"), slug="other")
    foreign = other.products[0].public_id

    response = save_edit_form(
        brand.studio.client,
        brand.campaign,
        **{"products-1-public_id": foreign, "products-1-name": "Hijack"},
    )

    assert response.status_code == 302, response.text
    assert [p.name for p in other.products] == ["Green tea"]
    hijack = db.session.scalar(select(Product).where(Product.name == "Hijack"))
    assert hijack.campaign_id == brand.campaign.id and hijack.public_id != foreign
    assert re.fullmatch(r"[\w-]+", hijack.public_id)
