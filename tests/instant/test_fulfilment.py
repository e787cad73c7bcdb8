"""Instant winners after the win: the notice when moderation approves, the claim deadline and forfeit, the
studio list with shipping, and the address purge. Real moderation, real SMTP, real CLI commands."""

import re
from datetime import timedelta

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.clock import utcnow
from campaign.draws.models import DrawPlan
from campaign.entries import status_links
from campaign.extensions import db
from campaign.instant import algorithm
from campaign.instant.models import InstantWinPlay
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import Studio, csrf_from
from tests.draws.helpers import close, enter, studio_setup
from tests.draws.test_winners import ADDRESS, CODE_RE
from tests.instant.helpers import SECRET, instant_campaign, slots
from tests.instant.reference import check

STATUS_RE = re.compile(r"http://localhost(/s/\S+)")


def winning_campaign(client, studio, *, claim_days: int = 14):
    """One unit of Tea (every entry lucky): a@ wins at once, b@ loses; the owner is logged in."""
    org, _ = studio_setup()
    campaign = instant_campaign(org, quantity=1)
    db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == campaign.id)).claim_days = claim_days
    db.session.commit()
    winner = enter(client, campaign, "a@example.com")
    loser = enter(client, campaign, "b@example.com")
    studio.login("drawer@example.com", factories.PASSWORD)
    return campaign, winner, loser


def approve(studio, entry):
    response = studio.post(f"/studio/moderation/entries/{entry.public_id}/approve")
    assert response.status_code == 303, response.text


def win_mails(smtp_server, email: str) -> list:
    return [m for m in smtp_server.to(email) if m["Subject"].startswith("You won")]


def play_of(entry) -> InstantWinPlay:
    return db.session.scalar(select(InstantWinPlay).where(InstantWinPlay.entry_id == entry.id))


def actions_on(entry) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == entry.public_id)))


def test_approval_mails_the_winner_a_status_link_a_deadline_and_a_checkable_code(client, studio, smtp_server):
    campaign, winner, loser = winning_campaign(client, studio, claim_days=3)
    assert win_mails(smtp_server, "a@example.com") == []  # won at once, but not told before approval
    approve(studio, loser)
    assert win_mails(smtp_server, "b@example.com") == []
    approve(studio, winner)

    [mail] = win_mails(smtp_server, "a@example.com")
    body = mail.get_content()
    status_path = STATUS_RE.search(body).group(1)
    assert status_path == f"/s/{status_links.status_token(SECRET, winner.public_id)}"
    assert "Tea" in body and "never ask for payment" in body
    result = play_of(winner)
    db.session.refresh(winner)
    assert result.notified_at == winner.moderated_at  # the claim period starts at the approval
    assert result.claim_deadline == result.notified_at + timedelta(days=3)
    assert CODE_RE.search(body).group(1) == result.notice_code
    assert "instant_win.notify" in actions_on(winner)

    page = client.get(status_path)
    assert 'id="instant-claim"' in page.text and "Please give the address" in page.text
    refused = client.post(
        f"{status_path}/prize", data={**ADDRESS, "phone": "- - - - -", "csrf_token": csrf_from(page.text)}
    )
    # every problem listed at the top, each a link to its field (site.js moves the focus there)
    assert "data-error-summary" in refused.text and 'href="#phone"' in refused.text

    check = f"/c/{campaign.slug}/check"
    form = client.get(check)
    code = result.notice_code.replace("-", " ").lower()  # typed from a phone
    genuine = client.post(check, data={"code": code, "csrf_token": csrf_from(form.text)})
    assert "Genuine" in genuine.text and "Tea" in genuine.text
    fake = client.post(check, data={"code": "ABCD-EFGH-JKLM", "csrf_token": csrf_from(form.text)})
    assert "not genuine" in fake.text


