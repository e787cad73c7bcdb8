"""The draw certificate and the studio's draw result in Chromium: no sideways scroll on a phone, hashes in
full-width blocks (never a narrow column), photos beside drawn entries.

Screenshots: /tmp/shots/studio/{certificate,draw-result}-{ja,en}-{390,1366}.png
"""

import pytest
from sqlalchemy import select

from campaign.draws.models import Draw
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in
from tests.browser.waits import images_loaded
from tests.draws.helpers import PRIZES, close, enter, launched_campaign, set_status, studio_setup

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
HASH_WIDTH = (
    "sel => Math.min(...[...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect().width))"
)


def test_certificate_and_draw_result_read_well_on_a_phone_and_a_desktop(
    page, live_server, app, client, studio
):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES, title="春の新茶キャンペーン")
    for name in ("hana", "sora", "yui", "ren", "mio"):
        set_status(enter(client, campaign, f"{name}@example.com", nickname=name), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    drawn = studio.post(
        f"/studio/campaigns/{campaign.public_id}/draw",
        {"password": factories.PASSWORD, "beacon": ""},
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )
    assert drawn.status_code == 303, drawn.text
    draw = db.session.scalar(select(Draw))

    url = f"{live_server.url}/draws/{draw.public_id}"
    shoot(page, url, "certificate", owner="studio")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for lang in ("ja", "en"):
            page.goto(f"{url}?lang={lang}")
            assert page.evaluate(SIDEWAYS) == 0
            content = page.evaluate(
                "() => document.querySelector('.certificate').getBoundingClientRect().width"
            )
            assert page.evaluate(HASH_WIDTH, "#seed, #commitment, #digest") >= content - 2  # full width
            assert page.locator("#verify-script").is_visible()
    assert page.locator("a[href$='/api/v1/schemas/draw-certificate.json']").count() == 1

    log_in(page, live_server.url, "drawer@example.com")
    result = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    shoot(page, result, "draw-result", owner="studio")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(result)
    assert page.evaluate(SIDEWAYS) == 0
    page.wait_for_load_state("load")
    assert page.locator(".pick-entry img").count() > 0
    for img in page.locator(".pick-entry img").all():  # lazy: each loads once it is scrolled to
        img.scroll_into_view_if_needed()
    images_loaded(page.locator(".pick-entry img"))
    assert page.console_errors == [], page.console_errors


def test_the_instant_win_certificate_reads_well_on_a_phone(page, live_server, app):
    from datetime import timedelta

    from tests.instant.helpers import instant_campaign, play

    campaign = instant_campaign(factories.org("brand-i", "Brand I"), quantity=2, odds=2, slug="instant")
    for n in range(5):
        play(campaign, f"p{n}@example.com", campaign.opens_at + timedelta(days=3 * n))
    close(campaign)
    url = f"{live_server.url}/c/{campaign.slug}/instant-win"
    shoot(page, url, "instant-certificate", owner="studio")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url + "?lang=ja")
        assert page.evaluate(SIDEWAYS) == 0
        content = page.evaluate("() => document.querySelector('.certificate').getBoundingClientRect().width")
        assert page.evaluate(HASH_WIDTH, "#seed, #commitment") >= content - 2
    assert page.locator("#verify-script").is_visible()
    assert page.console_errors == [], page.console_errors


def test_a_winner_told_in_public_gets_the_claim_message_from_the_draw_screen(
    page, live_server, app, client, studio, social_apis
):
    """X accepted no DM from the brand: the public reply has no claim link, so the draw screen gives the
    marketer the private message to send by hand; the campaign page says winners may hear on X."""
    from tests.fixtures.social_apis import rights_fake
    from tests.rights.test_winner_notice import draw_one_collected_winner

    rights_fake(social_apis.state).x_dm_closed.add("4242")
    pick = draw_one_collected_winner(client, studio, social_apis)
    campaign = pick.draw.campaign
    log_in(page, live_server.url, "drawer@example.com")
    result = f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw"
    for lang in ("ja", "en"):
        page.goto(f"{result}?lang={lang}")
        page.click("details.by-hand-message summary")
        message = page.locator("details.by-hand-message textarea")
        assert "/claim/" in message.input_value() and pick.notice_code in message.input_value()
    shoot(page, result, "draw-by-hand-message", owner="studio")
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{result}?lang=ja")
        page.click("details.by-hand-message summary")
        assert page.evaluate(SIDEWAYS) == 0
        page.screenshot(path=f"/tmp/shots/studio/draw-by-hand-open-ja-{width}.png", full_page=True)
    assert page.console_errors == [], page.console_errors
    # (the campaign page below shows the winner's photo, approved here without moderation's public copies)
    page.goto(f"{live_server.url}/c/{campaign.slug}?lang=ja")
    assert "ダイレクトメッセージまたは返信でお知らせします" in page.locator(".contact-notice").inner_text()
    shoot(page, f"{live_server.url}/c/{campaign.slug}", "campaign-contact-notice", owner="studio")


