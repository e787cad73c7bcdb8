"""Winners: the notice by email, checking it, claiming with an address, shipping, purging, forfeits."""

import io
import re
from csv import DictReader
from datetime import timedelta

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.settings import PrizeData
from campaign.clock import utcnow
from campaign.draws import services, winners
from campaign.draws.models import Draw, DrawPick, PickState
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.conftest import csrf_from
from tests.draws.helpers import (
    close,
    drawn_awaiting_check,
    enter,
    launched_campaign,
    set_status,
    studio_setup,
)

CLAIM_RE = re.compile(r"http://localhost(/claim/\S+)")
CODE_RE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")
ADDRESS = {
    "name": "山田 花子",
    "postal_code": "150-0001",
    "prefecture": "東京都",
    "city": "渋谷区",
    "street": '=HYPERLINK("http://evil") 1-2-3',
    "phone": "+81 90-1234-5678",
}


def drawn(client, studio, emails, *, quantity=1, **campaign_overrides):
    org, _ = studio_setup()
    campaign_overrides.setdefault("prizes", [PrizeData(name="Tea set", quantity=quantity, value_jpy=5000)])
    campaign = launched_campaign(org, **campaign_overrides)
    for email in emails:
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)
    url = f"/studio/campaigns/{campaign.public_id}/draw"
    assert studio.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    return campaign, db.session.scalar(select(Draw))


def test_a_winner_on_a_phone_gives_the_address_in_full_width_characters(client, studio):
    """The claim form reads full-width input as half-width, keeps it so for shipping, and tells the phone
    what each field holds (the saved address, a number pad)."""
    _, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    claim_path = "/claim/" + winners.claim_token(client.application.secret_key, winner)
    form = client.get(claim_path, headers={"Accept-Language": "ja"})
    assert re.search(
        r'<input autocomplete="postal-code" [^>]*inputmode="numeric"[^>]*name="postal_code"', form.text
    )
    assert re.search(r'<input autocomplete="tel" [^>]*name="phone"[^>]*type="tel"', form.text)
    assert 'autocomplete="address-level1"' in form.text and 'autocomplete="name"' in form.text

    typed = {**ADDRESS, "postal_code": "〒１５０－０００１", "phone": "hello"}
    refused = client.post(claim_path, data={**typed, "csrf_token": csrf_from(form.text)}, headers=JA)
    assert refused.status_code == 422 and "090-1234-5678 のように数字で入力してください" in refused.text
    assert "「123-4567」の形式" not in refused.text  # the postal code was read
    assert "data-error-summary" in refused.text and 'href="#phone"' in refused.text  # focused by site.js
    typed["phone"] = "０９０ー１２３４ー５６７８"
    done = client.post(claim_path, data={**typed, "csrf_token": csrf_from(form.text)})
    assert done.status_code == 303
    csv = studio.client.get(f"/studio/draws/{draw.public_id}/winners.csv").text
    [row] = list(DictReader(io.StringIO(csv.removeprefix("\ufeff"))))
    assert row["Postal code"] == "150-0001" and row["Phone"] == "090-1234-5678"


JA = {"Accept-Language": "ja"}


