"""Mail goes over real SMTP, and only once the change it announces has committed."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

from campaign import mail
from campaign.clock import utcnow
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
    assert message["From"] == "Kuchikomi <no-reply@kuchikomi.invalid>"
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
    [failure] = [r for r in caplog.records if r.getMessage().startswith("inline job send")]
    assert isinstance(failure.exc_info[1], mail.MailError)  # it was tried, and failed inside the job
