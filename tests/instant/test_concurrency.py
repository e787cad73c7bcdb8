"""Many entries race for the last released prize unit on PostgreSQL: exactly one wins, none is lost."""

import threading

import pytest
import requests
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.instant.models import InstantWinPlay, InstantWinSlot
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import distinct_photo
from tests.entries.helpers import IDEM_RE
from tests.instant.helpers import instant_campaign, play

RACERS = 8


def _race(work) -> None:
    barrier = threading.Barrier(RACERS)
    errors: list[BaseException] = []

    def run(n):
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def _assert_one_winner(campaign) -> None:
    db.session.expire_all()
    claimed = db.session.scalar(
        select(func.count()).where(
            InstantWinSlot.campaign_id == campaign.id, InstantWinSlot.claimed_by_entry_id.is_not(None)
        )
    )
    plays = list(db.session.scalars(select(InstantWinPlay).where(InstantWinPlay.campaign_id == campaign.id)))
    assert claimed == 1
    assert len(plays) == RACERS and sum(p.slot_id is not None for p in plays) == 1
    assert sorted(p.seq for p in plays) == list(range(1, RACERS + 1))  # one arrival order, no gaps


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_service_plays_racing_for_the_last_unit(app):
    campaign = instant_campaign(factories.org(), quantity=1)
    at = campaign.opens_at

    def work(n):
        with app.app_context():
            play(db.session.merge(campaign, load=True), f"p{n}@example.com", at)
            db.session.remove()

    _race(work)
    _assert_one_winner(campaign)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_parallel_submissions_over_http_never_exceed_the_inventory(app, live_server):
    campaign = instant_campaign(factories.org(), quantity=1)
    sessions = []
    for _ in range(RACERS):
        session = requests.Session()
        page = session.get(f"{live_server.url}/c/{campaign.slug}", timeout=30).text
        sessions.append((session, csrf_from(page), IDEM_RE.search(page).group(1)))
    statuses: list[int] = []

    def work(n):
        session, token, key = sessions[n]
        response = session.post(
            f"{live_server.url}/c/{campaign.slug}/entries",
            data={
                "csrf_token": token,
                "idempotency_key": key,
                "rating": "5",
                "email": f"p{n}@example.com",
                "accepts_terms": "y",
            },
            files={"photo": ("photo.png", distinct_photo(str(n)), "image/png")},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        statuses.append(response.status_code)

    _race(work)
    assert statuses == [201] * RACERS
    _assert_one_winner(campaign)