def test_winner_is_mailed_checks_the_notice_claims_and_is_shipped(client, studio, smtp_server, runner):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    assert winner.state is PickState.NOTIFIED
    [mail] = smtp_server.to(winner.entry.email)
    body = mail.get_content()
    assert "never ask for payment" in body and "campaign@ugc.example.jp" in body  # the sender (smtp fixture)
    # the deadline to the minute, with its zone named in the winner's language (it said 「19:00:00（Asia/Tokyo
    # 時間）」): i18n.public_time
    said = {"ja": "（日本時間）までに、以下のページから", "en": " (Japan Time) by giving your postal address"}
    assert said[winner.entry.locale] in body and "Asia/Tokyo" not in body
    claim_path = CLAIM_RE.search(body).group(1)
    code = CODE_RE.search(body).group(1)
    assert len(smtp_server.messages) == 1  # alternates are not told anything

    check = f"/c/{campaign.slug}/check"
    page = client.get(check)
    genuine = client.post(check, data={"code": code.lower(), "csrf_token": csrf_from(page.text)})
    assert "Genuine" in genuine.text and "Tea set" in genuine.text
    fake = client.post(check, data={"code": "ABCD-EFGH-JKLM", "csrf_token": csrf_from(page.text)})
    assert "not genuine" in fake.text

    form = client.get(claim_path, headers={"Accept-Language": "ja"})
    order = [m for m in re.findall(r'name="(\w+)"', form.text) if m in ADDRESS]
    assert order == ["postal_code", "prefecture", "city", "street", "name", "phone"]  # Japanese order
    english = client.get(claim_path).text
    assert [m for m in re.findall(r'name="(\w+)"', english) if m in ADDRESS][0] == "name"
    bad = client.post(claim_path, data={**ADDRESS, "postal_code": "12", "csrf_token": csrf_from(form.text)})
    assert bad.status_code == 422
    long = {**ADDRESS, "street": "あ" * 201, "csrf_token": csrf_from(form.text)}
    # the field named, in the customer's words (WTForms' stock message began 「フィールドは」)
    too_long = client.post(claim_path, data=long, headers={"Accept-Language": "ja"})
    assert "「番地・建物名・部屋番号」は200文字以内で入力してください。" in too_long.text
    assert "フィールドは" not in too_long.text and 'maxlength="200"' in too_long.text
    abroad = {**ADDRESS, "prefecture": "ニューヨーク州", "csrf_token": csrf_from(form.text)}
    refused = client.post(claim_path, data=abroad, headers={"Accept-Language": "ja"})  # one of the 47
    assert refused.status_code == 422 and 'id="prefecture-error"' in refused.text
    done = client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(form.text)})
    assert done.status_code == 303
    db.session.refresh(winner)
    assert winner.state is PickState.CLAIMED
    assert "山田" not in winner.address_sealed and "150-0001" not in winner.address_sealed

    screen = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw").text
    assert "山田 花子" in screen
    csv = studio.client.get(f"/studio/draws/{draw.public_id}/winners.csv")
    assert csv.status_code == 200
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    [row] = list(DictReader(io.StringIO(csv.text.removeprefix("\ufeff"))))
    assert row["Street address, building, room"] == "'" + ADDRESS["street"]  # a formula is guarded
    assert row["Phone"] == "+81 90-1234-5678" and row["Full name of the recipient"] == "山田 花子"
    assert row["Prize state"] == "Claimed"
    assert row["Entry status"] == "Approved"  # the entry's, named apart from the prize's (a check's find)
    japanese = studio.client.get(f"/studio/draws/{draw.public_id}/winners.csv", headers=JA).text
    [row] = list(DictReader(io.StringIO(japanese.removeprefix("\ufeff"))))  # a shipping list in the
    assert row["賞品"] == "Tea set" and row["賞品の状況"] == "受け取り手続き済み"  # reader's words
    assert row["郵便番号"] == "150-0001" and row["電話番号"] == "+81 90-1234-5678"

    shipped = studio.post(
        f"/studio/draws/{draw.public_id}/picks/{winner.public_id}/shipped",
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )
    assert shipped.status_code == 303
    db.session.refresh(winner)
    assert winner.state is PickState.SHIPPED
    again = studio.post(
        f"/studio/draws/{draw.public_id}/picks/{winner.public_id}/shipped",
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )  # from a stale page: told it is shipped already (it said only claimed prizes can be shipped)
    assert again.status_code == 409 and "marked as shipped already" in again.text
    assert runner.invoke(args=["draws", "purge-addresses", "--days", "30"]).output.startswith("Purged 0")
    winner.shipped_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert runner.invoke(args=["draws", "purge-addresses", "--days", "30"]).output.startswith("Purged 1")
    db.session.refresh(winner)
    assert winner.address_sealed == "" and winner.address_purged_at is not None
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"draw.run", "draw.notify", "draw.claim", "draw.ship", "draw.purge_address"} <= actions


