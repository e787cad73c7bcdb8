"""A customer whose entry the brand took down can still withdraw it for good, from the status page."""

import pytest

from campaign.extensions import db
from campaign.orgs.models import Role
from tests.browser.shots import shoot
from tests.moderation.conftest import make_team, step

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_status_page_of_a_taken_down_entry_offers_the_final_withdrawal(page, live_server, app):
    team = make_team(app)
    entry, status_url = team.entry()
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    step(editor, entry, "withdraw", note="complaint")
    shoot(page, f"{live_server.url}{status_url}", "status-taken-down")
    assert page.console_errors == []
    page.click("#withdraw-link")  # the question comes first, in a dialog
    with page.expect_navigation():
        page.click("#withdraw-dialog-confirm")
    db.session.refresh(entry)
    assert entry.withdrawn_by == "customer"
    assert page.locator("text=Withdraw my entry").count() == 0
