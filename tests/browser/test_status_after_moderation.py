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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_approved_entry_the_draw_left_out_reads_as_such(page, live_server, app, client):
    from campaign.entries.status_links import status_token
    from tests import factories
    from tests.draws.helpers import close
    from tests.moderation.test_not_duplicate import flagged_team

    team, _, copy = flagged_team(app, client)
    close(team.campaign)
    url = f"/studio/campaigns/{team.campaign.public_id}/draw"
    owner = team.studio(Role.OWNER)
    assert owner.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    status = f"{live_server.url}/s/{status_token(app.secret_key, copy.public_id)}"
    shoot(page, status, "status-left-out-of-the-draw", owner="moderation")
    page.goto(f"{status}?lang=ja")
    assert page.locator("#draw-left-out").inner_text().startswith("この応募は、キャンペーンの応募規約により")
    assert page.console_errors == []
