"""The customer's side: the confirmation mail, withdrawing with a confirmation step, the draw's outcome."""

import re

from sqlalchemy import select

from campaign.campaigns.settings import PrizeData
from campaign.draws.models import DrawPick, PickState
from campaign.entries import status_links
from campaign.entries.models import Entry, EntryStatus
from campaign.extensions import db
from campaign.outbox import OutboxJob
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import close, enter, launched_campaign, set_status, studio_setup
from tests.entries.helpers import submit

STATUS_RE = re.compile(r"http://localhost(/s/\S+)")


def test_the_confirmation_mail_carries_the_private_link_in_the_entrants_language(app, client, smtp_server):
    factories.campaign(factories.org(), title="新茶フォト", title_en="New tea photos")
    assert submit(client, email="ja@example.com", headers={"Accept-Language": "ja"}).status_code == 303
    assert submit(client, email="en@example.com", headers={"Accept-Language": "en"}).status_code == 303

    [ja] = [m for m in smtp_server.confirmations if m["To"] == "ja@example.com"]
    assert ja["Subject"] == "【受付完了】新茶フォト"
    body = ja.get_content()
    assert "ご応募を受け付けました。" in body and "他の人に共有しないでください" in body
    # the page's words (取り下げ), and the title in brackets, not after a stray space (a walk-through's find)
    assert "「新茶フォト」にご参加いただき" in body and "応募の取り下げができます" in body
    link = STATUS_RE.search(body).group(1)
    assert client.get(link).status_code == 200

    [en] = [m for m in smtp_server.confirmations if m["To"] == "en@example.com"]
    assert en["Subject"] == "We received your entry: New tea photos"
    assert STATUS_RE.search(en.get_content()).group(1) != link
    assert db.session.scalar(select(OutboxJob)) is None  # sent, so the outbox rows are gone


def test_a_refused_entry_sends_no_mail(app, client, smtp_server):
    factories.campaign(factories.org())
    assert submit(client, email="x@example.com", rating=None).status_code == 422
    assert smtp_server.received == []
    assert db.session.scalar(select(OutboxJob)) is None


def test_withdrawing_asks_first_and_the_question_changes_nothing(app, client):
    factories.campaign(factories.org())
    response = submit(client)
    status_path = response.headers["Location"].split("?")[0]
    status = client.get(status_path).text
    assert f'href="{status_path}/withdraw"' in status  # without JavaScript: a confirmation page
    assert '<dialog id="withdraw-dialog"' in status  # with it: the same question in a dialog

    question = client.get(f"{status_path}/withdraw", headers={"Accept-Language": "ja"})
    assert question.status_code == 200
    assert "応募を取り下げますか？" in question.text and "この操作は元に戻せません。" in question.text
    assert db.session.scalar(select(Entry)).status is EntryStatus.RECEIVED

    answer = client.post(f"{status_path}/withdraw", data={"csrf_token": csrf_from(question.text)})
    assert answer.status_code == 303
    assert db.session.scalar(select(Entry)).status is EntryStatus.WITHDRAWN
    assert client.get(f"{status_path}/withdraw").status_code == 303  # nothing left to withdraw


def _drawn(client, studio, emails, rejected=()):
    """A closed campaign with one prize, drawn; returns each entrant's private status path (`rejected`:
    entrants whose entry was rejected before the draw, with a reason in both languages)."""
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=[PrizeData(name="急須セット", quantity=1, value_jpy=5000)])
    links = {}
    for email in [*emails, *rejected]:
        entry = enter(client, campaign, email)
        if email in rejected:
            entry.rejection_label_ja, entry.rejection_label_en = (
                "製品が写っていません",
                "The product is not shown",
            )
        set_status(entry, EntryStatus.REJECTED if email in rejected else EntryStatus.APPROVED)
        links[email] = f"/s/{status_links.status_token(client.application.secret_key, entry.public_id)}"
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    return links


def test_after_the_draw_each_status_page_shows_its_own_outcome(app, client, studio):
    emails = [f"p{n}@example.com" for n in range(6)]
    links = _drawn(client, studio, emails)
    picks = {p.entry.email: p for p in db.session.scalars(select(DrawPick))}
    winner = next(email for email, p in picks.items() if p.state is PickState.NOTIFIED)
    alternates = [email for email, p in picks.items() if p.state is PickState.WAITING]
    others = [email for email in emails if email not in picks]
    assert alternates and others

    won = client.get(links[winner], headers={"Accept-Language": "ja"}).text
    assert 'data-outcome="won"' in won and "おめでとうございます！「急須セット」に当選しました" in won
    claim = re.search(r'href="(/claim/[^"]+)" id="claim-link"', won).group(1)
    assert client.get(claim).status_code == 200
    for email in emails:  # nobody else's address, code or claim link shows
        if email != winner:
            assert email not in won
    assert picks[winner].notice_code not in won

    waiting = client.get(links[alternates[0]], headers={"Accept-Language": "ja"}).text
    assert 'data-outcome="alternate"' in waiting and "補欠当選者に選ばれました" in waiting
    assert "/claim/" not in waiting

    lost = client.get(links[others[0]], headers={"Accept-Language": "en"}).text
    assert 'data-outcome="not_drawn"' in lost and "did not win a prize" in lost
    assert "/claim/" not in lost and "急須セット" not in lost.split('id="draw-outcome"')[1].split("</div>")[0]


def test_an_entry_rejected_before_the_draw_is_not_told_it_lost_the_draw(app, client, studio):
    """A walk-through's find: a rejected entrant's page said "did not win" above "rejected", for a draw the
    entry was never in; and its reason was in the entry's language, not the page's."""
    links = _drawn(client, studio, ["p1@example.com", "p2@example.com"], rejected=["no@example.com"])

    for language, reason in (("en", "The product is not shown"), ("ja", "製品が写っていません")):
        page = client.get(links["no@example.com"], headers={"Accept-Language": language}).text
        assert 'id="draw-outcome"' not in page
        assert re.search(rf'id="rejection-reason">[^<]*<span lang="{language}">{reason}</span>', page)
    others = [client.get(links[email]).text for email in ("p1@example.com", "p2@example.com")]
    assert all('id="draw-outcome"' in page for page in others)  # both were in it (one won, one did not)


def test_no_outcome_before_the_draw(app, client):
    factories.campaign(factories.org())
    status = client.get(submit(client).headers["Location"]).text
    assert 'id="draw-outcome"' not in status
