"""A customer submits a photo; every way it can go wrong gives a specific message and changes nothing."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.campaigns.models import Product
from campaign.clock import utcnow
from campaign.entries.models import Consent, Derivative, Entry, EntryStatus, Processing
from campaign.extensions import db
from campaign.storage import get_storage
from tests import factories
from tests.entries.helpers import form_fields, submit


@pytest.fixture
def live(app):
    return factories.campaign(factories.org())


def stored_keys(prefix: str = "") -> list[str]:
    return [o.key for o in get_storage().iter_objects(prefix)]


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


def assert_nothing_changed():
    assert entry_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0
    assert stored_keys() == []


def test_submission_is_stored_processed_and_shown_on_the_status_page(client, live):
    response = submit(client)
    assert response.status_code == 303
    status_url = response.headers["Location"]
    assert status_url.startswith("/s/")

    entry = db.session.scalar(select(Entry))
    assert entry.status is EntryStatus.RECEIVED
    assert entry.processing is Processing.READY
    assert (entry.caption, entry.rating, entry.nickname) == ("美味しいお茶でした", 5, "さくら")
    assert entry.email == "Customer@example.com" and entry.email_normalised == "customer@example.com"
    assert entry.consent.terms_version == live.terms_version
    assert entry.consent.scopes == ["gallery", "review"]
    assert abs(entry.consent.given_at - utcnow()) < timedelta(minutes=1)

    assert stored_keys("private/originals/") == [entry.original_key]
    assert entry.original_key.startswith(f"private/originals/{live.public_id}/")
    derivatives = db.session.scalars(select(Derivative).where(Derivative.entry_id == entry.id)).all()
    assert {(d.size, d.format) for d in derivatives} == {
        (size, fmt) for size in ("sm", "md", "lg") for fmt in ("jpeg", "webp")
    }
    assert sorted(stored_keys("private/derivatives/")) == sorted({d.key for d in derivatives})
    assert stored_keys("public/") == []  # nothing public before an approval

    page = client.get(status_url)
    assert page.status_code == 200
    assert "Cache-Control" in page.headers and "no-store" in page.headers["Cache-Control"]
    assert 'id="entry-status"' in page.text
    assert status_url.split("?")[0] in page.text  # the private link is shown to keep


def test_the_json_answer_used_by_the_progress_bar(client, live):
    response = submit(client, headers={"Accept": "application/json"})
    assert response.status_code == 201
    assert response.json["status_url"].startswith("/s/")


def test_submitting_the_same_form_twice_creates_one_entry(client, live):
    fields = form_fields(client, "summer")
    first = submit(client, fields=fields)
    second = submit(client, fields=fields)
    assert first.status_code == second.status_code == 303
    assert (
        first.headers["Location"].endswith("?thanks=1") and second.headers["Location"] == "/c/summer/already"
    )
    page = client.get(second.headers["Location"])  # no thanks for nothing new, and no private link
    assert "We already have this entry" in page.text and "were not applied" in page.text
    assert first.headers["Location"].split("?")[0] not in page.text
    as_json = submit(client, fields=fields, headers={"Accept": "application/json"})
    assert (as_json.status_code, as_json.json) == (200, {"status_url": "/c/summer/already"})
    assert entry_count() == 1
    assert len(stored_keys("private/originals/")) == 1


def test_extra_fields_such_as_status_are_ignored(client, live):
    response = submit(client, status="approved", org_id="999", person_slot="7")
    assert response.status_code == 303
    entry = db.session.scalar(select(Entry))
    assert entry.status is EntryStatus.RECEIVED
    assert entry.org_id == live.org_id and entry.person_slot == 1


def test_anonymous_when_no_nickname(client, live):
    submit(client, nickname="")
    assert db.session.scalar(select(Entry)).nickname is None


def test_a_nickname_that_shows_nothing_is_anonymous(client, live):
    """Zero-width spaces, a word joiner, a BOM, ideographic spaces and a Hangul filler were kept as the
    nickname: a blank where the gallery and the certificate name the entrant (a walk-through's find)."""
    submit(client, nickname="\u200b\u200c\u200d\u2060\ufeff\u3000\u3164", email="a@example.com")
    submit(client, nickname="\u2800\u2800", email="c@example.com")  # blank braille (a walk-through's find)
    submit(client, nickname="\ufe0f\u200d", email="d@example.com")  # a variation selector and a joiner
    submit(client, nickname="\u200bさくら\u200b", email="b@example.com")  # a name with them: kept as typed
    nicknames = db.session.scalars(select(Entry.nickname).order_by(Entry.id)).all()
    assert nicknames == [None, None, None, "\u200bさくら\u200b"]


BAD_PHOTOS = {
    "empty file": (b"", "photo.jpg", "The photo file is empty"),
    "text named .jpg": (b"hello, this is not a photo\n" * 10, "photo.jpg", "This file is not a photo"),
    "SVG": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        "photo.svg",
        "This file is not a photo",
    ),
    "PDF": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "photo.pdf", "This file is not a photo"),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
