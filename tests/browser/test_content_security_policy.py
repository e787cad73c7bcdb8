"""Issue 11, security 6: the main pages run under the CSP in Chromium with no violation, and the small
behaviours that were inline handlers still work from static/js/site.js."""

from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.auth.models import User
from campaign.extensions import db
from campaign.orgs.models import Role
from campaign.orgs.services import add_member
from tests import factories
from tests.browser.one_database import ONE_DATABASE
from tests.browser.test_moderation_keys import log_in
from tests.browser.waits import images_loaded
from tests.galleries.helpers import Brand
from tests.moderation.conftest import make_team

pytestmark = [pytest.mark.browser, ONE_DATABASE]
SHOTS = Path("/tmp/shots/security")  # noqa: S108 - screenshots for a person to look at

# Installed before any page script: every CSP violation the page or its frames report.
WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def visit(page, url: str, shot: str | None = None, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("load")
    if status != 200:  # Chromium logs the page's own status as a failed load
        page.console_errors.remove(
            f"Failed to load resource: the server responded with a status of {status} (BAD REQUEST)"
        )
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), url
    assert page.evaluate("window.__violations") == [], url
    assert page.console_errors == [], (url, page.console_errors)
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)


def test_the_main_pages_load_under_the_csp_without_a_violation(page, live_server, app):
    team = make_team(app)
    _, status_url = team.entry(email="one@example.com", caption="Lovely tea")
    second, _ = team.entry(email="two@example.com", rating="3")
    brand = Brand(app, team.org, team.campaign, team.studio(Role.OWNER))
    brand.moderate(second, "approve")
    gallery = brand.gallery()
    other = factories.org("brand-b", "Brand B")
    editor = db.session.scalar(select(User).where(User.email == "editor@example.com"))
    add_member(other, editor, Role.EDITOR)  # two organisations: the studio shows the switch
    db.session.commit()
    page.add_init_script(WATCH_CSP)
    base = live_server.url

    visit(page, f"{base}/c/{team.campaign.slug}", "campaign")
    response = page.goto(f"{base}/embed/g/{gallery.public_id}")  # framed by no allowed origin: top level
    assert "frame-ancestors 'self'; default-src 'none'" in response.headers["content-security-policy"]
    images_loaded(page.locator("img"))
    assert page.locator("img").count() == 1 and page.evaluate("window.__violations") == []
    # a page on its own asks for /favicon.ico (404); an iframe does not. The browser asks after the load
    # and logs the 404 whenever it comes back: wait for it, or the next page's check may see it (a full run
    # failed so once).
    page.wait_for_load_state("networkidle")
    page.console_errors.clear()
    visit(page, f"{base}{status_url}?thanks=1", "status-thanks")
    page.focus(".status-link input")
    assert page.evaluate("document.activeElement.selectionEnd") > 20  # site.js selects the link
    log_in(page, base, "editor@example.com")
    visit(page, f"{base}/studio/")
    visit(page, f"{base}/studio/moderation/", "moderation-queue")
    visit(page, f"{base}/studio/moderation/?date_from=0001-01-01", "moderation-bad-date", status=400)
    assert (
        page.locator(".filters .field-error").inner_text()
        == "Enter a date between 2000-01-01 and 2100-12-31."
    )
    visit(page, f"{base}/studio/campaigns/{team.campaign.public_id}/dashboard")
    page.wait_for_selector("#entries-per-day[data-drawn=true]")
    with page.expect_navigation():
        page.select_option("#org-switch", other.public_id)  # site.js submits the switch
    assert page.locator(".org-switch, #org-switch option:checked").first.inner_text() == "Brand B"
    assert page.evaluate("window.__violations") == []
