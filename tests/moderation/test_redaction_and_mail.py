"""Caption redaction (only ■ may replace characters) and the customer emails, over a real SMTP server."""

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEvent
from campaign.extensions import db
from campaign.moderation.redaction import is_redaction_of
from campaign.orgs.models import Role
from tests.moderation.conftest import make_team, reason_id, step

CAPTION = "電話は090-1234-5678 山田さんへ"


@pytest.mark.parametrize(
    ("redacted", "ok"),
    [
        ("電話は■■■■■■■■■■■■■ 山田さんへ", True),
        ("電話は090-1234-5678 ■■さんへ", True),
        (CAPTION, True),
        ("電話は■■■ 山田さんへ", False),  # shorter
        ("電話は090-1234-5678 田中さんへ", False),  # a different name is not a redaction
        ("電話は***-****-**** 山田さんへ", False),
        (CAPTION + "■", False),
    ],
)
def test_a_redaction_only_masks(redacted, ok):
    assert is_redaction_of(CAPTION, redacted) is ok


def test_the_public_sees_the_redacted_caption_and_the_edit_is_audited(team, client):
    entry, status_url = team.entry(client, caption=CAPTION)
    editor = team.studio(Role.EDITOR)
    url = f"/studio/moderation/entries/{entry.public_id}/redact"
    refused = editor.post(url, {"redacted_caption": "電話は秘密です"})
    # the entry's page again, the message at the field, what was typed kept (it was a bare 400 page)
    assert refused.status_code == 422 and 'id="redacted_caption-error"' in refused.text
    assert "only replace characters" in refused.text and "\n電話は秘密です</textarea>" in refused.text
    assert "data-error-summary" in refused.text and 'href="#redacted_caption"' in refused.text
    db.session.refresh(entry)
    assert entry.public_caption == CAPTION
    masked = "電話は■■■■■■■■■■■■■ 山田さんへ"
    assert editor.post(url, {"redacted_caption": masked}).status_code == 303
    db.session.refresh(entry)
    assert entry.caption == CAPTION and entry.public_caption == masked
    page = client.get(status_url).text
    assert masked in page and "090-1234-5678" not in page
    # the trail says how many characters were masked, never the caption: it is append-only, and the phone
    # number a redaction hides stayed in it beyond the customer's erasure (an operator's walk-through)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.redact"))
    assert event.before == {"masked_characters": 0} and event.after == {"masked_characters": 13}
    page = team.studio(Role.OWNER).client.get(f"/studio/entries/{entry.public_id}?lang=en").text
    assert "Characters masked" in page and page.count("090-1234-5678") == 1  # the caption itself, for staff
    assert editor.post(url, {"redacted_caption": CAPTION}).status_code == 303  # the original unmasks
    db.session.refresh(entry)
    assert entry.redacted_caption is None
    assert "090" not in str(db.session.scalars(select(AuditEvent.before, AuditEvent.after)).all())
    assert team.studio(Role.VIEWER).post(url, {"redacted_caption": masked}).status_code == 403


def test_customers_are_emailed_in_their_language_when_the_campaign_asks(app, smtp_server, client):
    team = make_team(app, notify_customers=True, title="夏のフォト", title_en="Summer photos")
    ja_entry, _ = team.entry(client, headers={"Accept-Language": "ja"}, email="ja@example.com")
    en_entry, _ = team.entry(client, headers={"Accept-Language": "en"}, email="en@example.com")
    editor = team.studio(Role.EDITOR)
    assert step(editor, ja_entry, "reject", reason=reason_id(team), note="team only").status_code == 303
    assert step(editor, en_entry, "approve").status_code == 303

    [rejected] = smtp_server.to("ja@example.com")
    body = rejected.get_content()
    assert "製品が写っていません" in body  # the reason, in the customer's language
    assert "team only" not in body
    assert "/s/" in body  # the private status link
    [approved] = smtp_server.to("en@example.com")
    # each in the title of the reader's language (the approval gave English readers the Japanese one)
    assert approved["Subject"] == "Your entry was approved: Summer photos"
    assert "Your entry has been approved." in approved.get_content()
    assert "夏のフォト" in rejected["Subject"] and "夏のフォト" not in approved.get_content()


def test_no_email_unless_the_campaign_asks(team, smtp_server, client):
    entry, _ = team.entry(client)
    step(team.studio(Role.EDITOR), entry, "approve")
    assert smtp_server.messages == []


def test_a_caption_recorded_by_an_earlier_version_is_not_shown_in_the_trail(app):
    """Redactions recorded the caption's text until the trail kept counts; such events stay (the trail is
    append-only), and the trail does not show their text."""
    from campaign.audit.values import field_value

    with app.test_request_context("/?lang=ja"):
        assert field_value(CAPTION, "public_caption", "ja") == "（本文は表示しません）"
        assert field_value(13, "masked_characters", "ja") == "13"


def test_a_caption_recorded_by_an_earlier_version_is_not_exported_either(team, client):
    """A check's find: the trail hid such a caption, but the campaign's audit CSV gave it whole."""
    from campaign.audit.queries import csv_rows
    from campaign.audit.services import Actor, record
    from campaign.clock import utcnow

    entry, _ = team.entry(client, caption=CAPTION)
    masked = "電話は■■■■■■■■■■■■■ 山田さんへ"
    record(
        Actor.system(), "entry.redact", org_id=entry.org_id, campaign_id=entry.campaign_id,
        object_type="entry", object_id=entry.public_id, now=utcnow(),
        before={"public_caption": CAPTION}, after={"public_caption": masked},
    )  # fmt: skip
    db.session.commit()
    exported = str(list(csv_rows(team.org, entry.campaign_id)))
    assert "entry.redact" in exported and '"public_caption": null' in exported
    assert "090-1234-5678" not in exported and "山田" not in exported
