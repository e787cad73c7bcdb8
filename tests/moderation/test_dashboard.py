"""The campaign dashboard: counts by state, entries per day in the organisation's zone, local Chart.js."""

import json
import re
from datetime import UTC, datetime

from campaign.dashboard.services import entries_per_day
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.moderation.test_queue import add_entries


def test_counts_by_state_and_the_chart_data(team):
    made = add_entries(team.campaign, 4)
    made[0].status = EntryStatus.APPROVED
    made[1].status = EntryStatus.REJECTED
    db.session.commit()
    page = team.studio(Role.VIEWER).client.get(f"/studio/campaigns/{team.campaign.public_id}/dashboard")
    assert page.status_code == 200
    counts = dict(re.findall(r'data-state="(\w+)">(\d+)<', page.text))
    assert counts == {"received": "2", "recommended": "0", "approved": "1", "rejected": "1", "withdrawn": "0"}
    data = json.loads(re.search(r'id="entries-per-day-data">(.*?)</script>', page.text, re.S).group(1))
    assert sum(data["counts"]) == 4 and len(data["labels"]) == len(data["counts"])
    assert "vendor/chartjs/chart.umd.min.js" in page.text
    assert "<script>" not in page.text  # no inline script: data as JSON, drawing in a static file


def test_days_are_counted_in_the_organisations_time_zone(team):
    made = add_entries(team.campaign, 3)
    # 2026-03-01 15:30 UTC is already 2026-03-02 00:30 in Tokyo.
    made[0].created_at = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    made[1].created_at = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    made[2].created_at = datetime(2026, 3, 2, 14, 59, tzinfo=UTC)
    team.campaign.opens_at = datetime(2026, 3, 1, tzinfo=UTC)
    team.campaign.closes_at = datetime(2026, 3, 4, tzinfo=UTC)
    db.session.commit()
    now = datetime(2026, 3, 10, tzinfo=UTC)
    tokyo = {day.isoformat(): n for day, n in entries_per_day(team.campaign, "Asia/Tokyo", now=now)}
    assert tokyo == {"2026-03-01": 1, "2026-03-02": 2, "2026-03-03": 0, "2026-03-04": 0}
    utc = {day.isoformat(): n for day, n in entries_per_day(team.campaign, "UTC", now=now)}
    assert utc["2026-03-01"] == 2 and utc["2026-03-02"] == 1


def test_chart_js_is_served_locally_with_its_licence(client):
    for path in ("vendor/chartjs/chart.umd.min.js", "vendor/chartjs/LICENSE.md", "js/dashboard.js"):
        with client.get(f"/static/{path}") as response:
            assert response.status_code == 200, path
            if path.endswith("chart.umd.min.js"):
                assert b"Chart.js v4" in response.data[:200]