def test_bad_files_are_refused_with_a_specific_message(client, live, case):
    data, filename, message = BAD_PHOTOS[case]
    response = submit(client, photo=data, filename=filename)
    assert response.status_code == 422
    assert message in response.text
    assert_nothing_changed()


@pytest.mark.parametrize("sent", ["no file part", "a part without a file"])
def test_no_photo_chosen_asks_for_one_not_for_a_whole_file(client, live, sent):
    """Without the page's script (or with it bypassed), no photo chosen said "The photo file is empty"."""
    photo = {"photo": False} if sent == "no file part" else {"photo": b"", "filename": ""}
    response = submit(client, headers={"Accept-Language": "ja"}, **photo)
    assert response.status_code == 422
    assert "写真を選んでください。" in response.text and "空です" not in response.text
    assert_nothing_changed()


def test_truncated_jpeg_is_refused(client, live):
    whole = factories.photo(1200, 900, quality=90)
    response = submit(client, photo=whole[: len(whole) * 2 // 3])
    assert response.status_code == 422
    assert "incomplete or damaged. Please choose it again; if this message comes back" in response.text
    japanese = submit(client, photo=whole[: len(whole) * 2 // 3], headers={"Accept-Language": "ja"})
    # it said "upload it again", which a damaged file on the phone never passes
    assert "同じ表示が出る場合は、別の写真を選んでください。" in japanese.text
    assert_nothing_changed()


def test_tiff_is_refused_by_name(client, live):
    response = submit(
        client, photo=factories.photo(fmt="TIFF", compression="tiff_deflate"), filename="photo.tif"
    )
    assert response.status_code == 422
    assert "TIFF files are not accepted" in response.text
    assert_nothing_changed()


def test_pixel_bomb_is_refused_before_decoding(client, live, app):
    app.config["MAX_PIXELS"] = 1_000_000
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), (255, 0, 0)).save(buffer, "PNG")  # 2 MP in a few KB
    bomb = buffer.getvalue()
    response = submit(client, photo=bomb, filename="photo.png")
    assert response.status_code == 422
    assert "too many pixels (at most 1 megapixels)" in response.text
    assert_nothing_changed()


def test_file_over_the_size_limit_gets_413(client, live, app):
    """Refused from its headers. Without the page's script it was Kuchikomi's error page, which did not say
    the limit; now the brand's page, the limit said by the photo (the script checks the size first)."""
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = submit(client, photo=b"\xff\xd8" + b"0" * 300_000)
    assert response.status_code == 413
    page = response.text
    photo_field = page[page.index('data-field="photo"') : page.index('data-field="rating"')]
    assert "The photo is larger than 20 MB." in photo_field
    assert "Summer photos</h1>" in page and 'id="entry-form"' in page and 'id="photo-again"' not in page
    message = page[page.index('id="form-message"') :]
    assert (
        "so nothing was sent. Please choose a smaller photo and fill in" in message[: message.index("</p>")]
    )
    japanese = submit(client, photo=b"\xff\xd8" + b"0" * 300_000, headers={"Accept-Language": "ja"})
    assert "写真のサイズが20 MBを超えています" in japanese.text
    as_json = submit(client, photo=b"\xff\xd8" + b"0" * 300_000, headers={"Accept": "application/json"})
    assert as_json.status_code == 413
    assert as_json.json["errors"] == {
        "photo": ["The photo is larger than 20 MB. Please choose a smaller photo."]
    }
    assert_nothing_changed()


def test_an_oversized_post_without_the_pages_cookie_is_the_plain_413_and_starts_no_session(live, app):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = submit(app.test_client(), fields={}, photo=b"\xff\xd8" + b"0" * 300_000)
    assert response.status_code == 413 and "The file is too large" in response.text
    assert "Set-Cookie" not in response.headers
    assert_nothing_changed()


def test_an_oversized_post_to_a_campaign_that_does_not_exist_is_the_plain_413(client, live, app):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = submit(client, "no-such-campaign", fields={}, photo=b"\xff\xd8" + b"0" * 300_000)
    assert response.status_code == 413 and "The file is too large" in response.text
    assert_nothing_changed()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"caption": "あ" * 501}, "caption", "at most 500 characters"),
        ({"email": "not-an-email"}, "email", "This email address is not valid"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"accepts_terms": None}, "accepts_terms", "Please read and accept the terms"),
        ({"rating": "9"}, "rating", "Choose a rating from 1 to 5"),
        ({"nickname": "n" * 41}, "nickname", "at most 40 characters"),
    ],
)
def test_invalid_fields_get_their_own_message(client, live, overrides, field, message):
    response = submit(client, **overrides)
    assert response.status_code == 422
    assert message in response.text
    assert_nothing_changed()
    as_json = submit(client, headers={"Accept": "application/json"}, **overrides)
    assert as_json.status_code == 422
    assert any(message in m for m in as_json.json["errors"][field])


