"""The campaign's Sources page: adding sources, the hashtag budget, pausing, status in the reader's words."""

from datetime import timedelta

from sqlalchemy import select

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.sources import services
from campaign.sources.models import Source, SourceState
from campaign.sources.poll import poll_source
from tests import factories


def page_of(brand) -> str:
    return f"/studio/campaigns/{brand.campaign.public_id}/sources/"


def login(studio, brand):
    factories.member(brand.org, "owner@example.com")
    studio.login("owner@example.com", factories.PASSWORD)


def test_a_marketer_adds_a_hashtag_source_and_reads_its_status(studio, brand):
    login(studio, brand)
    page = page_of(brand)
    campaign_page = studio.client.get(f"/studio/campaigns/{brand.campaign.public_id}")
    assert page in campaign_page.text  # linked from the campaign page
    added = studio.post(page, {"kind": "instagram_hashtag", "query": "＃GreenTea"}, form_page=page)
    assert added.status_code == 303
    source = db.session.scalar(select(Source))
    assert (source.kind, source.query, source.state) == ("instagram_hashtag", "greentea", SourceState.ACTIVE)
    shown = studio.client.get(page).text
    assert "#greentea" in shown and "1 of 30 hashtags used in the last 7 days" in shown
    assert "carry no username" in shown


def test_the_31st_hashtag_in_7_days_is_refused_with_a_clear_message(studio, brand):
    login(studio, brand)
    now = utcnow()
    for n in range(30):
        services.note_hashtag(brand.org.id, f"tag{n}", now - timedelta(days=6))
    db.session.commit()
    page = page_of(brand)
    refused = studio.post(page, {"kind": "instagram_hashtag", "query": "onemore"}, form_page=page)
    assert refused.status_code == 400
    assert "Instagram allows 30 different hashtags per account in 7 days, and 30 are in use" in refused.text
    assert db.session.scalar(select(Source)) is None
    reused = studio.post(page, {"kind": "instagram_hashtag", "query": "tag3"}, form_page=page)
    assert reused.status_code == 303  # a hashtag already counted costs nothing more


def test_the_budget_frees_a_place_after_7_days(brand):
    now = utcnow()
    for n in range(30):
        services.note_hashtag(brand.org.id, f"tag{n}", now - timedelta(days=7, minutes=1 if n == 0 else -1))
    assert services.hashtag_allowed(brand.org.id, "new", now)
    services.note_hashtag(brand.org.id, "new", now)
    assert not services.hashtag_allowed(brand.org.id, "another", now)


def test_a_source_needs_the_network_connected_and_a_hashtag(studio, brand):
    from campaign.audit.services import Actor
    from campaign.connectors.services import disconnect

    login(studio, brand)
    page = page_of(brand)
    bad = studio.post(page, {"kind": "instagram_hashtag", "query": "two words"}, form_page=page)
    assert bad.status_code == 400 and "Enter one hashtag" in bad.text
    disconnect(brand.org.id, "x", actor=Actor.system(), now=utcnow())
    db.session.commit()
    refused = studio.post(page, {"kind": "x_search", "query": ""}, form_page=page)
    assert refused.status_code == 400 and "This network is not connected" in refused.text


def test_pause_resume_and_the_latest_error_in_japanese(studio, client, brand):
    login(studio, brand)
    source = brand.source("instagram_hashtag", "greentea")
    bad = brand.ig_post("1")
    bad["media_url"] = brand.photo_url("bad", b"<html>login</html>", "text/html")
    brand.hashtag_posts(bad)
    poll_source(source.id)
    page = page_of(brand)
    japanese = client.get(page, headers={"Accept-Language": "ja"}).text
    assert "写真ではないもの（Webページなど）" in japanese
    english = client.get(page).text
    assert "answered something that is not a photo" in english
    paused = studio.post(f"{page}{source.public_id}/pause", form_page=page)
    assert paused.status_code == 303
    db.session.refresh(source)
    assert source.state is SourceState.PAUSED
    studio.post(f"{page}{source.public_id}/resume", form_page=page)
    db.session.refresh(source)
    assert source.state is SourceState.ACTIVE


def test_another_organisations_campaign_is_not_found(studio, brand):
    other = factories.org("brand-b")
    theirs = factories.campaign(other, slug="theirs")
    login(studio, brand)
    assert studio.client.get(f"/studio/campaigns/{theirs.public_id}/sources/").status_code == 404


def test_the_queue_shows_collected_posts_with_their_source_and_filters_by_it(studio, brand, client):
    from campaign import jobs
    from tests.draws.helpers import enter

    login(studio, brand)
    enter(client, brand.campaign, "taro@example.com")  # an upload
    brand.tweet("1001", author="hanako")
    brand.hashtag_posts(brand.ig_post("7"))
    poll_source(brand.source("x_search").id)
    poll_source(brand.source("instagram_hashtag", "greentea").id)
    jobs.run_ready()
    queue = f"/studio/moderation/campaigns/{brand.campaign.public_id}"
    everything = studio.client.get(queue).text
    assert everything.count('class="badge source-') == 2
    assert 'href="https://x.com/hanako/status/1001"' in everything and "@hanako" in everything
    assert "author unknown until the rights are granted" in everything  # the hashtag post
    only_x = studio.client.get(f"{queue}?source=x").text
    assert "@hanako" in only_x and "source-instagram" not in only_x and "3 entries" not in only_x
    uploads = studio.client.get(f"{queue}?source=upload").text
    assert 'class="badge source-' not in uploads and "1 entry" in uploads
