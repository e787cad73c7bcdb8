"""A customer on a phone submits a photo in real headless Chromium."""

import contextlib

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE

pytestmark = pytest.mark.browser

# Records every value the progress text shows, in sessionStorage, so it survives the redirect.
RECORD_PROGRESS = """
() => {
  const text = document.getElementById('progress-text');
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem('progress') || '[]');
    seen.push(text.textContent);
    sessionStorage.setItem('progress', JSON.stringify(seen));
  }).observe(text, {childList: true, characterData: true, subtree: true});
}
"""


def fill_entry_form(page, photo: bytes) -> None:
    page.set_input_files("#photo", files=[{"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.click("label[for=rating-4]")  # the stars run from one to five
    page.fill("#caption", "Lovely with breakfast")
    page.fill("#nickname", "sakura")
    page.fill("#email", "sakura@example.com")
    page.check("#consent_scopes-0")
    page.check("#accepts_terms")


@ONE_DATABASE
def test_upload_shows_progress_then_the_status_page(page, live_server, app):
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/c/summer")
    assert page.locator("h1").inner_text() == "Summer photos"
    fill_entry_form(page, factories.photo(2400, 1800, quality=95))
    page.evaluate(RECORD_PROGRESS)
    page.click("#submit-button")
    page.wait_for_url("**/s/*", timeout=30_000)
    assert page.locator("#entry-status").inner_text() == "Received: waiting for review"
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    assert seen and seen[-1] == "100%", seen
    assert page.console_errors == []
    entry = db.session.scalar(select(Entry))
    assert entry.nickname == "sakura" and entry.rating == 5


@ONE_DATABASE
def test_back_from_the_status_page_finds_the_form_ready_again(page, live_server, app):
    """A phone's back/forward cache restores the page as it was left: the button off, the bar at 100%. It
    was stuck so, with no message, until a reload emptied the form (a walk-through's find). The page's
    `pageshow` from the cache now readies it; this browser keeps no such cache, so the event is sent here."""
    factories.campaign(factories.org())
    for lang in ("en", "ja"):
        page.goto(f"{live_server.url}/lang/{lang}?next=/c/summer")
        fill_entry_form(page, factories.photo())
        page.evaluate(
            """() => {
              document.getElementById("submit-button").disabled = true;
              document.getElementById("progress").hidden = false;
              document.getElementById("progress-bar").value = 100;
              document.querySelector("form[data-network-error]").setAttribute("data-done", "true");
              window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
            }"""
        )
        assert page.locator("#submit-button").is_enabled()
        assert page.locator("#progress").is_hidden()
        for width in (390, 1366):  # the readied form, as a phone and a laptop show it
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/shots/walk-customer/back-to-the-form-{lang}-{width}.png")
    page.click("#submit-button")
    page.wait_for_url("**/s/*", timeout=30_000)
    assert db.session.scalar(select(Entry)) is not None
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("javascript", "locale", "heading"),
    [(True, "ja-JP", "この応募はすでに受け付けています"), (False, "en-US", "We already have this entry")],
    ids=["script", "no script"],
)
def test_back_then_send_again_is_the_same_entry(browser, live_server, app, javascript, locale, heading):
    """Back from the status page reloads the campaign page here (no back/forward cache); the same photo and
    email sent again were a second entry, because each load had its own hidden key (a walk-through's find).
    A page then says the entry was there already, without its private link (it thanked for a new entry)."""
    factories.campaign(factories.org(), entries_per_person=3)
    context = browser.new_context(java_script_enabled=javascript, locale=locale)
    page = context.new_page()
    photo = factories.photo()
    try:
        page.goto(f"{live_server.url}/c/summer")
        fill_entry_form(page, photo)
        page.click("#submit-button")
        page.wait_for_url("**/s/*", timeout=30_000)
        first = page.url
        page.go_back()
        page.wait_for_url("**/c/summer")
        fill_entry_form(page, photo)  # as the browser refills it
        page.click("#submit-button")
        page.wait_for_url("**/c/summer/already", timeout=30_000)
        assert first.split("/s/")[1].split("?")[0] not in page.content()  # the private link is not shown
        assert page.locator("h1").inner_text() == heading
        assert len(db.session.scalars(select(Entry)).all()) == 1
        shoot(page, f"sent-again-{locale[:2]}")
    finally:
        context.close()


@ONE_DATABASE
def test_errors_show_inline_without_leaving_the_page(page, live_server, app):
    """Errors only the server can find (the photo's content, a reserved email domain) come back inline."""
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/c/summer")
    fill_entry_form(page, b"this is not a photo")
    page.fill("#email", "someone@example.invalid")
    page.click("#submit-button")
    page.wait_for_selector("[data-field=email] .field-error")
    assert "This email address is not valid." in page.locator("[data-field=email]").inner_text()
    assert "This file is not a photo" in page.locator("[data-field=photo]").inner_text()
    assert page.url.endswith("/c/summer")
    assert db.session.scalar(select(Entry)) is None


@ONE_DATABASE
def test_the_form_works_without_javascript(browser, live_server, app):
    factories.campaign(factories.org())
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/c/summer")
        fill_entry_form(page, factories.photo())
        page.click("#submit-button")
        page.wait_for_url("**/s/*")
        assert "受け付けました" in page.locator("h1").inner_text()
    finally:
        context.close()


@ONE_DATABASE
def test_without_javascript_an_entry_over_the_limit_comes_back_to_the_form(browser, live_server, app):
    """One entry per person, a second photo sent without the page's script: it was a bare error page whose
    advice spoke of a change made by someone else; now the form again, the limit said by the email."""
    factories.campaign(factories.org(), entries_per_person=1)
    context = browser.new_context(
        java_script_enabled=False, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        for seed in (1, 2):
            page.goto(f"{live_server.url}/c/summer")
            fill_entry_form(page, factories.photo(640 + seed, 480))
            page.click("#submit-button")
            page.wait_for_load_state()
        email = page.locator("[data-field=email]")
        assert "応募回数の上限（1回）に達しています" in email.inner_text()
        assert page.locator("#photo").count() == 1 and "/c/summer" in page.url
        page.screenshot(path="/tmp/shots/walk-customer/entry-limit-nojs-ja-390.png", full_page=True)
        assert len(db.session.scalars(select(Entry)).all()) == 1
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path="/tmp/shots/walk-customer/entry-limit-nojs-ja-1366.png", full_page=True)
    finally:
        context.close()
    english = browser.new_context(
        java_script_enabled=False, locale="en-US", viewport={"width": 390, "height": 844}
    )
    page = english.new_page()
    try:  # the same refusal in English, looked at on a phone and a laptop
        for seed in (3, 4):  # two photos: the same one again would be the first entry, found again
            page.goto(f"{live_server.url}/c/summer")
            fill_entry_form(page, factories.photo(640 + seed, 480))
            page.fill("#email", "hana@example.com")
            page.click("#submit-button")
            page.wait_for_load_state()
        assert "most entries allowed" in page.locator("[data-field=email]").inner_text()
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/shots/walk-customer/entry-limit-nojs-en-{width}.png", full_page=True)
    finally:
        english.close()


@contextlib.contextmanager
def sent_without_javascript(browser, base_url: str, locale: str, photo: bytes, *, before_sending=None):
    """A phone's page without the page's script, after sending the campaign form filled with `photo`;
    `before_sending(context)` runs between filling the form and sending it."""
    context = browser.new_context(
        java_script_enabled=False, locale=locale, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(f"{base_url}/c/summer")
        fill_entry_form(page, photo)
        if before_sending is not None:
            before_sending(context)
        page.click("#submit-button")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def shoot(page, name: str) -> None:
    """Screenshots at 390 and 1366 px, for looking at: /tmp/shots/walk-customer/<name>-<width>.png."""
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shots/walk-customer/{name}-{width}.png", full_page=True)


@ONE_DATABASE
def test_without_javascript_a_storage_failure_comes_back_to_the_form(browser, live_server, app, tmp_path):
    """Storage down while the photo is sent without the page's script: it was Kuchikomi's bare error page;
    now the brand's form, filled as sent but for the photo, the message above it."""
    from campaign.storage import build_storage

    factories.campaign(factories.org())
    blocker = tmp_path / "not-a-folder"  # a real local backend whose root cannot be created
    blocker.write_text("occupied")
    app.extensions["storage"] = build_storage(
        {"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(blocker / "uploads")}
    )
    for locale, says in (("ja-JP", "写真を保存できなかったため"), ("en-US", "We could not save your photo")):
        with sent_without_javascript(browser, live_server.url, locale, factories.photo()) as page:
            assert says in page.locator("#form-message").inner_text()
            assert page.locator("#photo-again").is_visible()  # a browser never refills the photo
            assert page.locator("#caption").input_value() == "Lovely with breakfast"
            assert "/c/summer" in page.url
            shoot(page, f"storage-down-nojs-{locale[:2]}")
    assert db.session.scalar(select(Entry)) is None


@ONE_DATABASE
def test_without_javascript_a_photo_over_the_limit_comes_back_to_the_form(browser, live_server, app):
    """Refused from its headers, the body never read: it was Kuchikomi's error page, which did not say the
    limit; now the brand's form, the limit said by the photo. (A small limit here, for speed.)"""
    factories.campaign(factories.org())
    app.config["MAX_CONTENT_LENGTH"] = 300_000
    big = factories.photo(1600, 1200, quality=100)
    assert len(big) > 300_000
    for locale, says in (("ja-JP", "写真のサイズが20 MBを超えています"), ("en-US", "larger than 20 MB")):
        with sent_without_javascript(browser, live_server.url, locale, big) as page:
            assert says in page.locator("[data-field=photo]").inner_text()
            assert page.locator("#form-message").is_visible() and "/c/summer" in page.url
            shoot(page, f"photo-over-limit-nojs-{locale[:2]}")
    assert db.session.scalar(select(Entry)) is None


def test_without_javascript_a_campaign_closed_meanwhile_says_the_entry_was_not_received(
    browser, live_server, app
):
    from datetime import timedelta

    from campaign.clock import utcnow

    campaign = factories.campaign(factories.org())
    closes = campaign.closes_at

    def close(_context) -> None:
        campaign.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    for locale, says in (
        ("ja-JP", "ご応募は受け付けられませんでした。"),
        ("en-US", "Your entry was not received."),
    ):
        photo = factories.photo()
        with sent_without_javascript(browser, live_server.url, locale, photo, before_sending=close) as page:
            assert says in page.locator(".cp-form").inner_text()
            shoot(page, f"closed-meanwhile-nojs-{locale[:2]}")
        campaign.closes_at = closes  # open again, for the next language
        db.session.commit()
    assert db.session.scalar(select(Entry)) is None


@ONE_DATABASE
def test_without_javascript_an_expired_form_comes_back_empty_on_the_brands_page(browser, live_server, app):
    """Cookies cleared after the page was loaded (the session, and its CSRF token, gone): it was Kuchikomi's
    bare error page; now the brand's form, empty, saying the entry was not sent."""
    factories.campaign(factories.org())

    def clear(context) -> None:
        context.clear_cookies()

    for locale, says in (("ja-JP", "フォームの有効期限が切れていたため"), ("en-US", "This form had expired")):
        photo = factories.photo()
        with sent_without_javascript(browser, live_server.url, locale, photo, before_sending=clear) as page:
            assert says in page.locator("#form-message").inner_text()
            assert page.locator("#caption").input_value() == "" and "/c/summer" in page.url
            shoot(page, f"form-expired-nojs-{locale[:2]}")
    assert db.session.scalar(select(Entry)) is None


@ONE_DATABASE
def test_the_campaign_page_never_scrolls_sideways_on_a_phone(page, live_server, app):
    """Long unbroken text (the draw's commitment hash, ids) wraps inside a 390 px wide screen."""
    from campaign.campaigns.services import launch
    from campaign.clock import utcnow

    launch(factories.campaign(factories.org(), launch=False), now=utcnow())  # commits the draw's seed
    db.session.commit()
    page.goto(f"{live_server.url}/c/summer")
    assert page.locator("code.commitment").count() == 1  # the 64-character SHA-256 commitment is shown
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


@ONE_DATABASE
def test_a_malformed_email_is_reported_before_the_photo_is_sent(page, live_server, app):
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/c/summer")
    fill_entry_form(page, factories.photo())
    page.fill("#email", "not-an-email")
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    page.click("#submit-button")
    page.wait_for_selector("[data-field=email] .field-error")
    assert "This email address is not valid." in page.locator("[data-field=email]").inner_text()
    assert sent == [] and page.locator("#progress").is_hidden()


@ONE_DATABASE
def test_an_emoji_counts_as_one_character_and_nothing_is_cut_silently(page, live_server, app):
    """maxlength=40 counts UTF-16 units: 40 emoji were cut to 20 without a word, and a pasted caption over
    500 characters was cut short; the page now counts as the server does and says what is too long."""
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/c/summer")
    fill_entry_form(page, factories.photo(800, 600))
    page.fill("#nickname", "😀" * 41)
    page.fill("#caption", "あ" * 501)
    page.click("#submit-button")
    assert "at most 40 characters" in page.locator("[data-field=nickname] .field-error").inner_text()
    assert "at most 500 characters" in page.locator("[data-field=caption] .field-error").inner_text()
    assert page.input_value("#caption") == "あ" * 501  # the customer's text, whole, to shorten
    assert db.session.scalar(select(Entry)) is None  # nothing was sent

    page.fill("#nickname", "😀" * 40)
    page.fill("#caption", "🍵" * 500)
    page.click("#submit-button")
    page.wait_for_url("**/s/*", timeout=30_000)
    entry = db.session.scalar(select(Entry))
    assert entry.nickname == "😀" * 40 and entry.caption == "🍵" * 500
    assert page.console_errors == []


@ONE_DATABASE
def test_the_stars_lit_are_the_rating_chosen(page, live_server, app):
    """Choosing two stars lit two to five: the studio's rule (stars in reverse order) lit every star after
    the chosen one on the campaign page, where they run from one to five."""
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/c/summer")
    off = page.locator("label[for=rating-4]").evaluate("l => getComputedStyle(l).color")
    for chosen in (2, 4, 1):
        page.click(f"label[for=rating-{chosen - 1}]")
        page.mouse.move(0, 0)  # no hover
        lit = page.locator(".rating label").evaluate_all(
            "(labels, off) => labels.map(l => getComputedStyle(l).color !== off)", off
        )
        assert lit == [n < chosen for n in range(5)], (chosen, lit)


@ONE_DATABASE
@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_a_campaign_open_to_uploads_and_posts_lists_the_uploads_steps(browser, live_server, app, locale):
    """The steps are the form's; a customer who posted is told to add the link (a walk-through's find)."""
    factories.campaign(
        factories.org(), brand_handle="midori_chaen", hashtags=["お茶"], allows_follow_and_post=True
    )
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/c/summer")
        assert page.locator(".cp-also").is_visible()
        shoot(page, f"steps-both-ways-{locale[:2]}")
    finally:
        context.close()


@ONE_DATABASE
def test_a_long_narrow_photo_is_refused_at_its_field_in_japanese(page, live_server, app):
    """The proportions bound (MAX_PHOTO_ASPECT) is told at the photo, with the photo's size and the bound."""
    factories.campaign(factories.org())
    page.goto(f"{live_server.url}/lang/ja?next=/c/summer")
    fill_entry_form(page, factories.photo(1800, 200))
    page.click("#submit-button")
    page.wait_for_selector("[data-field=photo] .field-error")
    message = page.locator("[data-field=photo] .field-error").inner_text()
    assert "写真が細長すぎます（1800 × 200 ピクセル）" in message and "8倍以内" in message
    page.console_errors.clear()  # Chromium logs the refused post's 422 answer itself
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("[data-field=photo]").scroll_into_view_if_needed()
        page.screenshot(path=f"/tmp/shots/walk-customer/photo-too-narrow-ja-{width}.png")
    assert db.session.scalar(select(Entry)) is None
    assert page.console_errors == []


@ONE_DATABASE
def test_switching_the_language_keeps_what_was_typed_and_asks_for_the_photo_again(page, live_server, app):
    """Walked: tapping 「English」 on a half-filled form emptied it, the photo too. Screenshots:
    /tmp/shots/customer/language-switched-{ja,en}-{390,1366}.png (ja to en, then en to ja)."""
    import os

    factories.campaign(factories.org())
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/lang/ja?next=/c/summer")
    for lang, said in (("en", "please choose it again"), ("ja", "もう一度選んでください")):
        fill_entry_form(page, factories.photo())
        page.click(f".lang a[lang={lang}]")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#photo-again")).to_contain_text(said)  # the page's script has run
        assert page.input_value("#caption") == "Lovely with breakfast"
        assert page.input_value("#nickname") == "sakura"
        assert page.input_value("#email") == "sakura@example.com"
        assert page.is_checked("#rating-4") and page.is_checked("#consent_scopes-0")
        assert page.is_checked("#accepts_terms")
        assert page.evaluate("Object.keys(sessionStorage).filter(k => k.includes('draft'))") == []
        os.makedirs("/tmp/shots/customer", exist_ok=True)
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/shots/customer/language-switched-{lang}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 900})
    photo = {"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": factories.photo()}
    page.set_input_files("#photo", files=[photo])
    page.click("#submit-button")
    page.wait_for_url("**/s/*", timeout=30_000)
    entry = db.session.scalar(select(Entry))
    assert (entry.caption, entry.nickname, entry.rating) == ("Lovely with breakfast", "sakura", 5)
    assert page.console_errors == []


@ONE_DATABASE
def test_switching_the_language_twice_still_asks_for_the_photo(page, live_server, app):
    """Walked: a photo chosen, then 「English」 (the photo asked for again), then 「日本語」 before choosing
    it: the request was gone and the photo field empty, without a word."""
    factories.campaign(factories.org())
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/lang/ja?next=/c/summer")
    fill_entry_form(page, factories.photo())
    page.click(".lang a[lang=en]")
    expect(page.locator("#photo-again")).to_contain_text("please choose it again")
    page.click(".lang a[lang=ja]")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#photo-again")).to_contain_text("もう一度選んでください")
    assert page.input_value("#nickname") == "sakura"
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.includes('draft'))") == []
    assert page.console_errors == []
