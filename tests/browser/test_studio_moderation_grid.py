"""The moderation grid in real Chromium: a screenful of entries at 1366×900, a large preview of the current
one, no sideways scroll on a phone, and reasons and states in the reader's language.

Screenshots: /tmp/shots/studio/moderation-{ja,en}-{390,1366}.png
"""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.moderation.conftest import make_team

pytestmark = [pytest.mark.browser, ONE_DATABASE]

FULLY_VISIBLE = """() => [...document.querySelectorAll('.queue-item')].filter(card => {
  const r = card.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
}).length"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
COLOURS = [(200, 60, 40), (30, 140, 200), (60, 160, 90), (230, 180, 40), (120, 80, 170), (240, 240, 235)]


def test_a_screenful_of_entries_and_a_phone_without_sideways_scroll(page, live_server, app):
    team = make_team(app)
    for n in range(14):
        size = (800, 600) if n % 3 else (600, 800)
        team.entry(
            email=f"fan{n}@example.com",
            nickname=f"ファン{n}",
            caption="新しいパッケージ、朝のコーヒーと一緒に。" * (1 + n % 3),
            photo=factories.photo(*size, colour=COLOURS[n % len(COLOURS)]),
        )
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/moderation/campaigns/{team.campaign.public_id}"
    shoot(page, url, "moderation", owner="studio")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url + "?lang=ja")
    page.wait_for_selector(".queue-item.current")
    assert page.evaluate(FULLY_VISIBLE) >= 12
    preview = page.locator("#mod-preview")
    assert preview.is_visible()
    first_large = page.locator(".queue-item").nth(0).get_attribute("data-large")
    assert page.locator("#mod-preview-img").get_attribute("src") == first_large
    page.keyboard.press("j")  # the preview follows the current entry
    second = page.locator(".queue-item").nth(1)
    assert page.locator("#mod-preview-img").get_attribute("src") == second.get_attribute("data-large")
    assert page.locator("#mod-preview-title").text_content().startswith("ファン1")
    assert page.locator("#state option[value=received]").text_content() == "受付済み"
    reasons = page.locator("#bulk-reason option").all_text_contents()
    assert "製品が写っていません" in reasons and not any(" / " in r for r in reasons)

    page.goto(url + "?lang=en")
    page.wait_for_selector(".queue-item.current")
    reasons = page.locator("#bulk-reason option").all_text_contents()
    assert "The product is not visible in the photo" in reasons and not any("製品" in r for r in reasons)

    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("ja", "en"):
        page.goto(f"{url}?lang={lang}")
        page.wait_for_selector(".queue-item.current")
        assert page.evaluate(SIDEWAYS) == 0
        assert not page.locator("#mod-preview").is_visible()  # a phone opens the entry page instead
        state = page.locator(".queue-item .mod-state").first  # read whole, never cut with "…"
        assert state.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.console_errors == [], page.console_errors


def test_an_entry_page_and_the_entries_list_read_as_a_native_would(page, live_server, app):
    """The consent line reads as its own list (was joined with 「; 」), headings take a full-width colon."""
    team = make_team(app)
    entry, _ = team.entry(email="fan@example.com", nickname="ファン", caption="朝のコーヒーと一緒に。")
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/entries/{entry.public_id}"
    shoot(page, url, "entry", owner="studio")
    page.goto(f"{url}?lang=ja")
    consent = page.locator("dt:has-text('同意') + dd").inner_text()
    assert ";" not in consent and "応募規約" in consent
    page.set_viewport_size({"width": 390, "height": 844})
    label, box = (page.locator(f".redact {tag}").bounding_box() for tag in ("label", "textarea"))
    assert box["y"] >= label["y"] + label["height"]  # the label over the box, not squeezed beside it
    listing = f"{live_server.url}/studio/campaigns/{team.campaign.public_id}/entries"
    from campaign.orgs.models import Role
    from tests.moderation.conftest import step

    step(team.studio(Role.EDITOR), entry, "approve")  # the takedown's form: its reason marked required
    shoot(page, url, "entry-approved", owner="studio")
    page.goto(f"{url}?lang=ja")
    assert "必須" in page.locator("label[for=note-withdraw]").inner_text()
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    page.fill("#note-withdraw", "   ")  # spaces pass the browser's check: the page says what is missing
    page.click("form.move-withdraw button[type=submit]")
    page.click("dialog.confirm[open] button[value=confirm]")
    page.wait_for_selector("#note-withdraw-error")
    # the page's deferred script moves the focus to the field once it has loaded: wait for it (on a loaded
    # machine the error was in the page before the script ran, and the focus still on the body)
    expect(page.locator("#note-withdraw")).to_be_focused()
    page.console_errors.clear()  # Chromium logs the refused step's 422 answer itself
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shots/studio/takedown-refused-ja-{width}.png", full_page=True)
    shoot(page, listing, "entries", owner="studio")
    page.goto(f"{listing}?lang=ja")
    assert page.locator("h1").inner_text().startswith("応募一覧：")
    assert page.console_errors == [], page.console_errors


def test_a_refused_redaction_is_told_at_its_field_with_what_was_typed(page, live_server, app):
    """A caption changed beyond ■ comes back on the entry's page, at the field, as typed (it was a bare
    「エラー 400」 page that lost it). Screenshots ja and en, 390 and 1366 px."""
    team = make_team(app)
    entry, _ = team.entry(email="fan@example.com", nickname="ファン", caption="電話は090-1234-5678です")
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/entries/{entry.public_id}"
    for lang, error in (("ja", "■"), ("en", "only replace characters")):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        page.fill("#redacted_caption", "電話は秘密です")
        with page.expect_navigation():
            page.click("form.redact button[type=submit]")
        assert error in page.locator("#redacted_caption-error").inner_text()
        assert page.input_value("#redacted_caption") == "電話は秘密です"
        assert page.evaluate("document.activeElement.id") == "redact-error-summary"
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/shots/studio/redaction-refused-{lang}-{width}.png", full_page=True)
    page.console_errors.clear()  # Chromium logs the refused redaction's 422 answer itself


def test_an_unknown_left_out_reason_is_said_by_the_filters_and_downloads_nothing(page, live_server, app):
    """A link whose "left out of the draw" reason the queue does not know (cut short, typed by hand) showed
    every entry and downloaded them all; the filters now say which one to fix, and the download button
    on that page comes back to the queue with the message instead of a file. Screenshots:
    /tmp/shots/studio/moderation-unknown-left-out-{ja,en}-{390,1366}.png"""
    team = make_team(app)
    team.entry(email="fan@example.com", nickname="ファン", caption="朝のコーヒーと一緒に。")
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/moderation/campaigns/{team.campaign.public_id}?left_out=duplicat"
    page.console_errors.clear()
    shoot(page, url, "moderation-unknown-left-out", owner="studio")
    for lang, message in (
        ("ja", "「抽選の対象外」は一覧にある理由から選んでください。"),
        ("en", "“Left out of the draw”: choose one of the reasons in the list."),
    ):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
        page.goto(url)
        expect(page.locator(".mod-filters .field-error")).to_have_text(message)
        with page.expect_navigation():
            page.click("#export-entries")
        assert "left_out" not in page.url
        expect(page.locator(".flashes .flash")).to_have_text(message)
    page.console_errors.clear()  # Chromium logs the queue's 400 answer itself
