"""An approved entry flagged as a duplicate photo is left out of the draw; the people who may draw clear a
wrong mark on its page, with the reason, before the draw (the draw screen sends them there)."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.draws import exclusions
from campaign.draws.models import Eligibility
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.draws.helpers import close, launched_campaign
from tests.moderation.conftest import ROLES, Team, step


def flagged_team(app, client) -> tuple[Team, object, object]:
    """A launched campaign (its draw plan committed) with an approved entry and an approved exact copy of
    its photo from another person."""
    organisation = factories.org("brand-a", "Brand A")
    for role in ROLES:
        factories.member(organisation, f"{role.value}@example.com", role)
    team = Team(organisation, launched_campaign(organisation), app)
    first, _ = team.entry(client, email="one@example.com")
    copy, _ = team.entry(client, email="two@example.com")  # the same photo
    assert copy.duplicate_kind == "exact" and copy.duplicate_of_id == first.id
    editor = team.studio(Role.EDITOR)
    for entry in (first, copy):
        assert step(editor, entry, "approve").status_code == 303
    return team, first, copy


def clear(studio, entry, note: str):
    page = f"/studio/entries/{entry.public_id}"
    return studio.post(
        f"/studio/moderation/entries/{entry.public_id}/not-duplicate", {"note": note}, form_page=page
    )


def test_an_approver_clears_a_wrong_mark_and_the_entry_takes_part(app, client):
    team, first, copy = flagged_team(app, client)
    assert exclusions.preview(team.campaign, Eligibility.APPROVED).to_look_at == {"duplicate_photo": 1}
    approver = team.studio(Role.APPROVER)
    page = approver.client.get(f"/studio/entries/{copy.public_id}", headers={"Accept-Language": "ja"}).text
    assert "重複ではない" in page and 'id="not-duplicate"' in page

    response = clear(approver, copy, "同じ商品を別の日に撮った写真で、別の方の応募です")
    assert response.status_code == 303
    db.session.refresh(copy)
    assert copy.duplicate_kind == "" and copy.duplicate_of_id is None
    preview = exclusions.preview(team.campaign, Eligibility.APPROVED)
    assert preview.taking_part == 2 and preview.excluded == {}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.not_duplicate"))
    assert event.actor_label == "approver@example.com" and event.object_id == copy.public_id
    assert event.reason == "同じ商品を別の日に撮った写真で、別の方の応募です"
    assert event.before == {"duplicate_of": first.public_id, "duplicate": "exact"}
    trail = approver.client.get(f"/studio/entries/{copy.public_id}", headers={"Accept-Language": "ja"}).text
    assert "重複の判定を解除" in trail and 'id="not-duplicate"' not in trail  # told, and nothing to clear now
    again = clear(approver, copy, "again")  # a second tab: changes nothing, and says so
    assert again.status_code == 303
    assert "had been cleared already" in approver.client.get(again.headers["Location"]).text
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "entry.not_duplicate").offset(1))
        is None
    )


def test_a_mark_is_cleared_only_with_a_reason_by_who_may_draw_and_before_the_draw(app, client):
    team, _, copy = flagged_team(app, client)
    editor, owner = team.studio(Role.EDITOR), team.studio(Role.OWNER)
    seen_by_editor = editor.client.get(f"/studio/entries/{copy.public_id}").text
    assert 'id="not-duplicate"' not in seen_by_editor  # no form, but whom to ask (a walk-through's find)
    assert 'id="not-duplicate-ask"' in seen_by_editor and "an owner or approver can clear" in seen_by_editor
    draw_screen = editor.client.get(f"/studio/campaigns/{team.campaign.public_id}/draw").text
    assert "ask an owner or approver to clear its mark" in draw_screen
    assert clear(editor, copy, "not a copy").status_code == 403  # editors cannot change who takes part

    for blank in ("   ", "\u200b\u200b", "\u3000\u2800"):  # zero-width spaces passed as a reason
        refused = clear(owner, copy, blank)
        assert refused.status_code == 422
        assert "Say why this photo is not a duplicate" in refused.text
        assert 'aria-invalid="true"' in refused.text
    too_long = clear(owner, copy, "あ" * 2001)  # it went whole into the trail: the page was 63,000 px tall
    assert too_long.status_code == 422 and "Keep the note to 2000 characters." in too_long.text
    db.session.refresh(copy)
    assert copy.duplicate_kind == "exact"

    close(team.campaign)
    url = f"/studio/campaigns/{team.campaign.public_id}/draw"
    assert owner.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    assert 'id="not-duplicate"' not in owner.client.get(f"/studio/entries/{copy.public_id}").text
    late = clear(owner, copy, "not a copy")
    assert late.status_code == 409 and "The winners have been drawn" in late.text
    db.session.refresh(copy)
    assert copy.duplicate_kind == "exact"
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "entry.not_duplicate")) is None


def test_a_takedown_s_reason_must_show_something_and_fit(team, client):
    """The takedown's required reason took zero-width spaces (the trail read 「変更後メモ」 and nothing),
    and no note was held to the form's 2,000 characters."""
    entry, _ = team.entry(client)
    editor = team.studio(Role.EDITOR)
    assert step(editor, entry, "approve").status_code == 303
    assert step(editor, entry, "withdraw", note="\u200b\u2060").status_code == 422
    assert step(editor, entry, "withdraw", note="x" * 2001).status_code == 422
    db.session.refresh(entry)
    assert entry.status.value == "approved"
    assert step(editor, entry, "withdraw", note="  the brand's legal team asked  ").status_code == 303
    db.session.refresh(entry)
    assert entry.team_note == "the brand's legal team asked"


