"""The customer's status page after the brand's moderation: a takedown, and an approval that stays private."""

import pytest

from campaign.orgs.models import Role
from tests.browser.shots import shoot
from tests.moderation.conftest import make_team, step

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_takedown_and_a_private_approval_read_as_what_happened(page, live_server, app):
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    taken, taken_url = team.entry(email="one@example.com")
    kept, kept_url = team.entry(email="two@example.com", consent_scopes=[])
    for entry in (taken, kept):
        assert step(editor, entry, "approve").status_code == 303
    assert step(editor, taken, "withdraw", note="the brand's legal team asked").status_code == 303

    shoot(page, f"{live_server.url}{taken_url}", "status-taken-down", owner="moderation")
    assert page.locator("#entry-status").inner_text() == "Removed from public view by the organiser"
    assert page.locator("#withdraw-link").is_visible()  # the customer may still withdraw it for good
    page.goto(f"{live_server.url}{taken_url}?lang=ja")
    assert page.locator("#entry-status").inner_text() == "主催者により非公開"

    shoot(page, f"{live_server.url}{kept_url}", "status-approved-private", owner="moderation")
    assert page.locator("#entry-status").inner_text() == "Approved"
    assert "did not agree to it being shown" in page.locator("#not-shown").inner_text()
    assert page.console_errors == []