def test_a_refused_draw_says_why_at_the_password_field(page, live_server, app, client, studio):
    """A wrong password brings the draw screen back with the reason at the field, focused on a phone;
    screenshots: /tmp/shots/studio/draw-refused-{ja,en}-{390,1366}.png"""
    from playwright.sync_api import expect

    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES, title="春の新茶キャンペーン")
    set_status(enter(client, campaign, "hana@example.com", nickname="hana"), EntryStatus.APPROVED)
    close(campaign)
    log_in(page, live_server.url, "drawer@example.com")
    screen = f"/studio/campaigns/{campaign.public_id}/draw"
    for lang, reason in (("ja", "パスワードが正しくありません"), ("en", "Your password was not correct")):
        page.goto(f"{live_server.url}/lang/{lang}?next={screen}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{screen}")
            page.fill("#password", "a guess")
            page.get_by_role("button", name="今すぐ抽選する" if lang == "ja" else "Draw now").click()
            expect(page.locator("#draw-errors")).to_be_focused()
            assert reason in page.locator("#password-error").inner_text()
            assert page.locator("#password").get_attribute("aria-invalid") == "true"
            assert page.evaluate(SIDEWAYS) == 0
            page.screenshot(path=f"/tmp/shots/studio/draw-refused-{lang}-{width}.png", full_page=True)
    assert db.session.scalar(select(Draw)) is None


def test_each_screen_states_the_campaign_s_own_draw_rule_on_a_phone_and_a_desktop(
    page, live_server, app, client, studio
):
    """The walk-through's campaign (4 people, 2 + 3 winners, 2 alternates each), launched now (v2: every
    winner before any alternate) and launched before v2 (v1 kept): the certificate's walk, the draw screen's
    rule and shortfall, and the campaign page's draw section, before and after the draw.

    Screenshots: /tmp/shots/studio/rule-{v2,v1}-{certificate,draw,campaign}-{ja,en}-{390,1366}.png, and
    the parts that state the rule alone, at 390 px: rule-{v2,v1,open}-{campaign,draw,certificate}-section-
    {ja,en}.png (the campaign page's draw section, the draw screen's shortfall, the certificate's steps)."""
    from campaign.draws import algorithm
    from tests.draws.helpers import GIFT, MUG, walk_through

    org, _ = studio_setup()
    studio.login("drawer@example.com", factories.PASSWORD)
    log_in(page, live_server.url, "drawer@example.com")
    shots = "/tmp/shots/studio"
    opened = launched_campaign(org, slug="shincha-open", title="春の新茶キャンペーン", prizes=PRIZES)
    for tag, version, campaign in [
        ("v2", None, None),
        ("v1", algorithm.V1, None),
        ("open", None, opened),
    ]:
        if campaign is None:
            campaign, draw = walk_through(client, studio, org, slug=f"shincha-{tag}", launched_under=version)
            screens = {
                "certificate": f"{live_server.url}/draws/{draw.public_id}",
                "draw": f"{live_server.url}/studio/campaigns/{campaign.public_id}/draw",
            }
        else:
            screens = {}
        screens["campaign"] = f"{live_server.url}/c/{campaign.slug}"
        for name, url in screens.items():
            shoot(page, url, f"rule-{tag}-{name}", owner="studio")
        page.set_viewport_size({"width": 390, "height": 900})
        for lang in ("ja", "en"):
            for name, url in screens.items():
                errors = len(page.console_errors)
                page.goto(f"{url}?lang={lang}")
                assert page.evaluate(SIDEWAYS) == 0, (tag, name, lang)
                if name != "campaign":  # its photos, approved here without moderation's public copies, 404
                    assert page.console_errors[errors:] == [], (tag, name, lang)
                part = {"campaign": ".draw-facts", "draw": "#draw-shortfall", "certificate": ".cert-steps"}[
                    name
                ]
                page.locator(part).screenshot(path=f"{shots}/rule-{tag}-{name}-section-{lang}.png")
        if tag == "open":
            continue
        page.goto(f"{screens['draw']}?lang=ja")
        shortfall = page.locator("#draw-shortfall").inner_text()
        assert f"{MUG}：当選者 3名のうち {2 if tag == 'v2' else 0}名を抽選" in shortfall
        assert ("kuchikomi-draw-v1" in shortfall) == (tag == "v1")
        page.goto(f"{screens['certificate']}?lang=ja")
        assert page.locator(".cert-prize").first.locator("h3").inner_text() == GIFT
