"""Exact and near copies of an earlier photo are flagged, across the organisation's campaigns only."""

import io

from PIL import Image
from sqlalchemy import select

from campaign.demo import sample_photo
from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.entries.helpers import submit


def reencoded_and_resized(photo: bytes) -> bytes:
    image = Image.open(io.BytesIO(photo))
    smaller = image.resize((image.width * 3 // 4, image.height * 3 // 4))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=60)
    return out.getvalue()


def entry_of(email: str) -> Entry:
    return db.session.scalar(select(Entry).where(Entry.email_normalised == email))


def test_copies_are_flagged_with_a_link_to_the_earlier_entry(client, studio, app):
    organisation = factories.org()
    factories.campaign(organisation, slug="summer")
    factories.campaign(organisation, slug="winter", title="Winter")
    original = sample_photo((20, 120, 200), 0)  # a bottle
    submit(client, "summer", email="first@example.com", photo=original)
    submit(client, "winter", email="copy@example.com", photo=original)
    submit(client, "winter", email="near@example.com", photo=reencoded_and_resized(original))
    submit(
        client, "winter", email="other@example.com", photo=factories.photo(900, 600, colour=(250, 240, 10))
    )

    first = entry_of("first@example.com")
    assert (entry_of("copy@example.com").duplicate_kind, entry_of("copy@example.com").duplicate_of_id) == (
        "exact",
        first.id,
    )
    assert entry_of("near@example.com").duplicate_kind == "near"
    assert entry_of("near@example.com").duplicate_of_id == first.id
    assert entry_of("other@example.com").duplicate_kind == ""

    from campaign.orgs.models import Role

    factories.member(organisation, "m@example.com", Role.VIEWER)
    studio.login("m@example.com", factories.PASSWORD)
    page = client.get(f"/studio/entries/{entry_of('copy@example.com').public_id}")
    assert "Exact copy of an earlier entry" in page.text
    assert f"/studio/entries/{first.public_id}" in page.text


def test_other_organisations_photos_are_not_compared(client, app):
    photo = factories.photo(900, 600, colour=(20, 120, 200))
    factories.campaign(factories.org("brand-a"), slug="a")
    factories.campaign(factories.org("brand-b"), slug="b")
    submit(client, "a", email="a@example.com", photo=photo)
    submit(client, "b", email="b@example.com", photo=photo)
    assert entry_of("b@example.com").duplicate_kind == ""
