"""The queue: filters, both scopes, and a constant number of SQL queries whatever the page size."""

from datetime import timedelta

from sqlalchemy import select

from campaign.campaigns.models import Campaign
from campaign.clock import utcnow
from campaign.entries import services as entries
from campaign.entries.models import Derivative, Entry, Processing
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.queries import counted_queries

PHOTO = factories.photo(64, 48)


def add_entries(campaign: Campaign, count: int, *, rating: int = 4, start: int = 0) -> list[Entry]:
    """Entries straight through the submit service (no image processing: the queue is what is measured)."""
    made = []
    for i in range(start, start + count):
        sub = entries.Submission(
            email=f"c{i}@example.com", rating=rating, caption=f"caption {i}", nickname=f"n{i}",
            accepts_terms=True, consent_scopes=["gallery"], idempotency_key=f"k{i}",
        )  # fmt: skip
        entry, _ = entries.submit(
            campaign, sub, PHOTO, storage=get_storage(), limits=entries.Limits(10**7, 10**7), now=utcnow()
        )
        entry.processing = Processing.READY
        for size in ("sm", "lg"):
            key = f"private/derivatives/aa/{entry.public_id}-{size}.jpg"
            get_storage().put(key, PHOTO, content_type="image/jpeg")  # approval publishes it
            entry.derivatives.append(
                Derivative(size=size, format="jpeg", content_type="image/jpeg", width=64, height=48, bytes=1,
                           key=key)
            )  # fmt: skip
        made.append(entry)
    db.session.commit()
    return made


def test_the_queue_runs_the_same_number_of_queries_for_10_and_100_entries(team):
    editor = team.studio(Role.EDITOR)
    other = factories.campaign(team.org, slug="autumn", title="Autumn")
    add_entries(team.campaign, 5)
    add_entries(other, 5, start=5)
    with counted_queries() as small:
        page = editor.client.get("/studio/moderation/")
    assert page.status_code == 200 and page.text.count('class="queue-item"') == 10
    add_entries(team.campaign, 45, start=10)
    add_entries(other, 45, start=55)
    with counted_queries() as large:
        page = editor.client.get("/studio/moderation/")
    assert page.status_code == 200 and page.text.count('class="queue-item"') == 100
    assert "Autumn" in page.text and "Summer photos" in page.text
    assert len(small) == len(large), "\n".join(large)


def test_filters_by_campaign_state_rating_date_and_duplicates(team):
    editor = team.studio(Role.EDITOR)
    other = factories.campaign(team.org, slug="autumn", title="Autumn")
    low = add_entries(team.campaign, 2, rating=2)
    high = add_entries(team.campaign, 3, rating=5, start=2)
    add_entries(other, 4, start=5)

    def shown(url: str) -> int:
        response = editor.client.get(url)
        assert response.status_code == 200
        return response.text.count('class="queue-item"')

    campaign_url = f"/studio/moderation/campaigns/{team.campaign.public_id}"
    assert shown(campaign_url) == 5
    assert shown(campaign_url + "?rating=2") == 2
    assert shown("/studio/moderation/?rating=5") == 3
    high[0].duplicate_kind = "exact"
    high[0].duplicate_of = low[0]
    db.session.commit()
    assert shown("/studio/moderation/?duplicates=y") == 1
    step_url = f"/studio/moderation/entries/{low[0].public_id}/approve"
    assert editor.post(step_url, {"next": campaign_url}).headers["Location"] == campaign_url
    assert shown(campaign_url) == 4  # "to do" by default
    assert shown(campaign_url + "?state=approved") == 1
    assert shown(campaign_url + "?state=all") == 5
    today = utcnow().astimezone().date()
    assert shown(f"/studio/moderation/?date_from={today + timedelta(days=2)}") == 0
    assert (
        shown(
            f"/studio/moderation/?date_from={today - timedelta(days=2)}&date_to={today + timedelta(days=2)}"
        )
        == 8
    )
    # issue 11, security 9: days with no UTC midnight gave a 500
    for day in ("0001-01-01", "9999-12-31"):
        response = editor.client.get(f"/studio/moderation/?date_from={day}")
        assert (
            response.status_code == 400 and "Enter a date between 2000-01-01 and 2100-12-31." in response.text
        )
        assert editor.client.get(f"/studio/moderation/?date_to={day}").status_code == 400
    # issue 11, security 2 and 9: a line break in `next` gave a 500, a tab a redirect off the site
    for entry, bad in zip(high, ("/studio/\n/x", "/studio/\t/evil.example", "/\t/studio/"), strict=True):
        response = editor.post(f"/studio/moderation/entries/{entry.public_id}/approve", {"next": bad})
        assert response.headers["Location"] == f"/studio/entries/{entry.public_id}"


def test_other_organisations_entries_never_appear(team):
    theirs = factories.org("brand-b")
    add_entries(factories.campaign(theirs, slug="b"), 3)
    assert team.studio(Role.OWNER).client.get("/studio/moderation/").text.count('class="queue-item"') == 0
    entry = db.session.scalar(select(Entry))
    response = team.studio(Role.OWNER).post(f"/studio/moderation/entries/{entry.public_id}/approve")
    assert response.status_code == 404


def test_filters_by_the_product_the_customer_chose(team):
    from campaign.campaigns.models import Product

    editor = team.studio(Role.EDITOR)
    team.campaign.products.append(Product(name="Black tea", sku="TEA-2", position=1))
    db.session.commit()
    green, black = team.campaign.products
    for i, product in enumerate([green, black, black]):
        sub = entries.Submission(
            email=f"p{i}@example.com", rating=4, accepts_terms=True, idempotency_key=f"p{i}",
            product_id=product.public_id,
        )  # fmt: skip
        entries.submit(
            team.campaign,
            sub,
            PHOTO,
            storage=get_storage(),
            limits=entries.Limits(10**7, 10**7),
            now=utcnow(),
        )
    db.session.commit()

    def shown(url: str) -> int:
        return editor.client.get(url).text.count('class="queue-item"')

    assert shown(f"/studio/moderation/?product={black.public_id}") == 2
    assert shown(f"/studio/moderation/campaigns/{team.campaign.public_id}?product={green.public_id}") == 1
    assert shown("/studio/moderation/?product=") == 3


def test_a_card_warns_when_approving_will_publish_nothing(team):
    """Approving an entry whose customer consented to no public surface publishes nothing: the card says
    so before the marketer approves it (the consent was only on the entry's own page)."""
    team.campaign.consent_scopes = ["gallery", "review", "social"]
    db.session.commit()
    both, _ = team.entry(email="both@example.com", consent_scopes=["gallery", "review"])
    social, _ = team.entry(email="social@example.com", consent_scopes=["social"])

    def card(page: str, entry: Entry) -> str:
        start = page.index(f'id="q-{entry.public_id}"')
        return page[start : page.index("</li>", start)]

    page = team.studio(Role.EDITOR).client.get("/studio/moderation/").text
    assert "mod-consent" not in card(page, both)  # the usual case takes no room: where is on the entry page
    assert "Not consented to being shown publicly: approving will not publish it" in card(page, social)
