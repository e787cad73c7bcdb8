"""On a campaign the client's approver signs off, each side hears of the other's step by mail (a
walk-through's find: nothing told the approver that a launch or entries waited, nor the agency that the
client had decided): in the reader's studio language, linking where they act, once while entries wait."""

from sqlalchemy import select

from campaign.auth.models import User
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.moderation.conftest import make_team, step


def subjects(smtp_server, address: str) -> list[str]:
    return [m["Subject"] for m in smtp_server.to(address)]


def test_a_launch_request_and_its_decision_are_mailed(app, smtp_server):
    team = make_team(app, two_stage_approval=True, launch=False, title="夏のフォト", title_en="Summer photos")
    db.session.scalar(select(User).where(User.email == "approver@example.com")).locale = "en"
    db.session.scalar(select(User).where(User.email == "editor@example.com")).name = "代理店 田中"
    db.session.commit()
    url = f"/studio/campaigns/{team.campaign.public_id}"
    editor, approver = team.studio(Role.EDITOR), team.studio(Role.APPROVER)
    asking = editor.client.get(url + "?lang=en").text  # a request, worded as one (it read as a launch)
    assert "Ask the approver to launch" in asking and "draw seed is committed now" not in asking
    assert editor.post(f"{url}/launch").status_code in (302, 303)

    assert subjects(smtp_server, "approver@example.com") == ["Launch requested: Summer photos"]
    launch_form = f'action="{url}/launch"'
    assert launch_form not in editor.client.get(url).text  # asked once; it waits (it offered "Launch" again)
    owners_page = team.studio(Role.OWNER).client.get(url).text
    assert launch_form in owners_page  # who may approve still launches
    assert "代理店 田中 (editor@example.com)" in owners_page  # the requester by name, as colleagues know them
    [to_owner] = smtp_server.to("owner@example.com")  # in Japanese: the owner chose no language
    assert to_owner["Subject"] == "公開の承認依頼：夏のフォト"
    assert f"http://localhost{url}" in to_owner.get_content()
    assert "editor@example.com" in to_owner.get_content()
    assert smtp_server.to("editor@example.com") == [] and smtp_server.to("viewer@example.com") == []

    decline = f"/studio/moderation/campaigns/{team.campaign.public_id}/decline-launch"
    assert approver.post(decline, {"note": "賞品の表記を直してください"}).status_code == 303
    [declined] = smtp_server.to("editor@example.com")
    assert declined["Subject"] == "公開申請が却下されました：夏のフォト"  # the button's word, 却下
    assert "賞品の表記を直してください" in declined.get_content()

    assert editor.post(f"{url}/launch").status_code in (302, 303)
    approve = f"/studio/moderation/campaigns/{team.campaign.public_id}/approve-launch"
    assert approver.post(approve).status_code == 303
    assert subjects(smtp_server, "editor@example.com")[-1] == "公開されました：夏のフォト"


def test_recommended_entries_are_mailed_to_the_approvers_once_while_they_wait(app, smtp_server, client):
    team = make_team(app, two_stage_approval=True)
    first, _ = team.entry(client, email="a@example.com")
    second, _ = team.entry(client, email="b@example.com")
    third, _ = team.entry(client, email="c@example.com")
    smtp_server.messages.clear()  # the customers' receipts
    editor, approver = team.studio(Role.EDITOR), team.studio(Role.APPROVER)

    assert step(editor, first, "recommend").status_code == 303
    assert step(editor, second, "recommend").status_code == 303
    [waiting] = smtp_server.to("approver@example.com")  # one mail for both
    assert waiting["Subject"].startswith("承認待ちの応募があります：")
    assert f"/studio/moderation/campaigns/{team.campaign.public_id}" in waiting.get_content()
    assert len(smtp_server.to("owner@example.com")) == 1 and smtp_server.to("editor@example.com") == []

    assert step(approver, first, "approve").status_code == 303
    assert step(approver, second, "approve").status_code == 303
    assert step(editor, third, "recommend").status_code == 303  # the list was empty again: a new mail
    assert len(smtp_server.to("approver@example.com")) == 2


