"""Storage stopping while brand images are saved loses nothing and leaves no half-saved campaign."""

import pytest
from sqlalchemy import func, select

from campaign.brandpage.models import BrandImage
from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.brandpage.helpers import edit_with_files

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_app(s3_through_proxy):
    return s3_through_proxy


def all_keys() -> set[str]:
    return {o.key for o in get_storage().iter_objects("")}


def test_storage_stopped_while_saving_images_changes_nothing(
    client, runner, studio, s3_app, seaweedfs, fault_proxy
):
    organisation = factories.org("brand-a")
    factories.member(organisation, "editor@example.com", Role.EDITOR)
    studio.login("editor@example.com", factories.PASSWORD)
    factories.campaign(organisation)
    campaign = db.session.scalar(select(Campaign))
    before = all_keys()

    fault_proxy.set_mode("cut", on_cut=seaweedfs.stop)
    try:
        response = edit_with_files(
            client,
            campaign,
            {"hero_image": (factories.photo(2400, 1200, quality=95), "hero.jpg")},
            brand_color="#2f6b3a",
            title="保存されないタイトル",
        )
    finally:
        fault_proxy.set_mode("pass")
        seaweedfs.start()
    assert fault_proxy.cuts >= 1
    assert response.status_code == 400
    assert "画像を保存できませんでした（ストレージが応答しません）。何も変更されていません。" in response.text

    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.title == "Summer photos" and campaign.brand_color == "" and campaign.hero_image is None
    assert db.session.scalar(select(func.count()).select_from(BrandImage)) == 0
    result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 0, result.output
    assert all_keys() == before  # whatever was written before the cut is gone again

    again = edit_with_files(client, campaign, {"hero_image": (factories.photo(2400, 1200), "hero.jpg")})
    assert again.status_code == 302  # storage back: the same upload is saved
