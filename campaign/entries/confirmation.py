"""The email a customer gets when their entry is received: the private status link, in their language.

Sent through the outbox (mail.send_after_commit), so it leaves only if the entry commits."""

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from campaign import mail
from campaign.entries import status_links
from campaign.entries.models import Entry


def send_confirmation(entry: Entry) -> None:
    """Call in the request that created the entry, before its commit (the campaign always asks for an
    email; an entry without one gets no mail)."""
    if not entry.email:
        return
    token = status_links.status_token(current_app.secret_key, entry.public_id)
    status_url = url_for("submissions.status", token=token, _external=True)
    locale = entry.locale if entry.locale in ("ja", "en") else "ja"
    with force_locale(locale):
        text = render_template(
            "entries/email_received.txt", entry=entry, status_url=status_url, locale=locale
        )
    subject, _, body = text.strip().partition("\n")
    mail.send_after_commit(entry.email, subject.strip(), body.strip() + "\n")
