"""What may change after launch, after entries and after a draw (change_rules.py), through the service and
the studio; slug history; archiving; the opening time in the organisation's zone; out-of-range dates."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.audit.services import Actor
from campaign.campaigns import services
from campaign.campaigns.models import Campaign, Prize
from campaign.campaigns.settings import ChangeRefused, InvalidCampaign, PrizeData
from campaign.clock import utcnow
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.instant.models import InstantWinSlot
from campaign.orgs import services as orgs
from campaign.orgs.models import Role
from tests import factories
from tests.campaigns.helpers import save_edit_form
from tests.conftest import csrf_from
from tests.draws.helpers import close, enter, launched_campaign, set_status
from tests.draws.test_winners import CODE_RE, drawn
from tests.entries.helpers import form_fields, submit
from tests.instant.helpers import bare_entry, instant_campaign


def edit(campaign, **changes):
    """The service's answer to saving the campaign with `changes` (as the form would send them)."""
    data = replace(services.snapshot(campaign), **changes)
    try:
        services.update_campaign(campaign, data, actor=Actor.system(), now=utcnow())
    except ChangeRefused as refused:
        db.session.rollback()
        with force_locale("en"):
            return {r.field: r.text() for r in refused.refusals}
    db.session.commit()
    return {}


def with_prize(campaign, **changes) -> list[PrizeData]:
    first, *rest = services.snapshot(campaign).prizes
    return [replace(first, **changes), *rest]


def test_a_draft_may_change_anything(app):
    campaign = factories.campaign(factories.org(), launch=False, instant_win=True)
    assert edit(campaign, instant_win=False, prizes=with_prize(campaign, quantity=20)) == {}
    assert edit(campaign, opens_at=campaign.opens_at - timedelta(hours=1)) == {}


def test_instant_win_cannot_be_switched_off_nor_its_prizes_or_odds_changed_after_launch(app):
    campaign = instant_campaign(factories.org(), quantity=2)

    assert "instant_win" in edit(campaign, instant_win=False)
    assert "instant_win_odds" in edit(campaign, instant_win_odds=5)
    refused = edit(campaign, prizes=with_prize(campaign, quantity=20))
    assert "never promises more than the inventory" in refused["prizes"]
    assert "prizes" in edit(campaign, prizes=[*with_prize(campaign), PrizeData(name="Mug")])
    assert (campaign.instant_win, db.session.scalar(select(Prize.quantity))) == (True, 2)
    assert len(db.session.scalars(select(InstantWinSlot)).all()) == 2


def test_instant_win_close_may_move_later_but_never_earlier(app):
    campaign = instant_campaign(factories.org())
    closes = campaign.closes_at

    refused = edit(campaign, closes_at=closes - timedelta(days=1))
    assert "may be moved later, never earlier" in refused["closes_at"]
    assert campaign.closes_at == closes
    assert edit(campaign, closes_at=closes + timedelta(days=1)) == {}
    assert campaign.closes_at == closes + timedelta(days=1)


def test_the_window_is_fixed_once_open_or_closed(app):
    campaign = launched_campaign(factories.org())
    assert "opens_at" in edit(campaign, opens_at=campaign.opens_at + timedelta(hours=1))
    assert "already passed" in edit(campaign, closes_at=utcnow() - timedelta(hours=1))["closes_at"]
    assert "opens_at" in edit(campaign, closes_at=None)
    close(campaign)
    assert "has closed" in edit(campaign, closes_at=utcnow() + timedelta(days=3))["closes_at"]


def test_before_it_opens_a_launched_campaign_may_move_its_opening(app):
    now = utcnow()
    campaign = launched_campaign(
        factories.org(), opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9)
    )
    assert edit(campaign, opens_at=now + timedelta(days=2)) == {}


def test_once_entries_arrived_prizes_may_grow_but_not_shrink_or_go(app, client):
    campaign = launched_campaign(factories.org())
    enter(client, campaign, "a@example.com")

    assert "cannot be removed once entries" in edit(campaign, prizes=[])["prizes"]
    assert (
        "may only be added to or increased"
        in edit(campaign, prizes=with_prize(campaign, quantity=1))["prizes"]
    )
    assert "prizes" in edit(campaign, prizes=with_prize(campaign, name="A mug"))
    assert edit(campaign, prizes=[*with_prize(campaign, quantity=3), PrizeData(name="Mug")]) == {}
    assert [(p.name, p.quantity) for p in campaign.prizes] == [("A year of tea", 3), ("Mug", 1)]


