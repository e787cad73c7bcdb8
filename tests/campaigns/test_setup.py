"""Marketers set campaigns up; times are stored in UTC and shown in the organisation's zone."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from campaign.campaigns import rules
from campaign.campaigns.models import Campaign, CampaignStatus
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import NONCE_RE, csrf_from
from tests.races import race, wait_until_one_waits_for_a_lock


@pytest.fixture
def editor(app, studio):
    organisation = factories.org("brand-a")
    factories.member(organisation, "editor@example.com", Role.EDITOR)
    studio.login("editor@example.com", factories.PASSWORD)
    return organisation


FORM = {
    "title": "夏のキャンペーン",
    "slug": "natsu",
    "description": "Post your tea",
    "opens_at": "2026-12-01T10:00",
    "closes_at": "2026-12-31T23:59",
    "allows_upload": "y",
    "allows_follow_and_post": "y",
    "brand_handle": "@brand_jp",
    "hashtags": "#お茶 #natsu, summer",
    "entries_per_person": "3",
    "terms_text": "規約",
    "terms_version": "2026-11",
    "consent_scopes": ["gallery", "review"],
    "products-0-name": "Green tea",
    "products-0-sku": "TEA-1",
    "products-0-jan": "4901234567894",
    "products-0-url": "https://example.com/tea",
    "prizes-0-name": "Tea for a year",
    "prizes-0-quantity": "3",
    "prizes-0-value_jpy": "30000",
    "two_stage_approval": "y",  # ticked as the form comes: an editor may not untick it
}


def test_create_campaign_through_the_studio(studio, editor):
    response = studio.post("/studio/campaigns/new", FORM, form_page="/studio/campaigns/new")
    assert response.status_code == 302, response.text
    campaign = db.session.scalar(select(Campaign))
    assert campaign.org_id == editor.id
    # 10:00 in Tokyo is 01:00 UTC.
    assert campaign.opens_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert campaign.closes_at == datetime(2026, 12, 31, 14, 59, tzinfo=UTC)
    assert campaign.brand_handle == "brand_jp"
    assert campaign.hashtags == ["お茶", "natsu", "summer"]
    assert (campaign.entries_per_person, campaign.terms_version) == (3, "2026-11")
    assert campaign.consent_scopes == ["gallery", "review"]
    assert [(p.name, p.sku, p.jan) for p in campaign.products] == [("Green tea", "TEA-1", "4901234567894")]
    assert [(p.name, p.quantity, p.value_jpy) for p in campaign.prizes] == [("Tea for a year", 3, 30000)]
    assert campaign.status(utcnow()) is CampaignStatus.DRAFT

    edit_page = studio.client.get(f"/studio/campaigns/{campaign.public_id}/edit")
    assert 'value="2026-12-01T10:00"' in edit_page.text  # shown back in the organisation's zone


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_at": "2026-11-30T10:00"}, "must close after it opens"),
        ({"products-0-jan": "4901234567890"}, "is not valid (check the digits)"),
        ({"brand_handle": ""}, "Enter the brand&#39;s account handle"),
        # typed but with characters no network allows: said so, not "enter" (a walk-through's find)
        ({"brand_handle": "@midori_<b>chaen</b>"}, "only letters, digits, periods and underscores"),
        ({"slug": "Bad Slug"}, "Use lowercase letters"),
        ({"entries_per_person": "0"}, "between 1 and 100"),  # a number given: not "Enter …"
        ({"allows_upload": None, "allows_follow_and_post": None}, "Choose at least one way to enter"),
    ],
)
def test_invalid_campaigns_are_refused_with_the_reason(studio, editor, change, message):
    data = {k: v for k, v in {**FORM, **change}.items() if v is not None}
    response = studio.post("/studio/campaigns/new", data, form_page="/studio/campaigns/new")
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(select(Campaign)) is None


def test_every_broken_rule_is_told_at_once_by_its_field(studio, editor):
    """A walk-through's find: a form with three mistakes was refused for the first only, so the marketer
    fixed one, saved, and met the next."""
    data = {**FORM, "slug": "Bad Slug", "closes_at": "2026-11-30T10:00", "products-0-jan": "4901234567890"}
    data |= {"entries_per_person": "0", "instant_win_odds": "0"}  # numbers out of range: rules too (a check)
    response = studio.post("/studio/campaigns/new?lang=en", data, form_page="/studio/campaigns/new")
    assert response.status_code == 400
    told = (
        "Use lowercase letters",
        "must close after it opens",
        "is not valid (check the digits)",
        "Entries per person must be between 1 and 100.",
        "The instant-win odds must be between 1 and 1,000,000.",
    )
    for message in told:
        assert message in response.text, message
    assert db.session.scalar(select(Campaign)) is None


def test_validate_names_each_field_once_and_a_fields_later_rules_wait_for_its_first(app):
    from campaign.campaigns.settings import CampaignData, InvalidSettings, validate

    data = CampaignData(
        title=" ", slug="Bad Slug", brand_color="red", entries_per_person=0,
        allows_upload=False, allows_follow_and_post=True, brand_handle="", hashtags=[],
    )  # fmt: skip
    with pytest.raises(InvalidSettings) as refused:
        validate(data)
    fields = [refusal.field for refusal in refused.value.refusals]
    assert fields == ["title", "brand_color", "slug", "brand_handle", "hashtags", "entries_per_person"]
    assert refused.value.field == "title" and refused.value.text() == refused.value.refusals[0].text()


def test_status_follows_the_clock():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    campaign = Campaign(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=1))
    assert campaign.status(now) is CampaignStatus.DRAFT
    campaign.launched_at = now
    assert campaign.status(now) is CampaignStatus.SCHEDULED
    assert campaign.status(now + timedelta(hours=2)) is CampaignStatus.LIVE
    assert campaign.status(now + timedelta(days=1)) is CampaignStatus.CLOSED
    campaign.archived_at = now
    assert campaign.status(now + timedelta(hours=2)) is CampaignStatus.ARCHIVED


def test_launch_and_archive(studio, editor):
    campaign = factories.campaign(editor, launch=False)
    url = f"/studio/campaigns/{campaign.public_id}"
    assert studio.post(url + "/launch", form_page=url).status_code == 302
    assert campaign.status(utcnow()) is CampaignStatus.LIVE
    assert studio.client.get("/c/summer").status_code == 200
    assert studio.post(url + "/archive", form_page=url).status_code == 302
    assert studio.client.get("/c/summer").status_code == 410  # it has ended (entries/ended.html)


def test_viewers_cannot_edit(client, studio, app):
    organisation = factories.org()
    factories.member(organisation, "viewer@example.com", Role.VIEWER)
    campaign = factories.campaign(organisation)
    studio.login("viewer@example.com", factories.PASSWORD)
    assert client.get(f"/studio/campaigns/{campaign.public_id}").status_code == 200
    assert client.get("/studio/campaigns/new").status_code == 403
    assert client.get(f"/studio/campaigns/{campaign.public_id}/edit").status_code == 403


def test_gtin_check_digits():
    assert rules.gtin_is_valid("4901234567894")
    assert rules.gtin_is_valid("49123456")
    assert not rules.gtin_is_valid("4901234567890")
    assert not rules.gtin_is_valid("49012345678a4")


def test_an_empty_new_campaign_form_names_each_missing_field_in_japanese(client, studio):
    """It said 「このフィールドは必須です。」 under each box; a marketer should read which one."""
    from sqlalchemy import func, select

    from campaign.campaigns.models import Campaign
    from campaign.extensions import db
    from tests import factories

    org = factories.org()
    factories.member(org, "owner@example.com")
    studio.login("owner@example.com", factories.PASSWORD)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja"
    refused = studio.post(
        "/studio/campaigns/new",
        {"title": " ", "slug": "", "entries_per_person": "", "terms_version": ""},
        form_page="/studio/campaigns/new",
    )
    assert refused.status_code == 400
    assert "このフィールドは必須です" not in refused.text
    for label in ("タイトル（日本語）", "応募規約のバージョン"):
        assert f"「{label}」を入力してください。" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_new_campaign_refused_says_the_chosen_images_were_not_kept(studio, editor):
    """A walk-through's find: a new campaign's form, refused for one field, came back without the images
    chosen, saying nothing, and its hint ("leave empty to keep the current image") read as if they were
    kept. The form now says to choose them again, and a new campaign's hint promises no current image."""
    import io

    new = studio.client.get("/studio/campaigns/new", headers={"Accept-Language": "ja"}).text
    assert "空欄のままなら現在の画像を使います" not in new and 'id="images-again"' not in new
    page = studio.client.get("/studio/campaigns/new")
    data = {**FORM, "brand_handle": "@bad handle", "csrf_token": csrf_from(page.text)}
    data["form_nonce"] = NONCE_RE.search(page.text).group(1)
    data["hero_image"] = (io.BytesIO(factories.photo(1800, 900)), "hero.jpg")
    refused = studio.client.post(
        "/studio/campaigns/new",
        data=data,
        headers={"Accept-Language": "ja"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "選んだ画像は保存されていません。もう一度選んでください。" in refused.text
    without_files = studio.post(
        "/studio/campaigns/new", {**FORM, "brand_handle": "@bad handle"}, form_page="/studio/campaigns/new"
    )
    assert without_files.status_code == 400 and "@bad handle" in without_files.text
    assert 'id="images-again"' not in without_files.text  # nothing chosen: nothing to choose again


def test_the_new_campaign_form_sent_twice_creates_one_campaign(studio, editor):
    """A double click, or a refresh that sends the form again: the second send creates nothing."""
    page = studio.client.get("/studio/campaigns/new").text
    sent = {**FORM, "csrf_token": csrf_from(page), "form_nonce": NONCE_RE.search(page).group(1)}
    assert studio.client.post("/studio/campaigns/new", data=sent).status_code == 302
    again = studio.client.post("/studio/campaigns/new?lang=ja", data=sent)
    assert again.status_code == 303 and again.headers["Location"] == "/studio/"
    told = studio.client.get("/studio/?lang=ja").text
    assert "このフォームは送信済みです" in told and "夏のキャンペーン" in told
    assert len(db.session.scalars(select(Campaign)).all()) == 1
    without_token = studio.client.post("/studio/campaigns/new", data={**sent, "form_nonce": ""})
    assert without_token.status_code == 400 and "open the page again" in without_token.text
    assert len(db.session.scalars(select(Campaign)).all()) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_new_campaigns_sent_at_once_for_one_address_create_one_and_refuse_the_other(app, editor):
    """The second form found the address free while the first's insert was not yet committed; its own
    insert waited for that commit and broke the unique address (a 500): it is told the address is taken."""
    from campaign.audit.services import Actor
    from campaign.campaigns import services
    from campaign.campaigns.forms import CampaignForm

    with app.test_request_context("/studio/campaigns/new", method="POST", data=FORM):
        data = CampaignForm(meta={"csrf": False}).to_data("Asia/Tokyo")

    def create():
        organisation = db.session.get(type(editor), editor.id)
        services.create_campaign(organisation, data, actor=Actor.system(), now=utcnow())

    def first(ready):
        create()  # inserted, not committed
        ready()
        wait_until_one_waits_for_a_lock()  # the second's insert of the same address

    def second(ready):
        ready()
        create()

    assert race(app, first, second) == ["done", "invalid_campaign"]
    assert [c.slug for c in db.session.scalars(select(Campaign))] == ["natsu"]
