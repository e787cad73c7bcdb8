"""A received entry's follow-up work is one outbox job: the confirmation mail, rendered by the job in the
entry's language, then the photo's processing; a failure of one does not lose the other."""

import json
import re

import pytest
from sqlalchemy import select

from campaign import outbox
from campaign.clock import utcnow
from campaign.entries.models import Entry, Processing
from campaign.extensions import db
from campaign.mail import SentMail
from campaign.outbox import OutboxJob
from tests import factories
from tests.entries.helpers import submit

STATUS_RE = re.compile(r"http://localhost(/s/\S+)")
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: the job waits in the outbox for the drain


@pytest.fixture
def redis_down(app_config):
    app_config["REDIS_URL"] = CLOSED_PORT
    return app_config


def test_the_request_queues_one_job_and_the_job_writes_the_mail_in_the_entrants_language(
    redis_down, app, client, smtp_server
):
    factories.campaign(factories.org(), title="新茶フォト", title_en="New tea photos")
    assert submit(client, email="en@example.com", headers={"Accept-Language": "en"}).status_code == 303
    [row] = db.session.scalars(select(OutboxJob)).all()
    assert row.func == "campaign.entries.received:after_entry_received"
    entry = db.session.scalar(select(Entry))
    entry_id, status_url = json.loads(row.args)
    assert entry_id == entry.id and "New tea photos" not in row.args  # the text is not made in the request
    assert smtp_server.received == []

    assert outbox.drain(now=utcnow()) == (1, 0)
    [mail] = smtp_server.confirmations
    assert mail["To"] == "en@example.com"
    assert mail["Subject"] == "We received your entry: New tea photos"
    body = mail.get_content()
    assert "Thank you for taking part in New tea photos." in body
    assert status_url in body and client.get(STATUS_RE.search(body).group(1)).status_code == 200
    db.session.refresh(entry)
    assert entry.processing is Processing.READY
    assert db.session.scalar(select(OutboxJob)) is None


def test_a_mail_server_down_does_not_hold_the_photo_back_and_the_retry_mails_once(
    redis_down, app, client, smtp_server
):
    factories.campaign(factories.org())
    assert submit(client, email="ja@example.com", headers={"Accept-Language": "ja"}).status_code == 303
    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]
    assert outbox.drain(now=utcnow()) == (0, 1)
    entry = db.session.scalar(select(Entry))
    assert entry.processing is Processing.READY  # derived although the mail failed
    [row] = db.session.scalars(select(OutboxJob)).all()
    assert row.attempts == 1 and row.last_error.startswith("MailError")

    app.config["MAIL_PORT"] = port
    assert outbox.drain(now=row.next_attempt_at) == (1, 0)
    [mail] = smtp_server.confirmations
    assert mail["Subject"].startswith("【受付完了】")
    assert db.session.scalar(select(OutboxJob)) is None


def test_a_retry_after_the_mail_was_sent_does_not_send_it_again(redis_down, app, client, smtp_server):
    factories.campaign(factories.org())
    assert submit(client, email="ja@example.com").status_code == 303
    [row] = db.session.scalars(select(OutboxJob)).all()
    job_id, token, args, made = row.id, row.token, row.args, row.created_at
    assert outbox.drain(now=utcnow()) == (1, 0)
    assert len(smtp_server.confirmations) == 1 and db.session.scalars(select(SentMail)).all()
    # The row as it was had the worker died after the mail, before the row was deleted.
    db.session.add(
        OutboxJob(
            id=job_id,
            func="campaign.entries.received:after_entry_received",
            args=args,
            attempts=0,
            next_attempt_at=utcnow(),
            last_error="",
            token=token,
            created_at=made,
            request_id="",
        )
    )
    db.session.commit()
    assert outbox.drain(now=utcnow()) == (1, 0)
    assert len(smtp_server.confirmations) == 1


def test_an_upload_is_written_by_one_insert_with_its_participant_stamp(redis_down, app, client):
    """The draw's participant token and social account are set before the INSERT, not by an UPDATE (Redis
    down: the processing job, which updates the row, waits in the outbox)."""
    from sqlalchemy import event

    from campaign.draws import participants

    campaign = factories.campaign(factories.org())
    written: list[str] = []

    def remember(conn, cursor, statement, *args) -> None:
        if "entries" in statement.split("(")[0] and statement.lstrip().upper().startswith(
            ("INSERT", "UPDATE")
        ):
            written.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert submit(client, email="Stamp@Example.com").status_code == 303
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert written == ["INSERT"]
    entry = db.session.scalar(select(Entry))
    key = participants.key_for(app.secret_key, campaign.public_id)
    assert entry.participant_token == participants.token(key, entry.email_normalised)
