"""A no holds against the page: once declined or withdrawn (by whoever held the public link), a click on Yes
is refused and the page offers none; only the team's record of a reply it saw grants again. Every answer on
the page is audited as "someone with the rights link", never as the entrant."""

from sqlalchemy import select

from campaign.audit.models import ActorKind, AuditEvent
from campaign.extensions import db
from campaign.rights.models import Proof, RightsState
from tests.conftest import csrf_from
from tests.rights.helpers import add_templates, collected, request_for
from tests.rights.test_grants import (
    answer,
    asked_and_sent,
    gallery_ids,
    public_objects,
    recorded_by_the_team,
    rights_link,
)


def approved_and_asked(brand):
    """A gallery, and a collected post approved and asked for its rights."""
    add_templates(brand)
    gallery = brand.gallery()
    entry = collected(brand, approve=True)
    asked_and_sent(brand, entry)
    return gallery, entry


def stale_page(brand, entry):
    """A stranger's tab opened before the no, its form still there."""
    stranger = brand.app.test_client()
    return stranger, csrf_from(stranger.get(rights_link(entry)).text)


def refused_yes(entry, stranger, token) -> None:
    link = rights_link(entry)
    page = stranger.get(link)
    assert "Yes, I allow it" not in page.text and "You can withdraw at any time" not in page.text
    assert "This page cannot change that answer" in page.text and "#yes_brand" in page.text
    assert stranger.post(f"{link}/grant", data={"csrf_token": token}).status_code == 409
    ja = stranger.get(link, headers={"Accept-Language": "ja"})
    assert "はい、許諾します" not in ja.text and "いつでも取り消せます" not in ja.text


def test_a_decline_then_a_click_on_yes_is_refused(brand, client):
    gallery, entry = approved_and_asked(brand)
    stranger, token = stale_page(brand, entry)
    assert answer(brand.app.test_client(), rights_link(entry), "decline").status_code == 303
    refused_yes(entry, stranger, token)
    request = request_for(entry)
    assert request.state is RightsState.DECLINED and request.proof is Proof.NONE
    assert entry.public_id not in gallery_ids(client, gallery) and public_objects(entry) == []


def test_a_withdrawal_then_a_click_on_yes_is_refused(brand, client):
    gallery, entry = approved_and_asked(brand)
    stranger, token = stale_page(brand, entry)
    creator = brand.app.test_client()
    answer(creator, rights_link(entry), "grant")
    assert answer(creator, rights_link(entry), "withdraw").status_code == 303
    refused_yes(entry, stranger, token)
    assert request_for(entry).state is RightsState.WITHDRAWN
    assert entry.public_id not in gallery_ids(client, gallery) and public_objects(entry) == []


def test_only_the_teams_record_of_a_reply_grants_again_after_a_no(brand, client):
    gallery, entry = approved_and_asked(brand)
    answer(brand.app.test_client(), rights_link(entry), "decline")
    listed = brand.studio.client.get("/studio/rights/?state=declined")
    assert "that you saw and record here grants it again" in listed.text
    recorded_by_the_team(brand, entry)
    request = request_for(entry)
    assert request.state is RightsState.GRANTED and request.proof is Proof.MANUAL
    assert entry.public_id in gallery_ids(client, gallery)


def test_answers_on_the_page_are_audited_as_someone_with_the_link(brand):
    add_templates(brand)
    first, second = collected(brand, post_id="1"), collected(brand, post_id="2", handle="matcha")
    asked_and_sent(brand, first)
    asked_and_sent(brand, second)
    stranger = brand.app.test_client()
    answer(stranger, rights_link(first), "grant")
    answer(stranger, rights_link(first), "withdraw")
    answer(stranger, rights_link(second), "decline")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("rights.grant", "rights.withdraw", "rights.decline")))
    ).all()
    assert sorted(e.action for e in events) == ["rights.decline", "rights.grant", "rights.withdraw"]
    assert {(e.actor_kind, e.actor_label, e.actor_user_id) for e in events} == {
        (ActorKind.RIGHTS_LINK, "rights_link", None)
    }
    studio = brand.studio.client
    ja = studio.get(f"/studio/entries/{first.public_id}", headers={"Accept-Language": "ja"}).text
    trail = ja.split('id="audit-heading"')[1]
    assert "許諾リンクを開いた人（本人とは限りません）" in trail and "応募者" not in trail
    assert "許諾ページで「はい」が押されました" in trail
    en = studio.get(f"/studio/entries/{first.public_id}", headers={"Accept-Language": "en"}).text
    assert "Someone with the rights link (not necessarily the creator)" in en
    assert "Yes clicked on the rights page (not confirmed by the creator: nothing published)" in en
