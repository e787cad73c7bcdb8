"""The screens a walk-through (an agency editor, a client approver) found wanting, in real Chromium, each
shot in ja and en at 390 and 1366 px (/tmp/shots/sign-off/): the new campaign's sign-off, the approver's
campaign page, and the draw's hand check, whose exclusion now asks first."""

import pytest
from sqlalchemy import select

from campaign.draws.models import PickState
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import SHOTS, shoot
from tests.browser.test_moderation_keys import log_in
from tests.draws.helpers import drawn_awaiting_check
from tests.moderation.conftest import make_team

pytestmark = [pytest.mark.browser, ONE_DATABASE]
OWNER = "sign-off"


def shoot_here(page, name: str) -> None:
    """The page as it is now (a form sent back, a dialog open), at both widths, named as `shoot` names."""
    folder = SHOTS / OWNER
    folder.mkdir(parents=True, exist_ok=True)
    lang = page.evaluate("document.documentElement.lang")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)


def test_an_editor_meets_the_sign_off_ticked_and_cannot_untick_it(page, live_server, app):
    make_team(app)
    log_in(page, live_server.url, "editor@example.com")
    shoot(page, f"{live_server.url}/studio/campaigns/new", "new-campaign-editor", owner=OWNER)
    page.goto(f"{live_server.url}/studio/campaigns/new?lang=ja")
    assert page.is_checked("#two_stage_approval")
    assert "承認者による承認をオフにできるのは" in page.inner_text("#two_stage_approval-hint")
    page.eval_on_selector("form.stack", "form => form.noValidate = true")
    page.fill("#title", "秋のフォト")
    page.fill("#slug", "aki")
    page.uncheck("#two_stage_approval")
    page.click("form.stack button[type=submit]")
    error = page.wait_for_selector(".error-summary")
    assert "承認者による承認をオフにできるのは、承認者またはオーナーのみです。" in error.inner_text()
    page.console_errors.clear()  # Chromium logs the refused form's 400 answer itself
    shoot_here(page, "new-campaign-editor-refused")


def test_the_approver_approves_with_the_page_in_view(page, live_server, app):
    team = make_team(
        app,
        two_stage_approval=True,
        launch=False,
        title="秋の紅茶フォトコンテスト",
        description="お気に入りのカップで紅茶を楽しむ写真を投稿してください。\n抽選で10名様に茶葉セットをお届けします。",
        terms_text="・ご自身で撮影した写真に限ります。\n・応募は1日1回までです。\n" * 6,
        terms_version="2030-09",
    )
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert team.studio(Role.EDITOR).post(f"{url}/launch").status_code in (302, 303)
    log_in(page, live_server.url, "approver@example.com")
    shoot(page, f"{live_server.url}{url}", "campaign-approver", owner=OWNER)
    page.goto(f"{live_server.url}{url}?lang=ja")
    page.click("#fact-terms summary")
    assert page.is_visible("#fact-terms details .page-text")
    shoot_here(page, "campaign-approver-terms-open")
    page.click("#approve-preview")
    page.wait_for_selector("#preview-banner")
    assert "お気に入りのカップで紅茶を楽しむ写真" in page.content()
    assert page.console_errors == [], page.console_errors


def test_excluding_a_checked_winner_asks_first(page, live_server, app, client, studio):
    campaign, winner = drawn_awaiting_check(client, studio)
    draw_page = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    log_in(page, live_server.url, "drawer@example.com")
    shoot(page, draw_page, "draw-hand-check", owner=OWNER)
    page.goto(f"{draw_page}?lang=ja")
    form = f"form[action$='/picks/{winner.public_id}/check']"
    page.click(f"{form} button[name=failed], {form} input[name=failed]")
    dialog = page.wait_for_selector("dialog.confirm[open]")
    assert "当選から除外しますか" in dialog.inner_text()
    shoot_here(page, "draw-exclude-dialog")
    page.click("dialog.confirm[open] button[value=cancel]")  # cancelled: nothing is sent
    db.session.expire_all()
    assert db.session.get(type(winner), winner.id).state is PickState.CHECKING

    page.click(f"{form} button[name=failed], {form} input[name=failed]")
    page.click("dialog.confirm[open] button[value=confirm]")
    page.wait_for_selector(f"tr[data-pick='{winner.public_id}'][data-state='excluded']")
    db.session.expire_all()
    assert db.session.scalar(select(type(winner).state).where(type(winner).id == winner.id)) is (
        PickState.EXCLUDED
    )
    shoot_here(page, "draw-after-exclusion")
    assert page.console_errors == [], page.console_errors
