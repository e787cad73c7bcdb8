"""Accounts in Chromium: forgot password, the reset form, the members page with an invitation pending,
accepting an invitation, and the settings page — at 390 and 1366 px, in Japanese and English."""

import pytest
from sqlalchemy import select

from campaign.extensions import db
from campaign.orgs.models import Membership, Role
from tests import factories
from tests.accounts.helpers import INVITE_RE, RESET_RE, link_in
from tests.browser.shots import shoot
from tests.browser.test_moderation_keys import log_in

pytestmark = pytest.mark.browser
OWNER = "accounts"
NEW = "a brand new passphrase"


def fits_a_phone(page, url: str) -> None:
    """No sideways scroll at 390 px, in either language."""
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("ja", "en"):
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} ({lang}) is {width} px wide on a phone"


@pytest.fixture
def brand(app):
    org = factories.org("tea-house", "山田茶舗")
    factories.member(org, "owner@example.com", Role.OWNER)
    factories.member(org, "editor@example.com", Role.EDITOR)
    return org


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_forgot_password_and_the_reset_form(page, live_server, app, brand, smtp_server):
    shoot(page, f"{live_server.url}/login", "login", owner=OWNER)
    page.click("#forgot-link")
    page.wait_for_url("**/password/forgot**")
    shoot(page, f"{live_server.url}/password/forgot", "forgot", owner=OWNER)
    fits_a_phone(page, f"{live_server.url}/password/forgot")
    page.fill("#email", "owner@example.com")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("#reset-sent").count() == 1
    page.screenshot(path=f"/tmp/shots/{OWNER}/reset-sent-en-390.png", full_page=True)
    path = link_in(smtp_server.to("owner@example.com")[0], RESET_RE)
    shoot(page, f"{live_server.url}{path}", "reset-form", owner=OWNER)
    fits_a_phone(page, f"{live_server.url}{path}")
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator(".field-error").count() == 1
    page.screenshot(path=f"/tmp/shots/{OWNER}/reset-refused-ja-390.png", full_page=True)
    page.fill("#password", NEW)
    page.fill("#confirm", NEW)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_url("**/login")
    assert page.locator(".flash").count() == 1
    shoot(page, f"{live_server.url}{path}", "reset-used", owner=OWNER)
    assert page.locator("#link-problem").count() == 1
    # the refused password and the used link answer 400 on purpose; nothing else may fail
    assert [e for e in page.console_errors if "status of 400" not in e] == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_members_invitation_acceptance_and_settings(page, browser, live_server, app, brand, smtp_server):
    log_in(page, live_server.url, "owner@example.com")
    if page.locator(".menu-toggle").is_visible():  # on a phone the studio links sit behind the menu button
        page.click(".menu-toggle")
    page.click("a[href='/studio/members']")
    page.wait_for_url("**/studio/members")
    page.fill("#email", "hanako@example.com")
    page.select_option("#role", "approver")
    page.select_option("#locale", "ja")
    with page.expect_navigation():
        page.click("#invite button[type=submit]")
    assert page.locator("#pending .member-row").count() == 1
    shoot(page, f"{live_server.url}/studio/members", "members", owner=OWNER)
    fits_a_phone(page, f"{live_server.url}/studio/members")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#members .member-row:nth-child(2) summary")  # the confirmation before removing
    page.screenshot(path=f"/tmp/shots/{OWNER}/members-remove-open-en-390.png", full_page=True)

    shoot(page, f"{live_server.url}/studio/account", "settings", owner=OWNER)
    fits_a_phone(page, f"{live_server.url}/studio/account")

    invitee = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    path = link_in(smtp_server.to("hanako@example.com")[0], INVITE_RE)
    shoot(invitee, f"{live_server.url}{path}", "invitation", owner=OWNER)
    fits_a_phone(invitee, f"{live_server.url}{path}")
    invitee.goto(f"{live_server.url}{path}?lang=ja")
    invitee.fill("#name", "山田 花子")
    invitee.fill("#password", NEW)
    invitee.fill("#confirm", NEW)
    with invitee.expect_navigation():
        invitee.click("#accept-new button[type=submit]")
    invitee.wait_for_url("**/studio/")
    invitee.screenshot(path=f"/tmp/shots/{OWNER}/invitation-accepted-ja-390.png", full_page=True)
    joined = db.session.scalar(
        select(Membership).join(Membership.user).where(Membership.user.has(email="hanako@example.com"))
    )
    assert joined.role is Role.APPROVER
    shoot(invitee, f"{live_server.url}{path}", "invitation-used", owner=OWNER)
    invitee.context.close()
    assert page.console_errors == []
