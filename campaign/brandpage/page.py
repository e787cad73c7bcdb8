"""What the campaign page shows beyond the form: texts in the reader's language, the brand's colour and
images, the photos so far (through the galleries' public gate), and the sharing tags."""

from flask import url_for

from campaign.brandpage.models import BrandImage
from campaign.campaigns.models import Campaign
from campaign.campaigns.rules import text_color_on
from campaign.galleries.services import newest_shown
from campaign.media_views import public_url
from campaign.reviews.public import absolute, photo

STRIP = 12  # photos in the strip


def src(image: BrandImage, width: int, fmt: str = "jpeg") -> str:
    return public_url(image.smallest_at_least(width, fmt)["key"])


def srcset(image: BrandImage, fmt: str) -> str:
    return ", ".join(f"{public_url(r['key'])} {r['width']}w" for r in image.of(fmt))


def photos(campaign: Campaign, limit: int = STRIP) -> list[dict]:
    """The newest photos a gallery of the campaign shows (the galleries' public gate), as reviews.public
    builds them for every public surface."""
    return [photo(entry) for entry in newest_shown(campaign, limit)]


def context(campaign: Campaign, locale: str) -> dict:
    brand = campaign.brand_color or ""
    hero = campaign.hero_image
    og_image = None
    if hero is not None:
        chosen = hero.smallest_at_least(1200)
        og_image = {
            "url": absolute(public_url(chosen["key"])),
            "width": chosen["width"],
            "height": chosen["height"],
        }
    return {
        "title": campaign.title_for(locale),
        "description": campaign.description_for(locale),
        "text_lang": campaign.text_lang(locale),
        "description_lang": (
            "en"
            if (locale.startswith("en") and campaign.description_en) or not campaign.description
            else "ja"
        ),
        "brand_color": brand,
        "brand_text": text_color_on(brand) if brand else "",
        "photos": photos(campaign),
        "page_url": url_for("submissions.campaign_page", slug=campaign.slug, _external=True),
        "og_image": og_image,
    }
