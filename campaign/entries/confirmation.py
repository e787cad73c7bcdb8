"""The email a customer gets when their entry is received: the private status link, in their language.

Rendered and sent by the entry's intake job (`received.after_entry_received`), not in the customer's
request: the job's outbox row is written in the entry's own transaction, so the mail leaves only if the
entry commits, and a retried job finds the mail it sent already (`mail.send`)."""

from flask import render_template
from flask_babel import force_locale

from campaign import mail
from campaign.entries.models import Entry


def confirmation_text(entry: Entry, status_url: str) -> tuple[str, str]:
    """(subject, body) of the mail, in the entry's language."""
    locale = entry.locale if entry.locale in ("ja", "en") else "ja"
    with force_locale(locale):
        text = render_template(
            "entries/email_received.txt", entry=entry, status_url=status_url, locale=locale
        )
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_confirmation(entry: Entry, status_url: str) -> None:
    """Sends it now (call from a job); an entry without an email gets no mail."""
    if not entry.email:
        return
    subject, body = confirmation_text(entry, status_url)
    mail.send(entry.email, subject, body)
