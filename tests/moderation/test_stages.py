"""Single- and two-stage moderation through the studio, each step audited, shown to the customer."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.moderation.conftest import reason_id, step


def audit_actions(entry) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == entry.public_id).order_by(AuditEvent.id)
        )
    )


def test_single_stage_an_editor_approves_and_the_customer_sees_it(team, client):
    entry, status_url = team.entry(client)
    editor = team.studio(Role.EDITOR)
    response = step(editor, entry, "approve", note="nice photo")
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.approve"))
    assert event.actor_label == "editor@example.com"
    assert event.before == {"status": "received"}
    assert event.after["status"] == "approved" and event.after["note"] == "nice photo"
    assert event.org_id == team.org.id and event.campaign_id == team.campaign.id
    assert event.ip_address == "127.0.0.1"
    page = client.get(status_url)
    assert 'id="entry-status">Approved<' in page.text
    assert "nice photo" not in page.text  # the team note is never shown to the customer
    assert 'id="not-shown"' not in page.text  # consented to the gallery and reviews: shown


def test_an_approved_entry_the_customer_kept_private_says_why_it_is_not_shown(team, client):
    """「承認済み」 alone made a customer who consented to no public surface look for a photo that is never
    shown (a walk-through's find)."""
    entry, status_url = team.entry(client, consent_scopes=[])
    assert step(team.studio(Role.EDITOR), entry, "approve").status_code == 303
    page = client.get(status_url, headers={"Accept-Language": "ja"}).text
    assert 'id="entry-status">承認済み<' in page
    assert "掲載に同意されていないため、この写真は公開されません" in page


def test_a_viewer_cannot_moderate(team):
    entry, _ = team.entry()
    assert step(team.studio(Role.VIEWER), entry, "approve").status_code == 403
    db.session.refresh(entry)
    assert entry.status is EntryStatus.RECEIVED
    assert audit_actions(entry) == []


def test_reject_needs_a_reason_shown_in_the_readers_language(team, client):
    entry, status_url = team.entry(client, headers={"Accept-Language": "ja"})
    assert entry.locale == "ja"
    editor = team.studio(Role.EDITOR)
    refused = step(editor, entry, "reject", note="blurry")
    assert refused.status_code == 422 and "Choose a rejection reason" in refused.text  # at its field
    assert step(editor, entry, "reject", reason=reason_id(team, 0), note="blurry, private").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.REJECTED
    page = client.get(status_url)  # the viewer's browser asks for English: so does the reason, which has it
    assert "Not approved" in page.text
    assert '<span lang="en">The product is not visible in the photo</span>' in page.text
    assert "blurry, private" not in page.text
    japanese = client.get(status_url, headers={"Accept-Language": "ja"}).text
    assert '<span lang="ja">製品が写っていません</span>' in japanese


def test_a_reason_of_another_organisation_is_not_found(team, app):
    from tests import factories

    other = factories.org("brand-b")
    from campaign.moderation.reasons import reasons_of

    theirs = reasons_of(other)[0].public_id
    entry, _ = team.entry()
    assert step(team.studio(Role.EDITOR), entry, "reject", reason=theirs).status_code == 404


def test_two_stage_editor_recommends_only_the_approver_approves(two_stage, client):
    entry, status_url = two_stage.entry(client)
    editor, approver = two_stage.studio(Role.EDITOR), two_stage.studio(Role.APPROVER)
    refused = step(editor, entry, "approve")
    assert refused.status_code == 403 and "Only an approver" in refused.text
    assert step(editor, entry, "recommend", note="Great light, on brand").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.RECOMMENDED
    assert "Received: waiting for review" in client.get(status_url).text  # internal stage not shown

    page = approver.client.get(f"/studio/entries/{entry.public_id}")
    assert "Recommended by editor@example.com" in page.text
    assert "Great light, on brand" in page.text
    assert step(approver, entry, "approve").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED
    assert audit_actions(entry) == ["entry.recommend", "entry.approve"]


def test_the_approver_sends_back_with_a_comment(two_stage):
    entry, _ = two_stage.entry()
    editor, approver = two_stage.studio(Role.EDITOR), two_stage.studio(Role.APPROVER)
    step(editor, entry, "recommend")
    assert step(approver, entry, "send_back").status_code == 422  # a comment is required
    assert step(approver, entry, "send_back", note="Crop out the receipt first").status_code == 303
    db.session.refresh(entry)
    assert entry.status is EntryStatus.RECEIVED
    assert entry.recommended_by == ""
    assert "Crop out the receipt first" in editor.client.get(f"/studio/entries/{entry.public_id}").text
    assert step(editor, entry, "send_back", note="x").status_code == 409  # not recommended any more


def test_a_move_the_table_does_not_allow_is_refused(team):
    entry, _ = team.entry()
    editor = team.studio(Role.EDITOR)
    assert step(editor, entry, "recommend").status_code == 409  # single-stage: no recommending
    assert step(editor, entry, "withdraw", note="x").status_code == 409  # not approved yet
    assert step(editor, entry, "frobnicate").status_code == 404


def test_bulk_approve_in_one_post(team):
    first, _ = team.entry(email="one@example.com")
    second, _ = team.entry(email="two@example.com")
    third, _ = team.entry(email="three@example.com")
    editor = team.studio(Role.EDITOR)
    step(editor, third, "reject", reason=reason_id(team))
    response = editor.post(
        "/studio/moderation/bulk",
        {"action": "approve", "entries": [first.public_id, second.public_id]},
    )
    assert response.status_code == 303
    for entry in (first, second):
        db.session.refresh(entry)
        assert entry.status is EntryStatus.APPROVED
    queue = f"/studio/moderation/campaigns/{team.campaign.public_id}"
    response = editor.post(
        "/studio/moderation/bulk?lang=ja",
        {"action": "reject", "entries": [first.public_id, second.public_id], "next": queue},
    )
    # a bulk rejection needs its reason too: said as a refusal above the queue it came from (a walk-through
    # met the 409 page, whose "someone else may have changed it" sent the moderator looking for a colleague)
    assert response.status_code == 303 and response.headers["Location"].endswith(queue)
    told = editor.client.get(queue + "?lang=ja").text
    assert 'class="flash flash-error" role="alert">非承認の理由を選んでください。<' in told
    for entry in (first, second):
        db.session.refresh(entry)
        assert entry.status is EntryStatus.APPROVED  # nothing moved
    nothing = editor.post("/studio/moderation/bulk?lang=ja", {"action": "approve", "next": queue})
    assert nothing.status_code == 303  # nothing selected is a refusal too, not a green "done"
    told = editor.client.get(queue + "?lang=ja").text
    assert 'class="flash flash-error" role="alert">応募を1つ以上選択してください。<' in told
    response = editor.post(
        "/studio/moderation/bulk",
        {"action": "reject", "reason": reason_id(team, 1), "entries": [first.public_id, third.public_id]},
        follow_redirects=True,
    )
    # approved and already-rejected entries cannot be rejected: said as a failure, each named with its reason
    told = response.text[response.text.index('class="flash flash-error"') :]
    assert (
        "2 entries were not moved: さくら (This entry cannot be rejected in its current state.), さくら"
        in told
    )


def test_two_stage_bulk_buttons_fit_the_member_and_a_refusal_is_named(two_stage):
    """A walk-through's finds: on a campaign the client's approver signs off, the agency's editor was offered
    "Approve selected", which then said, as if it went well, "0 entries moved" and "1 entry skipped"; the
    approver was offered "Recommend selected" (to themselves)."""
    entry, _ = two_stage.entry(email="one@example.com", nickname="たろう")
    queue = f"/studio/moderation/campaigns/{two_stage.campaign.public_id}"
    editor = two_stage.studio(Role.EDITOR)
    page = editor.client.get(queue + "?lang=en").text
    assert "Recommend selected" in page and "Approve selected" not in page
    approver = two_stage.studio(Role.APPROVER).client.get(queue + "?lang=en").text
    assert "Approve selected" in approver and "Recommend selected" not in approver
    assert "move-recommend" not in approver and "move-recommend" in page  # nor on each card
    yourself = step(two_stage.studio(Role.APPROVER), entry, "recommend")
    assert yourself.status_code in (403, 409)
    refused = editor.post(
        "/studio/moderation/bulk?lang=ja", {"action": "approve", "entries": [entry.public_id]},
        follow_redirects=True,
    )  # fmt: skip
    assert 'class="flash flash-error" role="alert">1件の応募は処理しませんでした：たろう（' in refused.text
    nameless, _ = two_stage.entry(email="two@example.com", nickname="")
    refused = editor.post(
        "/studio/moderation/bulk?lang=ja", {"action": "approve", "entries": [nameless.public_id]},
        follow_redirects=True,
    )  # fmt: skip
    assert f"処理しませんでした：匿名 {nameless.public_id[:6]}（" in refused.text  # told apart by their id
    assert "件の応募を処理しました" not in refused.text
    db.session.refresh(entry)
    assert entry.status is EntryStatus.RECEIVED


def test_launch_needs_the_approvers_sign_off_in_two_stage_campaigns(app):
    from tests.moderation.conftest import make_team

    team = make_team(app, two_stage_approval=True, launch=False)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    editor, approver = team.studio(Role.EDITOR), team.studio(Role.APPROVER)
    response = editor.post(f"{url}/launch", follow_redirects=True)
    assert "Launch requested" in response.text
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is None and team.campaign.launch_requested_by == "editor@example.com"
    assert (
        editor.post(f"/studio/moderation/campaigns/{team.campaign.public_id}/approve-launch").status_code
        == 403
    )
    assert (
        approver.post(f"/studio/moderation/campaigns/{team.campaign.public_id}/approve-launch").status_code
        == 303
    )
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is not None
    actions = list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("campaign.%")).order_by(AuditEvent.id)
        )
    )
    assert actions == ["campaign.create", "campaign.request_launch", "campaign.approve_launch"]