def test_changed_terms_after_entries_need_a_new_version(app, client):
    campaign = launched_campaign(factories.org())
    enter(client, campaign, "a@example.com")
    assert "terms_version" in edit(campaign, terms_text="New terms")
    assert edit(campaign, terms_text="New terms", terms_version="2") == {}
    # no one has agreed to version 2 yet: its text may still be corrected
    assert edit(campaign, terms_text="Newer terms") == {}
    # version 1 names the terms its entrants read: other terms are never called version 1 again
    refused = edit(campaign, terms_text="Other terms", terms_version="1")
    assert refused == {
        "terms_version": "Entrants agreed to terms version 1: give the changed terms a new version."
    }
    assert edit(campaign, terms_version="1") != {}  # nor version 2's terms renamed version 1
    assert (campaign.terms_text, campaign.terms_version) == ("Newer terms", "2")


def test_the_approvers_sign_off_stays_while_entries_wait_for_it(app, client):
    campaign = launched_campaign(factories.org(), two_stage_approval=True)
    entry = enter(client, campaign, "a@example.com")
    set_status(entry, EntryStatus.RECOMMENDED)

    refused = edit(campaign, two_stage_approval=False)
    assert "waiting for the approver's sign-off: 1." in refused["two_stage_approval"]
    assert campaign.two_stage_approval
    set_status(entry, EntryStatus.APPROVED)
    assert edit(campaign, two_stage_approval=False) == {}


def test_every_change_is_audited_with_before_and_after_of_what_changed(app):
    campaign = launched_campaign(factories.org())
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.create"))
    assert created.after["title"] == "Summer photos" and created.after["prizes"][0]["quantity"] == 2

    assert edit(campaign, title="Autumn photos", description="New") == {}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.update"))
    assert event.before == {"title": "Summer photos", "description": ""}
    assert event.after == {"title": "Autumn photos", "description": "New"}


def test_a_renamed_campaign_keeps_its_old_address_for_good(app, client, studio):
    org = factories.org()
    factories.member(org, "owner@example.com")
    campaign = launched_campaign(org)
    assert edit(campaign, slug="autumn") == {}

    page = client.get("/c/summer/check?lang=ja")
    assert page.status_code == 308 and page.headers["Location"].endswith("/c/autumn/check?lang=ja")
    assert client.get("/c/summer").headers["Location"].endswith("/c/autumn")
    other = factories.campaign(org, launch=False, slug="winter")
    with force_locale("en"):
        assert "never given out again" in str(
            pytest.raises(InvalidCampaign, edit, other, slug="summer").value.text()
        )
    db.session.rollback()
    studio.login("owner@example.com", factories.PASSWORD)
    response = studio.post(
        "/studio/campaigns/new",
        {"title": "x", "slug": "summer", "entries_per_person": "1", "terms_version": "1"},
        form_page="/studio/campaigns/new",
    )
    assert response.status_code == 400 and "never given out again" in response.text
    assert edit(campaign, slug="summer") == {}  # a campaign may take its own old address back
    assert client.get("/c/summer").status_code == 200
    assert client.get("/c/autumn").headers["Location"].endswith("/c/summer")


def test_a_drawn_winners_code_stays_genuine_at_the_old_address_after_a_rename(client, studio, smtp_server):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    winner = next(p for p in draw.picks if p.role == "winner")
    code = CODE_RE.search(smtp_server.to(winner.entry.email)[0].get_content()).group(1)
    assert save_edit_form(studio.client, campaign, slug="renamed").status_code == 302

    page = client.get("/c/summer/check", follow_redirects=True)
    data = {"code": code, "csrf_token": csrf_from(page.text)}
    moved = client.post("/c/summer/check", data=data)
    assert moved.status_code == 308  # a browser repeats the POST, body and all, at the new address
    answer = client.post(moved.headers["Location"], data=data)
    assert "Genuine" in answer.text


def test_archiving_keeps_the_certificate_and_check_page_is_audited_and_can_be_undone(
    client, studio, smtp_server
):
    campaign, draw = drawn(client, studio, ["a@example.com", "b@example.com"])
    url = f"/studio/campaigns/{campaign.public_id}"
    from tests.entries.helpers import submit

    open_tab = csrf_from(client.get("/c/summer/check").text)  # a tab left open (any form of the session)
    assert studio.post(url + "/archive", form_page=url).status_code == 302

    ended = client.get("/c/summer", headers={"Accept-Language": "ja"})
    assert ended.status_code == 410  # a QR code on a package still leads somewhere that says what happened
    assert "このキャンペーンは終了しました" in ended.text and campaign.organisation.name in ended.text
    assert f'href="/draws/{draw.public_id}"' in ended.text and 'href="/c/summer/check"' in ended.text
    assert 'name="photo"' not in ended.text
    late = submit(client, fields={"csrf_token": open_tab}, headers={"Accept": "application/json"})
    assert (late.status_code, late.json["error"]) == (410, "campaign_ended")
    assert submit(client, fields={"csrf_token": open_tab}).status_code == 410  # without the page's script
    assert client.get(f"/draws/{draw.public_id}").status_code == 200
    assert client.get(f"/draws/{draw.public_id}.json").json["results"]
    assert client.get("/c/summer/check").status_code == 200
    assert "Restore" in studio.client.get(url).text
    assert studio.post(url + "/unarchive", form_page=url).status_code == 302
    assert campaign.archived_at is None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == campaign.public_id)
    ).all()
    assert actions[-2:] == ["campaign.archive", "campaign.unarchive"]


