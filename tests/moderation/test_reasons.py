"""Rejection reasons: defaults for every new organisation, editable by owners and editors, audited."""

from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.extensions import db
from campaign.moderation.models import RejectionReason
from campaign.moderation.reasons import DEFAULTS, reasons_of
from campaign.orgs.models import Role
from tests.moderation.conftest import step


def test_a_new_organisation_starts_with_the_defaults(team):
    labels = [(r.label_ja, r.label_en) for r in reasons_of(team.org)]
    assert labels == list(DEFAULTS)


def test_an_editor_adds_and_switches_off_a_reason(team):
    editor = team.studio(Role.EDITOR)
    response = editor.post(
        "/studio/moderation/reasons",
        {"label_ja": "ぼやけています", "label_en": "The photo is blurred", "position": "9", "active": "y"},
        form_page="/studio/moderation/reasons",
    )
    assert response.status_code == 303
    added = db.session.scalar(
        select(RejectionReason).where(RejectionReason.label_en == "The photo is blurred")
    )
    assert added.org_id == team.org.id and added.active
    page = editor.client.get("/studio/moderation/reasons").text
    assert "ぼやけています" in page
    url = f"/studio/moderation/reasons/{added.public_id}"
    assert (
        editor.post(url, {"label_ja": "ぼやけています", "label_en": "Blurred", "position": "9"}).status_code
        == 303
    )
    db.session.refresh(added)
    assert not added.active and added.label_en == "Blurred"
    assert added not in reasons_of(team.org, active_only=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == added.public_id)).all()
    assert [e.action for e in events] == ["reason.create", "reason.update"]
    assert events[1].before["active"] is True and events[1].after["active"] is False
    assert editor.post("/studio/moderation/reasons", {"label_ja": "", "label_en": "x"}).status_code == 400


def test_editing_a_reason_changes_nothing_a_rejected_customer_was_shown(team, client):
    entry, status_url = team.entry(client)  # sent in English
    editor = team.studio(Role.EDITOR)
    reason = reasons_of(team.org)[0]
    shown_ja, shown_en = reason.label_ja, reason.label_en
    assert step(editor, entry, "reject", reason=reason.public_id).status_code == 303
    editor.post(
        f"/studio/moderation/reasons/{reason.public_id}",
        {"label_ja": "別の理由", "label_en": "Another reason", "position": "0", "active": "y"},
    )
    db.session.refresh(reason)
    assert reason.label_en == "Another reason"
    page = client.get(status_url).text
    assert shown_en in page and "Another reason" not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.reject"))
    assert event.after["rejection_reason"] == {"ja": shown_ja, "en": shown_en}