def test_a_launch_request_the_approver_could_not_complete_is_refused_when_made(app):
    """A walk-through's find: an editor's request for a campaign without dates was recorded; its approver
    then met a bare 400 and, unable to edit the campaign, could do nothing. Now the request is refused at
    once, on the campaign's page, and nothing is recorded; an owner's launch says the same there too."""
    from tests.moderation.conftest import make_team

    team = make_team(app, two_stage_approval=True, launch=False)
    team.campaign.opens_at = team.campaign.closes_at = None
    db.session.commit()
    url = f"/studio/campaigns/{team.campaign.public_id}"
    for role in (Role.EDITOR, Role.OWNER):
        member = team.studio(role)
        refused = member.post(f"{url}/launch", headers={"Accept-Language": "ja"})
        assert refused.status_code == 303 and refused.headers["Location"] == url
        page = member.client.get(url, headers={"Accept-Language": "ja"}).text
        assert (
            "公開する前に開始日時と終了日時を設定してください" in page and 'id="launch-requested"' not in page
        )
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is None and team.campaign.launched_at is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("campaign.%launch"))) is None


def test_an_approval_that_can_no_longer_launch_says_to_decline_the_request(app):
    """A walk-through's find: a request made in time whose closing time then passed could never be
    approved, and the approver's refusal did not say what to do about it."""
    from datetime import timedelta

    from campaign.clock import utcnow
    from tests.moderation.conftest import make_team

    team = make_team(app, two_stage_approval=True, launch=False)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert team.studio(Role.EDITOR).post(f"{url}/launch").status_code == 302  # requested in time
    team.campaign.closes_at = utcnow() - timedelta(minutes=1)  # then the closing time passes
    db.session.commit()
    approver = team.studio(Role.APPROVER)
    refused = approver.post(
        f"/studio/moderation/campaigns/{team.campaign.public_id}/approve-launch",
        headers={"Accept-Language": "ja"},
    )
    assert refused.status_code == 303
    page = approver.client.get(url, headers={"Accept-Language": "ja"}).text
    assert "終了日時がすでに過ぎています" in page and "「却下する」で公開の申請を差し戻してください" in page
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is None and team.campaign.launch_requested_at is not None


