"""The customer's erasure (status, confirmation, erased) and the owners' Personal data page, in Chromium."""

import pytest

from campaign.extensions import db
from campaign.orgs.models import Role
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.moderation.conftest import make_team

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_customer_confirms_then_sees_the_entry_erased(page, live_server, app):
    team = make_team(app)
    entry, status_url = team.entry()
    shoot(page, f"{live_server.url}{status_url}", "status-with-erase", owner="retention")
    page.goto(f"{live_server.url}{status_url}/withdraw")
    with page.expect_navigation():
        page.click("#withdraw-confirm")
    assert page.locator("#entry-withdrawn").is_visible()
    shoot(page, f"{live_server.url}{status_url}?done=withdrawn", "status-withdrawn", owner="retention")
    shoot(page, f"{live_server.url}{status_url}/erase", "erase-confirm", owner="retention")
    assert page.console_errors == []
    with page.expect_navigation():
        page.click("#erase-confirm")
    db.session.refresh(entry)
    assert entry.erased_at is not None
    assert page.locator("#entry-erased").count() == 1
    assert page.locator("#back-to-campaign").is_visible()  # the way back to the campaign, to enter again
    shoot(page, f"{live_server.url}{status_url}?done=erased", "status-erased", owner="retention")
    assert page.console_errors == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_entry_erased_by_retention_says_so_not_that_it_was_withdrawn(page, live_server, app):
    from campaign.clock import utcnow
    from campaign.privacy.erasure import erase_data

    team = make_team(app)
    entry, status_url = team.entry()
    erase_data(entry, utcnow(), by="retention")  # an entry never shown: its status stays
    db.session.commit()
    shoot(page, f"{live_server.url}{status_url}", "status-retention-erased", owner="retention")
    text = page.locator("#entry-erased").inner_text()
    assert "保存期間が過ぎた" in text or "the time we keep its entries' data has passed" in text
    assert "withdrawn" not in text and "取り下げ" not in text
    assert page.console_errors == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_kept_published_photo_says_its_original_is_gone_on_its_studio_page(page, live_server, app):
    from campaign.entries.models import ERASED_ORIGINAL

    team = make_team(app)
    entry, _ = team.entry()
    entry.original_key = ERASED_ORIGINAL + entry.public_id  # as retention leaves a photo it keeps published
    db.session.commit()
    log_in(page, live_server.url, "owner@example.com")
    shoot(
        page, f"{live_server.url}/studio/entries/{entry.public_id}", "entry-original-gone", owner="retention"
    )
    assert page.locator("#original-gone").is_visible()
    assert page.request.get(f"{live_server.url}/studio/entries/{entry.public_id}/original").status == 404
    assert page.console_errors == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_personal_data_page_refuses_an_erasure_not_confirmed(page, live_server, app):
    make_team(app)
    log_in(page, live_server.url, f"{Role.OWNER.value}@example.com")
    shoot(page, f"{live_server.url}/studio/privacy", "privacy-page", owner="retention")
    assert page.console_errors == []
    page.fill("#email", "someone@example.com")
    page.click("#request-erase")
    with page.expect_navigation():
        page.click("dialog.confirm[open] button[value=confirm]")  # erasing asks first
    assert page.locator(".field-error").count() == 1  # the 400 answer, with the box to tick named
    page.screenshot(path="/tmp/shots/retention/privacy-refused-en-1366.png", full_page=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_request_by_an_x_account_with_a_wrong_name_says_so_in_japanese(page, live_server, app):
    make_team(app)
    log_in(page, live_server.url, f"{Role.OWNER.value}@example.com")
    page.goto(f"{live_server.url}/lang/ja?next=/studio/privacy")  # the language switcher, as a person would
    assert page.console_errors == []  # (the refusal below is a 400, which Chromium logs)
    page.select_option("#kind", "x")
    page.fill("#email", "さくら tea")
    with page.expect_navigation():
        page.click("#request-export")
    assert "@hanako_tea のように" in page.locator(".field-error").first.inner_text()
    assert page.locator("#kind").input_value() == "x"  # what was chosen stays chosen
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shots/retention/privacy-account-refused-ja-{width}.png", full_page=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_export_that_finds_nothing_says_so_on_the_page(page, live_server, app):
    """It downloaded an empty zip without a word; now the page says nothing is held and no file comes."""
    make_team(app)
    log_in(page, live_server.url, f"{Role.OWNER.value}@example.com")
    for lang, words in (("ja", "書き出す個人データはありません"), ("en", "Nothing to export")):
        page.goto(f"{live_server.url}/lang/{lang}?next=/studio/privacy")  # the language switcher
        page.fill("#email", "nobody@example.com")
        with page.expect_navigation():
            page.click("#request-export")
        assert words in page.locator("main").inner_text()
        assert page.url.endswith("/studio/privacy")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=f"/tmp/shots/retention/privacy-nothing-held-{lang}-{width}.png", full_page=True
            )
    assert page.console_errors == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_owner_sees_the_requests_answered_and_finds_a_persons_earlier_ones(page, live_server, app):
    team = make_team(app)
    team.entry(email="hana@example.com", nickname="はな")
    team.entry(email="taro@example.com")
    log_in(page, live_server.url, f"{Role.OWNER.value}@example.com")
    page.goto(f"{live_server.url}/studio/privacy")
    for email in ("hana@example.com", "taro@example.com"):
        page.fill("#email", email)
        with page.expect_download():
            page.click("#request-export")
    page.fill("#email", "hana@example.com")
    page.check("#confirm")
    page.click("#request-erase")
    with page.expect_navigation():
        page.click("dialog.confirm[open] button[value=confirm]")
    page.go_back()  # the form before the erasure: the tick that guards the next erasure is not restored
    assert not page.is_checked("#confirm") and page.input_value("#email") == ""
    page.go_forward()
    actions = page.locator("#history .audit-event").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["privacy.erase", "privacy.export", "privacy.export"]
    assert "hana" not in page.locator("#history").inner_text()
    shoot(page, f"{live_server.url}/studio/privacy", "privacy-history", owner="retention")

    headings = (("ja", "メールアドレス・アカウントについての過去の請求"), ("en", "Earlier requests about"))
    for lang, heading in headings:
        page.goto(f"{live_server.url}/lang/{lang}?next=/studio/privacy")
        page.fill("#email", "Hana@Example.com")
        with page.expect_navigation():
            page.click("#request-history")
        assert page.url.endswith("/studio/privacy/history#history")  # the address is not in the URL
        assert heading in page.locator("#history h2").first.inner_text()
        found = page.locator("#history .audit-event").evaluate_all("els => els.map(e => e.dataset.action)")
        assert found == ["privacy.erase", "privacy.export"]  # hana's, not taro's
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=f"/tmp/shots/retention/privacy-person-history-{lang}-{width}.png", full_page=True
            )
    assert page.console_errors == []