def test_a_save_that_withdraws_the_launch_request_says_so_records_it_and_tells_the_approvers(
    app, smtp_server
):
    """A walk-through's find: after the launch was asked for (the approver mailed), the editor changed the
    description and saved; the save cleared the request, but said only 「キャンペーンを保存しました。」, and
    neither the trail nor the approver's inbox said the request was gone."""
    from campaign.audit.models import AuditEvent
    from tests.campaigns.helpers import save_edit_form

    team = make_team(app, two_stage_approval=True, launch=False, title="夏のフォト")
    url = f"/studio/campaigns/{team.campaign.public_id}"
    editor = team.studio(Role.EDITOR)
    editor.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ja"
    assert editor.post(f"{url}/launch").status_code in (302, 303)
    assert subjects(smtp_server, "approver@example.com") == ["公開の承認依頼：夏のフォト"]

    refused = save_edit_form(editor.client, team.campaign, slug="Bad Slug")  # a refused save changes nothing
    assert refused.status_code == 400
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is not None
    assert len(smtp_server.to("approver@example.com")) == 1

    saved = save_edit_form(editor.client, team.campaign, description="賞品は現金10万円！")
    assert saved.status_code == 302
    page = editor.client.get(url).text
    assert "キャンペーンを保存しました。" in page
    assert "保存したため、公開の承認依頼は取り下げられました" in page
    assert "もう一度「承認者に公開を依頼する」を押してください" in page
    assert f'action="{url}/launch"' in page  # and the button to ask again is back
    db.session.refresh(team.campaign)
    assert team.campaign.launch_requested_at is None

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "campaign.withdraw_launch_request")
    )
    assert event.actor_label == "editor@example.com"
    assert event.before == {"launch_requested": True, "requested_by": "editor@example.com"}
    assert event.after == {"launch_requested": False}
    trail = editor.client.get(f"/studio/campaigns/{team.campaign.public_id}/audit").text
    assert "保存により公開の承認依頼を取り下げ" in trail

    for approver in ("approver@example.com", "owner@example.com"):  # those who were told of the request
        told = smtp_server.to(approver)[-1]
        assert told["Subject"] == "公開の承認依頼が取り下げられました：夏のフォト"
        assert (
            "editor@example.com さんが公開の承認依頼のあとに「夏のフォト」を変更したため"
            in told.get_content()
        )
        assert f"http://localhost{url}" in told.get_content()
    assert smtp_server.to("editor@example.com") == []


def test_no_launch_while_mail_would_leave_from_the_placeholder_sender(app, smtp_server):
    """A walk-through's find: with KUCHIKOMI_MAIL_FROM unset, a campaign launched, and its page told
    customers that winners hear only from no-reply@kuchikomi.invalid. Mail that really leaves (smtp) needs
    a real sender first; the embedded default's log backend sends none, so its demo still launches."""
    from campaign.audit.models import AuditEvent

    app.config["MAIL_FROM"] = "no-reply@kuchikomi.invalid"  # as when KUCHIKOMI_MAIL_FROM is unset
    team = make_team(app, launch=False)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    owner = team.studio(Role.OWNER)
    refused = owner.post(f"{url}/launch", headers={"Accept-Language": "ja"})
    assert refused.status_code == 303 and refused.headers["Location"] == url
    page = owner.client.get(url, headers={"Accept-Language": "ja"}).text
    assert "当選のご連絡は no-reply@kuchikomi.invalid から送られることになりますが" in page
    assert "KUCHIKOMI_MAIL_FROM" in page
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.launch")) is None

    app.config["MAIL_FROM"] = "campaign@ugc.example.jp"
    assert owner.post(f"{url}/launch").status_code == 302
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is not None


def test_the_embedded_default_launches_with_its_placeholder_sender(app):
    """Nothing leaves with the log backend (the embedded default, ./scripts/dev's demo): no inbox learns to
    trust the placeholder, and production does not start without a real sender."""
    assert app.config["MAIL_BACKEND"] == "log" and app.config["MAIL_FROM"] == "no-reply@kuchikomi.invalid"
    team = make_team(app, launch=False)
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert team.studio(Role.OWNER).post(f"{url}/launch").status_code == 302
    db.session.refresh(team.campaign)
    assert team.campaign.launched_at is not None


def test_the_approver_sees_what_they_approve_beside_the_approve_button(app):
    """A walk-through's find: the approver's campaign page offered 公開を承認する but showed neither the
    description nor the terms nor the hero image, and did not link the preview it allows."""
    team = make_team(
        app,
        two_stage_approval=True,
        launch=False,
        description="賞品は現金10万円！",
        terms_text="ご自身で撮影した写真に限ります。" * 10,
        terms_version="2030-07",
    )
    url = f"/studio/campaigns/{team.campaign.public_id}"
    assert team.studio(Role.EDITOR).post(f"{url}/launch").status_code in (302, 303)
    approver = team.studio(Role.APPROVER)
    page = approver.client.get(url, headers={"Accept-Language": "ja"}).text
    preview = f"{url}/preview"
    actions = page[page.index('id="launch-requested"') : page.index("/approve-launch")]
    assert f'href="{preview}"' in actions  # next to the approve button
    assert "キャンペーンページでお客様に表示される内容" in page
    assert "賞品は現金10万円！" in page
    assert "バージョン 2030-07" in page and "応募規約の全文を読む" in page
    assert page.count("ご自身で撮影した写真に限ります。") >= 10  # the terms in full, one click away
    assert "A year of tea" in page  # the prizes, as before
    assert approver.client.get(preview).status_code == 200
