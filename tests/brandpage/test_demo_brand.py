"""The demo seed shows a campaign that looks like a real brand's: its pictures, and customers' photos."""

from sqlalchemy import select

from campaign.campaigns.models import Campaign


def test_the_demo_campaign_has_the_brands_pictures_and_approved_photos(app, client, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, (result.output, result.exception)
    from campaign.extensions import db

    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "spring-photo"))
    assert campaign.hero_image is not None and campaign.logo_image is not None
    assert all(prize.image is not None for prize in campaign.prizes)
    assert campaign.brand_color == "#2f6b3a" and campaign.title_en

    page = client.get("/c/spring-photo", headers={"Accept-Language": "ja"}).text
    assert 'fetchpriority="high"' in page
    strip = page.split('class="photo-strip"')[1].split("</ul>")[0]
    assert strip.count("<li>") == 6  # every sample photo: approved and consented to the gallery
    assert "さくら" in strip

    again = runner.invoke(args=["demo", "seed"])  # a second run refreshes the login, adds nothing
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert (
        db.session.scalar(select(Campaign).where(Campaign.slug == "spring-photo")).hero_image_id
        == campaign.hero_image_id
    )