def test_all_wrong_fields_are_reported_at_once(client, live):
    response = submit(
        client, headers={"Accept": "application/json"}, email="x", caption="c" * 600, accepts_terms=None
    )
    assert set(response.json["errors"]) == {"email", "caption", "accepts_terms"}


def test_form_without_csrf_token_is_refused(client, live, app):
    """Without the page's script it was Kuchikomi's bare error page; now back to the brand's form, empty:
    refilled from what was sent, another site could fill in the address an entry's private link goes to.
    A redirect that writes no session: another site's post carries no cookie, and a new session in the
    answer replaced a signed-in member's (a security review's find)."""
    fields = form_fields(client, "summer")
    del fields["csrf_token"]
    response = submit(client, fields=fields, caption="他サイトの文", email="attacker@example.com")
    assert response.status_code == 303 and response.headers["Location"] == "/c/summer?expired=1"
    cross_site = submit(app.test_client(), fields=fields)  # no cookie at all
    assert cross_site.status_code == 303 and "Set-Cookie" not in cross_site.headers
    response = client.get(response.headers["Location"])
    page = response.text
    message = page[page.index('id="form-message"') :]
    assert "This form had expired, so your entry was not sent." in message[: message.index("</p>")]
    assert "Summer photos</h1>" in page and 'id="entry-form"' in page
    assert "attacker@example.com" not in page and "他サイトの文" not in page
    japanese = client.get("/c/summer?expired=1", headers={"Accept-Language": "ja"})
    assert "フォームの有効期限が切れていたため" in japanese.text
    as_json = submit(client, fields=fields, headers={"Accept": "application/json"})
    assert (as_json.status_code, as_json.json["error"]) == (400, "csrf")
    assert "This form has expired or was not sent from our page." in as_json.json["message"]
    assert_nothing_changed()


def test_campaign_not_open_yet(client, app):
    now = utcnow()
    factories.campaign(factories.org(), opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9))
    page = client.get("/c/summer")
    assert page.status_code == 200 and "This campaign opens on" in page.text
    assert 'id="entry-form"' not in page.text
    response = client.post("/c/summer/entries", data={}, headers={"Accept": "application/json"})
    assert response.status_code in (400, 409)
    assert_nothing_changed()


