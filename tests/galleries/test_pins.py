"""The gallery editor's photo board: pin, move, unpin and a dragged order, as form posts; only photos the
gallery shows; every change audited, published and visible in the API; a bad request changes nothing."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio


def ids(client, gallery) -> list[str]:
    return [item["id"] for item in client.get(f"/api/v1/galleries/{gallery.public_id}").json["items"]]


def board(brand, gallery, **data):
    url = f"/studio/galleries/{gallery.public_id}"
    return brand.studio.post(f"{url}/pins?lang=en", data, form_page=url)


def test_pin_move_unpin_and_drag_order_through_the_board(brand, client):
    a, b, c = (brand.approved(nickname=n) for n in ("a", "b", "c"))
    gallery = brand.gallery()
    assert ids(client, gallery) == [c.public_id, b.public_id, a.public_id]  # newest first
    page = brand.studio.client.get(f"/studio/galleries/{gallery.public_id}").text
    assert 'name="pinned"' not in page and "<img" in page and "embed-preview" in page  # no typed ids
    listing = brand.studio.client.get("/studio/galleries/").text
    assert listing.count('<img src="/media/p/') == 3  # the gallery's first photos beside its name

    response = board(brand, gallery, move="pin", entry=a.public_id)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#photo-{a.public_id}")
    board(brand, gallery, move="pin", entry=b.public_id)
    assert ids(client, gallery) == [a.public_id, b.public_id, c.public_id]
    board(brand, gallery, move="up", entry=b.public_id)
    assert ids(client, gallery) == [b.public_id, a.public_id, c.public_id]
    board(brand, gallery, move="down", entry=b.public_id)
    board(brand, gallery, move="unpin", entry=a.public_id)
    db.session.refresh(gallery)
    assert gallery.pinned == [b.public_id]
    board(brand, gallery, move="order", order=[c.public_id, b.public_id], entry=c.public_id)  # dragged
    db.session.refresh(gallery)
    assert gallery.pinned == [c.public_id, b.public_id]
    assert ids(client, gallery)[:2] == [c.public_id, b.public_id]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "gallery.updated").order_by(AuditEvent.id)
    ).all()
    assert [e.after["pinned"] for e in events][-1] == [c.public_id, b.public_id]
    assert len(events) == 6


def test_a_photo_the_gallery_does_not_show_is_refused_and_nothing_changes(brand, client, app):
    shown = brand.approved()
    pending = brand.entry()  # not approved: not in the gallery
    gallery = brand.gallery()
    board(brand, gallery, move="pin", entry=shown.public_id)
    other = factories.org("brand-b", "Brand B")
    factories.member(other, "b@example.com", Role.OWNER)
    stranger_entry = factories.campaign(other, slug="other")  # another brand's campaign id, not an entry
    for data in (
        {"move": "pin", "entry": pending.public_id},
        {"move": "pin", "entry": "no-such-entry"},
        {"move": "order", "order": [shown.public_id, pending.public_id]},
        {"move": "order", "order": [stranger_entry.public_id]},
        {"move": "unpin", "entry": pending.public_id},
        {"move": "explode", "entry": shown.public_id},
    ):
        response = board(brand, gallery, **data)
        assert response.status_code == 303
        page = brand.studio.client.get(response.headers["Location"] + "?lang=en").text
        assert "is not in the gallery" in page or "not pinned" in page or "Unknown change" in page, data
        db.session.refresh(gallery)
        assert gallery.pinned == [shown.public_id]

    stranger = Studio(app.test_client())
    stranger.login("b@example.com", factories.PASSWORD)
    url = f"/studio/galleries/{gallery.public_id}"
    assert stranger.post(f"{url}/pins", {"move": "unpin", "entry": shown.public_id}).status_code == 404
    db.session.refresh(gallery)
    assert gallery.pinned == [shown.public_id]


def test_saving_the_settings_keeps_the_pins(brand, client):
    first, second = brand.approved(), brand.approved()
    gallery = brand.gallery()
    board(brand, gallery, move="pin", entry=first.public_id)
    url = f"/studio/galleries/{gallery.public_id}"
    fields = {"name": "Renamed", "campaign": "", "product": "", "min_rating": "1", "layout": "carousel"}
    assert brand.studio.post(url, {**fields, "allowed_origins": ""}, form_page=url).status_code == 302
    db.session.refresh(gallery)
    assert gallery.name == "Renamed" and gallery.pinned == [first.public_id]
    assert ids(client, gallery) == [first.public_id, second.public_id]
