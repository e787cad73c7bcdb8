"""The audit trail in the studio: per entry, per campaign, and as a CSV a spreadsheet opens safely."""

import csv
import io
import re

from campaign.orgs.models import Role
from tests import factories
from tests.moderation.conftest import make_team, step


def test_entry_page_and_campaign_page_show_who_did_what(app, client):
    team = make_team(app)
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve", note="on brand")
    page = editor.client.get(f"/studio/entries/{entry.public_id}?lang=en").text
    assert "Entry approved" in page and "editor@example.com" in page and "on brand" in page
    page = editor.client.get(f"/studio/campaigns/{team.campaign.public_id}/audit?lang=ja").text
    assert "応募を承認" in page and entry.public_id in page
    assert ">entry.approve<" not in page and ">entry<" not in page  # words, never raw codes
    # the page's title says 監査ログ once; the list's own heading is there for screen readers only
    assert '<h2 id="audit-heading" class="visually-hidden">' in page
    entry_page = editor.client.get(f"/studio/entries/{entry.public_id}?lang=ja").text
    assert '<h2 id="audit-heading">監査ログ</h2>' in entry_page  # on the entry's page it heads its section
    link = f'href="/studio/entries/{entry.public_id}"'
    thumb = link + r'[^>]*>\s*<span class="entry-thumb"[^>]*><img src="/media/p/'
    assert re.search(thumb, page)
    viewer = team.studio(Role.VIEWER)
    assert viewer.client.get(f"/studio/campaigns/{team.campaign.public_id}/audit").status_code == 403
    assert "Entry approved" not in viewer.client.get(f"/studio/entries/{entry.public_id}?lang=en").text


def test_csv_export_has_every_column_and_defuses_formulas(app, client):
    team = make_team(app)
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve", note='=HYPERLINK("http://evil.example","click")')
    step(editor, entry, "withdraw", note="+1 complaint from @legal")
    response = editor.client.get(f"/studio/campaigns/{team.campaign.public_id}/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header == ["when", "who", "actor_kind", "organisation", "action", "object_type", "object_id",
                      "before", "after", "reason", "ip_address"]  # fmt: skip
    approve, withdraw = [row for row in body if row[4].startswith("entry.")]  # after campaign.create
    assert approve[1] == "editor@example.com" and approve[3] == "Brand A" and approve[4] == "entry.approve"
    assert approve[6] == entry.public_id and approve[10] == "127.0.0.1"
    assert '"status": "received"' in approve[7] and '"status": "approved"' in approve[8]
    assert approve[9] == '\'=HYPERLINK("http://evil.example","click")'
    assert withdraw[9] == "'+1 complaint from @legal"
    for row in body:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_another_organisations_audit_is_not_found(app, client):
    team = make_team(app)
    theirs = factories.campaign(factories.org("brand-b"), slug="theirs")
    owner = team.studio(Role.OWNER)
    assert owner.client.get(f"/studio/campaigns/{theirs.public_id}/audit").status_code == 404
    assert owner.client.get(f"/studio/campaigns/{theirs.public_id}/audit.csv").status_code == 404