def test_closed_campaign_refuses_entries(client, app):
    now = utcnow()
    campaign = factories.campaign(
        factories.org(), opens_at=now - timedelta(days=9), closes_at=now + timedelta(days=1)
    )
    fields = form_fields(client, "summer")
    campaign.closes_at = now - timedelta(minutes=1)
    db.session.commit()
    response = submit(client, fields=fields)
    assert response.status_code == 409
    # without the page's script: it was Kuchikomi's bare error page, now the campaign's, which says so
    assert '<p class="notice">This campaign has closed.' in response.text
    assert "Your entry was not received." in response.text  # the notice alone did not say what became of it
    assert "Summer photos</h1>" in response.text and 'id="entry-form"' not in response.text
    assert 'class="cp-steps"' not in response.text  # no steps to a form the page no longer has
    assert 'class="cp-steps"' not in client.get("/c/summer").text
    as_json = submit(client, fields=fields, headers={"Accept": "application/json"})
    assert (as_json.status_code, as_json.json["error"]) == (409, "campaign_not_open")
    assert_nothing_changed()


def test_draft_and_archived_campaigns_do_not_exist_publicly(client, app):
    factories.campaign(factories.org(), launch=False)
    assert client.get("/c/summer").status_code == 404
    assert client.get("/c/nothing-here").status_code == 404


def test_entries_per_person_counts_the_normalised_email(client, live):
    assert submit(client, email="Sakura.Tanaka+first@gmail.com").status_code == 303
    # another photo: the same one from the same browser would be the first entry, found again
    response = submit(client, email="sakuratanaka+second@GMAIL.com", photo=factories.photo(641, 480))
    assert response.status_code == 409
    assert "most entries allowed" in response.text
    # without the page's script: the form again, the message by the email (it was a bare error page, whose
    # advice spoke of a change made by someone else in the meantime)
    page = response.text
    email_field = page[page.index('data-field="email"') :]
    assert "most entries allowed" in email_field[: email_field.index("</div>")]
    assert 'name="photo"' in page and "someone else" not in page
    assert "You can check your entries through the links we emailed you." in email_field  # what to do next
    assert entry_count() == 1
    assert len(stored_keys("private/originals/")) == 1


def test_a_full_width_address_is_read_as_the_address_it_stands_for(client, live):
    """A phone left in full-width mode types 「ｓａｋｕｒａ＠example.com」: the entry is mailed to
    sakura@example.com and counts as that person's (it was kept as typed: undeliverable, a new person)."""
    assert submit(client, email="ｓａｋｕｒａ＠ｅｘａｍｐｌｅ．ｃｏｍ").status_code == 303
    entry = db.session.scalar(select(Entry))
    assert entry.email == "sakura@example.com" and entry.email_normalised == "sakura@example.com"
    again = submit(client, email="sakura@example.com", photo=factories.photo(641, 480))
    assert again.status_code == 409 and entry_count() == 1


