"""Before the irreversible draw, the draw screen says how many entries take part and how many are left out,
by reason, as the draw itself will; approved entries left out as duplicate photos are called out, and each
reason links to the moderation queue filtered to its entries (a walk-through's find: two approved entries
flagged as duplicates were left out of a draw with no word anywhere but the audit pack)."""

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from campaign.draws import exclusions
from campaign.draws.models import Draw, DrawPlan, Eligibility
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.draws.helpers import close, distinct_photo, enter, launched_campaign, set_status, studio_setup


def _campaign_with_every_list_reason(client):
    """Approved: a, b, and c, whose photo is a's (flagged by the pipeline); rejected, withdrawn, waiting for
    review, and an approved entry dated before the campaign opened."""
    org, _ = studio_setup()
    campaign = launched_campaign(org)
    a = enter(client, campaign, "a@example.com", photo=distinct_photo("a"))
    b = enter(client, campaign, "b@example.com")
    c = enter(client, campaign, "c@example.com", photo=distinct_photo("a"))
    assert c.duplicate_of_id == a.id
    rejected = enter(client, campaign, "r@example.com")
    withdrawn = enter(client, campaign, "w@example.com")
    waiting = enter(client, campaign, "q@example.com")
    early = enter(client, campaign, "e@example.com")
    for entry in (a, b, c, early):
        set_status(entry, EntryStatus.APPROVED)
    set_status(rejected, EntryStatus.REJECTED)
    set_status(withdrawn, EntryStatus.WITHDRAWN)
    early.created_at = campaign.opens_at - timedelta(minutes=1)
    db.session.commit()
    close(campaign)
    entries = {"a": a, "b": b, "dup": c, "rejected": rejected, "withdrawn": withdrawn}
    return campaign, {**entries, "waiting": waiting, "early": early}


def _preview_section(html: str) -> str:
    found = re.search(r'<section class="draw-preview".*?</section>', html, re.S)
    assert found, "no summary before the draw"
    return found.group(0)


def _rows(section: str) -> dict[str, tuple[str, str]]:
    """Each reason's row: its count and its link."""
    rows = {}
    for reason, body in re.findall(r'<tr data-reason="(\w+)">(.*?)</tr>', section, re.S):
        count = re.search(r'<td class="count">(\d+)</td>', body).group(1)
        link = re.search(r'href="([^"]+)"', body).group(1).replace("&amp;", "&")
        rows[reason] = (count, link)
    return rows


def test_the_draw_screen_counts_who_takes_part_and_who_is_left_out_as_the_draw_then_does(client, studio):
    campaign, e = _campaign_with_every_list_reason(client)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    client.set_cookie("lang", "en")

    section = _preview_section(client.get(page).text)
    assert "2 entries take part in the draw." in section
    rows = _rows(section)
    assert {reason: count for reason, (count, _) in rows.items()} == {
        "rejected": "1",
        "withdrawn": "1",
        "not_approved": "1",
        "outside_window": "1",
        "duplicate_photo": "1",
    }
    assert list(rows) == ["rejected", "withdrawn", "not_approved", "outside_window", "duplicate_photo"]
    notice = re.search(r'id="draw-approved-duplicates".*?</div>', section, re.S).group(0)
    assert "1 entry is left out only because its photo matches an earlier entry." in notice
    assert "clear its mark on its page before you draw" in notice and "cannot be redone" in notice

    # each reason's link shows exactly the entries it leaves out, in the moderation queue
    named = {"rejected": "rejected", "withdrawn": "withdrawn", "not_approved": "waiting"}
    named |= {"outside_window": "early", "duplicate_photo": "dup"}
    for reason, (_, link) in rows.items():
        queue = client.get(link)
        assert queue.status_code == 200, link
        shown = {name for name, entry in e.items() if entry.public_id in queue.text}
        assert shown == {named[reason]}, (reason, shown)
    approved_duplicates = re.search(r'href="([^"]+)"', notice).group(1).replace("&amp;", "&")
    assert "state=all" in approved_duplicates and "left_out=duplicate_photo" in approved_duplicates
    assert {n for n, entry in e.items() if entry.public_id in client.get(approved_duplicates).text} == {"dup"}

    # the draw leaves out what the screen said it would
    assert studio.post(page, {"password": factories.PASSWORD}, form_page=page).status_code == 303
    draw = db.session.scalar(select(Draw))
    assert draw.entry_count == 2
    said = {reason: int(count) for reason, (count, _) in rows.items()}
    assert Counter(x["reason"] for x in draw.exclusions) == said
    assert 'class="draw-preview"' not in client.get(page).text  # drawn: the result, no forecast


def test_the_summary_reads_in_japanese(client, studio):
    campaign, _ = _campaign_with_every_list_reason(client)
    studio.login("drawer@example.com", factories.PASSWORD)
    client.set_cookie("lang", "ja")
    section = _preview_section(client.get(f"/studio/campaigns/{campaign.public_id}/draw").text)
    assert "抽選の対象は2件です。" in section
    assert "1件の応募が、以前の応募と写真が重複しているという理由だけで抽選の対象外になります。" in section
    assert "重複写真" in section and "審査で不承認" in section


def test_without_moderation_rights_the_counts_show_without_links(client, studio):
    org, _ = studio_setup()
    factories.member(org, "viewer@example.com", Role.VIEWER)
    campaign = launched_campaign(org)
    a = enter(client, campaign, "a@example.com", photo=distinct_photo("a"))
    c = enter(client, campaign, "c@example.com", photo=distinct_photo("a"))
    for entry in (a, c):
        set_status(entry, EntryStatus.APPROVED)
    close(campaign)
    studio.login("viewer@example.com", factories.PASSWORD)
    client.set_cookie("lang", "en")
    section = _preview_section(client.get(f"/studio/campaigns/{campaign.public_id}/draw").text)
    assert "1 entry takes part in the draw." in section and 'id="draw-approved-duplicates"' in section
    assert "/studio/moderation/" not in section


def test_when_entries_not_rejected_take_part_waiting_duplicates_ask_for_a_look_too(client):
    """Under this rule a duplicate still waiting for review would take part but for its mark: only approved
    ones were called out, and six waiting duplicates were left out with no word (a walk-through's find)."""
    org, _ = studio_setup()
    campaign = launched_campaign(org)
    a = enter(client, campaign, "a@example.com", photo=distinct_photo("a"))
    waiting = enter(client, campaign, "w@example.com", photo=distinct_photo("a"))
    approved = enter(client, campaign, "c@example.com", photo=distinct_photo("a"))
    set_status(approved, EntryStatus.APPROVED)
    assert waiting.duplicate_of_id == approved.duplicate_of_id == a.id

    got = exclusions.preview(campaign, Eligibility.NOT_REJECTED)
    assert got == exclusions.Preview(taking_part=1, excluded={"duplicate_photo": 2})
    assert got.to_look_at == {"duplicate_photo": 2}
    only_approved = exclusions.preview(campaign, Eligibility.APPROVED)
    assert only_approved.excluded == {"not_approved": 2, "duplicate_photo": 1}
    assert only_approved.to_look_at == {"duplicate_photo": 1}  # the waiting one is out as not approved
    plan = db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign.id))
    assert exclusions.mode_of(campaign) is plan.eligibility
