"""A campaign page that looks like the brand's: images through the media pipeline, colour, two languages."""

import re

import pytest
from sqlalchemy import func, select

from campaign.brandpage.models import BRAND_IMAGES, BrandImage
from campaign.campaigns.models import Campaign
from campaign.campaigns.rules import contrast, readable_shade, text_color_on
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.storage import get_storage
from tests import factories
from tests.brandpage.helpers import edit_with_files
from tests.conftest import csrf_from
from tests.entries.helpers import submit


@pytest.fixture
def editor(app, studio):
    organisation = factories.org("brand-a", name="みどり茶園")
    factories.member(organisation, "editor@example.com", Role.EDITOR)
    studio.login("editor@example.com", factories.PASSWORD)
    return organisation


@pytest.fixture
def campaign(editor):
    factories.campaign(editor, title="新茶フォトキャンペーン", description="新茶の写真を送ってください。")
    return db.session.scalar(select(Campaign))


def brand_objects() -> set[str]:
    return {o.key for o in get_storage().iter_objects(BRAND_IMAGES)}


def saved(campaign) -> Campaign:
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id)


def test_a_marketer_gives_the_page_images_colour_and_english(client, campaign):
    response = edit_with_files(
        client,
        campaign,
        {
            "hero_image": (factories.photo(1800, 900), "hero.jpg"),
            "logo_image": (factories.photo(400, 400, fmt="PNG"), "logo.png"),
            "prizes-0-image": (factories.photo(900, 900, fmt="WEBP"), "prize.webp"),
        },
        brand_color="#2F6B3A",
        title_en="New tea photo campaign",
        description_en="Send us your new-tea photos.",
    )
    assert response.status_code == 302, response.text
    campaign = saved(campaign)
    assert campaign.brand_color == "#2f6b3a"
    assert (campaign.hero_image.width, campaign.hero_image.height) == (1800, 900)
    assert campaign.logo_image is not None and campaign.prizes[0].image is not None
    keys = {r["key"] for image in db.session.scalars(select(BrandImage)) for r in image.renditions}
    assert keys == brand_objects() and all(k.startswith(BRAND_IMAGES) for k in keys)

    page = client.get("/c/summer", headers={"Accept-Language": "ja"}).text
    hero = re.search(r'<img src="[^"]+"[^>]*fetchpriority="high"[^>]*>', page, re.S).group(0)
    assert 'width="1800" height="900"' in hero and "320w" in hero and "800w" in hero and "1600w" in hero
    assert 'type="image/webp"' in page
    assert "--brand: #2f6b3a; --brand-ink: #ffffff" in page  # white reads better on the dark green
    assert '<h1 lang="ja">新茶フォトキャンペーン</h1>' in page
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert og.startswith("http://localhost/media/public/brand/") and og.endswith(".jpg")
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert client.get(og.removeprefix("http://localhost")).status_code == 200
    assert page.count('loading="lazy"') >= 1  # the prize image waits; the hero does not

    english = client.get("/c/summer", headers={"Accept-Language": "en"}).text
    assert '<h1 lang="en">New tea photo campaign</h1>' in english
    assert "Send us your new-tea photos." in english and "新茶の写真を送ってください。" not in english


def test_english_readers_see_the_japanese_text_until_it_is_written(client, campaign):
    page = client.get("/c/summer", headers={"Accept-Language": "en"}).text
    assert '<h1 lang="ja">新茶フォトキャンペーン</h1>' in page
    assert '<p class="lead" lang="ja">新茶の写真を送ってください。</p>' in page