def test_an_unclaimed_win_is_forfeited_and_its_unit_is_never_released_again(
    client, studio, smtp_server, runner
):
    campaign, winner, _ = winning_campaign(client, studio)
    approve(studio, winner)
    status_path = STATUS_RE.search(win_mails(smtp_server, "a@example.com")[0].get_content()).group(1)
    page = client.get(status_path)
    result = play_of(winner)
    result.claim_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()

    late = client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(page.text)})
    assert late.status_code == 409 and "claim period for this prize has ended" in late.text
    assert 'id="instant-claim"' not in client.get(status_path).text

    result = runner.invoke(args=["draws", "expire-claims"])
    assert result.output.startswith("Forfeited 1"), result.output
    assert runner.invoke(args=["draws", "expire-claims"]).output.startswith("Forfeited 0")
    assert play_of(winner).forfeited_at is not None and "instant_win.forfeit" in actions_on(winner)
    page = client.get(status_path, headers={"Accept-Language": "ja"})
    assert 'id="instant-forfeited"' in page.text and "失効" in page.text

    # The unit stays spent: a later lucky entry does not get it, nor does it come back when the entry goes.
    assert play_of(enter(client, campaign, "c@example.com")).slot_id is None
    withdraw = client.post(f"{status_path}/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert withdraw.status_code == 303
    assert slots(campaign)[0].claimed_by_entry_id == winner.id
    assert play_of(winner).voided_after_seq is None

    close(campaign)
    cert = client.get(f"/c/{campaign.slug}/instant-win.json").get_json()
    assert algorithm.verify(cert) == [] and check(cert) == []
    assert [p["forfeited"] for p in cert["plays"]] == [True, False, False]
    assert "forfeited" in client.get(f"/c/{campaign.slug}/instant-win").text


def test_studio_lists_instant_wins_ships_them_and_the_address_is_purged(app, client, studio, runner):
    campaign, winner, _ = winning_campaign(client, studio)
    listing = f"/studio/campaigns/{campaign.public_id}/instant-winners"
    ship = f"{listing}/{winner.public_id}/shipped"
    page = studio.client.get(listing)
    assert page.status_code == 200
    assert (
        winner.public_id in page.text and "Tea" in page.text and "Awaiting approval" in page.text
    )  # capitalised as the column names
    assert studio.post(ship, form_page=listing).status_code == 409  # no address yet

    approve(studio, winner)
    status_path = f"/s/{status_links.status_token(SECRET, winner.public_id)}"
    form = client.get(status_path)
    assert (
        client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(form.text)}).status_code
        == 303
    )
    page = studio.client.get(listing).text
    assert "山田 花子" in page and "Address given" in page and "Mark shipped" in page

    factories.member(campaign.organisation, "editor@example.com", Role.EDITOR)
    editor = Studio(app.test_client())
    editor.login("editor@example.com", factories.PASSWORD)
    seen = editor.client.get(listing).text
    assert winner.public_id in seen and "山田" not in seen and "Mark shipped" not in seen
    assert editor.post(ship, form_page=listing).status_code == 403

    assert studio.post(ship, form_page=listing).status_code == 303
    assert play_of(winner).shipped_at is not None and "instant_win.ship" in actions_on(winner)
    again = studio.post(ship, form_page=listing)  # once; a second click is told so (not "only claimed…")
    assert again.status_code == 409 and "marked as shipped already" in again.text
    assert "Your prize has been shipped" in client.get(status_path).text
    csv = studio.client.get(f"/studio/campaigns/{campaign.public_id}/instant-winners.csv").text
    assert ",Shipped," in csv and "山田 花子" in csv  # the state in the reader's words, as on the screen
    row = next(line for line in csv.splitlines() if winner.public_id in line).split(",")
    assert row[3] in ("Received: waiting for review", "Approved")  # the entry's status too, not its code
    # when it was shipped, to the minute in the brand's zone, as the screen says (it gave a UTC instant to
    # the microsecond: a walk-through's find)
    from zoneinfo import ZoneInfo

    shipped = play_of(winner).shipped_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    assert row[5] == shipped and "Shipped at (Japan Time)" in csv.splitlines()[0]
    assert csv.splitlines()[0].startswith(
        "\ufeffPrize,Entry ID,Nickname,Entry status,Prize state,"
    )  # 2 names
    assert csv.splitlines()[0].endswith(
        'Postal code,Prefecture,"City, ward, town","Street address, building, room",Phone'
    )

    assert runner.invoke(args=["draws", "purge-addresses", "--days", "30"]).output.startswith("Purged 0")
    result = play_of(winner)
    result.shipped_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert runner.invoke(args=["draws", "purge-addresses", "--days", "30"]).output.startswith("Purged 1")
    result = play_of(winner)
    assert result.address_sealed == "" and result.address_purged_at is not None
    assert "instant_win.purge_address" in actions_on(winner)
    assert "山田" not in studio.client.get(listing).text
    page = client.get(status_path)
    assert "Your prize has been shipped" in page.text and 'id="instant-claim"' not in page.text
    again = client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(page.text)})
    assert again.status_code == 409  # a purged address is not asked for again

    # a shipped prize has left the warehouse: the customer's withdrawal does not put the unit back
    client.post(f"{status_path}/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert slots(campaign)[0].claimed_by_entry_id == winner.id
    assert play_of(winner).voided_after_seq is None


def test_a_campaign_that_is_not_instant_win_has_an_empty_page(app, client, studio):
    from tests.draws.helpers import launched_campaign

    org, _ = studio_setup()
    campaign = launched_campaign(org)
    studio.login("drawer@example.com", factories.PASSWORD)
    page = studio.client.get(f"/studio/campaigns/{campaign.public_id}/instant-winners")
    assert page.status_code == 200 and "not an instant-win campaign" in page.text


def test_a_takedown_keeps_the_win_its_address_and_its_code_and_approving_again_restores_it(
    client, studio, smtp_server
):
    campaign, winner, _loser = winning_campaign(client, studio)
    approve(studio, winner)
    [mail] = win_mails(smtp_server, "a@example.com")
    status_path = STATUS_RE.search(mail.get_content()).group(1)
    code = CODE_RE.search(mail.get_content()).group(1)
    page = client.get(status_path)
    client.post(f"{status_path}/prize", data={**ADDRESS, "csrf_token": csrf_from(page.text)})
    assert play_of(winner).address_sealed

    takedown = studio.post(f"/studio/moderation/entries/{winner.public_id}/withdraw", {"note": "complaint"})
    assert takedown.status_code == 303
    held = play_of(winner)
    assert held.voided_after_seq is None and held.address_sealed  # not final: nothing is lost yet
    assert slots(campaign)[0].claimed_by_entry_id == winner.id
    assert play_of(enter(client, campaign, "c@example.com")).slot_id is None  # the unit is not handed on

    assert studio.post(f"/studio/moderation/entries/{winner.public_id}/reapprove").status_code == 303
    result = play_of(winner)
    assert result.voided_after_seq is None and result.address_sealed and result.notice_code == code
    assert len(win_mails(smtp_server, "a@example.com")) == 1  # not told twice
    check_page = client.get(f"/c/{campaign.slug}/check")
    answer = client.post(
        f"/c/{campaign.slug}/check", data={"code": code, "csrf_token": csrf_from(check_page.text)}
    )
    assert "Genuine" in answer.text
    assert "instant_win.void" not in actions_on(winner)


def test_the_moderation_queue_marks_the_entry_that_won(app, client, studio):
    """Approving a winning entry mails its winner: the queue says which entry that is (a walk-through could
    not tell), and stops saying so once the win is voided."""
    campaign, winner, loser = winning_campaign(client, studio)
    queue = f"/studio/moderation/campaigns/{campaign.public_id}?lang=en&state=all"

    def marked() -> list[str]:
        page = studio.client.get(queue).text
        return [
            e.public_id
            for e in (winner, loser)
            if "mod-won" in page.split(f'id="q-{e.public_id}"')[1].split("</li>")[0]
        ]

    assert marked() == [winner.public_id]
    token = status_links.status_token(SECRET, winner.public_id)
    page = client.get(f"/s/{token}")
    client.post(f"/s/{token}/withdraw", data={"csrf_token": csrf_from(page.text)})
    assert marked() == []