def test_the_sign_off_setting_says_an_owner_may_sign_off_too(app):
    """A walk-through's find: with the client's sign-off on, an owner launched and approved at once, as the
    roles allow, while the setting read as if only the client's approver could."""
    from tests.moderation.conftest import make_team

    team = make_team(app, two_stage_approval=True)
    edit = team.studio(Role.OWNER).client.get(
        f"/studio/campaigns/{team.campaign.public_id}/edit", headers={"Accept-Language": "ja"}
    )
    assert "クライアントの承認者（またはオーナー）が応募とキャンペーンの公開を承認する" in edit.text


def test_an_editor_cannot_switch_off_the_approvers_sign_off(two_stage):
    import dataclasses

    import pytest

    from campaign.campaigns.services import snapshot
    from campaign.moderation.launch import check_settings_change
    from campaign.moderation.services import NotAllowed

    # the campaign as saved (launched and signed off: what customers see is an owner's to change now)
    data = dataclasses.replace(snapshot(two_stage.campaign), two_stage_approval=False)
    by_role = {m.role: m for m in memberships_of_team(two_stage)}
    with pytest.raises(NotAllowed):
        check_settings_change(two_stage.campaign, data, by_role[Role.EDITOR])
    check_settings_change(two_stage.campaign, data, by_role[Role.APPROVER])
    check_settings_change(
        two_stage.campaign, dataclasses.replace(data, two_stage_approval=True), by_role[Role.EDITOR]
    )


