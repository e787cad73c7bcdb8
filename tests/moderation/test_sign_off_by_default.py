"""A new campaign needs the client's approver unless someone who may approve says otherwise (a walk-through's
find: the box came unticked, and an editor, who may not switch the sign-off off, created a campaign without
it, launched it and approved its entries alone). The same holds for a copy."""

from sqlalchemy import func, select

from campaign import jobs
from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.extensions import db
from campaign.orgs.models import Role
from tests import factories
from tests.brandpage.helpers import edit_with_files
from tests.campaigns.helpers import form_values, save_edit_form
from tests.moderation.conftest import make_team

REFUSED_JA = "承認者による承認をオフにできるのは、承認者またはオーナーのみです。"


def new_campaign_form(member, slug: str, **changes) -> dict:
    """The new-campaign form as the page shows it (boxes ticked as they come), filled in, plus `changes`."""
    values = form_values(member.client.get("/studio/campaigns/new").text)
    values |= {
        "title": ["秋のフォト"],
        "slug": [slug],
        "opens_at": ["2030-10-01T10:00"],
        "closes_at": ["2030-10-31T23:59"],
        "terms_text": ["ご自身で撮影した写真に限ります。"],
    }
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = [value]
    return values


def test_the_sign_off_comes_ticked_and_an_editor_cannot_create_a_campaign_without_it(app):
    team = make_team(app)
    editor = team.studio(Role.EDITOR)
    page = editor.client.get("/studio/campaigns/new", headers={"Accept-Language": "ja"}).text
    assert form_values(page)["two_stage_approval"] == ["y"]  # ticked as the form comes
    assert REFUSED_JA in page  # said before it is met

    unticked = new_campaign_form(editor, "aki", two_stage_approval=None)
    refused = editor.client.post("/studio/campaigns/new", data=unticked, headers={"Accept-Language": "ja"})
    assert refused.status_code == 400
    assert REFUSED_JA in refused.text and 'href="#two_stage_approval"' in refused.text  # summary → field
    assert db.session.scalar(select(func.count(Campaign.id))) == 1  # the team's campaign only

    created = editor.client.post("/studio/campaigns/new", data=new_campaign_form(editor, "aki"))
    assert created.status_code == 302, created.text
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "aki"))
    assert campaign.two_stage_approval is True
    launch = editor.post(f"/studio/campaigns/{campaign.public_id}/launch")
    assert launch.status_code == 302
    db.session.refresh(campaign)
    assert campaign.launched_at is None and campaign.launch_requested_at is not None  # a request only


def test_an_owner_may_create_a_campaign_without_the_sign_off(app):
    team = make_team(app)
    owner = team.studio(Role.OWNER)
    unticked = new_campaign_form(owner, "aki", two_stage_approval=None)
    assert owner.client.post("/studio/campaigns/new", data=unticked).status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "aki"))
    assert campaign.two_stage_approval is False


def test_an_editors_copy_of_a_campaign_without_the_sign_off_needs_it(app):
    team = make_team(app)  # the owner's campaign, without the sign-off
    url = f"/studio/campaigns/{team.campaign.public_id}"
    editor = team.studio(Role.EDITOR)
    response = editor.post(f"{url}/duplicate", form_page=url, headers={"Accept-Language": "ja"})
    assert response.status_code == 303
    copy = db.session.scalar(select(Campaign).where(Campaign.slug == f"{team.campaign.slug}-copy"))
    assert copy.two_stage_approval is True
    created = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "campaign.create", AuditEvent.campaign_id == copy.id)
    )
    assert created.after["two_stage_approval"] is True  # the trail says the copy was made with it
    edit = editor.client.get(response.headers["Location"], headers={"Accept-Language": "ja"}).text
    assert "コピーの応募と公開には承認者の承認が必要です" in edit

    owner = team.studio(Role.OWNER)
    assert owner.post(f"{url}/duplicate", form_page=url).status_code == 303
    owners_copy = db.session.scalar(select(Campaign).where(Campaign.slug == f"{team.campaign.slug}-copy-2"))
    assert owners_copy.two_stage_approval is False  # an owner's copy keeps the source's setting


SIGNED_OFF = "only an owner can change what customers see now"


