"""Mail goes over real SMTP, and only once the change it announces has committed."""

import subprocess
import sys
from datetime import timedelta
from email.utils import parsedate_to_datetime

from campaign import mail
from campaign.clock import utcnow
from campaign.config import PROJECT_ROOT
from campaign.extensions import db
from tests import factories


def test_mail_is_sent_over_smtp_after_commit(app, smtp_server):
    started = utcnow().replace(microsecond=0)  # a Date header counts whole seconds
    with app.app_context():
        factories.org()
        mail.send_after_commit("sakura@example.com", "ご応募ありがとうございます", "本文です。")
        db.session.commit()
        assert smtp_server.messages == []
    [message] = smtp_server.to("sakura@example.com")
    assert message["Subject"] == "ご応募ありがとうございます"
    assert message.get_content().strip() == "本文です。"
    assert message["From"] == "Kuchikomi <campaign@ugc.example.jp>"  # the smtp fixture's sender
    # issue 11: RFC 5322 requires a Date header; every message lacked it
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.utcoffset() == timedelta(0) and started <= sent_at <= utcnow()


def test_no_mail_for_a_rolled_back_change(app, smtp_server):
    with app.app_context():
        mail.send_after_commit("sakura@example.com", "subject", "body")
        db.session.rollback()
    assert smtp_server.messages == []


def test_an_unreachable_server_fails_the_job_not_the_request(app, smtp_server, caplog):
    app.config["MAIL_PORT"] = 1
    with app.app_context():
        mail.send_after_commit("sakura@example.com", "subject", "body")
        db.session.commit()  # does not raise
    assert smtp_server.messages == []
    [failure] = [r for r in caplog.records if r.getMessage().startswith("job campaign.mail:send ")]
    assert isinstance(failure.exc_info[1], mail.MailError)  # it was tried, and failed inside the job


def test_the_log_backend_prints_each_mail_where_the_dev_server_shows_its_output(tmp_path):
    """The embedded default (./scripts/dev) logged mails at INFO with no level or handler set, so Python
    dropped them: a demo's winner never saw the claim link or the notice code."""
    script = (
        "from campaign import create_app, mail\n"
        "from campaign.extensions import db\n"
        f"app = create_app({{'SECRET_KEY': 'k', 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite3',"
        " 'STORAGE_BACKEND': 'memory', 'MAIL_BACKEND': 'log'})\n"
        "with app.app_context():\n"
        "    from flask_migrate import upgrade\n"
        "    upgrade()\n"
        "    mail.send_after_commit('sakura@example.com', '当選のお知らせ', 'http://127.0.0.1/s/claim-link')\n"
        "    db.session.commit()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "s***@example.com: 当選のお知らせ" in done.stderr  # the address masked, as in every log line
    assert "http://127.0.0.1/s/claim-link" in done.stderr


def test_a_retried_mail_job_does_not_send_twice(app, smtp_server):
    """The worker died after the server took the mail and before the outbox row was deleted: the row runs
    again (its lease ran out) and used to send the same mail a second time."""
    from sqlalchemy import insert, select

    from campaign import outbox

    with app.app_context():
        factories.org()
        mail.send_after_commit("sakura@example.com", "当選のお知らせ", "本文です。")
        db.session.commit()
        made = db.session.scalar(select(outbox.OutboxJob.created_at))  # it runs when the context ends
    assert len(smtp_server.to("sakura@example.com")) == 1  # sent inline when the context ended
    with app.app_context():
        assert db.session.scalars(select(outbox.OutboxJob)).all() == []
        [sent] = db.session.scalars(select(mail.SentMail)).all()
        # The row as it was when the worker died: claimed, its lease now over.
        db.session.execute(
            insert(outbox.OutboxJob).values(
                id=sent.job_id,
                func="campaign.mail:send",
                args='["sakura@example.com", "当選のお知らせ", "本文です。", null]',
                attempts=0,
                next_attempt_at=utcnow() - timedelta(seconds=1),
                last_error="",
                token="lost-with-the-worker",
                created_at=made,
                request_id="",
            )
        )
        db.session.commit()
        assert outbox.drain(now=utcnow()) == (1, 0)  # done, and its row gone
    assert len(smtp_server.to("sakura@example.com")) == 1


def test_the_same_mail_from_a_new_job_is_sent_though_sqlite_reuses_the_job_id(app, smtp_server):
    """SQLite gives a finished job's id to the next row: the same mail to the same person from a new job
    (an approver told twice, days apart, that entries wait) was taken for a retry and never sent."""
    from sqlalchemy import select

    from campaign import outbox

    with app.app_context():
        factories.org()
    ids = []
    for _ in range(2):
        with app.app_context():
            mail.send_after_commit("approver@example.com", "承認待ちの応募があります", "本文です。")
            db.session.commit()
            ids.append(db.session.scalar(select(outbox.OutboxJob.id)))
    assert ids[0] == ids[1] or app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert len(smtp_server.to("approver@example.com")) == 2


def test_a_mail_job_that_failed_sends_on_its_retry(app, smtp_server):
    from sqlalchemy import select

    from campaign import outbox

    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]
    with app.app_context():
        factories.org()
        mail.send_after_commit("sakura@example.com", "subject", "body")
        db.session.commit()
    with app.app_context():
        [row] = db.session.scalars(select(outbox.OutboxJob)).all()
        assert row.attempts == 1 and db.session.scalars(select(mail.SentMail)).all() == []
        app.config["MAIL_PORT"] = port
        assert outbox.drain(now=row.next_attempt_at) == (1, 0)
    assert len(smtp_server.to("sakura@example.com")) == 1


def test_sent_mail_records_are_forgotten_after_a_week(app):
    from sqlalchemy import select

    with app.app_context():
        now = utcnow()
        db.session.add_all(
            [
                mail.SentMail(job_id=1, digest="a", sent_at=now - timedelta(days=8)),
                mail.SentMail(job_id=2, digest="b", sent_at=now),
            ]
        )
        db.session.commit()
        assert mail.forget_sent(now) == "1 deleted"
        assert [m.job_id for m in db.session.scalars(select(mail.SentMail))] == [2]