def test_a_withdrawn_entry_gives_its_slot_back(client, live):
    status_url = submit(client).headers["Location"].split("?")[0]
    page = client.get(status_url)
    from tests.conftest import csrf_from

    withdrawn = client.post(status_url + "/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert withdrawn.status_code == 303
    assert db.session.scalar(select(Entry)).status is EntryStatus.WITHDRAWN
    assert submit(client).status_code == 303
    assert entry_count() == 2


def test_social_fields_are_required_for_follow_and_post_only_campaigns(client, app):
    factories.campaign(
        factories.org(),
        allows_upload=False,
        allows_follow_and_post=True,
        brand_handle="brand",
        hashtags=["tea"],
    )
    response = submit(client, headers={"Accept": "application/json"}, post_url="http://evil.example/x")
    assert set(response.json["errors"]) == {"social_handle", "post_url"}
    ok = submit(client, social_handle="@sakura", post_url="https://www.instagram.com/p/ABC123/")
    assert ok.status_code == 303
    entry = db.session.scalar(select(Entry))
    assert (entry.social_handle, entry.post_url) == ("sakura", "https://www.instagram.com/p/ABC123/")


def test_the_account_name_says_when_it_is_needed_where_a_post_is_optional(client, app):
    """A walk-through's find: the account name became required once a post's link was given, unmarked."""
    factories.campaign(factories.org(), allows_follow_and_post=True, brand_handle="brand", hashtags=["tea"])
    page = client.get("/c/summer", headers={"Accept-Language": "ja"}).text
    assert (
        'aria-describedby="social_handle-hint"' in page
        and "下で投稿のリンクを入力する場合は必須です。" in page
    )
    refused = submit(client, headers={"Accept": "application/json"}, post_url="https://x.com/a/status/1")
    assert set(refused.json["errors"]) == {"social_handle"}  # as the hint says


def test_a_tampered_status_link_is_not_found(client, live):
    status_url = submit(client).headers["Location"].split("?")[0]
    assert client.get(status_url[:-2] + "xx").status_code == 404
    assert client.get("/s/" + db.session.scalar(select(Entry.public_id))).status_code == 404


def test_errors_speak_the_customers_language(client, live):
    response = submit(client, headers={"Accept-Language": "ja,en;q=0.5"}, email="x")
    assert "メールアドレスが正しくありません" in response.text
    page = client.get("/c/summer", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Send my entry" in page.text
    client.get("/lang/ja?next=/c/summer")
    assert "応募する" in client.get("/c/summer", headers={"Accept-Language": "en"}).text


def test_the_customer_names_the_product_when_a_campaign_has_several(client, app):
    from campaign.campaigns.settings import ProductData

    factories.campaign(
        factories.org(),
        products=[ProductData(name="Green tea", jan="4901234567894"), ProductData(name="Black tea")],
    )
    page = client.get("/c/summer")
    assert "Product in your photo" in page.text and "Black tea" in page.text
    missing = submit(client, headers={"Accept": "application/json"})
    assert missing.status_code == 422
    assert missing.json["errors"]["product_id"] == ["Choose the product in your photo."]
    black = db.session.scalar(select(Product).where(Product.name == "Black tea"))
    assert submit(client, product_id=black.public_id).status_code == 303
    assert db.session.scalar(select(Entry)).product == black


def test_a_single_product_is_recorded_without_asking(client, live):
    assert "Product in your photo" not in client.get("/c/summer").text
    submit(client)
    assert db.session.scalar(select(Entry)).product.name == "Green tea"


def test_the_rating_stars_are_named_in_the_readers_grammar(client, live):
    """Screen readers read each star's name: "1 stars" was read for the first (a walk-through's find)."""
    english = client.get("/c/summer", headers={"Accept-Language": "en"}).text
    assert 'title="1 star"' in english and 'title="2 stars"' in english and "1 stars" not in english
    japanese = client.get("/c/summer", headers={"Accept-Language": "ja"}).text
    assert 'title="星1つ"' in japanese and 'title="星5つ"' in japanese


@pytest.mark.parametrize(
    ("ways", "steps", "also"),
    [
        ({"allows_upload": True, "allows_follow_and_post": False}, "写真を選ぶ", False),
        ({"allows_upload": True, "allows_follow_and_post": True}, "写真を選ぶ", True),
        ({"allows_upload": False, "allows_follow_and_post": True}, "写真と投稿のリンクを送信", False),
    ],
)
def test_the_steps_are_the_forms(client, ways, steps, also):
    """A walk-through's find: a campaign open to uploads and to posts told every customer to follow and post
    first, then to send the post's link, while the form asked for a photo and left the link optional."""
    factories.campaign(factories.org(), brand_handle="midori_chaen", hashtags=["お茶"], **ways)
    page = client.get("/c/summer", headers={"Accept-Language": "ja"}).text
    listed = page.split('class="cp-steps"')[1].split("</ol>")[0]
    assert steps in listed
    assert ("@midori_chaen をフォロー" in listed) is (not ways["allows_upload"])
    assert ('class="cp-also"' in page) is also
