"""One person sending several photos at once (entries_per_person > 1), on PostgreSQL: every request picked
the same lowest free slot, and the losers of the slot's unique constraint were told "entry limit reached"
though slots were free. Now a loser is sent again and takes the next free slot; only a person truly at the
limit is told so, the same form sent twice is still one entry, and no stored photo is left without its
entry (a loser's first copy goes with its rollback)."""

import threading

import pytest
import requests
from sqlalchemy import select

from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries import services
from campaign.entries.models import Entry
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import distinct_photo
from tests.entries.helpers import IDEM_RE
from tests.races import race, wait_until_one_waits_for_a_lock

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

LIMITS = services.Limits(max_bytes=10_000_000, max_pixels=40_000_000)


def entries() -> list[Entry]:
    db.session.expire_all()
    return list(db.session.scalars(select(Entry).order_by(Entry.person_slot)))


def originals() -> set[str]:
    return {o.key for o in get_storage().iter_objects("private/originals/")}


def send(campaign_id: int, photo_seed: str, form_key: str, on_created=lambda entry: None) -> None:
    sub = services.Submission(
        email="sakura@example.com", rating=5, accepts_terms=True, idempotency_key=form_key
    )
    campaign = db.session.get(Campaign, campaign_id)
    photo = distinct_photo(photo_seed)
    services.record(
        campaign, sub, photo, storage=get_storage(), limits=LIMITS, now=utcnow(), on_created=on_created
    )


def two_photos_one_slot(campaign_id: int):
    """Two racers sending the person's photos: the first takes the lowest free slot and holds it
    uncommitted (before its commit) until the second's insert into the same slot waits for it."""

    def first(ready):
        def hold(entry):
            ready()
            wait_until_one_waits_for_a_lock()

        send(campaign_id, "first", "form-1", on_created=hold)

    def second(ready):
        ready()
        send(campaign_id, "second", "form-2")

    return first, second


def test_a_photo_that_lost_its_slot_to_another_takes_the_next_free_one(app):
    campaign = factories.campaign(factories.org(), entries_per_person=3)
    db.session.commit()

    assert race(app, *two_photos_one_slot(campaign.id)) == ["done", "done"]
    made = entries()
    assert [e.person_slot for e in made] == [1, 2]
    assert originals() == {e.original_key for e in made}  # the lost try's photo went with it


def test_a_photo_that_lost_the_persons_last_slot_is_told_the_limit_and_leaves_no_photo(app):
    campaign = factories.campaign(factories.org(), entries_per_person=2)
    db.session.commit()
    with app.app_context():
        send(campaign.id, "earlier", "form-0")
        db.session.commit()

    assert race(app, *two_photos_one_slot(campaign.id)) == ["done", "entry_limit"]  # the last slot, 2
    made = entries()
    assert [e.person_slot for e in made] == [1, 2]
    assert originals() == {e.original_key for e in made}  # the refused photo was deleted again


def _post_at_once(url: str, slug: str, posts: list[tuple[requests.Session, dict, bytes]]) -> list[int]:
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = [0] * len(posts)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        session, data, photo = posts[n]
        try:
            barrier.wait()
            response = session.post(
                f"{url}/c/{slug}/entries",
                data=data,
                files={"photo": ("photo.png", photo, "image/png")},
                headers={"Accept": "application/json"},
                timeout=60,
            )
            statuses[n] = response.status_code
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not errors, errors
    return statuses


def _form(url: str, slug: str) -> tuple[requests.Session, dict]:
    session = requests.Session()
    page = session.get(f"{url}/c/{slug}", timeout=30).text
    fields = {
        "csrf_token": csrf_from(page),
        "idempotency_key": IDEM_RE.search(page).group(1),
        "rating": "5",
        "email": "sakura@example.com",
        "accepts_terms": "y",
    }
    return session, fields


def test_four_photos_sent_at_once_by_one_person_make_three_entries_and_one_limit(app, live_server):
    campaign = factories.campaign(factories.org(), entries_per_person=3)
    db.session.commit()
    posts = [(*_form(live_server.url, campaign.slug), distinct_photo(f"photo {n}")) for n in range(4)]
    statuses = _post_at_once(live_server.url, campaign.slug, posts)
    assert sorted(statuses) == [201, 201, 201, 409], statuses
    made = entries()
    assert [e.person_slot for e in made] == [1, 2, 3]
    assert originals() == {e.original_key for e in made}


def test_the_same_form_sent_twice_at_once_is_still_one_entry(app, live_server):
    campaign = factories.campaign(factories.org(), entries_per_person=3)
    db.session.commit()
    session, fields = _form(live_server.url, campaign.slug)
    twin = requests.Session()  # the same browser: its cookies, the same page's form
    twin.cookies.update(session.cookies)
    photo = distinct_photo("the one photo")
    statuses = _post_at_once(
        live_server.url, campaign.slug, [(session, fields, photo), (twin, fields, photo)]
    )
    assert sorted(statuses) == [200, 201], statuses
    made = entries()
    assert len(made) == 1 and originals() == {made[0].original_key}