def test_a_link_to_what_the_draw_leaves_out_shows_it_in_every_state(app, client):
    """`left_out` without a state fell back to the queue's 'to do' and showed none of the approved
    duplicates (a shared link looked empty)."""
    team, _, copy = flagged_team(app, client)
    queue = team.studio(Role.EDITOR).client.get(
        f"/studio/moderation/campaigns/{team.campaign.public_id}?left_out=duplicate_photo"
    )
    assert copy.public_id in queue.text


def test_a_takedown_says_it_leaves_the_draw_and_the_draw_screen_counts_it_apart(app, client):
    """A brand's takedown left the entry out of the draw with no word: the draw screen counted it with the
    customers' own withdrawals, and the takedown's confirmation did not say (a walk-through's find)."""
    team, first, _ = flagged_team(app, client)
    editor = team.studio(Role.EDITOR)
    page = editor.client.get(f"/studio/entries/{first.public_id}").text
    assert "Until then it does not take part in the draw." in page  # the takedown's confirmation
    assert step(editor, first, "withdraw", note="the brand's legal team asked").status_code == 303
    preview = exclusions.preview(team.campaign, Eligibility.APPROVED)
    assert preview.excluded["withdrawn"] == 1 and preview.taken_down == 1
    screen = editor.client.get(
        f"/studio/campaigns/{team.campaign.public_id}/draw", headers={"Accept-Language": "ja"}
    )
    assert "うち1件は掲載を取り下げた応募です。再承認すると抽選の対象に戻ります。" in screen.text


def test_an_approved_entry_the_draw_left_out_is_told_the_draw_took_place(app, client):
    """Its page said 承認済み and nothing of the draw for good, while every other entrant was told their
    result (a walk-through's find). It is told in general words: the reason may be another's entry."""
    from campaign.entries.status_links import status_token

    def status_path(app, entry) -> str:
        return f"/s/{status_token(app.secret_key, entry.public_id)}"

    team, first, copy = flagged_team(app, client)
    close(team.campaign)
    url = f"/studio/campaigns/{team.campaign.public_id}/draw"
    owner = team.studio(Role.OWNER)
    assert owner.post(url, {"password": factories.PASSWORD}, form_page=url).status_code == 303
    page = client.get(status_path(app, copy), headers={"Accept-Language": "ja"}).text
    assert 'id="draw-left-out"' in page and "応募規約により抽選の対象外" in page
    assert "重複" not in page and first.public_id not in page  # nothing of the other entry
    first_page = client.get(status_path(app, first)).text
    assert 'id="draw-left-out"' not in first_page and 'id="draw-outcome"' in first_page


def test_the_trail_names_an_entry_without_a_nickname_as_anonymous(app, client):
    """「一致した以前の応募 jX0nv7…」: an anonymous entry was a bare id where named ones read はなこ."""
    organisation = factories.org("brand-a", "Brand A")
    for role in ROLES:
        factories.member(organisation, f"{role.value}@example.com", role)
    team = Team(organisation, launched_campaign(organisation), app)
    first, _ = team.entry(client, email="one@example.com", nickname="")
    copy, _ = team.entry(client, email="two@example.com", nickname="")
    owner = team.studio(Role.OWNER)
    assert clear(owner, copy, "別の方の写真です").status_code == 303
    owner.client.set_cookie("lang", "ja")
    trail = owner.client.get(f"/studio/entries/{copy.public_id}").text
    assert f"匿名 ({first.public_id})" in trail  # the value: which anonymous entry
    assert "応募 匿名" in trail  # the event's object