def test_editor_sees_no_address(app, client, studio):
    campaign, draw = drawn(client, studio, ["a@example.com"])
    from campaign.orgs.models import Role
    from tests.conftest import Studio

    factories.member(campaign.organisation, "editor@example.com", Role.EDITOR)
    editor = Studio(app.test_client())
    editor.login("editor@example.com", factories.PASSWORD)
    assert editor.client.get(f"/studio/draws/{draw.public_id}/winners.csv").status_code == 403


def test_unclaimed_prize_is_forfeited_and_the_next_alternate_is_told(client, studio, smtp_server, runner):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    first_alternate = next(p for p in draw.picks if p.role == "alternate")
    claim_path = CLAIM_RE.search(smtp_server.to(winner.entry.email)[0].get_content()).group(1)
    winner.claim_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "no longer be claimed" in client.get(claim_path).text

    result = runner.invoke(args=["draws", "expire-claims"])
    assert result.output.startswith("Forfeited 1")
    db.session.refresh(winner)
    db.session.refresh(first_alternate)
    assert winner.state is PickState.FORFEITED
    assert first_alternate.state is PickState.NOTIFIED
    assert len(smtp_server.to(first_alternate.entry.email)) == 1
    events = db.session.execute(select(AuditEvent.action, AuditEvent.object_id)).all()
    assert ("draw.forfeit", winner.public_id) in events
    assert ("draw.promote_alternate", first_alternate.public_id) in events


def test_follow_and_post_winner_is_checked_by_hand_before_being_told(client, studio, smtp_server):
    campaign, winner = drawn_awaiting_check(client, studio)
    draw = winner.draw
    page = f"/studio/campaigns/{campaign.public_id}/draw"
    assert smtp_server.messages == []
    assert winner.entry.post_url in studio.client.get(page).text
    before = client.get(f"/draws/{draw.public_id}.json").headers["ETag"]

    check = f"/studio/draws/{draw.public_id}/picks/{winner.public_id}/check"
    # the form sent as it came, with no choice made, excludes nobody (a walk-through's find: an unticked
    # 「確認済み」 box sent with 確認結果を記録 excluded the winner at once, and promoted the alternate)
    undecided = studio.post(
        check, {"note": "post deleted"}, form_page=page, headers={"Accept-Language": "ja"}
    )
    assert undecided.status_code == 303
    db.session.refresh(winner)
    assert winner.state is PickState.CHECKING
    said = studio.client.get(page, headers={"Accept-Language": "ja"}).text
    assert "何も記録されていません。" in said
    assert 'data-confirm="「' in said and "さんを当選から除外しますか？" in said  # exclusion asks first
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw.exclude")) is None

    studio.post(check, {"failed": "不適格として除外…", "note": "post deleted"}, form_page=page)
    db.session.refresh(winner)
    assert winner.state is PickState.EXCLUDED and winner.excluded_reason == "manual_check_failed"
    promoted = db.session.scalar(select(DrawPick).where(DrawPick.role == "alternate", DrawPick.rank == 1))
    assert promoted.state is PickState.CHECKING
    studio.post(
        f"/studio/draws/{draw.public_id}/picks/{promoted.public_id}/check",
        {"passed": "y", "note": "checked on Instagram"},
        form_page=page,
    )
    db.session.refresh(promoted)
    assert promoted.state is PickState.NOTIFIED
    assert [m["To"] for m in smtp_server.messages] == [promoted.entry.email]
    served = client.get(f"/draws/{draw.public_id}.json", headers={"If-None-Match": before})
    assert served.status_code == 200 and served.headers["ETag"] != before  # the results changed
    cert = served.json
    assert {r["entry"]: r["excluded_reason"] for r in cert["results"]}[winner.entry.public_id] == (
        "manual_check_failed"
    )


