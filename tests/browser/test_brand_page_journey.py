"""A customer on a phone, from the brand's campaign page to their status page, in real Chromium.

Screenshots go to /tmp/shots/brandpage/ (390 and 1366 px, ja and en) for a person to look at."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from campaign.entries.models import Entry
from campaign.extensions import db
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.shots import SHOTS, shoot
from tests.browser.waits import images_loaded

pytestmark = [pytest.mark.browser, ONE_DATABASE]
OWNER = "brandpage"
CHECKED = "Array.from(document.querySelectorAll('.stars input')).filter(r => r.checked).map(r => r.value)"
TABBABLE = (
    "Array.from(document.querySelectorAll('.stars input')).filter(r => r.tabIndex === 0).map(r => r.value)"
)
WIDTHS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda err: page.console_errors.append(str(err)))
    yield page
    context.close()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 170, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def entries() -> int:
    db.session.rollback()  # the live server committed in its own session
    return db.session.scalar(select(func.count()).select_from(Entry))


def test_a_customer_on_a_phone_enters_from_the_brand_page(phone, live_server, demo):
    page = phone
    before = entries()
    page.goto(f"{live_server.url}/c/spring-photo")
    hero = page.locator(".cp-hero img")
    assert hero.get_attribute("fetchpriority") == "high" and hero.get_attribute("width")
    assert page.locator("h1").inner_text() == "新茶の季節フォトキャンペーン"
    assert page.locator("#entry-form").bounding_box()["y"] < 844  # the form starts on the first screen
    assert page.locator("#entry-heading").inner_text() == "応募する"
    assert page.locator("#progress").is_hidden()
    assert page.evaluate(WIDTHS)[0] <= 390
    page.screenshot(path=str(SHOTS / OWNER / "journey-1-first-screen-ja-390.png"))

    # Sent empty: every missing field is named at once, before anything is uploaded.
    page.click("#submit-button")
    photo_error = page.locator("[data-field=photo] .field-error")
    assert photo_error.inner_text() == "写真を選んでください。"
    assert (
        page.locator("[data-field=rating] .field-error").inner_text() == "評価を星1〜5つから選んでください。"
    )
    assert page.locator("#photo").get_attribute("aria-invalid") == "true"
    assert page.locator("#progress").is_hidden()
    assert entries() == before
    page.screenshot(path=str(SHOTS / OWNER / "journey-2-missing-ja-390.png"), full_page=True)

    # A HEIC photo cannot be shown by the browser: a neutral box with its name.
    page.set_input_files(
        "#photo", files=[{"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": b"\0" * 64}]
    )
    assert page.locator("#photo-preview.is-placeholder").inner_text().startswith("IMG_0042.HEIC")
    page.set_input_files("#photo", files=[{"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    images_loaded(page.locator("#photo-preview img"))
    assert page.locator("[data-field=photo] .field-error").count() == 0

    # The stars: Right/Up = one more, Left/Down = one fewer, Home/End = one/five; one tab stop.
    page.click("label[for=rating-2]")
    assert page.evaluate(CHECKED) == ["3"]
    for key, expected in (
        ("ArrowRight", "4"),
        ("ArrowUp", "5"),
        ("ArrowUp", "5"),
        ("ArrowLeft", "4"),
        ("ArrowDown", "3"),
        ("Home", "1"),
        ("End", "5"),
    ):
        page.keyboard.press(key)
        assert page.evaluate(CHECKED) == [expected], key
        assert page.evaluate(TABBABLE) == [expected]
    assert page.evaluate("document.activeElement.id") == "rating-4"

    page.fill("#caption", "朝ごはんと一緒に")
    page.fill("#nickname", "さくら")
    page.fill("#email", "sakura@example.com")
    page.check("#consent_scopes-0")
    page.check("#accepts_terms")
    page.screenshot(path=str(SHOTS / OWNER / "journey-3-filled-ja-390.png"), full_page=True)
    page.click("#submit-button")
    page.wait_for_url("**/s/*", timeout=30_000)
    assert "受け付けました" in page.locator("h1").inner_text()
    assert page.evaluate(WIDTHS)[0] <= 390
    page.screenshot(path=str(SHOTS / OWNER / "journey-4-status-ja-390.png"), full_page=True)

    # Withdrawing asks first, in a dialog; keeping the entry changes nothing.
    page.click("#withdraw-link")
    dialog = page.locator("#withdraw-dialog")
    assert dialog.is_visible()
    page.screenshot(path=str(SHOTS / OWNER / "journey-5-withdraw-ja-390.png"))
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert entries() == before + 1 and page.console_errors == []


def test_a_server_error_resets_the_progress_bar(phone, live_server, demo):
    page = phone
    page.goto(f"{live_server.url}/c/spring-photo")
    page.set_input_files(
        "#photo", files=[{"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}]
    )
    page.click("label[for=rating-4]")
    page.fill("#email", "sakura@example.com")
    page.check("#accepts_terms")
    page.click("#submit-button")
    page.wait_for_selector("[data-field=photo] .field-error")
    assert "このファイルは写真ではありません" in page.locator("[data-field=photo]").inner_text()
    assert page.locator("#progress").is_hidden()
    assert page.evaluate("document.getElementById('progress-bar').value") == 0
    assert not page.locator("#submit-button").is_disabled()


def test_screenshots_of_the_brand_pages(page, live_server, demo, studio, app):
    """The campaign page, a status page and the studio's preview, in ja and en, at 390 and 1366 px."""
    from campaign.campaigns.models import Campaign

    shoot(page, f"{live_server.url}/c/spring-photo", "campaign", owner=OWNER)
    for lang in ("ja", "en"):
        page.goto(f"{live_server.url}/c/spring-photo?lang={lang}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate(WIDTHS)[0] <= width
            page.screenshot(path=str(SHOTS / OWNER / f"campaign-first-screen-{lang}-{width}.png"))
    campaign = db.session.scalar(select(Campaign))
    from campaign.auth import services as auth
    from campaign.auth.models import User
    from campaign.orgs import services as orgs
    from campaign.orgs.models import Role

    user = auth.create_user("shots@example.com", factories.PASSWORD, name="shots")
    orgs.add_member(
        campaign.organisation,
        db.session.scalar(select(User).where(User.email == "shots@example.com")),
        Role.EDITOR,
    )
    db.session.commit()
    page.goto(f"{live_server.url}/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/studio/**")
    shoot(page, f"{live_server.url}/studio/campaigns/{campaign.public_id}/preview", "preview", owner=OWNER)
    shoot(page, f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit", "edit", owner=OWNER)
    # the campaign's page in the studio, where its QR code for print now is (not on the customer's page)
    shoot(page, f"{live_server.url}/studio/campaigns/{campaign.public_id}", "studio-campaign", owner=OWNER)
    assert page.locator(".cp-qr img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(f"{live_server.url}/studio/campaigns/{campaign.public_id}/edit?lang=ja")
    page.fill("#brand_color", "green")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]#brand_color")
    assert "ブランドカラーは「#」と16進数6桁で入力してください" in page.content()
    page.screenshot(path=str(SHOTS / OWNER / "edit-bad-colour-ja-1366.png"), full_page=True)
    # a new campaign refused for one field: the images chosen must be chosen again, and it says so
    hero = SHOTS / OWNER / "hero-upload.jpg"
    hero.write_bytes(factories.photo(1800, 900))
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/studio/campaigns/new?lang=ja")
        page.fill("#title", "新茶フォト")
        page.fill("#slug", f"new-tea-{width}")
        page.fill("#opens_at", "2026-12-20T10:00")
        page.fill("#closes_at", "2026-12-10T10:00")  # before it opens: refused by the server
        page.set_input_files("#hero_image", str(hero))
        page.click("form.stack button[type=submit]")
        page.wait_for_selector("#images-again")
        page.locator("#images-again").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / OWNER / f"new-images-again-ja-{width}.png"))


def test_screenshots_of_the_outcome_after_the_draw(page, live_server, client, studio):
    from campaign.draws.models import DrawPick, PickState
    from tests.brandpage.test_customer_flow import _drawn

    links = _drawn(client, studio, [f"p{n}@example.com" for n in range(4)], rejected=["no@example.com"])
    states = {p.entry.email: p.state for p in db.session.scalars(select(DrawPick))}
    for outcome, email in (
        ("won", next(e for e, s in states.items() if s is PickState.NOTIFIED)),
        ("alternate", next(e for e, s in states.items() if s is PickState.WAITING)),
        ("not-drawn", next(e for e in links if e not in states and e != "no@example.com")),
    ):
        shoot(page, live_server.url + links[email], f"status-{outcome}", owner=OWNER)
        assert page.locator("#draw-outcome").is_visible()
        assert page.evaluate(WIDTHS)[0] <= page.evaluate("window.innerWidth")
    shoot(page, live_server.url + links["no@example.com"], "status-rejected-after-draw", owner=OWNER)
    assert page.locator("#draw-outcome").count() == 0  # never in the draw: its page does not speak of it
    assert page.locator("#rejection-reason [lang=en]").inner_text() == "The product is not shown"
