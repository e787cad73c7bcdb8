"""'Close now' and 'Duplicate' on the campaign page: locked, checked by the change rules, audited; a copy
takes settings, products, prizes and terms, never entries, winners, consents or the seed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign, CampaignStatus
from campaign.clock import utcnow
from campaign.draws.models import DrawPlan
from campaign.entries.models import Consent, Entry
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.conftest import NONCE_RE, csrf_from
from tests.draws.helpers import PRIZES, launched_campaign
from tests.entries.helpers import submit
from tests.instant.helpers import instant_campaign
from tests.moderation.conftest import make_team
from tests.races import race, wait_until_one_waits_for_a_lock


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_close_now_ends_a_live_campaign_and_takes_no_more_entries(app, client):
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    page = f"/studio/campaigns/{team.campaign.public_id}"
    assert 'id="close-now"' in editor.client.get(page).text and "data-confirm" in editor.client.get(page).text
    before = utcnow()
    response = editor.post(f"{page}/close", form_page=page)
    assert response.status_code == 303
    db.session.expire_all()
    campaign = db.session.get(Campaign, team.campaign.id)
    assert before <= campaign.closes_at <= utcnow()
    assert campaign.status(utcnow()) is CampaignStatus.CLOSED
    [event] = events("campaign.close_now")
    assert (
        event.actor_label == "editor@example.com"
        and event.after["closes_at"] == campaign.closes_at.isoformat()
    )
    public = client.get(f"/c/{campaign.slug}").text
    assert f'action="/c/{campaign.slug}/entries"' not in public  # no more entries

    again = editor.post(f"{page}/close", form_page=page, headers={"Accept": "application/json"})
    assert again.status_code == 400 and len(events("campaign.close_now")) == 1  # closed once, nothing changed


def test_close_now_is_refused_for_an_instant_win_and_for_a_draft(app):
    org = factories.org()
    factories.member(org, "owner@example.com", Role.OWNER)
    instant = instant_campaign(org, slug="instant")
    instant.opens_at = utcnow() - timedelta(days=1)
    draft = factories.campaign(org, slug="draft", launch=False)
    db.session.commit()
    from tests.conftest import Studio

    owner = Studio(app.test_client())
    owner.login("owner@example.com", factories.PASSWORD)
    for campaign, words in ((instant, "never earlier"), (draft, "Only a live campaign")):
        closes_at = campaign.closes_at
        url = f"/studio/campaigns/{campaign.public_id}"
        refused = owner.post(f"{url}/close?lang=en", form_page=url, headers={"Accept": "application/json"})
        assert refused.status_code in (400, 409) and words in refused.json["message"], refused.json
        db.session.expire_all()
        assert db.session.get(Campaign, campaign.id).closes_at == closes_at
    assert events("campaign.close_now") == []
    # in the studio (no script asking for JSON): no "Close now" on an instant win, which says why; a
    # forged post comes back to the campaign page with the rule's reason, not an error page blaming others
    url = f"/studio/campaigns/{instant.public_id}"
    page = owner.client.get(url + "?lang=en").text
    assert 'id="close-now"' not in page and "An instant win cannot be closed early" in page
    assert "Instant win: one lucky entry in 1, at once" in page
    refused = owner.post(f"{url}/close?lang=en", form_page=url)
    assert refused.status_code == 303 and refused.headers["Location"] == url
    told = owner.client.get(url + "?lang=en").text
    assert "never earlier" in told and "someone else" not in told


def test_duplicate_copies_settings_products_prizes_never_entries_or_winners(app, client):
    org = factories.org()
    factories.member(org, "editor@example.com", Role.EDITOR)
    source = launched_campaign(org, prizes=PRIZES, two_stage_approval=True, entries_per_person=3)
    assert submit(client, source.slug).status_code == 303
    from tests.conftest import Studio

    editor = Studio(app.test_client())
    editor.login("editor@example.com", factories.PASSWORD)
    url = f"/studio/campaigns/{source.public_id}"
    response = editor.post(f"{url}/duplicate?lang=ja", form_page=url)
    assert response.status_code == 303 and response.headers["Location"].endswith("/edit")
    copy = db.session.scalars(select(Campaign).where(Campaign.id != source.id)).one()
    assert copy.slug == f"{source.slug}-copy" and copy.title == f"{source.title}（コピー）"
    assert copy.launched_at is None and copy.opens_at is None and copy.closes_at is None
    assert (copy.terms_text, copy.entries_per_person, copy.two_stage_approval) == (
        source.terms_text, 3, True,
    )  # fmt: skip
    assert [(p.name, p.quantity, p.value_jpy) for p in copy.prizes] == [
        (p.name, p.quantity, p.value_jpy) for p in source.prizes
    ]
    assert {p.public_id for p in copy.prizes}.isdisjoint({p.public_id for p in source.prizes})
    assert [p.name for p in copy.products] == [p.name for p in source.products]
    assert db.session.scalar(select(func.count()).where(Entry.campaign_id == copy.id)) == 0
    assert (
        db.session.scalar(select(func.count(Consent.id)).join(Entry).where(Entry.campaign_id == copy.id)) == 0
    )
    assert (
        db.session.scalar(select(DrawPlan).where(DrawPlan.campaign_id == copy.id)) is None
    )  # its own seed later
    dup = events("campaign.duplicate")
    assert {(e.campaign_id, e.actor_label) for e in dup} == {
        (source.id, "editor@example.com"), (copy.id, "editor@example.com"),
    }  # fmt: skip

    editor.post(f"{url}/duplicate", form_page=url)
    slugs = set(db.session.scalars(select(Campaign.slug)))
    assert f"{source.slug}-copy-2" in slugs  # a second copy gets the next free address


def test_a_viewer_may_neither_close_nor_duplicate(app):
    team = make_team(app)
    viewer = team.studio(Role.VIEWER)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert viewer.post(f"{url}/close", form_page=url).status_code == 403
    assert viewer.post(f"{url}/duplicate", form_page=url).status_code == 403
    assert db.session.scalar(select(func.count(Campaign.id))) == 1


def test_duplicate_clicked_twice_makes_one_copy(app):
    """The button's form carries a one-time token: a double click, or a refresh that sends it again,
    copies once, and the second send lands on the campaign list, where the copy is, saying so."""
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    page = editor.client.get(url).text
    sent = {"csrf_token": csrf_from(page), "form_nonce": NONCE_RE.search(page).group(1)}
    assert editor.client.post(f"{url}/duplicate", data=sent).status_code == 303
    again = editor.client.post(f"{url}/duplicate?lang=ja", data=sent)
    assert again.status_code == 303 and again.headers["Location"] == "/studio/"
    listed = editor.client.get("/studio/?lang=ja").text
    assert "このフォームは送信済みです。二重には作成していません。" in listed
    copy = db.session.scalars(select(Campaign).where(Campaign.id != team.campaign.id)).one()
    assert f"/studio/campaigns/{copy.public_id}" in listed
    without_token = editor.client.post(f"{url}/duplicate", data={"csrf_token": sent["csrf_token"]})
    assert without_token.status_code == 400 and "open the page again" in without_token.text
    assert db.session.scalar(select(func.count(Campaign.id))) == 2 and len(events("campaign.duplicate")) == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_copies_made_at_once_each_get_a_free_address(app):
    """Two tabs copying one campaign: both read `-copy` as free, and the second insert broke the unique
    address (a 500). The second now takes the next free address once the first has committed."""
    from campaign.audit.services import Actor
    from campaign.campaigns import copies

    org = factories.org()
    source_id = factories.campaign(org, slug="spring").id
    db.session.commit()

    def copy():
        with app.test_request_context():  # the copy's title is translated
            copies.duplicate(db.session.get(Campaign, source_id), actor=Actor.system(), now=utcnow())

    def first(ready):
        copy()  # inserted, not committed
        ready()
        wait_until_one_waits_for_a_lock()  # the second's insert of `spring-copy`

    def second(ready):
        ready()
        copy()

    assert race(app, first, second) == ["done", "done"]
    slugs = db.session.scalars(select(Campaign.slug).order_by(Campaign.id)).all()
    assert slugs == ["spring", "spring-copy", "spring-copy-2"]


def test_the_duplicate_button_asks_about_everything_a_copy_takes(app):
    """A copy shares the campaign's images (its hero, logo and prizes' pictures); its confirmation named
    settings, products, prizes and terms only (a walk-through's find)."""
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    page = f"/studio/campaigns/{team.campaign.public_id}"
    english = editor.client.get(page, headers={"Accept-Language": "en"}).text
    assert "settings, images, products, prizes and terms?" in english
    editor.client.set_cookie("lang", "ja")
    assert "設定・画像・商品・賞品・規約をコピーして" in editor.client.get(page).text