def test_a_drawn_winner_who_withdraws_gives_up_the_prize_and_the_next_alternate_is_told(
    client, studio, smtp_server
):
    from campaign.entries import status_links

    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    first_alternate = next(p for p in draw.picks if p.role == "alternate")
    claim_path = CLAIM_RE.search(smtp_server.to(winner.entry.email)[0].get_content()).group(1)
    form = client.get(claim_path)
    assert client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(form.text)}).status_code == 303

    status_path = f"/s/{status_links.status_token('test-secret', winner.entry.public_id)}"
    page = client.get(status_path)
    assert (
        client.post(f"{status_path}/withdraw", data={"csrf_token": csrf_from(page.text)}).status_code == 303
    )
    db.session.refresh(winner)
    assert (winner.state, winner.excluded_reason) == (PickState.EXCLUDED, "withdrawn")
    assert winner.address_sealed == "" and winner.address_purged_at is not None
    db.session.refresh(first_alternate)
    assert first_alternate.state is PickState.NOTIFIED and smtp_server.to(first_alternate.entry.email)
    assert "no longer be claimed" in client.get(claim_path).text
    results = {r["entry"]: r for r in client.get(f"/draws/{draw.public_id}.json").json["results"]}
    assert (results[winner.entry.public_id]["state"], results[winner.entry.public_id]["excluded_reason"]) == (
        "excluded",
        "withdrawn",
    )
    assert "withdrawn" in client.get(f"/draws/{draw.public_id}").text
    # their own page says they gave the prize up (it said they failed the entry conditions: a check's find)
    told = client.get(status_path + "?lang=en").text
    assert "You withdrew this entry, so the prize it was drawn for was given up." in told
    assert "entry conditions" not in told


def test_an_address_sent_from_a_second_tab_is_not_saved_and_the_winner_is_told(client, studio, smtp_server):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    claim_path = CLAIM_RE.search(smtp_server.to(winner.entry.email)[0].get_content()).group(1)
    first_tab, second_tab = client.get(claim_path), client.get(claim_path, headers={"Accept-Language": "ja"})
    first = client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(first_tab.text)})
    assert first.status_code == 303
    other = {**ADDRESS, "street": "9-9-9", "csrf_token": csrf_from(second_tab.text)}
    late = client.post(claim_path, data=other, headers={"Accept-Language": "ja"})
    assert late.status_code == 409
    assert "最初に送られた住所" in late.text
    db.session.refresh(winner)
    assert winners.address_of(winner, "test-secret")["street"] == ADDRESS["street"]
    assert "we have your address" in client.get(claim_path).text  # the page itself stays as it was


def test_the_draw_screen_says_which_prizes_too_few_entries_could_fill(client, studio):
    """A walk-through's find: with 9 entrants for 3 + 10 winners (and an alternate each), the second prize
    drew 3 of 10 winners while the first had 3 alternates, and nothing said so. (Under v2 every winner is
    drawn before any alternate: a prize falls short only when fewer people take part than there are
    winners.)"""
    prizes = [
        PrizeData(name="Tea for a year", quantity=2, value_jpy=30000),
        PrizeData(name="Mug", quantity=3),
    ]
    campaign, draw = drawn(client, studio, [f"p{n}@example.com" for n in range(4)], prizes=prizes)
    # the published walk (v2): 2 winners for the first prize, then 2 of 3 for the mug, and no alternates
    assert [s.__dict__ for s in services.shortfalls(draw)] == [{"prize": "Mug", "drawn": 2, "wanted": 3}]
    assert {p.role for p in draw.picks} == {"winner"}
    page = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw", headers=JA).text
    assert 'id="draw-shortfall"' in page and "Mug：当選者 3名のうち 2名を抽選" in page
    # the campaign page still offers "Mug (3 winners)" at the top; its draw section says what was drawn
    public = client.get(f"/c/{campaign.slug}", headers=JA).text
    assert 'id="campaign-shortfall"' in public and "Mug：当選者 3名のうち 2名を抽選" in public


def test_a_draw_that_filled_every_prize_says_nothing_of_a_shortfall(client, studio):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com", "c@example.com"])
    assert services.shortfalls(draw) == []
    assert 'id="draw-shortfall"' not in studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw").text
    assert 'id="campaign-shortfall"' not in client.get(f"/c/{campaign.slug}").text


