"""The campaign form refuses an edit after launch with the reason by its field; archive and restore, in real
headless Chromium, screenshot at 390 and 1366 px."""

import os

import pytest
from sqlalchemy import select

from campaign.campaigns.models import Prize
from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.test_moderation_keys import log_in
from tests.instant.helpers import instant_campaign

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SHOTS = os.environ.get("KUCHIKOMI_SHOTS", "/tmp/shots/edits")


def shoot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_raising_an_instant_win_quantity_after_launch_is_refused_then_archive_and_restore(
    page, live_server, app, language
):
    org = factories.org()
    factories.member(org, "owner@example.com")
    campaign = instant_campaign(org, quantity=2)
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    log_in(page, live_server.url, "owner@example.com")

    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit")
    page.fill("input[name='prizes-0-quantity']", "20")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".form-error")
    message = {"en": "never promises more than the inventory", "ja": "在庫を超えないよう"}[language]
    assert message in page.locator(".form-error").first.inner_text()
    assert page.input_value("input[name='prizes-0-quantity']") == "20"  # what was typed stays to correct
    shoot(page, f"edit-refused-{language}")
    page.console_errors.clear()  # Chromium logs the refused form's 400 answer itself
    db.session.expire_all()
    assert db.session.scalars(select(Prize.quantity)).all() == [2]

    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}")
    page.click("form[action$='/archive'] button")
    page.click("dialog.confirm[open] button[value=confirm]")  # archiving asks first
    page.wait_for_selector("form[action$='/unarchive'] button")
    shoot(page, f"archived-{language}")
    page.click("form[action$='/unarchive'] button")
    page.wait_for_selector("form[action$='/archive'] button")
    assert page.console_errors == [], page.console_errors


def test_a_prize_rows_error_stands_by_the_row(page, live_server, app):
    """With the browser's own checks bypassed, the server's message for a row shows beside its input."""
    org = factories.org()
    factories.member(org, "owner@example.com")
    campaign = factories.campaign(org, launch=False)
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    log_in(page, live_server.url, "owner@example.com")
    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit")
    page.eval_on_selector("form.stack", "form => form.noValidate = true")
    page.fill("input[name='prizes-0-name']", "Tea set")
    page.fill("input[name='prizes-0-quantity']", "0")
    page.click("form.stack button[type=submit]")
    error = page.wait_for_selector("input[name='prizes-0-quantity'][aria-invalid='true'] + .field-error")
    assert "1" in error.inner_text() and "Number" not in error.inner_text()  # WTForms' own words, in ja
    page.console_errors.clear()  # Chromium logs the refused form's 400 answer itself
    shoot(page, "prize-row-error-ja")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_form_with_several_mistakes_shows_each_by_its_field(page, live_server, app, language):
    """Every broken rule at once (not one per save), each by its field and in the summary at the top."""
    org = factories.org()
    factories.member(org, "owner@example.com")
    campaign = factories.campaign(org, launch=False)
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    log_in(page, live_server.url, "owner@example.com")
    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit")
    page.eval_on_selector("form.stack", "form => form.noValidate = true")
    page.fill("input[name='slug']", "Bad Slug")
    page.fill("input[name='opens_at']", "2027-01-31T10:00")
    page.fill("input[name='closes_at']", "2027-01-01T10:00")
    page.fill("input[name='products-0-name']", "Green tea")
    page.fill("input[name='products-0-jan']", "4901234567890")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("input[name='slug'][aria-invalid='true']")
    assert page.get_attribute("input[name='closes_at']", "aria-invalid") == "true"
    words = {"en": "is not valid (check the digits)", "ja": "4901234567890"}[language]
    assert words in page.locator("form.stack").inner_text()
    page.console_errors.clear()  # Chromium logs the refused form's 400 answer itself
    shoot(page, f"several-mistakes-{language}")
    db.session.expire_all()
    assert db.session.get(type(campaign), campaign.id).slug == campaign.slug


def test_a_copys_editor_shows_the_images_it_took_from_its_source(page, live_server, app):
    """複製 keeps the hero, logo and prize images (it dropped them, under the hint 「空欄のままなら現在の
    画像を使います」). Screenshots of the copy's editor, ja and en, 390 and 1366 px."""
    from campaign.brandpage import services as brand_images
    from campaign.entries.processing import media_bounds
    from campaign.storage import get_storage
    from tests.browser.shots import shoot as shoot_both
    from tests.draws.helpers import PRIZES, launched_campaign

    org = factories.org()
    factories.member(org, "owner@example.com")
    source = launched_campaign(org, prizes=PRIZES)
    bounds = media_bounds(app.config)
    prepared = {
        name: brand_images.prepare(factories.photo(*size, colour=colour), bounds)
        for name, size, colour in (("hero", (1600, 800), (40, 110, 60)), ("logo", (400, 400), (200, 60, 40)))
    }
    prize = brand_images.prepare(factories.photo(600, 600, colour=(230, 180, 40)), bounds)
    brand_images.attach(source, get_storage(), **prepared, prizes={0: prize})
    db.session.commit()
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    log_in(page, live_server.url, "owner@example.com")
    page.goto(f"{live_server.url}/studio/campaigns/{source.public_id}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#duplicate")
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/edit")
    assert page.locator("input[name=remove_logo_image]").count() == 1
    shoot_both(page, page.url, "duplicate-copy-editor", owner="edits")


def test_an_editors_change_to_a_signed_off_campaign_is_refused_by_each_field(page, live_server, app):
    """After the client's approver launched it, an editor's change to what customers see is refused by each
    field it touched, what was typed kept. Screenshots: /tmp/shots/edits/signed-off-refused-{390,1366}.png"""
    from campaign.campaigns.models import Campaign

    org = factories.org()
    factories.member(org, "editor@example.com", factories.Role.EDITOR)
    campaign = factories.campaign(org, two_stage_approval=True, description="毎月3名様に当たります。")
    page.context.add_cookies([{"name": "lang", "value": "ja", "url": live_server.url}])
    log_in(page, live_server.url, "editor@example.com")
    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit")
    page.fill("#title", "夏のフォト（延長）")
    page.fill("#description", "全員にプレゼント！")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#title-error")
    said = "お客様に表示される内容を変更できるのはオーナーのみです"
    assert said in page.locator("#title-error").inner_text()
    assert said in page.locator("#description-error").inner_text()
    assert page.input_value("#description") == "全員にプレゼント！"
    shoot(page, "signed-off-refused")
    page.console_errors.clear()  # Chromium logs the refused form's 400 answer itself
    db.session.expire_all()
    assert db.session.scalar(select(Campaign.description)) == "毎月3名様に当たります。"