def test_an_archived_instant_win_still_reveals_its_certificate(app, client):
    campaign = instant_campaign(factories.org())
    bare_entry(campaign, "a@example.com", utcnow())
    close(campaign)
    services.archive(campaign, actor=Actor.system(), now=utcnow())
    db.session.commit()
    assert client.get("/c/summer/instant-win.json").status_code == 200


def test_opens_on_message_is_in_the_organisations_time_zone(app, client):
    org = orgs.create_organisation("NY Brand", "ny-brand", timezone="America/New_York")
    db.session.commit()
    opens = datetime(2099, 1, 10, 15, 0, tzinfo=UTC)  # 10:00 in New York, 00:00 the next day in Tokyo
    factories.campaign(org, opens_at=opens, closes_at=opens + timedelta(days=9))
    token = csrf_from(client.get("/login").text)  # the scheduled page has no form yet; any page's token
    response = submit(client, fields={"csrf_token": token, "idempotency_key": "k"})
    assert response.status_code == 409
    assert "Jan 10, 2099, 10:00\u202fAM (Eastern Time)" in response.text  # i18n.public_time


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:00"])
@pytest.mark.parametrize("timezone", ["Asia/Tokyo", "America/New_York"])
def test_an_opening_in_year_1_or_9999_is_a_form_error(client, studio, when, timezone):
    org = orgs.create_organisation("Brand", "brand-x", timezone=timezone)
    db.session.commit()
    factories.member(org, "owner@example.com", Role.OWNER)
    campaign = factories.campaign(org, launch=False)
    studio.login("owner@example.com", factories.PASSWORD)
    for name in ("opens_at", "closes_at"):
        response = save_edit_form(studio.client, campaign, **{name: when})
        assert response.status_code == 400
        assert "between the years 2000 and 2099" in response.text
    assert db.session.scalar(select(Campaign.opens_at)) == campaign.opens_at


def test_switching_instant_win_after_launch_says_why_on_the_form(app, studio):
    """The refusal sits on the checkbox's own field: the form showed a 400 with no message at all."""
    org = factories.org()
    factories.member(org, "owner@example.com")
    campaign = launched_campaign(org)
    studio.login("owner@example.com", factories.PASSWORD)
    response = save_edit_form(studio.client, campaign, instant_win="y")
    assert response.status_code == 400
    assert "Instant win is fixed at launch: it cannot be switched on or off." in response.text


def test_a_form_sent_to_an_archived_campaign_leads_to_its_ended_page_and_keeps_nothing(app, client):
    """A tab left open on the entry form, sent after the brand archived the campaign: the page's script
    (JSON) was told "This campaign has ended." by the form, with no way to what stays public of it; its
    answer now names the ended page, where the script goes. Without the script, the answer is that page.
    No entry is kept."""
    from campaign.entries.models import Entry

    campaign = instant_campaign(factories.org())
    open_tab = form_fields(client, "summer", headers={"Accept-Language": "ja"})
    services.archive(campaign, actor=Actor.system(), now=utcnow())
    db.session.commit()

    for language, heading in (("ja", "このキャンペーンは終了しました"), ("en", "This campaign has ended")):
        sent = submit(client, fields=open_tab, headers={"Accept-Language": language})
        assert sent.status_code == 410
        assert heading in sent.text and 'id="campaign-ended"' in sent.text
        assert 'href="/c/summer/instant-win"' in sent.text and 'href="/c/summer/check"' in sent.text
        assert 'name="photo"' not in sent.text
    by_script = submit(client, fields=open_tab, headers={"Accept": "application/json"})
    assert by_script.status_code == 410
    assert by_script.json == {
        "error": "campaign_ended",
        "message": "This campaign has ended.",
        "ended_url": "/c/summer",
    }
    ended = client.get(by_script.json["ended_url"])
    assert ended.status_code == 410 and 'id="campaign-ended"' in ended.text
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0