def test_checking_notice_codes_is_limited_as_login_attempts_are(app, client):
    """A security probe sent 40 codes a second to the check page, all answered: the codes are long enough
    not to be guessed, but guessing at a secret gets the login's limit, with its clear 429."""
    org, _ = studio_setup()
    campaign = launched_campaign(org)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    check = f"/c/{campaign.slug}/check"
    page = client.get(check)
    answers = [
        client.post(check, data={"code": "ABCD-EFGH-JKLM", "csrf_token": csrf_from(page.text)}).status_code
        for _ in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    refused = client.post(
        check,
        data={"code": "ABCD-EFGH-JKLM", "csrf_token": csrf_from(page.text)},
        headers={"Referer": f"http://localhost{check}", **JA},
    )
    assert refused.status_code == 429 and f'href="http://localhost{check}"' in refused.text  # back to it
    assert "数分待って" not in refused.text  # one wait, said once (it said "a minute", then "a few minutes")
    assert client.get(check).status_code == 200  # the page itself is not limited


def test_a_winner_whose_prize_was_sent_is_not_told_a_withdrawal_gives_it_up(client, studio):
    """The withdrawal's confirmation said "a prize it won is given up" to a winner whose parcel had left; a
    withdrawal leaves a shipped prize as it is (a walk-through's find). Before shipping it is given up."""
    from campaign.entries import status_links

    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    token = status_links.status_token(client.application.secret_key, winner.entry.public_id)
    withdraw_page = f"/s/{token}/withdraw"
    claim_path = "/claim/" + winners.claim_token(client.application.secret_key, winner)
    form = client.get(claim_path)
    assert client.post(claim_path, data={**ADDRESS, "csrf_token": csrf_from(form.text)}).status_code == 303
    assert "賞品の受け取りも取り消されます" in client.get(withdraw_page, headers=JA).text  # claimed, not sent
    shipped = studio.post(
        f"/studio/draws/{draw.public_id}/picks/{winner.public_id}/shipped",
        form_page=f"/studio/campaigns/{campaign.public_id}/draw",
    )
    assert shipped.status_code == 303
    after = client.get(withdraw_page).text
    assert "the prize already sent to you is yours to keep" in after and "given up" not in after
    assert "お送りした賞品は、そのままお受け取りください" in client.get(withdraw_page, headers=JA).text
    page = client.get(withdraw_page)
    assert client.post(withdraw_page, data={"csrf_token": csrf_from(page.text)}).status_code == 303
    db.session.refresh(winner)
    assert winner.state is PickState.SHIPPED  # what the page said


def test_a_notice_code_is_read_as_a_japanese_phone_types_it():
    """A walk-through typed a genuine code with the input method on (full-width, ー for the dash): the
    check page told the winner it was not from us and never to pay."""
    typed_forms = (
        "ＺＲＲＪ－Ｍ４ＦＬ－ＥＭ２６",
        "ｚｒｒｊーｍ４ｆｌーｅｍ２６",
        "ZRRJ-M4FL EM26",
        " zrrj m4fl em26 ",
    )
    for typed in typed_forms:
        assert winners.normalise_notice_code(typed) == "ZRRJ-M4FL-EM26", typed
    assert winners.normalise_notice_code("abcd-efgh") == "ABCD-EFGH"  # too short: looked up as typed


def test_a_winner_whose_data_was_erased_is_not_called_anonymous_on_the_draw_page(client, studio):
    """A walk-through erased a winner's data on request: the draw page then named the winner 「匿名」, as if
    they had entered without a nickname."""
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    email = winner.entry.email
    erase = {"email": email, "confirm": "y"}
    assert studio.post("/studio/privacy/erase", erase, form_page="/studio/privacy").status_code == 303
    page = studio.client.get(f"/studio/campaigns/{campaign.public_id}/draw?lang=ja").text
    row = page.split(f'data-pick="{winner.public_id}"')[1].split("</tr>")[0]
    assert "<td>個人情報は消去済み</td>" in row and "匿名" not in row
