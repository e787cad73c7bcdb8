"""A draw while S3 does not answer (a real SeaweedFS behind a proxy that refuses connections): it answered
500 and left no trace. Now the draw screen says storage did not answer and nothing was drawn (503, in the
reader's language), the attempt is audited, and the draw runs once storage is back."""

import pytest
from sqlalchemy import select

from campaign.audit.labels import reason_label
from campaign.audit.models import AuditEvent
from campaign.draws.models import Draw
from campaign.entries.models import EntryStatus
from campaign.extensions import db
from tests import factories
from tests.draws.helpers import PRIZES, close, enter, launched_campaign, set_status, studio_setup
from tests.draws.test_draw import _draw

pytestmark = pytest.mark.s3


def test_a_draw_while_storage_is_down_draws_nothing_says_so_and_is_audited(
    s3_through_proxy, client, studio, fault_proxy
):
    org, _ = studio_setup()
    campaign = launched_campaign(org, prizes=PRIZES)
    for email in ("a@example.com", "b@example.com"):
        set_status(enter(client, campaign, email), EntryStatus.APPROVED)
    close(campaign)
    studio.login("drawer@example.com", factories.PASSWORD)

    fault_proxy.set_mode("refuse")
    try:
        failed = _draw(studio, campaign, headers={"Accept-Language": "ja"})
    finally:
        fault_proxy.set_mode("pass")
    assert failed.status_code == 503 and 'id="draw-errors"' in failed.text
    assert "抽選結果を保存できませんでした（ストレージが応答しません）。" in failed.text
    assert "抽選は行われていません。数分後にもう一度お試しください。" in failed.text
    assert "今すぐ抽選する" in failed.text  # the form, to try again
    assert db.session.scalar(select(Draw)) is None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "draw.failed")).all()
    assert event.after == {"failed": "draw_storage"} and event.campaign_id == campaign.id
    assert "drawer@example.com" in event.actor_label and "storage did not answer" in event.reason
    with client.application.test_request_context(headers={"Accept-Language": "ja"}):  # in each reader's words
        assert "ストレージが応答しません" in reason_label(event.reason)

    assert _draw(studio, campaign).status_code == 303  # storage back: the draw runs
    draw = db.session.scalar(select(Draw))
    assert draw is not None and draw.entry_count == 2
