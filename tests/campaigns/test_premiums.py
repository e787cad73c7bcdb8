"""景品表示法 caps as pure functions, at and just over each boundary."""

import pytest

from campaign.campaigns.premiums import PremiumType, PrizeValue, check, per_prize_cap


def codes(findings):
    return [(f.level, f.code) for f in findings]


@pytest.mark.parametrize(
    ("kind", "transaction", "cap"),
    [
        (PremiumType.GENERAL, 1000, 20_000),
        (PremiumType.GENERAL, 4999, 99_980),
        (PremiumType.GENERAL, 5000, 100_000),
        (PremiumType.GENERAL, 80_000, 100_000),
        (PremiumType.JOINT, None, 300_000),
        (PremiumType.GIFT, 500, 200),
        (PremiumType.GIFT, 1000, 200),
        (PremiumType.GIFT, 1500, 300),
        (PremiumType.OPEN, 1000, None),
    ],
)
def test_per_prize_caps(kind, transaction, cap):
    assert per_prize_cap(kind, transaction) == cap


def test_general_refuses_a_prize_over_the_cap_and_a_total_over_two_percent():
    ok = check(
        PremiumType.GENERAL,
        [PrizeValue("Tea", 20_000, 10)],
        transaction_value_jpy=1000,
        projected_sales_jpy=10_000_000,
    )
    assert ok == []  # 200,000 is exactly 2% of 10,000,000
    over = check(
        PremiumType.GENERAL,
        [PrizeValue("Tea", 20_001, 10)],
        transaction_value_jpy=1000,
        projected_sales_jpy=10_000_000,
    )
    assert codes(over) == [("error", "prize_over_cap"), ("error", "total_over_cap")]
    assert "¥20,001" in over[0].text() and "¥20,000" in over[0].text()


def test_joint_caps_and_missing_numbers_are_warnings():
    findings = check(PremiumType.JOINT, [PrizeValue("Trip", 300_001)], projected_sales_jpy=100_000_000)
    assert codes(findings) == [("error", "prize_over_cap")]
    assert codes(
        check(PremiumType.JOINT, [PrizeValue("Trip", 3_000_000)], projected_sales_jpy=100_000_000)
    ) == [("error", "prize_over_cap")]
    assert ("error", "total_over_cap") in codes(
        check(PremiumType.JOINT, [PrizeValue("Mug", 1000, 3001)], projected_sales_jpy=100_000_000)
    )
    assert codes(check(PremiumType.GENERAL, [PrizeValue("Tea", 1)])) == [
        ("warning", "no_transaction_value"),
        ("warning", "no_projected_sales"),
    ]


def test_a_capped_prize_without_a_value_is_a_warning_naming_it():
    """Walked: a prize row with a name only saved at ¥0 and passed every cap in silence."""
    findings = check(
        PremiumType.GENERAL,
        [PrizeValue("Tea", 5000), PrizeValue("Mug", 0, 3)],
        transaction_value_jpy=1000,
        projected_sales_jpy=100_000_000,
    )
    assert codes(findings) == [("warning", "no_prize_value")]
    assert "“Mug”" in findings[0].text()
    assert codes(check(PremiumType.GIFT, [PrizeValue("Bag", 0)], transaction_value_jpy=1500)) == [
        ("warning", "no_prize_value")
    ]
    assert check(PremiumType.OPEN, [PrizeValue("Car", 0)]) == []  # no cap to check it against


def test_gift_has_no_total_cap():
    assert check(PremiumType.GIFT, [PrizeValue("Sample", 200, 1_000_000)], transaction_value_jpy=800) == []
    assert codes(check(PremiumType.GIFT, [PrizeValue("Bag", 301)], transaction_value_jpy=1500)) == [
        ("error", "prize_over_cap")
    ]


def test_open_has_no_cap_but_a_product_photo_makes_it_likely_general():
    assert check(PremiumType.OPEN, [PrizeValue("Car", 3_000_000)]) == []
    warned = check(
        PremiumType.OPEN, [PrizeValue("Car", 3_000_000)], follow_and_post=True, asks_for_product_photo=True
    )
    assert codes(warned) == [("warning", "likely_general")]
    assert "一般懸賞" in warned[0].text()


# a new campaign's form under 一般懸賞, with the figures its caps depend on
GENERAL = {
    "title": "Tea",
    "slug": "tea",
    "allows_upload": "y",
    "entries_per_person": "1",
    "terms_version": "1",
    "premium_type": "general",
    "transaction_value_jpy": "1000",
    "projected_sales_jpy": "100000000",
}


def owner_signed_in(studio) -> None:
    from tests import factories

    factories.member(factories.org(), "owner@example.com")
    studio.login("owner@example.com", factories.PASSWORD)


def test_campaign_form_refuses_a_prize_over_the_cap_and_shows_warnings(client, studio):
    from campaign.campaigns.models import Campaign
    from campaign.extensions import db

    owner_signed_in(studio)
    form = {
        **GENERAL,
        "products-0-name": "Green tea",
        "prizes-0-name": "Tea for a year",
        "prizes-0-quantity": "1",
        "prizes-0-value_jpy": "20001",
    }
    refused = studio.post("/studio/campaigns/new", form, form_page="/studio/campaigns/new")
    assert refused.status_code == 400 and "over the legal cap of ¥20,000" in refused.text
    saved = studio.post(
        "/studio/campaigns/new",
        {
            **form,
            "premium_type": "open",
            "allows_follow_and_post": "y",
            "brand_handle": "brand",
            "hashtags": "#tea",
        },
        form_page="/studio/campaigns/new",
    )
    assert saved.status_code == 302
    campaign = db.session.query(Campaign).one()
    assert campaign.premium_type == "open" and campaign.transaction_value_jpy == 1000
    page = client.get(f"/studio/campaigns/{campaign.public_id}").text
    assert 'data-code="likely_general"' in page and "一般懸賞" in page


def test_the_campaign_page_asks_for_the_value_of_a_prize_saved_without_one(client, studio):
    from campaign.campaigns.models import Campaign
    from campaign.extensions import db

    owner_signed_in(studio)
    form = {**GENERAL, "prizes-0-name": "お茶一年分"}
    saved = studio.post("/studio/campaigns/new", form, form_page="/studio/campaigns/new")
    assert saved.status_code == 302
    campaign = db.session.query(Campaign).one()
    page = client.get(f"/studio/campaigns/{campaign.public_id}", headers={"Accept-Language": "ja"}).text
    assert 'data-code="no_prize_value"' in page and "「お茶一年分」の価額" in page