def memberships_of_team(team):
    from campaign.orgs.models import Membership

    return db.session.scalars(select(Membership).where(Membership.org_id == team.org.id)).all()


def test_the_approver_declines_a_launch_and_an_edit_withdraws_a_request(app):
    from campaign.audit.services import Actor
    from campaign.campaigns import services as campaigns
    from campaign.clock import utcnow
    from campaign.moderation.launch import check_settings_change
    from tests import factories
    from tests.moderation.conftest import make_team

    team = make_team(app, two_stage_approval=True, launch=False)
    base = f"/studio/moderation/campaigns/{team.campaign.public_id}"
    editor, approver = team.studio(Role.EDITOR), team.studio(Role.APPROVER)
    editor.post(f"/studio/campaigns/{team.campaign.public_id}/launch")
    assert approver.post(f"{base}/decline-launch").status_code == 409  # why is required
    assert approver.post(f"{base}/decline-launch", {"note": "Terms need legal review"}).status_code == 303
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is None and team.campaign.launched_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.decline_launch"))
    assert event.reason == "Terms need legal review" and event.before["requested_by"] == "editor@example.com"

    editor.post(f"/studio/campaigns/{team.campaign.public_id}/launch")
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is not None
    by_role = {m.role: m for m in memberships_of_team(team)}
    edit = factories.campaign_data(two_stage_approval=True)
    check_settings_change(team.campaign, edit, by_role[Role.EDITOR])  # allowed: the sign-off stays on
    assert team.campaign.launch_requested_at is not None  # a check changes nothing
    campaigns.update_campaign(
        team.campaign, edit, actor=Actor.member(by_role[Role.EDITOR].user), now=utcnow()
    )
    assert team.campaign.launch_requested_at is None  # the approver signs off what they saw


def test_the_takedown_says_its_reason_is_required_before_the_browser_does(team, client):
    """A walk-through's find: the takedown's note was required, but labelled as an optional team note, so
    the first thing a marketer learned was the browser's own bubble (in the browser's language)."""
    import re

    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    page = editor.client.get(f"/studio/entries/{entry.public_id}", headers={"Accept-Language": "ja"}).text
    label = re.search(r'<label for="note-withdraw">(.*?)</label>', page, re.S).group(1)
    assert "取り下げの理由（社内用・お客様には表示されません）" in label and "必須" in label
    approve_label = re.search(r'<label for="note-reapprove">(.*?)</label>|$', page, re.S).group(1) or ""
    assert "必須" not in approve_label


def test_a_takedown_without_its_reason_comes_back_to_the_entry_with_the_message_at_the_field(team, client):
    """A check's find: spaces pass the browser's required check, and the answer was a 409 page saying
    someone else may have changed the entry, with a link to the campaign, not the entry."""
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    step(editor, entry, "approve")
    url = f"/studio/entries/{entry.public_id}"
    refused = editor.post(
        f"/studio/moderation/entries/{entry.public_id}/withdraw?lang=ja", {"note": "   "}, form_page=url
    )
    assert refused.status_code == 422
    page = refused.text
    assert (
        'id="note-withdraw-error"' in page
        and 'aria-invalid="true" aria-describedby="note-withdraw-error"' in page
    )
    assert "ほかの方が変更した" not in page and 'id="entry-shown"' in page  # the entry's own page
    db.session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED
    rejected = editor.post(
        f"/studio/moderation/entries/{entry.public_id}/withdraw", {"note": "権利者から連絡"}, form_page=url
    )
    assert rejected.status_code == 303
