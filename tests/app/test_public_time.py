"""Times a customer reads (the campaign's period, a claim deadline, a notice's date): to the minute, in the
organisation's zone, with that zone named in the reader's language."""

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.i18n import public_time
from tests import factories

MOMENT = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def test_a_moment_reads_to_the_minute_with_its_zone_named(app):
    with app.test_request_context():
        with force_locale("ja"):
            assert public_time(MOMENT, "Asia/Tokyo") == "2026/12/05 10:00（日本時間）"
            assert public_time(MOMENT, "Asia/Tokyo", named=False) == "2026/12/05 10:00"
            assert public_time(MOMENT, "UTC") == "2026/12/05 1:00（UTC）"
        with force_locale("en"):  # CLDR puts a narrow no-break space before AM and PM
            assert public_time(MOMENT, "Asia/Tokyo") == "Dec 5, 2026, 10:00\u202fAM (Japan Time)"
            assert public_time(MOMENT, "America/New_York") == "Dec 4, 2026, 8:00\u202fPM (Eastern Time)"


def test_the_campaign_page_tells_its_period_in_the_brands_zone_by_name(client):
    campaign = factories.campaign(factories.org("brand-a"))
    campaign.opens_at = MOMENT - timedelta(days=1)
    campaign.closes_at = MOMENT + timedelta(days=20, hours=13, minutes=59)
    db.session.commit()
    english = client.get(f"/c/{campaign.slug}", headers={"Accept-Language": "en"}).text
    assert "Open from Dec 4, 2026, 10:00\u202fAM to Dec 25, 2026, 11:59\u202fPM (Japan Time)" in english
    japanese = client.get(f"/c/{campaign.slug}", headers={"Accept-Language": "ja"}).text
    assert "応募期間：2026/12/04 10:00〜2026/12/25 23:59（日本時間）" in japanese
    assert db.session.get(Campaign, campaign.id).organisation.timezone == "Asia/Tokyo"
