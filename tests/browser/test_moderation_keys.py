"""A moderator works the queue with the keyboard, and the dashboard chart draws, in real headless Chromium."""

import pytest
from sqlalchemy import select

from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.moderation.conftest import make_team

pytestmark = [pytest.mark.browser, ONE_DATABASE]


def log_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/studio/**")


def test_keyboard_approves_the_next_entry_and_the_chart_draws(page, live_server, app):
    team = make_team(app)
    team.entry(email="one@example.com")
    team.entry(email="two@example.com")
    first, second = db.session.scalars(select(Entry).order_by(Entry.created_at, Entry.id)).all()
    log_in(page, live_server.url, "editor@example.com")
    page.goto(f"{live_server.url}/studio/moderation/")
    page.wait_for_selector(".queue-item.current")
    assert page.console_errors == [], page.console_errors
    assert page.locator(".queue-item.current").get_attribute("data-entry") == first.public_id
    page.keyboard.press("x")
    assert page.locator(f"#q-{first.public_id} input.select").is_checked()
    page.keyboard.press("j")
    assert page.locator(".queue-item.current").get_attribute("data-entry") == second.public_id
    with page.expect_navigation():
        page.keyboard.press("a")
    db.session.expire_all()
    assert db.session.get(Entry, second.id).status is EntryStatus.APPROVED
    assert db.session.get(Entry, first.id).status is EntryStatus.RECEIVED
    assert page.locator(".queue-item").count() == 1  # back on the queue, one left to do

    page.goto(f"{live_server.url}/studio/campaigns/{team.campaign.public_id}/dashboard")
    page.wait_for_selector("#entries-per-day[data-drawn=true]")
    assert page.console_errors == []


def test_a_launch_without_dates_is_refused_on_the_campaigns_page(page, live_server, app):
    """The refusal is said at the top of the campaign's page (it was a bare error page); screenshots of it
    at 390 and 1366 px, in Japanese and English."""
    from tests.browser.shots import SHOTS

    team = make_team(app, two_stage_approval=True, launch=False)
    team.campaign.opens_at = team.campaign.closes_at = None
    db.session.commit()
    log_in(page, live_server.url, "editor@example.com")
    folder = SHOTS / "moderation"
    folder.mkdir(parents=True, exist_ok=True)
    for lang, said in (
        ("ja", "開始日時と終了日時を設定してください"),
        ("en", "Set the opening and closing time"),
    ):
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])  # the switcher's
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/studio/campaigns/{team.campaign.public_id}")
            page.click("form[action$='/launch'] button")
            with page.expect_navigation():
                page.locator("dialog.confirm[open] button[value=confirm]").click()
            assert said in page.locator(".flash-error").inner_text()
            page.screenshot(path=str(folder / f"launch-refused-{lang}-{width}.png"), full_page=True)
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is None


def test_a_viewer_sees_an_entry_without_its_email_address(page, live_server, app):
    """Screenshots of an entry's page as a viewer sees it (the address kept to owners), 390 and 1366 px."""
    from tests.browser.shots import shoot

    team = make_team(app)
    entry, _ = team.entry(email="hana@example.com")
    log_in(page, live_server.url, "viewer@example.com")
    shoot(page, f"{live_server.url}/studio/entries/{entry.public_id}", "entry-as-viewer", owner="moderation")
    assert "hana@example.com" not in page.content()
    assert page.locator("#entry-email").inner_text() == "Shown to owners only"  # the last shot is English


def test_a_card_warns_of_no_consent_and_the_entry_trail_has_its_review(page, live_server, app):
    """Screenshots of the queue, where a card says when approving will publish nothing (no consent to a
    public surface), and of an entry page whose trail includes its review's publication; 390 and 1366 px."""
    from tests.browser.shots import shoot

    team = make_team(app, consent_scopes=["gallery", "review", "social"])
    shown, _ = team.entry(email="hana@example.com", nickname="hana", consent_scopes=["gallery", "review"])
    team.entry(email="ren@example.com", nickname="ren", consent_scopes=["social"])
    log_in(page, live_server.url, "owner@example.com")
    shoot(page, f"{live_server.url}/studio/moderation/", "queue-consent", owner="moderation")
    warned = page.locator(".mod-consent")  # the last shot is English; only ren's card has the warning
    assert warned.count() == 1 and "approving will not publish it" in warned.inner_text()
    with page.expect_navigation():  # approved from its card, then published as a review, as a marketer does
        page.click(f"#q-{shown.public_id} .move-approve button")
    page.goto(f"{live_server.url}/studio/reviews/")
    with page.expect_navigation():
        page.click(f"form.review-publish[action*='{shown.public_id}'] button")
    entry_page = f"{live_server.url}/studio/entries/{shown.public_id}"
    shoot(page, entry_page, "entry-review-trail", owner="moderation")
    assert page.locator('.audit-event[data-action="review.published"]').count() == 1


def test_the_approver_reads_who_recommended_each_entry(page, live_server, app):
    """A walk-through's find: 「推薦者：…」 on every card, the recommender's address cut off. Screenshots of
    the approver's queue, 390 and 1366 px."""
    from tests.browser.shots import shoot
    from tests.moderation.conftest import step

    team = make_team(app, two_stage_approval=True)
    entry, _ = team.entry(email="hana@example.com", nickname="hana")
    assert step(team.studio(Role.EDITOR), entry, "recommend").status_code == 303
    log_in(page, live_server.url, "approver@example.com")
    shoot(page, f"{live_server.url}/studio/moderation/", "queue-recommended", owner="moderation")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        line = page.locator(".recommendation")
        assert "editor@example.com" in line.inner_text()
        assert line.evaluate("p => p.scrollHeight <= p.clientHeight + 1"), f"cut off at {width}"


def test_an_editor_asks_the_approver_to_launch(page, live_server, app):
    """A check's find: the editor's button and its dialog read as a launch ("goes public… seed committed
    now") though only a request is sent. Screenshots of the page and the dialog, 390 and 1366 px."""
    from tests.browser.shots import SHOTS, shoot

    team = make_team(app, two_stage_approval=True, launch=False)
    log_in(page, live_server.url, "editor@example.com")
    url = f"{live_server.url}/studio/campaigns/{team.campaign.public_id}"
    shoot(page, url, "ask-to-launch", owner="moderation")
    page.click("form[action$='/launch'] button")
    dialog = page.locator("dialog[open]")
    assert "Nothing goes public until they do" in dialog.inner_text()  # the last shot is English
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / "moderation" / f"ask-to-launch-dialog-en-{width}.png"))
