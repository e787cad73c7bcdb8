"""Two people editing one campaign: the second save does not undo the first without a word (a walk-through
found tab A's save silently put back the title tab B had just changed, both told 'saved')."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.campaigns.helpers import form_values, save_edit_form
from tests.moderation.conftest import make_team


def test_a_save_made_after_another_member_saved_is_refused_with_who_and_when(app):
    team = make_team(app)
    owner, editor = team.studio(Role.OWNER), team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}/edit"
    opened = form_values(owner.client.get(url, headers={"Accept-Language": "ja"}).text)  # tab A, opened first

    assert save_edit_form(editor.client, team.campaign, title="新しいタイトル").status_code == 302  # tab B
    stale = owner.client.post(
        url, data={**opened, "description_en": "New text"}, headers={"Accept-Language": "ja"}
    )

    assert stale.status_code == 400  # as every refusal of this form
    assert "editor@example.com" in stale.text and "変更は保存されていません" in stale.text
    assert "New text" in stale.text  # what A typed is kept in the form
    campaign = db.session.scalar(select(Campaign))
    db.session.refresh(campaign)
    assert campaign.title == "新しいタイトル" and campaign.description_en != "New text"
    updates = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.update")).all()
    assert [event.actor_label for event in updates] == ["editor@example.com"]

    again = owner.client.post(url, data={**opened, "description_en": "New text"})  # the same stale form
    assert again.status_code == 400
    reopened = save_edit_form(owner.client, team.campaign, description_en="New text")  # after a reload
    assert reopened.status_code == 302
    db.session.refresh(campaign)
    assert campaign.title == "新しいタイトル" and campaign.description_en == "New text"


def test_saving_twice_from_one_page_and_a_refused_save_are_no_conflict(app):
    """A form sent back with an error keeps the fingerprint it was opened with; nobody else saved."""
    team = make_team(app)
    owner = team.studio(Role.OWNER)
    url = f"/studio/campaigns/{team.campaign.public_id}/edit"
    opened = form_values(owner.client.get(url).text)
    refused = owner.client.post(url, data={**opened, "title": ""})
    assert refused.status_code == 400 and "changed this campaign at" not in refused.text
    assert owner.client.post(url, data=form_values(refused.text) | {"title": "Fixed"}).status_code == 302


def test_a_save_after_an_early_close_names_the_close_not_an_older_save(app):
    """A walk-through's find: the refusal named the last form save, not the early close made since."""
    team = make_team(app)
    owner, editor = team.studio(Role.OWNER), team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert save_edit_form(editor.client, team.campaign, title="Saved first").status_code == 302
    opened = form_values(owner.client.get(f"{url}/edit").text)
    assert editor.post(f"{url}/close", form_page=url).status_code in (302, 303)
    stale = owner.client.post(f"{url}/edit", data=opened, headers={"Accept-Language": "ja"})
    assert stale.status_code == 400
    said = "editor（editor@example.com） がこのキャンペーンを変更したため"
    assert f"{said}（キャンペーンを終了日時より前に締め切り）" in stale.text


def test_the_conflict_names_the_member_as_colleagues_know_them(app):
    """A check's find: the refusal named the other member by email alone; with a name, it says both."""
    from campaign.auth.models import User

    team = make_team(app)
    editor_user = db.session.scalar(select(User).where(User.email == "editor@example.com"))
    editor_user.name = "佐藤 美咲"
    db.session.commit()
    owner, editor = team.studio(Role.OWNER), team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}/edit"
    opened = form_values(owner.client.get(url).text)
    assert save_edit_form(editor.client, team.campaign, title="新しいタイトル").status_code == 302
    named_in = {"ja": "佐藤 美咲（editor@example.com）", "en": "佐藤 美咲 (editor@example.com)"}
    for language, named in named_in.items():
        stale = owner.client.post(f"{url}?lang={language}", data={**opened, "description_en": "x"})
        assert stale.status_code == 400 and named in stale.text, language
