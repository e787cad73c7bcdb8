"""A form sent again (Back, then send) is one entry only when the same person sends the same photo; on a
shared phone or a shop tablet the next person's entry is their own, and never shows the first one."""

import pytest
from sqlalchemy import select

from campaign.clock import utcnow
from campaign.entries import services, status_links
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.conftest import csrf_from
from tests.entries.helpers import form_fields, submit

PHOTO_A = factories.photo(640, 480, colour=(200, 80, 60))
PHOTO_B = factories.photo(640, 480, colour=(30, 120, 200))


@pytest.fixture
def live(app):
    return factories.campaign(factories.org(), entries_per_person=3)


ALREADY = "/c/summer/already"  # where the same form sent again leads: no private link (a shared phone)


def link(response) -> str:
    """The entry's status page a post led to, without what the page says first (thanks)."""
    return response.headers["Location"].split("?")[0]


def entry_behind(response) -> Entry:
    token = response.headers["Location"].split("/s/", 1)[1].split("?", 1)[0]
    public_id = status_links.entry_id_from_token("test-secret", token)
    return db.session.scalar(select(Entry).where(Entry.public_id == public_id))


def test_the_same_person_and_photo_sent_again_is_the_first_entry(client, live):
    fields = form_fields(client, "summer")
    first = submit(client, fields=fields, photo=PHOTO_A, email="sakura@example.com")
    again = submit(client, fields=fields, photo=PHOTO_A, email="Sakura@Example.com")
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == ALREADY
    page = client.get(ALREADY, headers={"Accept-Language": "ja"}).text
    assert (
        "この応募はすでに受け付けています" in page and link(first) not in page
    )  # the link is never shown again
    assert len(db.session.scalars(select(Entry)).all()) == 1


@pytest.mark.parametrize(
    ("email", "photo"),
    [("yuki@example.com", PHOTO_B), ("yuki@example.com", PHOTO_A), ("sakura@example.com", PHOTO_B)],
    ids=["another person and photo", "another person", "another photo"],
)
def test_the_same_form_with_another_email_or_photo_is_a_new_entry(client, live, email, photo):
    fields = form_fields(client, "summer")
    first = submit(client, fields=fields, photo=PHOTO_A, email="sakura@example.com", nickname="さくら")
    second = submit(client, fields=fields, photo=photo, email=email, nickname="ゆき")

    assert second.status_code == 303
    assert link(second) != link(first)
    mine = entry_behind(second)
    assert (mine.email, mine.nickname) == (email, "ゆき")
    assert get_storage().get(mine.original_key) == photo  # the second photo is kept, not dropped
    page = client.get(second.headers["Location"])
    assert "ゆき" in page.text and "さくら" not in page.text
    retry = submit(client, fields=fields, photo=photo, email=email, nickname="ゆき")
    assert retry.headers["Location"] == ALREADY  # the second person's retry is their entry, not a third
    assert len(db.session.scalars(select(Entry)).all()) == 2


def test_one_entry_per_person_another_photo_on_the_same_form_gets_the_limit_message(client, app):
    factories.campaign(factories.org())  # one entry per person
    fields = form_fields(client, "summer")
    first = submit(client, fields=fields, photo=PHOTO_A, email="sakura@example.com")
    second = submit(client, fields=fields, photo=PHOTO_B, email="sakura@example.com")
    assert first.status_code == 303
    assert second.status_code == 409 and "Location" not in second.headers
    assert "You have already sent the most entries allowed for this campaign (1)." in second.text


def test_after_a_race_the_twin_is_found_only_for_the_same_person_and_photo(app, live):
    sub = services.Submission(email="a@example.com", rating=4, accepts_terms=True, idempotency_key="k1")
    limits = services.Limits(max_bytes=10_000_000, max_pixels=40_000_000)
    entry, _ = services.submit(live, sub, PHOTO_A, storage=get_storage(), limits=limits, now=utcnow())
    db.session.commit()

    assert services.twin_of(live, sub, PHOTO_A) == entry
    assert services.twin_of(live, sub, PHOTO_B) is None  # another photo: the race was over a slot


def test_the_page_loaded_again_carries_the_same_form_key(client, app):
    """A phone's Back reloads the campaign page and refills the photo and the fields, not the hidden key: a
    key per page load made the same photo a second entry (a walk-through's find). The key is the session's."""
    factories.campaign(factories.org(), entries_per_person=3)
    first = submit(client, fields=form_fields(client, "summer"), photo=PHOTO_A, email="sakura@example.com")
    after_back = form_fields(client, "summer")  # the page as Back reloads it
    again = submit(client, fields=after_back, photo=PHOTO_A, email="sakura@example.com")
    assert again.status_code == 303
    assert again.headers["Location"] == ALREADY
    assert len(db.session.scalars(select(Entry)).all()) == 1
    another_photo = submit(
        client, fields=form_fields(client, "summer"), photo=PHOTO_B, email="sakura@example.com"
    )
    assert link(another_photo) != link(first)  # a second entry, as allowed
    assert len(db.session.scalars(select(Entry)).all()) == 2


