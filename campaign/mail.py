"""Outgoing email over SMTP. The embedded default (MAIL_BACKEND=log) writes mails to the log instead.

Features call `send_after_commit(...)`: the message leaves only if the change it announces commits, and
it is sent by a job (inline or on an RQ worker), never inside the customer's request. A mail sent by a job
is recorded under the job's outbox row (`sent_mails`, committed as soon as the server took it): a retry of
that job (its worker killed before the row was deleted, say) finds the record and does not send it again.
"""

import hashlib
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import Flask, current_app
from sqlalchemy import Integer, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from campaign import jobs, outbox
from campaign.clock import utcnow
from campaign.config import mail_from_problem
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime

log = logging.getLogger(__name__)


def base_url() -> str:
    """Where every link in a mail points: KUCHIKOMI_PUBLIC_BASE_URL, never the request's Host header, which
    a client chooses (a forged one put a stranger's site in a genuine winner's mail: a security probe's
    find)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def link(endpoint: str, **values) -> str:
    """An absolute link to `endpoint` for a mail, on `base_url` (the app's routes, no request needed)."""
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)


def sender_unusable() -> bool:
    """True while mail really leaves (smtp) from no real address (KUCHIKOMI_MAIL_FROM unset, say): the
    campaign pages would name it to customers as the only sender of winners' mail, so no launch. With the
    log backend (the embedded default, its demo, a staging server) nothing reaches a customer's inbox, and
    production does not start without a real sender (`config.production_problems`)."""
    config = current_app.config
    return config["MAIL_BACKEND"] == "smtp" and mail_from_problem(config["MAIL_FROM"]) is not None


SENT_KEPT = timedelta(days=7)  # a job is retried hours after a failure at most; its record outlives that


class SentMail(db.Model):
    """A mail the server accepted, by the outbox job that sent it and what it said: a job may send several
    mails, and SQLite gives a finished job's id to the next row, so the id alone would silence new mail."""

    __tablename__ = "sent_mails"

    job_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of recipient, subject, text
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def _digest(job_id: int | None, to: str, subject: str, text: str) -> str:
    """What a mail said, to whom, from which job: the job's creation time is in it, because SQLite gives a
    finished job's id to the next row, and the same mail from a new job (an approver told again that
    entries wait, once the list was emptied and filled) was taken for a retry and never sent."""
    row = db.session.get(outbox.OutboxJob, job_id) if job_id is not None else None
    made = row.created_at.isoformat() if row is not None else ""
    return hashlib.sha256("\0".join((made, to, subject, text)).encode()).hexdigest()


class MailError(Exception):
    """The SMTP server refused or could not be reached; the job is retried on a worker."""


def build_message(to: str, subject: str, text: str, *, html: str | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((config["MAIL_FROM_NAME"], config["MAIL_FROM"]))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())  # RFC 5322 requires it; spam filters weigh its absence
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Sends now, unless this job sent it already. A job function: plain string arguments, so RQ can carry
    them."""
    job_id = outbox.running_job()
    digest = _digest(job_id, to, str(subject), str(text))
    if job_id is not None and db.session.get(SentMail, (job_id, digest)) is not None:
        log.info("mail of job %d to %s was sent already: not sent again", job_id, to)
        return
    _deliver(to, subject, text, html)
    if job_id is not None:
        db.session.add(SentMail(job_id=job_id, digest=digest, sent_at=utcnow()))
        db.session.commit()


def _deliver(to: str, subject: str, text: str, html: str | None) -> None:
    message = build_message(to, subject, text, html=html)
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        log.info("mail (not sent, MAIL_BACKEND=log) to %s: %s\n%s", to, subject, text)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send mail to the SMTP server: {exc}") from exc


def send_after_commit(to: str, subject: str, text: str, html: str | None = None) -> None:
    jobs.after_commit(send, to, str(subject), str(text), None if html is None else str(html))


def forget_sent(now: datetime) -> str:
    """The periodic duty: records older than SENT_KEPT (their jobs are long done) go."""
    gone = db.session.execute(delete(SentMail).where(SentMail.sent_at < now - SENT_KEPT)).rowcount
    db.session.commit()
    return f"{gone} deleted"


def init_app(app: Flask) -> None:
    from campaign import schedule

    schedule.add_duty(app, "sent-mails-forget", timedelta(days=1), forget_sent)
    backend = app.config["MAIL_BACKEND"]
    if backend not in ("log", "smtp"):
        raise ValueError(f"MAIL_BACKEND must be 'log' or 'smtp', not {backend!r}")
    if backend == "log":
        _show_logged_mail()


def _show_logged_mail() -> None:
    """With the log backend the log line is the mail: it must reach stderr even when nothing configured
    logging (Python's default drops INFO), or a demo's winner never sees the claim link and notice code."""
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        log.addHandler(logging.StreamHandler())  # stderr, as `flask run` and gunicorn print
        log.propagate = False  # printed once, even if Flask's own handler is added to "campaign" later