def test_after_the_approvers_launch_an_editor_cannot_change_what_customers_see(app, smtp_server):
    """Walked: after the client's approver launched the campaign, an editor changed its page's description
    to 「全員にプレゼント！」 and it went live at once, unseen by the approver."""
    team = make_team(app, two_stage_approval=True, description="毎月3名様に当たります。")
    assert team.campaign.launched_at is not None
    editor = team.studio(Role.EDITOR)
    refused = save_edit_form(editor.client, team.campaign, description="全員にプレゼント！")
    assert refused.status_code == 400 and SIGNED_OFF in refused.text
    refused = save_edit_form(editor.client, team.campaign, **{"prizes-0-name": "旅行券"})
    assert refused.status_code == 400 and SIGNED_OFF in refused.text
    both = save_edit_form(editor.client, team.campaign, title="夏のフォト", description="全員にプレゼント！")
    assert both.status_code == 400 and 'href="#title"' in both.text and 'href="#description"' in both.text
    db.session.expire_all()
    assert team.campaign.description == "毎月3名様に当たります。"
    assert not db.session.scalar(select(func.count()).where(AuditEvent.action == "campaign.update"))

    # what customers do not see stays the team's; a form sent back as shown changes nothing and passes
    assert save_edit_form(editor.client, team.campaign).status_code == 302
    internal = save_edit_form(editor.client, team.campaign, projected_sales_jpy="50000000")
    assert internal.status_code == 302
    assert smtp_server.messages == []  # nothing the approver signed off changed

    owner = team.studio(Role.OWNER)
    assert save_edit_form(owner.client, team.campaign, description="全員にプレゼント！").status_code == 302
    jobs.run_ready()
    db.session.expire_all()
    assert team.campaign.description == "全員にプレゼント！" and team.campaign.projected_sales_jpy == 50000000
    (told,) = smtp_server.messages  # the approver, not the owner who saved
    assert told["To"] == "approver@example.com" and told["Subject"].startswith("承認後に変更されました")
    assert "監査ログ" in told.get_content()


def test_before_the_launch_an_editor_still_edits_the_page(app):
    team = make_team(app, two_stage_approval=True, launch=False)
    editor = team.studio(Role.EDITOR)
    assert save_edit_form(editor.client, team.campaign, description="下書きです").status_code == 302


def test_an_editors_untouched_form_after_an_owners_save_is_an_edit_conflict_not_a_sign_off_refusal(app):
    """Walked: an owner changed the title of the signed-off campaign while an editor had its form open; the
    editor's save of that form, untouched, was refused as changing what customers see (the title), which
    the editor had not changed, and said nothing of the owner's save."""
    team = make_team(app, two_stage_approval=True)
    owner, editor = team.studio(Role.OWNER), team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}/edit"
    opened = form_values(editor.client.get(url).text)
    assert save_edit_form(owner.client, team.campaign, title="延長しました").status_code == 302

    stale = editor.client.post(url, data=opened, headers={"Accept-Language": "ja"})
    assert stale.status_code == 400
    assert "owner@example.com" in stale.text and "変更は保存されていません" in stale.text
    assert "お客様に表示される内容を変更できるのはオーナーのみ" not in stale.text
    db.session.expire_all()
    assert team.campaign.title == "延長しました"


def test_an_owners_save_of_a_brand_image_tells_the_approvers_once(app, smtp_server):
    """Walked: an owner's new hero image on the signed-off campaign went live and no approver heard of it
    (brand images are signed off as the rest of the page); a save of the title and an image is one mail."""
    team = make_team(app, two_stage_approval=True)
    owner = team.studio(Role.OWNER)
    hero = {"hero_image": (factories.photo(1600, 900), "hero.jpg")}
    assert edit_with_files(owner.client, team.campaign, hero).status_code == 302
    jobs.run_ready()
    (told,) = smtp_server.messages
    assert told["To"] == "approver@example.com" and told["Subject"].startswith("承認後に変更されました")

    smtp_server.received.clear()
    assert edit_with_files(owner.client, team.campaign, hero, title="新しいタイトル").status_code == 302
    jobs.run_ready()
    assert len(smtp_server.messages) == 1, [(m["To"], m["Subject"]) for m in smtp_server.messages]

    smtp_server.received.clear()
    assert save_edit_form(owner.client, team.campaign).status_code == 302  # nothing changed: no mail
    jobs.run_ready()
    assert smtp_server.messages == []


def test_an_editors_new_logo_is_refused_by_the_logo(app):
    """Walked: an editor's new logo (or prize image) was refused by the hero image's field."""
    team = make_team(app, two_stage_approval=True)
    editor = team.studio(Role.EDITOR)
    logo = {"logo_image": (factories.photo(400, 400), "logo.jpg")}
    refused = edit_with_files(editor.client, team.campaign, logo)
    assert refused.status_code == 400 and 'href="#logo_image"' in refused.text
    assert 'href="#hero_image"' not in refused.text


def test_an_editor_may_stop_a_signed_off_campaign_and_the_approvers_hear_of_it(app, smtp_server):
    """Walked: an editor's 「今すぐ締め切る」 moved the closing time customers see, unseen by the approver.
    Stopping stays an editor's (as taking an entry down does); the approvers are told of it."""
    team = make_team(app, two_stage_approval=True)
    editor = team.studio(Role.EDITOR)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert editor.post(f"{url}/close").status_code == 303
    jobs.run_ready()
    told = {m["To"] for m in smtp_server.messages}
    assert told == {"owner@example.com", "approver@example.com"}  # all who may approve, not the editor
    assert all(m["Subject"].startswith("承認後に変更されました") for m in smtp_server.messages)
    assert editor.post(f"{url}/archive").status_code == 302
    jobs.run_ready()
    assert len(smtp_server.messages) == 4