def test_another_browser_gets_another_form_key(app, live):
    keys = {form_fields(app.test_client(), "summer")["idempotency_key"] for _ in range(2)}
    assert len(keys) == 2 and all(len(key) == 32 for key in keys)


def _take_back(client, status_url: str, how: str) -> None:
    page = client.get(f"{status_url}/{how}")
    assert client.post(f"{status_url}/{how}", data={"csrf_token": csrf_from(page.text)}).status_code == 303


@pytest.mark.parametrize("how", ["withdraw", "erase"])
def test_a_photo_taken_back_can_be_sent_again_from_the_same_form(client, app, live, how):
    """The status page of a damaged photo says: withdraw it, then send it again. The same session's form, the
    same person and photo make a new entry; the one taken back stays as it was left."""
    sent = submit(client, photo=PHOTO_A, email="sakura@example.com")
    status_url = sent.headers["Location"].split("?")[0]
    _take_back(client, status_url, how)
    again = submit(client, photo=PHOTO_A, email="sakura@example.com")
    assert again.status_code == 303 and link(again) != link(sent)
    first, second = db.session.scalars(select(Entry).order_by(Entry.id)).all()
    assert first.status.value == "withdrawn" or first.erased_at is not None
    assert second.status.value == "received" and get_storage().get(second.original_key) == PHOTO_A
    # processed here, inline: not the duplicate of the entry taken back, which put it out of every draw
    assert second.processing.value == "ready" and second.content_hash
    assert (second.duplicate_of_id, second.duplicate_kind) == (None, "")
    if how == "erase":
        assert first.content_hash == first.perceptual_hash == ""  # the photo's fingerprints went with it
    retry = submit(client, photo=PHOTO_A, email="sakura@example.com")
    assert retry.headers["Location"] == ALREADY  # and the new one is found again
    assert len(db.session.scalars(select(Entry)).all()) == 2
    other = submit(app.test_client(), photo=PHOTO_A, email="yuki@example.com")  # someone else's copy of it
    assert entry_behind(other).duplicate_of_id == (second.id if how == "erase" else first.id)


def _refuse(entry: Entry, how: str = "take down") -> None:
    """The brand's refusal through the moderation state machine: a takedown, or a rejection."""
    from campaign.audit.services import Actor
    from campaign.moderation.reasons import reasons_of
    from campaign.moderation.services import transition
    from campaign.orgs.models import Membership

    organisation = entry.campaign.organisation
    owner = factories.member(organisation, "owner@example.com")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == owner.id))
    move = {"actor": Actor.member(owner), "membership": membership}
    if how == "reject":
        transition(entry, "reject", **move, now=utcnow(), reason=reasons_of(organisation)[0])
    else:
        transition(entry, "approve", **move, now=utcnow())
        transition(entry, "withdraw", **move, now=utcnow(), note="権利の確認中")
    db.session.commit()


def test_a_photo_the_brand_took_down_is_not_a_new_entry_when_sent_again(client, live):
    """A takedown is the brand's: the same person and photo from the same form find the entry taken down,
    also once the customer has withdrawn it too (its page invites them to; that freed the key)."""
    sent = submit(client, photo=PHOTO_A, email="sakura@example.com")
    _refuse(entry_behind(sent))
    again = submit(client, photo=PHOTO_A, email="sakura@example.com")
    assert (
        again.headers["Location"] == ALREADY
    )  # it led to the entry's page, which thanked, above "taken down"
    _take_back(client, link(sent), "withdraw")
    assert entry_behind(sent).withdrawn_by == "customer" and entry_behind(sent).taken_down_at is not None
    after_withdrawal = submit(client, photo=PHOTO_A, email="sakura@example.com")
    assert after_withdrawal.headers["Location"] == ALREADY
    assert len(db.session.scalars(select(Entry)).all()) == 1


@pytest.mark.parametrize("how", ["take down", "reject"])
def test_a_photo_the_brand_refused_stays_refused_after_its_sender_erases_it(client, app, live, how):
    """Erasure removes the photo's fingerprints, but not of a photo the brand refused: sent again, from this
    browser or another, it is the refused one's duplicate, out of the draw (a security review's find)."""
    sent = submit(client, photo=PHOTO_A, email="sakura@example.com")
    refused = entry_behind(sent)
    form_key_hash = refused.idempotency_key
    _refuse(refused, how)
    _take_back(client, link(sent), "erase")
    refused = db.session.get(Entry, refused.id)
    assert refused.erased_at is not None and refused.content_hash and not refused.taken_back
    assert refused.idempotency_key != form_key_hash  # derived from the address and the photo: gone
    for browser in (client, app.test_client()):
        again = submit(browser, photo=PHOTO_A, email="sakura@example.com")
        assert entry_behind(again).duplicate_of_id == refused.id