@pytest.mark.parametrize(
    ("files", "changes", "field", "message"),
    [
        ({}, {"brand_color": "green"}, "brand_color", "ブランドカラーは「#」と16進数6桁で入力してください"),
        ({}, {"brand_color": "#12345g"}, "brand_color", "ブランドカラーは「#」と16進数6桁で入力してください"),
        (
            {"hero_image": (factories.photo(fmt="GIF"), "hero.gif")},
            {},
            "hero_image",
            "GIF形式のファイルは使えません",
        ),
        (
            {"hero_image": (b"%PDF-1.4 not an image", "hero.pdf")},
            {},
            "hero_image",
            "このファイルは画像ではありません",
        ),
        ({"logo_image": (factories.photo(40, 40), "tiny.jpg")}, {}, "logo_image", "画像が小さすぎます"),
        (
            {"prizes-1-image": (factories.photo(), "p.jpg")},
            {},
            "prizes-1-image",
            "画像を追加するには、賞品名を入力してください",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_changes_nothing(
    client, campaign, files, changes, field, message
):
    response = edit_with_files(client, campaign, files, title="変えてはいけないタイトル", **changes)
    assert response.status_code == 400
    text = response.text
    assert message in text
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field)}"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in tag, f"{field} not marked invalid"
    campaign = saved(campaign)
    assert campaign.title == "新茶フォトキャンペーン" and campaign.brand_color == ""
    assert campaign.hero_image is None and campaign.logo_image is None
    assert db.session.scalar(select(func.count()).select_from(BrandImage)) == 0
    assert brand_objects() == set()


def test_the_text_colour_on_the_brand_colour_is_chosen_for_contrast():
    assert text_color_on("#2f6b3a") == "#ffffff"
    assert text_color_on("#ffe14d") == "#1a1a1a"  # a light yellow takes dark text
    for colour in ("#2f6b3a", "#ffe14d", "#c2410c", "#00ffff", "#0000ff"):
        assert contrast(colour, text_color_on(colour)) >= 4.5
    # a mid grey reaches 4.5:1 with neither: the better one is chosen, and saving it is refused
    assert contrast("#777777", text_color_on("#777777")) == max(
        contrast("#777777", c) for c in ("#ffffff", "#1a1a1a")
    )
    assert readable_shade("#2f6b3a") is None and readable_shade("#ffe14d") is None
    shade = readable_shade("#777777")
    assert shade is not None and contrast(shade, "#ffffff") >= 4.5 and shade < "#777777"


def test_a_brand_colour_no_text_reads_on_is_refused_with_a_shade_that_works(client, campaign):
    refused = edit_with_files(client, campaign, brand_color="#777777")
    assert refused.status_code == 400
    shade = readable_shade("#777777")
    assert "#777777" in refused.text and shade in refused.text and "4.5:1" in refused.text
    assert saved(campaign).brand_color == ""  # nothing saved
    assert edit_with_files(client, campaign, brand_color=shade).status_code == 302
    assert saved(campaign).brand_color == shade


def test_the_photo_strip_shows_only_what_a_gallery_may_show(client, campaign):
    from campaign.entries.models import Entry, EntryStatus
    from tests.draws.helpers import distinct_photo
    from tests.entries.helpers import submit

    for email, scopes in (("shown@example.com", ["gallery"]), ("review-only@example.com", ["review"])):
        response = submit(
            client, email=email, photo=distinct_photo(email), nickname=email[:6], consent_scopes=scopes
        )
        assert response.status_code == 303
    submit(client, email="waiting@example.com", photo=distinct_photo("w"), nickname="waitin")
    from campaign.audit.services import Actor
    from campaign.clock import utcnow
    from campaign.moderation.services import transition
    from campaign.orgs.models import Membership

    membership = db.session.scalar(select(Membership))
    for entry in db.session.scalars(select(Entry).where(Entry.email != "waiting@example.com")):
        transition(entry, "approve", actor=Actor.member(membership.user), membership=membership, now=utcnow())
    db.session.commit()
    assert {e.status for e in db.session.scalars(select(Entry))} == {
        EntryStatus.APPROVED,
        EntryStatus.RECEIVED,
    }

    page = client.get("/c/summer").text
    strip = page.split('class="photo-strip"')[1].split("</ul>")[0]
    assert "shown@" in strip
    assert "review" not in strip and "waitin" not in strip  # no gallery consent; not approved
    assert strip.count("<li>") == 1
    assert "/media/public/d/" in strip


def test_a_draft_is_404_to_the_public_and_a_bannered_unindexed_preview_to_the_team(
    app, client, editor, studio
):
    factories.campaign(editor, launch=False, slug="draft-one", title="下書き")
    draft = db.session.scalar(select(Campaign).where(Campaign.slug == "draft-one"))
    assert client.get("/c/draft-one").status_code == 404
    assert client.get("/c/draft-one/qr.svg").status_code == 404

    edit = client.get(f"/studio/campaigns/{draft.public_id}/edit").text
    assert f"/studio/campaigns/{draft.public_id}/preview" in edit
    preview = client.get(f"/studio/campaigns/{draft.public_id}/preview")
    assert preview.status_code == 200
    assert preview.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in preview.headers["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in preview.text
    assert 'id="preview-banner"' in preview.text and '<h1 lang="ja">下書き</h1>' in preview.text
    assert re.search(r'id="submit-button"[^>]*disabled', preview.text)

    anonymous = app.test_client()
    assert anonymous.get(f"/studio/campaigns/{draft.public_id}/preview").status_code == 302  # to the login
    other = factories.org("brand-b")
    factories.member(other, "other@example.com", Role.OWNER)
    outsider = type(studio)(app.test_client())
    outsider.login("other@example.com", factories.PASSWORD)
    assert outsider.client.get(f"/studio/campaigns/{draft.public_id}/preview").status_code == 404


def test_the_qr_code_is_an_svg_of_the_campaign_address_for_the_team_only(app, client, campaign):
    response = client.get("/c/summer/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"') and b"<path" in response.data
    studio_page = client.get(f"/studio/campaigns/{campaign.public_id}?lang=ja").text
    assert 'src="/c/summer/qr.svg"' in studio_page and "印刷用QRコード" in studio_page
    assert 'download="summer-qr.svg"' in studio_page
    # the customer's page is theirs: a marketer's print tool has no place there
    customer_page = app.test_client().get("/c/summer?lang=ja").text
    assert "qr.svg" not in customer_page and "QRコード" not in customer_page


def test_storage_gc_keeps_brand_images(client, runner, campaign):
    assert (
        edit_with_files(client, campaign, {"hero_image": (factories.photo(1200, 600), "h.jpg")}).status_code
        == 302
    )
    kept = brand_objects()
    assert kept
    result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])
    assert result.exit_code == 0, result.output
    assert brand_objects() == kept


def test_the_strip_reads_past_photos_the_gate_hides(app, campaign):
    """Newest first, in batches: hidden photos (no gallery consent) never fill the strip's places."""
    from datetime import timedelta

    from campaign.clock import utcnow
    from campaign.entries.models import Consent, Entry, EntryStatus, Processing
    from campaign.galleries.services import newest_shown

    now = utcnow()
    for n in range(7):
        entry = Entry(
            org_id=campaign.org_id,
            campaign=campaign,
            idempotency_key=f"k{n}",
            status=EntryStatus.APPROVED,
            rating=5,
            email=f"p{n}@example.com",
            email_normalised=f"p{n}@example.com",
            storage_backend="memory",
            original_key=f"private/originals/x/{n}.jpg",
            original_format="jpg",
            original_bytes=1,
            processing=Processing.READY,
            created_at=now - timedelta(minutes=n),
        )
        entry.consent = Consent(terms_version="1", scopes=["review"] if n < 5 else ["gallery"], given_at=now)
        db.session.add(entry)
    db.session.commit()
    shown = newest_shown(campaign, 3, batch=2)
    assert [e.email for e in shown] == ["p5@example.com", "p6@example.com"]


def test_a_replaced_or_removed_image_is_forgotten_and_its_files_go_at_gc(client, runner, campaign):
    """A replaced hero or a removed logo no longer keeps its files for ever: nothing shows it, so the image
    is forgotten and `storage gc` reclaims its renditions; an image a campaign still shows stays."""

    def gc():
        result = runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"])
        assert result.exit_code == 0, result.output

    first = {"hero_image": (factories.photo(1200, 600, colour=(200, 40, 40)), "h.jpg")}
    logo = {"logo_image": (factories.photo(400, 400, colour=(20, 20, 200)), "l.png")}
    assert edit_with_files(client, campaign, {**first, **logo}).status_code == 302
    old_hero = {r["key"] for r in saved(campaign).hero_image.renditions}
    second = {"hero_image": (factories.photo(1200, 600, colour=(40, 160, 40)), "h2.jpg")}
    assert edit_with_files(client, campaign, second).status_code == 302
    gc()
    assert not (old_hero & brand_objects())  # the replaced hero's renditions are gone
    new_hero = {r["key"] for r in saved(campaign).hero_image.renditions}
    assert new_hero <= brand_objects()

    page = client.get(f"/studio/campaigns/{campaign.public_id}/edit", headers={"Accept-Language": "ja"})
    assert "ロゴを削除する" in page.text
    logo_keys = {r["key"] for r in saved(campaign).logo_image.renditions}
    assert any(key.split("/")[-1] in client.get("/c/summer").text for key in logo_keys)
    assert edit_with_files(client, campaign, remove_logo_image="y").status_code == 302
    assert saved(campaign).logo_image is None and saved(campaign).hero_image is not None
    assert not any(key.split("/")[-1] in client.get("/c/summer").text for key in logo_keys)
    gc()
    assert not (logo_keys & brand_objects()) and new_hero <= brand_objects()


def test_the_customers_own_pages_wear_the_campaigns_logo_too(client, campaign):
    """The status page showed the logo; its withdraw and erase confirmations showed the name alone."""
    logo = (factories.photo(400, 400, fmt="PNG"), "logo.png")
    assert edit_with_files(client, campaign, {"logo_image": logo}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/studio/").text)})
    status = submit(client).headers["Location"].split("?")[0]
    for path in ("/c/summer", status, f"{status}/withdraw", f"{status}/erase"):
        page = client.get(path)
        assert page.status_code == 200, path
        brand = re.search(r'<span class="brand brand-mark">(.*?)</span></span>', page.text, re.S)
        assert brand and '<img src="/media/public/brand/' in brand.group(1), path
        assert "<span>みどり茶園" in brand.group(1), path


def test_the_status_page_title_is_in_the_readers_language_like_its_heading(app, client):
    """The tab read "Your entry · 新茶フォトキャンペーン" over an English page."""
    factories.campaign(factories.org(), title="新茶フォトキャンペーン", title_en="New tea photo campaign")
    english = {"Accept-Language": "en"}
    status = submit(client, headers=english).headers["Location"].split("?")[0]
    for path, title in ((status, "Your entry"), (f"{status}/erase", "Erase my entry and data")):
        page = client.get(path, headers=english).text
        assert f"<title>{title} · New tea photo campaign</title>" in page, path
    japanese = client.get(status, headers={"Accept-Language": "ja"}).text
    assert "<title>ご応募内容 · 新茶フォトキャンペーン</title>" in japanese


def test_prize_counts_read_right_in_english_and_japanese(client, campaign):
    """ "Tea set (1 winners)" read as machine output: one winner is singular; Japanese counts 名様."""
    from campaign.campaigns.models import Prize

    db.session.add_all(
        [
            Prize(campaign=campaign, position=0, name="Tea set", quantity=1, value_jpy=3000),
            Prize(campaign=campaign, position=1, name="Cup", quantity=5, value_jpy=1000),
        ]
    )
    db.session.commit()
    english = client.get("/c/summer", headers={"Accept-Language": "en"}).text
    assert "Tea set (1 winner)" in english and "1 winners" not in english and "5 winners" in english
    japanese = client.get("/c/summer", headers={"Accept-Language": "ja"}).text
    assert "Tea set（1名様）" in japanese and "5名様" in japanese


def test_a_duplicated_campaign_keeps_its_images_and_each_copy_changes_its_own(
    client, studio, runner, campaign
):
    """複製 copied the brand colour and dropped the hero, logo and prize images, while the copy's editor
    said 「空欄のままなら現在の画像を使います」. The copy shows the same images; removing one from the copy
    leaves the source's, and `storage gc` keeps its files."""
    files = {
        "hero_image": (factories.photo(1200, 600), "hero.jpg"),
        "logo_image": (factories.photo(400, 400, fmt="PNG"), "logo.png"),
        "prizes-0-image": (factories.photo(900, 900), "prize.jpg"),
    }
    assert edit_with_files(client, campaign, files, brand_color="#2F6B3A").status_code == 302
    url = f"/studio/campaigns/{campaign.public_id}"
    assert studio.post(f"{url}/duplicate", form_page=url).status_code == 303
    source = saved(campaign)
    copy = db.session.scalars(select(Campaign).where(Campaign.id != source.id)).one()
    assert (copy.hero_image, copy.logo_image) == (source.hero_image, source.logo_image)
    assert copy.prizes[0].image == source.prizes[0].image is not None
    logo_keys = {r["key"] for r in source.logo_image.renditions}
    copy_editor = client.get(f"/studio/campaigns/{copy.public_id}/edit", headers={"Accept-Language": "ja"})
    assert "ロゴを削除する" in copy_editor.text and "メイン画像を削除する" in copy_editor.text

    assert edit_with_files(client, copy, remove_logo_image="y").status_code == 302
    assert saved(copy).logo_image is None and saved(campaign).logo_image is not None
    assert runner.invoke(args=["storage", "gc", "--grace", "0", "--delete"]).exit_code == 0
    assert logo_keys <= brand_objects()
