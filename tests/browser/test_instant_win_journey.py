"""A customer on a phone plays an instant win, loses, withdraws, and tries again with the same address: the
form says why not, and keeps what was typed (a walk-through re-rolled until it won). Screenshots at 390 and
1366 px."""

import pytest

from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import SHOTS
from tests.browser.test_brand_page_journey import jpeg, phone  # noqa: F401 (the phone fixture)
from tests.instant.helpers import instant_campaign

pytestmark = [pytest.mark.browser, ONE_DATABASE]
FOLDER = SHOTS / "instant"


def send_form(page, url: str, email: str) -> None:
    page.goto(url)
    page.set_input_files("#photo", files=[{"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.click("label[for=rating-4]")
    page.fill("#email", email)
    page.check("#accepts_terms")
    page.click("#submit-button")


def test_a_customer_who_withdrew_a_losing_play_is_told_why_they_cannot_play_again(phone, live_server, app):  # noqa: F811
    page = phone
    FOLDER.mkdir(parents=True, exist_ok=True)
    campaign = instant_campaign(factories.org(), quantity=1, odds=1_000_000, entries_per_person=1)
    url = f"{live_server.url}/c/{campaign.slug}"
    send_form(page, url, "mai@example.com")
    page.wait_for_url("**/s/*", timeout=30_000)
    assert "残念ながら" in page.locator("#instant-result").inner_text()

    page.click("#withdraw-link")
    effects = page.locator("#withdraw-dialog .withdraw-effects").inner_text()
    assert "インスタントウィンに参加できる回数には、この応募の分も含まれます" in effects.replace("\n", "")
    assert "抽選" not in effects and "改めてご応募" not in effects  # no draw here, and no second play
    page.screenshot(path=str(FOLDER / "withdraw-dialog-ja-390.png"))
    with page.expect_navigation():
        page.click("#withdraw-dialog button[type=submit]")

    send_form(page, url, "mai@example.com")
    error = page.locator("#form-message")  # the page's script shows the refusal above the form
    error.wait_for()
    assert "すでに上限の1回まで参加されています" in error.inner_text()
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 844})
        error.scroll_into_view_if_needed()
        page.screenshot(path=str(FOLDER / f"played-already-ja-{width}.png"))
    assert page.input_value("#email") == "mai@example.com"
    assert all("409" in error for error in page.console_errors), page.console_errors  # Chromium logs the
    # refused post's answer itself; nothing else


def test_the_studio_page_of_an_instant_win_says_how_it_runs(page, live_server, app):
    """No "Close now" on an instant win, and why; who approves and how prizes are given, in its facts."""
    from campaign.orgs.models import Role
    from tests.browser.shots import shoot
    from tests.browser.test_moderation_keys import log_in

    org = factories.org()
    factories.member(org, "owner@example.com", Role.OWNER)
    campaign = instant_campaign(org, quantity=2, odds=3, two_stage_approval=True)
    log_in(page, live_server.url, "owner@example.com")
    shoot(
        page, f"{live_server.url}/studio/campaigns/{campaign.public_id}", "studio-campaign", owner="instant"
    )
    assert page.locator("#close-now").count() == 0
    assert page.locator("#fact-prizes").inner_text() == "Instant win: one lucky entry in 3, at once"
    assert page.locator("#instant-runs-to-close").is_visible()


def test_marking_a_prize_shipped_asks_first(page, live_server, app, client, studio):
    """A walk-through's find: one click on 「発送済みにする」 was final. The winners page (the nickname
    leads to the entry, the id small beneath, the address upright) asks first; Cancel changes nothing."""
    from campaign.entries import status_links
    from tests.browser.shots import shoot
    from tests.browser.test_moderation_keys import log_in
    from tests.conftest import csrf_from
    from tests.draws.test_winners import ADDRESS
    from tests.instant.helpers import SECRET
    from tests.instant.test_fulfilment import approve, play_of, winning_campaign

    campaign, winner, _ = winning_campaign(client, studio)
    approve(studio, winner)
    status_path = f"/s/{status_links.status_token(SECRET, winner.public_id)}"
    form = client.get(status_path)
    client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(form.text)})
    log_in(page, live_server.url, "drawer@example.com")
    listing = f"{live_server.url}/studio/campaigns/{campaign.public_id}/instant-winners"
    shoot(page, listing, "winners", owner="instant")
    assert page.locator("address").evaluate("a => getComputedStyle(a).fontStyle") == "normal"
    page.click("form[action$='/shipped'] button")
    dialog = page.locator("dialog[open]")
    assert "cannot be undone" in dialog.inner_text()
    page.screenshot(path=str(FOLDER / "ship-confirm-en-1366.png"))
    page.keyboard.press("Escape")
    assert play_of(winner).shipped_at is None
    page.click("form[action$='/shipped'] button")
    with page.expect_navigation():
        page.locator("dialog[open] [data-confirm-ok]").click()
    db.session.expire_all()
    assert play_of(winner).shipped_at is not None


def test_the_queue_marks_an_instant_winner(page, live_server, app, client, studio):
    """Screenshots of the moderation queue with a winning entry marked, 390 and 1366 px."""
    from tests.browser.shots import shoot
    from tests.browser.test_moderation_keys import log_in
    from tests.instant.test_fulfilment import winning_campaign

    campaign, winner, _ = winning_campaign(client, studio)
    log_in(page, live_server.url, "drawer@example.com")
    shoot(
        page,
        f"{live_server.url}/studio/moderation/campaigns/{campaign.public_id}",
        "queue-won",
        owner="instant",
    )
    flag = page.locator(f"#q-{winner.public_id} .mod-won")
    assert flag.inner_text() == "Instant winner" and page.locator(".mod-won").count() == 1


def test_a_full_width_address_typed_on_a_phone_is_sent(phone, live_server, app):  # noqa: F811
    """A check's find: an address typed in full-width mode was refused by the page's script as not an
    address, though the server reads it as hana@example.com."""
    from sqlalchemy import select

    from campaign.entries.models import Entry

    campaign = instant_campaign(factories.org(), quantity=1, odds=1_000_000)
    send_form(phone, f"{live_server.url}/c/{campaign.slug}", "ｈａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    phone.wait_for_url("**/s/*", timeout=30_000)
    db.session.rollback()  # the live server committed in its own session
    assert db.session.scalar(select(Entry.email)) == "hana@example.com"
