"""An image over the upload limit is refused with the limit named, before anything is stored."""

import io
import random

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.brandpage.models import BRAND_IMAGES, BrandImage
from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.brandpage.helpers import edit_with_files


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_BYTES": 1024 * 1024}


def noisy_jpeg() -> bytes:
    """Random pixels: a JPEG that no encoder can make small."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", (1200, 1000), bytes(rng.randrange(256) for _ in range(1200 * 1000 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_an_oversized_hero_is_refused_and_nothing_changes(app, client, studio):
    organisation = factories.org("brand-a")
    factories.member(organisation, "editor@example.com", Role.EDITOR)
    studio.login("editor@example.com", factories.PASSWORD)
    factories.campaign(organisation)
    campaign = db.session.scalar(select(Campaign))
    big = noisy_jpeg()
    assert len(big) > 1024 * 1024

    response = edit_with_files(
        client, campaign, {"hero_image": (big, "big.jpg")}, brand_color="#000000", lang="en"
    )
    assert response.status_code == 400
    assert "The image is larger than 1 MB. Please choose a smaller file." in response.text
    ja = edit_with_files(client, campaign, {"hero_image": (big, "big.jpg")}, lang="ja")
    assert "画像が1MBを超えています。" in ja.text

    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.hero_image is None and campaign.brand_color == ""
    assert db.session.scalar(select(func.count()).select_from(BrandImage)) == 0
    assert list(get_storage().iter_objects(BRAND_IMAGES)) == []
