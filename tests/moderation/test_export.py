"""Entries as CSV from the moderation page: its filters, every page, formula-safe, email only for owners,
and an audit event for every download."""

import csv
import io
from zoneinfo import ZoneInfo

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from campaign.orgs.models import Role
from tests.moderation.test_queue import add_entries


def table(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def url(team, query: str = "") -> str:
    return f"/studio/moderation/campaigns/{team.campaign.public_id}/entries.csv{query}"


def test_the_export_follows_the_filter_and_hides_email_from_editors(team):
    made = add_entries(team.campaign, 3)
    made[0].caption = '=HYPERLINK("http://evil.example","click")'
    made[2].status = EntryStatus.APPROVED
    db.session.commit()
    editor = team.studio(Role.EDITOR)

    rows = table(editor.post(url(team, "?state=received&lang=en")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Entry ID", "Received at (Japan Time)", "Status"] and "Email" not in header
    received = made[0].created_at.astimezone(ZoneInfo("Asia/Tokyo")).isoformat(timespec="seconds")
    assert body[0][1] == received and received.endswith("+09:00")  # the studio's time, said with its offset
    assert [row[0] for row in body] == [
        made[0].public_id,
        made[1].public_id,
    ]  # not the approved one
    caption = header.index("Public caption")
    assert body[0][caption] == "'" + made[0].caption  # a spreadsheet shows it, never runs it
    assert not any("@example.com" in cell for row in body for cell in row)

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entries.exported")).one()
    assert event.actor_label == "editor@example.com" and event.campaign_id == team.campaign.id
    assert event.after["with_email"] is False and event.after["states"] == ["received"]


def test_the_times_are_the_organisations_in_its_language(team):
    """Walked: the file said 受付日時（UTC）, where every studio page says Japan time."""
    made = add_entries(team.campaign, 1)
    team.campaign.organisation.timezone = "America/New_York"
    db.session.commit()
    header, row = table(team.studio(Role.EDITOR).post(url(team, "?state=received&lang=ja")))[:2]
    assert header[1] == "受付日時（米国東部時間）"
    assert row[1] == made[0].created_at.astimezone(ZoneInfo("America/New_York")).isoformat(timespec="seconds")


def test_the_record_of_an_export_names_every_filter_it_was_made_with(team):
    """The source, rights and "left out of the draw" filters decide what the file holds; the record of the
    download named the others only."""
    made = add_entries(team.campaign, 3)
    made[1].status = EntryStatus.REJECTED
    db.session.commit()
    editor = team.studio(Role.EDITOR)

    def recorded() -> dict:
        events = select(AuditEvent).where(AuditEvent.action == "entries.exported").order_by(AuditEvent.id)
        return db.session.scalars(events).all()[-1].after

    rows = table(editor.post(url(team, "?left_out=rejected&source=upload")))
    assert [row[0] for row in rows[1:]] == [made[1].public_id]
    after = recorded()
    assert after["left_out"] == "rejected" and after["source"] == "upload" and after["rights"] is None
    assert after["states"] == []  # what the draw leaves out is in every state

    assert table(editor.post(url(team, "?rights=none")))[1:] == []  # uploads are never asked for rights
    after = recorded()
    assert after["rights"] == "none" and after["left_out"] is None and after["source"] is None

    page = editor.client.get(f"/studio/campaigns/{team.campaign.public_id}/audit").text
    for label in ("Left out of the draw", "Source", "Rights"):
        assert f'<span class="audit-key">{label}</span>' in page
    assert "Copied from" not in page  # what a campaign's copy records under the same key


def test_owners_get_the_email_column_and_japanese_headers(team):
    made = add_entries(team.campaign, 2)
    owner = team.studio(Role.OWNER)
    rows = table(owner.post(url(team, "?state=all&lang=ja")))
    assert rows[0][0] == "応募ID" and rows[0][-1] == "メールアドレス"
    assert [row[-1] for row in rows[1:]] == [made[0].email, made[1].email]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entries.exported")).one()
    assert event.after["with_email"] is True


def test_states_consents_duplicates_and_languages_read_as_words_in_the_readers_language(team):
    """A walk-through's find: the export's headers were in the reader's language but its cells kept the
    codes (`approved`, `gallery review`, `exact`, `en`) that the moderation screens show in words."""
    made = add_entries(team.campaign, 2)
    made[0].status = EntryStatus.APPROVED
    made[0].consent.scopes = ["gallery", "review"]
    made[1].duplicate_kind, made[1].duplicate_of = "exact", made[0]
    made[1].locale = "en"
    db.session.commit()
    owner = team.studio(Role.OWNER)

    def columns(lang: str) -> dict[str, list[str]]:
        rows = table(owner.post(url(team, f"?state=all&lang={lang}")))
        by_id = {row[0]: row for row in rows[1:]}
        return {made[i].public_id: by_id[made[i].public_id] for i in range(2)} | {"header": rows[0]}

    ja = columns("ja")
    header = ja["header"]
    first, second = ja[made[0].public_id], ja[made[1].public_id]
    assert first[header.index("ステータス")] == "承認済み"
    assert first[header.index("同意")] == "ブランドサイトのギャラリー、商品レビュー"
    assert second[header.index("ステータス")] == "受付済み（確認待ち）"
    assert second[header.index("重複の可能性")] == "以前の応募と完全に一致しています"
    assert second[header.index("言語")] == "英語"

    en = columns("en")
    header = en["header"]
    first, second = en[made[0].public_id], en[made[1].public_id]
    assert first[header.index("Status")] == "Approved"
    assert first[header.index("Consent")] == "Gallery on the brand's site, Product review"
    assert first[header.index("Possible duplicate")] == "" and first[header.index("Language")] == "Japanese"
    assert second[header.index("Possible duplicate")] == "Exact copy of an earlier entry"

    # a brand's takedown is not a customer's withdrawal (both read 「取り下げ済み」: a check's find)
    made[0].status, made[0].withdrawn_by = EntryStatus.WITHDRAWN, "brand"
    db.session.commit()
    taken_down = columns("ja")[made[0].public_id]
    assert taken_down[ja["header"].index("ステータス")] == "ブランドにより掲載取り下げ済み"


def test_a_bad_date_exports_nothing_and_says_why(team):
    add_entries(team.campaign, 1)
    editor = team.studio(Role.EDITOR)
    response = editor.post(url(team, "?date_from=0001-01-01&lang=en"))
    assert response.status_code == 303
    assert f"/studio/moderation/campaigns/{team.campaign.public_id}" in response.headers["Location"]
    page = editor.client.get(response.headers["Location"])
    assert "Enter a date between" in page.text
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entries.exported")).all() == []


def test_an_unknown_left_out_reason_exports_nothing_and_says_why(team):
    """An unknown "left out of the draw" reason (a link cut short, typed by hand) filtered nothing: the
    export took every entry. It is refused as a bad date is: nothing exported, nothing recorded, and the
    queue says why, in the reader's language."""
    add_entries(team.campaign, 2)
    editor = team.studio(Role.EDITOR)
    response = editor.post(url(team, "?left_out=duplicate&state=all"))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert f"/studio/moderation/campaigns/{team.campaign.public_id}" in location
    assert "left_out" not in location and "state=all" in location
    page = editor.client.get(location)
    assert page.status_code == 200
    assert "“Left out of the draw”: choose one of the reasons in the list." in page.text
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entries.exported")).all() == []

    editor.post(url(team, "?left_out=duplicate"), headers={"Accept-Language": "ja"})
    page = editor.client.get(location, headers={"Accept-Language": "ja"})
    assert "「抽選の対象外」は一覧にある理由から選んでください。" in page.text


def test_the_queue_answers_an_unknown_left_out_reason_with_400_and_why(team):
    add_entries(team.campaign, 2)
    editor = team.studio(Role.EDITOR)
    queue_url = f"/studio/moderation/campaigns/{team.campaign.public_id}"
    for language, message in (
        ("en", "“Left out of the draw”: choose one of the reasons in the list."),
        ("ja", "「抽選の対象外」は一覧にある理由から選んでください。"),
    ):
        response = editor.client.get(f"{queue_url}?left_out=nope", headers={"Accept-Language": language})
        assert response.status_code == 400 and message in response.text
    assert editor.client.get(f"{queue_url}?left_out=rejected").status_code == 200
    assert editor.client.get(f"{queue_url}?left_out=").status_code == 200


def test_a_viewer_cannot_export_and_another_brand_gets_404(team, app):
    from tests import factories

    add_entries(team.campaign, 1)
    assert team.studio(Role.VIEWER).post(url(team)).status_code == 403
    other = factories.org("brand-b", "Brand B")
    factories.member(other, "stranger@example.com", Role.OWNER)
    from tests.conftest import Studio

    stranger = Studio(app.test_client())
    stranger.login("stranger@example.com", factories.PASSWORD)
    assert stranger.post(url(team)).status_code == 404


def test_an_entrys_page_shows_the_email_address_to_those_the_export_shows_it_to(team, client):
    """A walk-through's find: a viewer read entrants' addresses on an entry's page, which the CSV export (and
    the audit trail, for its IP addresses) keeps from everyone but owners."""
    entry, _ = team.entry(client, email="hana@example.com")
    page = f"/studio/entries/{entry.public_id}"
    for role in Role:
        shown = team.studio(role).client.get(page, headers={"Accept-Language": "ja"})
        assert shown.status_code == 200
        assert ("hana@example.com" in shown.text) is (role is Role.OWNER), role
        assert ("オーナーのみ閲覧できます" in shown.text) is (role is not Role.OWNER), role
